"""`secor sync` and `secor doctor`."""

from __future__ import annotations

import click

from .common import as_of_option, config_option, out_option, parse_as_of, settings_for, source_option


@click.command()
@source_option
@as_of_option
@out_option
@config_option
def sync(source: str | None, as_of: str | None, out: str | None, config: str | None) -> None:
    """Read every table, compute the findings and write the dashboards.

    Local mode writes OUT/dashboard.xlsx (default outputs/); Google mode rewrites
    the Dashboard tabs of the office spreadsheet. Ends with a short summary.
    Exits 1 when a file or spreadsheet could not be read (the dashboards then say so).
    """
    from jobs.sync import run_sync

    from ..outputs.summary import summary_text

    settings = settings_for(config, source, out)
    result = run_sync(settings, as_of=parse_as_of(as_of))
    click.echo(summary_text(result.findings, result.dataset, result.written))
    if result.problems:
        raise SystemExit(1)


@click.command()
@source_option
@config_option
@out_option
def doctor(source: str | None, config: str | None, out: str | None) -> None:
    """Say, table by table, what was found, which required columns are missing and how many rows each has.

    Exits 1 when a table or a required column is missing.
    """
    from jobs.seen import seen_lines

    from ..normalise import normalise
    from ..outputs.summary import doctor_text
    from ..sources import open_source

    settings = settings_for(config, source, out)
    src = open_source(settings)
    workbook = src.read()
    dataset = normalise(workbook, settings)
    access = src.access_lines() if not workbook.problems else []
    text, ok = doctor_text(src.describe(), workbook, dataset, access, settings)
    click.echo(text)
    for line in seen_lines(settings.output, workbook, dataset):  # what the scheduled runs expect (jobs.seen)
        click.echo(line)
    raise SystemExit(0 if ok else 1)


def register(group: click.Group) -> None:
    group.add_command(sync)
    group.add_command(doctor)
