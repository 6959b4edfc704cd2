"""`secor pack`: the monthly audit pack."""

from __future__ import annotations

import click

from .common import config_option, out_option, settings_for, source_option


@click.command()
@source_option
@click.option("--month", "month", metavar="YYYY-MM", help="The month to report on, e.g. 2026-10.")
@click.option("--last-month", "last_month", is_flag=True,
              help="The previous calendar month in the company's time zone (what the scheduler runs on the 1st).")
@out_option
@config_option
def pack(source: str | None, month: str | None, last_month: bool, out: str | None, config: str | None) -> None:
    """Write the monthly SECOR audit pack: a PDF by the six elements, plus its findings as JSON and CSV.

    Everything is computed as of the month's last day (today, for the month in
    progress). Writes OUT/packs/YYYY-MM/<company>-audit-pack-YYYY-MM.pdf with
    findings.json, certifications.csv, deficiencies.csv, readiness.csv and
    data-issues.csv beside it, and records-<form>.csv with every record of the month (the PDF lists the first
    1,000 per form), and prints the paths. Give --month or --last-month.
    The PDF engine is WeasyPrint unless [pack] engine = "wkhtmltopdf" (see docs/pack.md).
    """
    from jobs.pack import last_month as previous
    from jobs.pack import run_pack

    from ..errors import SecorError

    if bool(month) == last_month:
        raise SecorError("give either --month YYYY-MM or --last-month.", fix="e.g. secor pack --month 2026-10")
    settings = settings_for(config, source, out)
    result = run_pack(settings, month or previous(settings))
    f = result.findings
    click.echo(f"{f.company}: audit pack for {result.month} as of {f.as_of.isoformat()}, "
               f"{result.pages} pages in {result.seconds:.1f} s. Overall readiness {round(100 * f.overall)}%.")
    for path in result.files:
        click.echo(str(path))


def register(group: click.Group) -> None:
    group.add_command(pack)
