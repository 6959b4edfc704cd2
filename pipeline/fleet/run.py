"""Run one job (sync, pack, run --once, doctor) for every client of a fleet, one client per process.

A ``ProcessPoolExecutor`` of ``[fleet] workers`` processes, from the "forkserver" context with one task per
child: every client starts in a fresh process forked from a server that has already imported the pipeline
(so isolation costs no second import), and nothing one client's run left in memory (logging handlers,
caches) can reach another. A client's failure comes back as text on its row (:func:`run_client`); a process
that dies outright (out of memory) is retried once on its own, then reported on its row. The rows, never
the records, go to the portfolio.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .client import KINDS, ClientJob, ClientResult, run_client
from .config import FleetConfig
from .portfolio import ClientRow

# Imported once by the fork server, so each client's fresh process starts with them loaded.
PRELOAD = ["pipeline.fleet.client", "jobs.sync", "jobs.pack", "jobs.scheduler", "jobs.mail",
           "pipeline.outputs.summary", "pipeline.outputs.xlsx", "pipeline.outputs.pack"]


@dataclass(frozen=True)
class FleetResult:
    """Every client's result, in the fleet file's order, and the portfolio files written."""

    kind: str
    results: tuple[ClientResult, ...]
    portfolio: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    workers: int = 1
    portfolio_problem: str = ""  # the portfolio could not be written (every client's work is done)

    @property
    def rows(self) -> tuple[ClientRow, ...]:
        return tuple(r.row for r in self.results)

    @property
    def failed(self) -> tuple[ClientResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.portfolio_problem


def client_jobs(fleet: FleetConfig, kind: str, *, month: str | None = None, send: bool = False,
                as_of: date | None = None) -> list[ClientJob]:
    """One job per client of the fleet."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    env, cwd = dict(os.environ), os.getcwd()
    return [ClientJob(kind, c, fleet.email, fleet.email_keys, fleet.requests_per_minute, str(fleet.quota_file),
                      month, send, as_of, env, cwd) for c in fleet.clients]


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)  # only read when the server starts (once per command)
        return ctx
    return multiprocessing.get_context("spawn")  # Windows, macOS without forkserver


def _crashed(job: ClientJob, exc: BaseException) -> ClientResult:
    text = f"its process stopped before finishing ({type(exc).__name__}: {exc or 'no message'}); " \
           f"out of memory, or killed. Run it alone to see why: --client {job.client.name}"
    return ClientResult(ClientRow(client=job.client.name, company="", error=text), False)


