"""`secor demo` and `secor template`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from ..errors import SecorError


@click.command()
@click.option("--out", "out", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the demo workbooks into (created if needed; files in it are replaced).")
@click.option("--workers", default=8, show_default=True, type=click.IntRange(min=8),
              help="People on the Workers tab (over 10 is no longer a small employer).")
@click.option("--months", default=14, show_default=True, type=click.IntRange(min=3),
              help="How many months of records, back from --end.")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed: same seed, same company.")
@click.option("--end", "end", metavar="YYYY-MM-DD",
              help="Last day of records (default: today in America/Edmonton).")
@click.option("--style", type=click.Choice(["template", "forms"]), default="template", show_default=True,
              help="template: our own workbooks. forms: the same records as a real office's Drive holds them.")
def demo(out: str, workers: int, months: int, seed: int, end: str | None, style: str) -> None:
    """Write a demo company (Kowalski Oilfield Services Ltd.) to try the pipeline on.

    With a year of realistic records, some audit problems planted on purpose and some
    messy cells. --style template (the default) writes OUT/secor-records.xlsx (the office
    tabs of sheets_templates/), OUT/form-responses.xlsx (one tab per Google Form) and
    OUT/secor.toml.

    --style forms writes the same records the way a real office keeps them: one response
    file per Google Form ('FLHA (Responses).xlsx', ..., the incident form as a CSV download),
    each with its tab 'Form Responses 1' and the questions as the crew read them;
    'Safety Office.xlsx' with the office's own tab names and wordings and the training matrix
    as a grid; and the OUT/secor.toml an office manager writes after reading docs/records.md.

    Then run `secor doctor --source OUT --config OUT/secor.toml` and
    `secor sync --source OUT --config OUT/secor.toml`.
    """
    from pathlib import Path

    from ..demo import generate_demo

    if end is None:
        last = datetime.now(ZoneInfo("America/Edmonton")).date()
    else:
        try:
            last = date.fromisoformat(end)
        except ValueError:
            raise SecorError(f"--end '{end}' is not a date.", fix="Write it as YYYY-MM-DD, e.g. 2026-10-31.") from None
    company = generate_demo(Path(out), workers=workers, months=months, seed=seed, end=last, style=style)
    click.echo(f"{company.name}: {company.workers} workers, records {company.start} to {company.end}")
    for path in company.paths:
        click.echo(f"wrote {path}")
    if style == "forms":
        click.echo(f"next: secor doctor --source {company.folder} --config {company.config}")
    click.echo(f"next: secor sync --source {company.folder} --config {company.config}")


@click.command()
@click.option("--out", "out", default="sheets_templates", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write secor-records.xlsx and forms.md into.")
def template(out: str) -> None:
    """Write the blank office workbook (secor-records.xlsx) and the Google Forms guide (forms.md).

    The workbook has every office tab with its headers, dropdowns and one example row;
    forms.md lists each form's questions and the header each one produces.
    """
    from pathlib import Path

    from ..templates import write_templates

    for path in write_templates(Path(out)):
        click.echo(f"wrote {path}")


def register(group: click.Group) -> None:
    group.add_command(demo)
    group.add_command(template)
