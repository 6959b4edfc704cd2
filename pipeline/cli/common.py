"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from ..errors import SecorError
from ..settings import Settings, SourceSettings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    return click.option("--config", "config", type=click.Path(dir_okay=False),
                        help="TOML settings file (see secor.example.toml). Defaults apply without it.")(func)


def source_option(func: F) -> F:
    return click.option("--source", "source", type=click.Path(file_okay=False),
                        help="Folder of .xlsx/.csv workbooks (local mode). Overrides [source] path.")(func)


def out_option(func: F) -> F:
    return click.option("--out", "out", type=click.Path(file_okay=False),
                        help="Output folder (default: outputs/, or [output] in the config).")(func)


def as_of_option(func: F) -> F:
    return click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
                        help="Compute as of this date (default: today in the company's time zone).")(func)


def settings_for(config: str | None, source: str | None = None, out: str | None = None) -> Settings:
    """Settings from the config file, with --source and --out applied over it."""
    settings = load_settings(config)
    if source:
        settings = settings.replace(source=SourceSettings(**{**settings.source.__dict__, "backend": "local",
                                                              "path": source}))
    if out:
        settings = settings.replace(output=out)
    return settings


def parse_as_of(text: str | None) -> date | None:
    """--as-of as a date; a clear error when it is not YYYY-MM-DD."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SecorError(f"--as-of '{text}' is not a date.", fix="Write it as YYYY-MM-DD, e.g. 2026-10-31.") from None
