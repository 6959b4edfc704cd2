"""`secor fleet sync|pack|run|doctor`: one job for every client company of a consultant's fleet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def fleet_option(func: F) -> F:
    func = click.option("--client", "only", multiple=True, metavar="NAME",
                        help="Only this client (its name in the fleet file); repeat for several.")(func)
    func = click.option("--workers", type=click.IntRange(min=1),
                        help="Clients worked on at once, one process each (default: [fleet] workers).")(func)
    return click.option("--fleet", "fleet_file", default="fleet.toml", show_default=True,
                        type=click.Path(dir_okay=False),
                        help="The fleet file: the clients and where their outputs go (see docs/fleet.md).")(func)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{round(100 * value)}%"


def client_line(result: Any) -> str:
    """One line for one client: OK with its headline, or FAILED with what went wrong."""
    row = result.row
    name = f"{row.client} ({row.company})" if row.company and row.company != row.client else row.client
    if not result.ok:
        return f"{name}: FAILED: {row.error or 'see its log'}"
    if row.error:  # nothing failed in this pass, but a job is waiting out its backoff
        return f"{name}: OK this pass; still failing: {row.error}"
    if row.overall is None:
        return f"{name}: OK"
    rule = "meets the pass rule" if row.meets_pass_rule else "below the pass rule"
    extra = "; OVER THE SMALL-EMPLOYER LIMIT" if row.over_small_employer_limit else ""
    return (f"{name}: OK, {_pct(row.overall)} overall, weakest element {row.worst_element} "
            f"{_pct(row.worst_readiness)}, {rule}{extra}")


def _finish(result: Any, *, details: bool = False) -> None:
    """Print the clients (in fleet order), the portfolio and the total; exit 1 naming who failed."""
    for r in result.results:
        click.echo(client_line(r))
        for line in r.lines if details else ():
            click.echo(f"    {line}")
    for note in result.notes:
        click.echo(note)
    for path in result.portfolio:
        click.echo(f"portfolio: {path}")
    failed = [r.row.client for r in result.failed]
    total = len(result.results)
    click.echo(f"{total} client(s) in {result.seconds:.1f} s with {result.workers} worker(s): "
               f"{total - len(failed)} ok, {len(failed)} failed" + (f" ({', '.join(failed)})" if failed else "."))
    if failed or result.portfolio_problem:
        raise SystemExit(1)


def _run(fleet_file: str, kind: str, workers: int | None, only: tuple[str, ...], **kwargs: Any) -> Any:
    from ..fleet.config import load_fleet, only_clients
    from ..fleet.run import run_fleet

    # Some clients only: the portfolio (every client's row) is left as it was, not rewritten with a few rows.
    return run_fleet(only_clients(load_fleet(fleet_file), only), kind, workers=workers, portfolio=not only,
                     **kwargs)


@click.group()
def fleet() -> None:
    """Run the jobs for every client company of a consultant, from one fleet file (fleet.toml).

    Each client has its own config (its secor.toml), records, outputs (<out>/clients/<name>/),
    job state and owner; one client's failure never stops the others, and the command then
    exits 1 naming it. The portfolio (one row per client) is written under [fleet] out.
    See docs/fleet.md.
    """


@fleet.command("sync")
@fleet_option
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Compute as of this date (default: each client's today).")
def fleet_sync(fleet_file: str, workers: int | None, only: tuple[str, ...], as_of: str | None) -> None:
    """Sync every client: read its records and write its dashboards, then the portfolio.

    One line per client (OK with its readiness, or FAILED with why). Exits 1 when any
    client failed (a folder or spreadsheet that could not be read, a config that does not parse).
    """
    from .common import parse_as_of

    _finish(_run(fleet_file, "sync", workers, only, as_of=parse_as_of(as_of)))


@fleet.command("pack")
@fleet_option
@click.option("--month", "month", metavar="YYYY-MM", help="The month to report on, e.g. 2026-10.")
@click.option("--last-month", "last_month", is_flag=True,
              help="The previous calendar month in each client's time zone.")
@click.option("--send", is_flag=True,
              help="Mail each client's pack to its owner ([email] to of its config) and the portfolio to "
                   "[fleet] consultant_email.")
def fleet_pack(fleet_file: str, workers: int | None, only: tuple[str, ...], month: str | None, last_month: bool,
               send: bool) -> None:
    """Write every client's monthly audit pack under <out>/clients/<name>/packs/, then the portfolio.

    Give --month or --last-month. With --send each pack is mailed to that client's owner
    (a refusal is shown on that client's line; the other clients are still mailed).
    Exits 1 when any client's pack (or its mail) failed.
    """
    from ..errors import SecorError
    from ..outputs.pack import parse_month

    if bool(month) == last_month:
        raise SecorError("give either --month YYYY-MM or --last-month.", fix="e.g. secor fleet pack --last-month")
    if month:
        parse_month(month)
    _finish(_run(fleet_file, "pack", workers, only, month=month, send=send))


@fleet.command("run")
@fleet_option
@click.option("--once", is_flag=True, help="One pass for every client, then exit: for cron or a systemd timer.")
def fleet_run(fleet_file: str, workers: int | None, only: tuple[str, ...], once: bool) -> None:
    """Run each client's scheduler: what is due now (sync, missed packs, unsent emails), by its own job state.

    Each client keeps its own state, retries and log (<out>/clients/<name>/state/, logs/),
    exactly as `secor run --once` for that client would. With --once: one pass, then exit
    (1 if any client's job failed). Without: a pass every minute until Ctrl-C.
    """
    if once:
        _finish(_run(fleet_file, "run", workers, only))
        return
    import time

    try:
        while True:
            result = _run(fleet_file, "run", workers, only)
            for r in result.failed:
                click.echo(client_line(r), err=True)
            time.sleep(max(1.0, 60.0 - time.time() % 60))
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
        raise SystemExit(130) from None


@fleet.command("doctor")
@fleet_option
@click.option("--details", is_flag=True, help="Also print each client's full `secor doctor` report.")
def fleet_doctor(fleet_file: str, workers: int | None, only: tuple[str, ...], details: bool) -> None:
    """Check every client's config and records: one line per client, OK or what is wrong.

    The same checks as `secor doctor` (tables found, required columns, sharing in Google mode).
    Exits 1 when any client has a problem; --details prints the full report of each.
    """
    _finish(_run(fleet_file, "doctor", workers, only), details=details)


def register(group: click.Group) -> None:
    group.add_command(fleet)
