"""`secor init --google`: give the office spreadsheet the tabs the pipeline reads."""

from __future__ import annotations

import click

from ..errors import SecorError
from .common import config_option, settings_for


@click.command()
@click.option("--google", "google", is_flag=True,
              help="Add the missing office tabs to the office spreadsheet of [source] (Google mode).")
@config_option
def init(google: bool, config: str | None) -> None:
    """Add a tab with its header row for every office table that no configured spreadsheet has yet.

    The tabs go into the office spreadsheet ([source] dashboard_spreadsheet, else the first of
    [source] spreadsheets). A table already present (as `secor sync` finds it: the name in [tables],
    its name or an alias, or a tab with its columns) is left as it is: no existing tab is ever changed.
    Form response tabs are not added: Google Forms creates them. See docs/google.md.
    """
    if not google:
        raise SecorError("`secor init` needs --google: local mode needs no set-up.",
                         fix="Run `secor init --google --config your.toml`, or `secor demo` for sample workbooks.")
    from ..schema import BY_KEY, OFFICE_TABLES
    from ..sources.google import GoogleSource

    settings = settings_for(config)
    if settings.source.backend != "google":
        raise SecorError("`secor init --google` needs [source] backend = \"google\" in the config file.",
                         fix="See docs/google.md for a complete example.")
    source = GoogleSource.from_settings(settings)
    added, present = source.add_missing_tabs([BY_KEY[k] for k in OFFICE_TABLES], settings)
    target = source.titles.get(source.dashboard_key, source.dashboard_key)
    for line in present:
        click.echo(f"  {line}")
    for line in added:
        click.echo(f"  {line}")
    if added:
        click.echo(f"Added {len(added)} tab(s) to '{target}'. Fill them in, then run `secor doctor --config "
                   f"{config or 'your.toml'}`.")
    else:
        click.echo(f"Nothing to add: every office table already has a tab (office spreadsheet '{target}').")


def register(group: click.Group) -> None:
    if "init" in group.commands:  # pragma: no cover - another module owns `init`
        raise RuntimeError("two `init` commands")
    group.add_command(init)
