"""`secor pack`: the monthly audit pack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import config_option, out_option, settings_for, source_option

if TYPE_CHECKING:
    from ..outputs.pack.month import Month
    from ..settings import Settings


@click.command()
@source_option
@click.option("--month", "month", metavar="YYYY-MM", help="The month to report on, e.g. 2026-10.")
@click.option("--last-month", "last_month", is_flag=True,
              help="The previous calendar month in the company's time zone (what the scheduler runs on the 1st).")
@click.option("--for", "audience", type=click.Choice(["owner", "auditor"]), default="owner", show_default=True,
              help="owner: the monthly pack. auditor: the auditor's copy, a neutral index of the evidence by "
                   "element (no readiness figures, check verdicts or action list), for the owner to hand over.")
@click.option("--window", "window", type=click.Choice(["month", "12-months"]), default=None,
              help="With --for auditor: the month given (default), or the audit's 12 months ending with it.")
@out_option
@config_option
def pack(source: str | None, month: str | None, last_month: bool, audience: str, window: str | None,
         out: str | None, config: str | None) -> None:
    """Write the monthly SECOR audit pack: a PDF by the six elements, plus its findings as JSON and CSV.

    Everything is computed as of the month's last day (today, for the month in
    progress). Writes OUT/packs/YYYY-MM/<company>-audit-pack-YYYY-MM.pdf with
    findings.json, certifications.csv, deficiencies.csv, readiness.csv and
    data-issues.csv beside it, and records-<form>.csv with every record of the month (the PDF lists the first
    1,000 per form), and prints the paths. Give --month or --last-month.
    The PDF engine is WeasyPrint unless [pack] engine = "wkhtmltopdf" (see docs/pack.md).

    With --for auditor it writes the auditor's copy instead, for the month or, with --window 12-months, the
    12 months ending with it: OUT/packs/auditor/<Company> SECOR evidence YYYY-MM..YYYY-MM.pdf. It is not
    mailed; the owner hands it over at audit time.
    """
    from jobs.pack import last_month as previous
    from jobs.pack import run_pack

    from ..errors import SecorError

    if bool(month) == last_month:
        raise SecorError("give either --month YYYY-MM or --last-month.", fix="e.g. secor pack --month 2026-10")
    if window and audience != "auditor":
        raise SecorError("--window is for the auditor's copy.", fix="Add --for auditor, or leave --window out.")
    settings = settings_for(config, source, out)
    if audience == "auditor":
        _auditor_copy(settings, month or previous(settings), window or "month")
        return
    result = run_pack(settings, month or previous(settings))
    f = result.findings
    click.echo(f"{f.company}: audit pack for {result.month} as of {f.as_of.isoformat()}, "
               f"{result.pages} pages in {result.seconds:.1f} s. Overall readiness {round(100 * f.overall)}%.")
    for path in result.files:
        click.echo(str(path))


def _auditor_copy(settings: Settings, month: str | Month, window: str) -> None:
    from jobs.pack import run_auditor_copy

    copy = run_auditor_copy(settings, month, window=window)
    click.echo(f"{copy.findings.company}: auditor's copy for {copy.period} as of {copy.findings.as_of.isoformat()}, "
               f"{copy.pages} pages in {copy.seconds:.1f} s (not mailed).")
    click.echo(str(copy.pdf))


def register(group: click.Group) -> None:
    group.add_command(pack)