def run_jobs(jobs: Sequence[ClientJob], workers: int, on_result: Callable[[ClientResult], None] | None = None,
             work: Callable[[ClientJob], ClientResult] = run_client) -> list[ClientResult]:
    """Each job in its own fresh process, ``workers`` at a time; results in the jobs' order.

    ``work`` (a module-level function: it is pickled) is :func:`run_client` but in tests.
    """
    results: dict[int, ClientResult] = {}
    broken: list[int] = []
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs) or 1)), mp_context=_context(),
                             max_tasks_per_child=1) as pool:
        futures: dict[Future[ClientResult], int] = {pool.submit(work, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except Exception:  # a process died: the pool fails every job still waiting with it
                broken.append(i)
                continue
            if on_result is not None:
                on_result(results[i])
    if broken:  # again, each alone in its own pool: the one that dies again takes no other client with it
        with ThreadPoolExecutor(max_workers=max(1, workers)) as threads:
            for i, result in zip(sorted(broken), threads.map(lambda i: _alone(jobs[i], work), sorted(broken)),
                                 strict=True):
                results[i] = result
                if on_result is not None:
                    on_result(result)
    return [results[i] for i in range(len(jobs))]


def _alone(job: ClientJob, work: Callable[[ClientJob], ClientResult]) -> ClientResult:
    with ProcessPoolExecutor(max_workers=1, mp_context=_context(), max_tasks_per_child=1) as pool:
        try:
            return pool.submit(work, job).result()
        except Exception as exc:
            return _crashed(job, exc)


def run_fleet(fleet: FleetConfig, kind: str, *, month: str | None = None, send: bool = False,
              as_of: date | None = None, workers: int | None = None, portfolio: bool = True,
              on_result: Callable[[ClientResult], None] | None = None) -> FleetResult:
    """``kind`` for every client of ``fleet``, then (``portfolio``, not for doctor) the portfolio.

    Never raises for a client: each one's failure is on its result.
    """
    t0 = time.perf_counter()
    used = workers or fleet.workers
    results = run_jobs(client_jobs(fleet, kind, month=month, send=send, as_of=as_of), used, on_result)
    written: tuple[Path, ...] = ()
    notes = list(fleet.problems)
    problem = ""
    if kind != "doctor" and portfolio:
        today = as_of or datetime.now(ZoneInfo(fleet.timezone)).date()
        packed = sorted({r.packed for r in results if r.packed})
        # `fleet pack --send` mails it; `fleet run` once per month, after the first client's pack of that month.
        mail_month = packed[-1] if kind == "run" and packed and not _portfolio_mailed(fleet, packed[-1]) else ""
        try:
            written, said, mailed = write_portfolio(fleet, [r.row for r in results], today,
                                                    send=(send and kind == "pack") or bool(mail_month))
        except Exception as exc:  # every client's work is done; the command says so and fails
            from jobs.runner import error_text

            problem = f"the portfolio could not be written under {fleet.out}: {error_text(exc)}"
            said, mailed = [problem], False
        notes.extend(said)
        if mailed and mail_month:
            try:
                _record_portfolio_mailed(fleet, mail_month)
            except OSError as exc:  # mailed; next month's first pack is the next mailing either way
                notes.append(f"the portfolio mailing could not be recorded in {fleet.out / PORTFOLIO_STATE}: {exc}")
    return FleetResult(kind, tuple(results), written, tuple(notes), time.perf_counter() - t0, used, problem)


PORTFOLIO_STATE = Path("state") / "portfolio.json"  # under [fleet] out: the months whose portfolio was mailed


def _portfolio_mailed(fleet: FleetConfig, month: str) -> bool:
    import json

    try:
        data = json.loads((fleet.out / PORTFOLIO_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and month in (data.get("mailed") or {})


def _record_portfolio_mailed(fleet: FleetConfig, month: str) -> None:
    import json

    from pipeline.outputs.files import write_atomic

    path = fleet.out / PORTFOLIO_STATE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    mailed = dict(data.get("mailed") or {}) if isinstance(data, dict) else {}
    mailed[month] = datetime.now(ZoneInfo(fleet.timezone)).isoformat(timespec="seconds")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps({"mailed": mailed}, indent=2) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------- the portfolio


def write_portfolio(fleet: FleetConfig, rows: list[ClientRow], as_of: date, *,
                    send: bool = False) -> tuple[tuple[Path, ...], list[str], bool]:
    """The consultant's portfolio under ``[fleet] out``: portfolio.xlsx and portfolio.pdf, risk first; with
    ``send`` the PDF is mailed to ``consultant_email``. Returns what was written, notes, and whether it went."""
    from pipeline.fleet.portfolio import portfolio_rows
    from pipeline.outputs import portfolio as outputs

    fleet.out.mkdir(parents=True, exist_ok=True)
    ordered = portfolio_rows(rows, as_of)
    written = [outputs.write_portfolio_xlsx(ordered, fleet.out / "portfolio.xlsx", as_of),
               outputs.write_portfolio_pdf(ordered, fleet.out / "portfolio.pdf", as_of)]
    notes: list[str] = []
    mailed = False
    if send and fleet.consultant_email:
        if fleet.email is None:
            notes.append("portfolio not mailed: the fleet file needs an [email] section (the consultant's SMTP).")
        else:
            email = replace(fleet.email, to=fleet.consultant_email, enabled=True)
            try:
                outputs.send_portfolio(email, written[-1], ordered, as_of)
            except Exception as exc:  # the clients' packs went out; this is said, and retried next month's run
                from jobs.runner import error_text

                notes.append(f"portfolio not mailed to {', '.join(fleet.consultant_email)}: {error_text(exc)}")
            else:
                mailed = True
                notes.append(f"portfolio mailed to {', '.join(fleet.consultant_email)}")
    if fleet.portfolio_spreadsheet:
        notes.append(_portfolio_tab(fleet, ordered, as_of))
    return tuple(Path(p) for p in written), notes, mailed


def _portfolio_tab(fleet: FleetConfig, rows: Sequence[ClientRow], as_of: date) -> str:
    """The Portfolio tab of the consultant's spreadsheet, paced under the fleet's shared quota; a failure is
    said on its line (the xlsx and PDF are written either way)."""
    from jobs.runner import error_text
    from pipeline.outputs.portfolio import write_portfolio_tab
    from pipeline.sources.google import GoogleSource, load_credentials

    google = replace(fleet.google, quota_file=str(fleet.quota_file))
    try:
        source = GoogleSource([fleet.portfolio_spreadsheet], load_credentials(fleet.credentials), google,
                              timezone=fleet.timezone)
        return write_portfolio_tab(source, None, rows, as_of)
    except Exception as exc:  # one line on the fleet's report; the clients' work is done
        return f"Portfolio tab not written: {error_text(exc)}"

