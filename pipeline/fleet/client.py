"""One client's work, done in that client's own process: its settings, its job, its portfolio row.

Everything here runs in a child process of :mod:`pipeline.fleet.run`, which hands over a picklable
:class:`ClientJob` and gets back a picklable :class:`ClientResult`; nothing else crosses. Any failure
(a config that does not parse, a folder that cannot be read, an SMTP refusal) is caught here and
returned as text on the client's row, so it never stops another client.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import SecorError
from ..settings import EmailSettings, Settings, SourceSettings
from .config import Client
from .portfolio import ClientRow

KINDS = ("sync", "pack", "run", "doctor")


@dataclass(frozen=True)
class ClientJob:
    """What one client's process is asked to do. Picklable: plain values only."""

    kind: str  # one of KINDS
    client: Client
    email: EmailSettings | None = None  # the consultant's SMTP (the fleet file's [email])
    email_keys: frozenset[str] = frozenset()
    requests_per_minute: int | None = None  # [google] of the fleet file: the shared Sheets budget
    quota_file: str = ""
    month: str | None = None  # pack: "YYYY-MM"; None: the client's last month
    send: bool = False  # pack: mail it to the client's owner
    as_of: date | None = None  # sync: compute as of this day (default: today, company time)
    env: dict[str, str] = field(default_factory=dict)  # the parent's environment (SMTP password variables)
    cwd: str = ""


@dataclass(frozen=True)
class ClientResult:
    """What comes back from a client's process: its row, whether all went well, and what to print."""

    row: ClientRow
    ok: bool
    lines: tuple[str, ...] = ()  # details (doctor's report, the scheduler's job lines)
    seconds: float = 0.0
    peak_kb: int = 0  # the client's process at its largest (ru_maxrss), for bench/fleet.py
    cpu_seconds: float = 0.0  # CPU time the client's process used (user + system), for bench/fleet.py
    packed: str = ""  # the month whose pack this run made, "YYYY-MM"


def _usage() -> dict[str, Any]:
    """This process's peak memory and CPU time; nothing on Windows."""
    try:
        import resource
    except ImportError:
        return {}
    use = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_kb": int(use.ru_maxrss), "cpu_seconds": use.ru_utime + use.ru_stime}


# --------------------------------------------------------------------------- the client's settings


