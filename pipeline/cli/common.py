"""Options and helpers shared by the commands."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import SecorError
from ..settings import Settings, SourceSettings, load_settings

DEFAULT_CONFIG = "secor.toml"  # read from the current folder when --config is not given
# (section, key) of the settings that are paths: relative ones are read from the config file's folder.
PATH_SETTINGS = (("", "output"), ("source", "path"), ("source", "credentials"), ("email", "ca_file"))

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    return click.option("--config", "config", type=click.Path(dir_okay=False),
                        help="TOML settings file (see secor.example.toml); default: ./secor.toml if there is one, "
                             "else the built-in defaults. Relative paths in it (source path, output, credentials, "
                             "ca_file) are read from the config file's folder.")(func)


def source_option(func: F) -> F:
    return click.option("--source", "source", type=click.Path(file_okay=False),
                        help="Folder of .xlsx/.csv workbooks (local mode). Overrides [source] path.")(func)


def out_option(func: F) -> F:
    return click.option("--out", "out", type=click.Path(file_okay=False),
                        help="Output folder (default: outputs/, or [output] in the config).")(func)


def as_of_option(func: F) -> F:
    return click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
                        help="Compute as of this date (default: today in the company's time zone).")(func)


def config_path(config: str | None) -> Path | None:
    """The config to read: --config, else ./secor.toml when it exists, else None (the defaults)."""
    if config:
        return Path(config)
    here = Path(DEFAULT_CONFIG)
    return here if here.is_file() else None


def paths_from_config_folder(settings: Settings, config: Path) -> Settings:
    """``settings`` with each relative path that ``config`` sets made relative to the config's folder.

    So `secor run --config /etc/secor/secor.toml` reads `path = "records"` as /etc/secor/records
    whatever folder it is started from. Paths the file does not set keep their defaults (relative to
    the current folder); ``~`` is the user's home.
    """
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):  # load_settings has said it already
        return settings
    base = config.absolute().parent
    for section, key in PATH_SETTINGS:
        table = data.get(section, {}) if section else data
        value = table.get(key) if isinstance(table, dict) else None
        if not isinstance(value, str) or not value:
            continue
        path = Path(os.path.expanduser(value))
        resolved = str(path if path.is_absolute() else base / path)
        if section:
            part = getattr(settings, section)
            settings = settings.replace(**{section: dataclasses.replace(part, **{key: resolved})})
        else:
            settings = settings.replace(**{key: resolved})
    return settings


def settings_for(config: str | None, source: str | None = None, out: str | None = None) -> Settings:
    """Settings from the config file (see :func:`config_path`), with --source and --out applied over it.

    --source and --out are relative to the current folder, like any command-line path.
    """
    path = config_path(config)
    if path is not None and not config:
        click.echo(f"(settings from ./{DEFAULT_CONFIG}: no --config given)", err=True)
    settings = load_settings(path)
    if path is not None:
        settings = paths_from_config_folder(settings, path)
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