def _raw(config: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # load_settings has said what is wrong already


def client_settings(job: ClientJob) -> Settings:
    """The client's own secor.toml, with the fleet's overrides: its output folder (always its own), its
    records folder (``source``, else the config's, else the config's own folder), the consultant's SMTP
    where the client's [email] sets nothing, and the shared Google budget."""
    from ..cli.common import paths_from_config_folder
    from ..settings import load_settings

    client = job.client
    settings = paths_from_config_folder(load_settings(client.config), client.config)
    raw = _raw(client.config)
    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    if client.source is not None:
        settings = settings.replace(source=dataclasses.replace(settings.source, backend="local",
                                                               path=str(client.source)))
    elif settings.source.backend == "local" and "path" not in source:
        # A client folder holding its secor.toml beside its records (clients_folder). Only a secor.toml in a
        # folder of its own: beside clients/<name>.toml are the other clients' files.
        if client.config.name != "secor.toml":
            raise SecorError(f"no records folder for '{client.name}': its config '{client.config}' sets no "
                             "[source] path, and the folder it is in may hold other clients' files.",
                             fix="Add [source] path = \"...\" to that config, or source = \"...\" to its entry "
                                 "in the fleet file, or move it to <folder>/<name>/secor.toml beside its records.")
        settings = settings.replace(source=SourceSettings(**{**settings.source.__dict__,
                                                             "path": str(client.config.absolute().parent)}))
    settings = settings.replace(output=str(client.out))
    if job.email is not None:
        settings = settings.replace(email=_merged_email(job.email, settings.email, raw.get("email")))
    if settings.source.backend == "google":
        settings = settings.replace(google=_shared_quota(settings, job))
    return settings


def _merged_email(fleet: EmailSettings, own: EmailSettings, section: Any) -> EmailSettings:
    """The consultant's SMTP, with whatever the client's own [email] sets on top (its ``to``, at least)."""
    keys = set(section) if isinstance(section, dict) else set()
    return dataclasses.replace(fleet, **{k: getattr(own, k) for k in keys if hasattr(own, k)})


def _shared_quota(settings: Settings, job: ClientJob) -> Any:
    """Every Google client draws on one budget file. The fields come with the shared rate limiter
    (h-quota's GoogleSettings.requests_per_minute and quota_file): set only once they exist."""
    google = settings.google
    changes: dict[str, Any] = {}
    if hasattr(google, "quota_file") and job.quota_file:
        changes["quota_file"] = job.quota_file
    if hasattr(google, "requests_per_minute") and job.requests_per_minute is not None:
        changes["requests_per_minute"] = job.requests_per_minute
    return dataclasses.replace(google, **changes) if changes else google


# --------------------------------------------------------------------------- the row


def top_action(findings: Any) -> str:
    """The plan's first action as "who: what by due", or ""."""
    top = findings.plan.top(1)
    if not top:
        return ""
    a = top[0]
    return f"{a.who_text}: {a.what}" + (f" by {a.due.isoformat()}" if a.due else "")


# The client's own [audit] thresholds the portfolio words its rows with (fields h-portfolio's ClientRow adds;
# set only where the row has them, until that branch merges).
_THRESHOLDS = ("pass_overall", "pass_element", "small_employer_limit", "maintenance_warn_days")


def thresholds(settings: Settings) -> dict[str, Any]:
    """The row fields that carry the client's own [audit] settings."""
    have = {f.name for f in dataclasses.fields(ClientRow)}
    return {k: getattr(settings.audit, k) for k in _THRESHOLDS if k in have}


def client_row(name: str, settings: Settings, findings: Any, *, error: str = "",
               last_sync: datetime | None = None, dashboard: str = "", pack: str = "") -> ClientRow:
    """A client's portfolio row from its Findings."""
    from ..checks.base import FAIL

    worst = min(findings.elements, key=lambda e: (e.readiness, e.element)) if findings.elements else None
    status = {c.id: c.status for c in findings.checks}
    calendar = findings.calendar
    counts = findings.counts
    return ClientRow(
        client=name, company=findings.company, overall=findings.overall,
        worst_element=worst.element if worst else None, worst_readiness=worst.readiness if worst else None,
        meets_pass_rule=findings.meets_pass_rule,
        over_small_employer_limit=(status["S.1"] == FAIL) if "S.1" in status else None,
        next_audit=calendar.next_start.date() if calendar is not None else None,  # overdue stays: most urgent
        audit_status=status.get("S.2", ""),
        expired_tickets=counts.get("expired_tickets"), missing_tickets=counts.get("missing_tickets"),
        overdue_deficiencies=counts.get("overdue_deficiencies"), data_issues=len(findings.issues),
        top_action=top_action(findings), last_sync=last_sync, error=error, dashboard=dashboard, pack=pack,
        **thresholds(settings))


def _state(out: Path) -> Any:
    from jobs.state import load_state, state_path

    if not state_path(out).is_file():
        return None
    try:
        return load_state(out)
    except Exception:  # a state file that cannot be read: the scheduler says so; the row just lacks it
        return None


SYNCED_FILE = "fleet-sync.json"  # when `secor fleet sync` last read this client in full (it writes no job state)


def last_synced(out: str | Path, state: Any) -> datetime | None:
    """The client's last successful sync: by the scheduler (its job state) or by `secor fleet sync`."""
    recorded = None
    try:
        note = json.loads((Path(out) / SYNCED_FILE).read_text("utf-8"))
        recorded = datetime.fromisoformat(note["last_sync_ok"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # never synced by the fleet, or a damaged note: the job state alone says it
    return _latest(getattr(state, "last_sync_ok", None), recorded)


def _record_sync(out: str | Path, when: datetime) -> None:
    from ..outputs.files import write_atomic

    write_atomic(Path(out) / SYNCED_FILE, json.dumps({"last_sync_ok": when.isoformat()}).encode("utf-8"))


def _latest(*times: datetime | None) -> datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _latest_pack(state: Any, out: str) -> str:
    """The latest month's pack: as the job state records it, else as found on disk (`secor pack` by hand)."""
    from jobs.state import packs_on_disk

    if state is not None and state.packs:
        return str(state.packs[max(state.packs)].get("pdf", ""))
    try:
        found = packs_on_disk(out)
    except OSError:
        return ""
    return str(found[max(found)]) if found else ""


def _dashboard(settings: Settings, written: tuple[str, ...] = ()) -> str:
    if written:
        return written[0]
    local = Path(settings.output) / "dashboard.xlsx"
    return str(local) if local.is_file() else ""


# --------------------------------------------------------------------------- the jobs


def _sync(job: ClientJob, settings: Settings) -> ClientResult:
    from jobs.sync import run_sync

    result = run_sync(settings, as_of=job.as_of)
    error = " ".join(result.problems)
    state = _state(settings.output)
    if not error:
        _record_sync(settings.output, datetime.now(settings.zone))
    last = last_synced(settings.output, state)
    row = client_row(job.client.name, settings, result.findings, error=error, last_sync=last,
                     dashboard=_dashboard(settings, result.written), pack=_latest_pack(state, settings.output))
    return ClientResult(row, not error, tuple(f"wrote {w}" for w in result.written))


def _pack(job: ClientJob, settings: Settings) -> ClientResult:
    from jobs.pack import last_month, run_pack

    month = job.month or last_month(settings).key
    result = run_pack(settings, month)
    lines = [f"pack {result.month}: {result.pdf} ({result.pages} pages)"]
    error = ""
    if job.send:
        lines.append(_send(settings, month))
        error = lines[-1] if lines[-1].startswith("not mailed") else ""
    state = _state(settings.output)
    row = client_row(job.client.name, settings, result.findings, error=error,
                     last_sync=last_synced(settings.output, state), dashboard=_dashboard(settings),
                     pack=str(result.pdf))
    return ClientResult(row, not error, tuple(lines), packed=result.month)


def _send(settings: Settings, month: str) -> str:
    from jobs.mail import send_pack
    from jobs.runner import error_text

    if not settings.email.enabled:
        return "not mailed: [email] enabled = false in its config (and the fleet file's)"
    try:
        result = send_pack(settings, month)
    except Exception as exc:  # the pack is made; the mail alone failed: said on the row
        return f"not mailed: {error_text(exc)}"
    return f"mailed {month} to {result.message['To']}"


def _run(job: ClientJob, settings: Settings) -> ClientResult:
    from jobs.logs import configure_logging, prepare_folders
    from jobs.runner import Jobs, error_text, real_pack, real_sync
    from jobs.scheduler import run_once
    from jobs.sync import read_and_audit, today_in

    prepare_folders(settings)
    configure_logging(settings)
    _file_log_only()
    captured: dict[str, Any] = {}

    def sync(s: Settings, as_of: date) -> Any:
        captured["sync"] = real_sync(s, as_of)
        return captured["sync"]

    def pack(s: Settings, month: str) -> Any:
        captured["pack"] = real_pack(s, month)
        return captured["pack"]

    report = run_once(settings, jobs=Jobs(sync=sync, pack=pack))
    state = _state(settings.output)
    failed = [f"{o.job}: {o.error}" for o in report.outcomes if not o.ok]
    error = "; ".join(failed) or _still_failing(state)  # waiting out its backoff: still the row's news
    packed = captured.get("pack")
    figures = dict(last_sync=last_synced(settings.output, state), dashboard=_dashboard(settings),
                   pack=str(packed.pdf) if packed is not None else _latest_pack(state, settings.output))
    synced = captured.get("sync")
    if synced is not None:
        findings = synced.findings
        figures["dashboard"] = _dashboard(settings, tuple(synced.written))
    else:  # nothing read this pass (the day's sync was done, or it failed): today's figures for the row
        try:
            findings = read_and_audit(settings, today_in(settings))[1]
        except Exception as exc:
            row = ClientRow(client=job.client.name, company=settings.company, error=error or error_text(exc),
                            **figures, **thresholds(settings))  # type: ignore[arg-type]
            return ClientResult(row, report.ok, tuple(report.lines()))
    row = client_row(job.client.name, settings, findings, error=error, **figures)
    return ClientResult(row, report.ok, tuple(report.lines()), packed=getattr(packed, "month", "") or "")


def _still_failing(state: Any) -> str:
    """The jobs the client's state says keep failing (each retried after its backoff), as one line."""
    if state is None:
        return ""
    failing = [h for h in state.jobs.values() if h.failures]
    return "; ".join(f"{h.last_error} (failed {h.failures}x, retried after "
                     f"{h.retry_at.isoformat(timespec='minutes') if h.retry_at else 'the next pass'})"
                     for h in failing)


def _file_log_only() -> None:
    """Each client logs to its own OUT/logs/secor.log; the fleet's stderr stays one line per client."""
    import logging

    from jobs.logs import LOGGERS

    for name in LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if getattr(handler, "_secor", False) and not isinstance(handler, logging.FileHandler):
                logger.removeHandler(handler)


def _doctor(job: ClientJob, settings: Settings) -> ClientResult:
    from ..normalise import normalise
    from ..outputs.summary import doctor_text
    from ..sources import open_source

    src = open_source(settings)
    workbook = src.read()
    dataset = normalise(workbook, settings)
    access = src.access_lines() if not workbook.problems else []
    text, ok = doctor_text(src.describe(), workbook, dataset, access, settings)
    from jobs.seen import seen_lines

    lines = (*text.splitlines(), *seen_lines(settings.output, workbook, dataset))  # as `secor doctor` prints
    wrong = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(("MISSING", "problem:", "STOPPED"))
             or "only a Viewer" in ln]
    row = ClientRow(client=job.client.name, company=settings.company, error="" if ok else "; ".join(wrong),
                    **thresholds(settings))
    return ClientResult(row, ok, lines)


_JOBS = {"sync": _sync, "pack": _pack, "run": _run, "doctor": _doctor}


def run_client(job: ClientJob) -> ClientResult:
    """Do ``job`` for its client; never raises (but for Ctrl-C): a failure comes back as the row's error."""
    from jobs.runner import error_text

    t0 = time.perf_counter()
    if job.env:  # a forkserver child has the environment of when the server started: take the caller's
        os.environ.clear()
        os.environ.update(job.env)
    if job.cwd:
        os.chdir(job.cwd)
    company = ""
    try:
        if job.kind not in _JOBS:
            raise SecorError(f"unknown fleet job '{job.kind}'.", fix=f"Use one of: {', '.join(KINDS)}.")
        if not job.client.config.is_file():
            raise SecorError(f"its config '{job.client.config}' is not there.",
                             fix=f"Fix config in {job.client.entry}, or restore the file.")
        settings = client_settings(job)
        company = settings.company
        result = _JOBS[job.kind](job, settings)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # anything at all: this client's row says it, the others go on
        row = ClientRow(client=job.client.name, company=company, error=error_text(exc) or type(exc).__name__)
        return ClientResult(row, False, (), time.perf_counter() - t0, **_usage())
    return dataclasses.replace(result, seconds=time.perf_counter() - t0, **_usage())
