"""The fleet file (``fleet.toml``): which client companies one consultant runs, and where their outputs go.

::

    [fleet]
    out = "outputs"                 # each client's outputs: <out>/clients/<name>/, never shared
    workers = 2                     # clients worked on at once (one process each)
    consultant_email = ["me@consultancy.example"]
    clients_folder = "clients/"     # every clients/<name>/secor.toml and clients/<name>.toml is a client

    [[client]]
    name = "prairie-hydrovac"
    config = "clients/prairie/secor.toml"
    source = "records/prairie"      # optional: a local records folder instead of the config's [source]
    out = "elsewhere/prairie"       # optional: instead of <out>/clients/<name>/

    [email]                         # the consultant's SMTP, used by every client whose config sets none
    host = "smtp.consultancy.example"

    [google]
    requests_per_minute = 50        # the service account's Sheets budget, shared by every Google client
    credentials = "key.json"        # with [fleet] portfolio_spreadsheet: the consultant's Portfolio tab

Relative paths are read from the fleet file's folder. Every mistake is a SecorError naming the file, the entry
and the fix. Reading a client's own config is not done here: that happens in the client's own process
(:mod:`pipeline.fleet.run`), so one broken client config never stops the others.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import SecorError
from ..settings import EmailSettings, GoogleSettings, _build, _one_of, _password_env

FLEET_FILE = "fleet.toml"
QUOTA_FILE = "google-quota.json"  # beside the clients' folders: the one budget every Google client draws on
CLIENTS_DIR = "clients"
# A client's name becomes a folder name and a portfolio row: letters, digits, spaces, dots, dashes, underscores.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$")
_FLEET_KEYS = {"out", "workers", "consultant_email", "clients_folder", "timezone", "portfolio_spreadsheet"}
# [google] of the fleet file: the shared budget, and how the consultant's own spreadsheet is reached.
_GOOGLE_KEYS = {"requests_per_minute", "credentials", "api_endpoint", "timeout_seconds", "max_attempts",
                "max_retry_seconds"}
_CLIENT_KEYS = {"name", "config", "source", "out"}
_TOP_KEYS = {"fleet", "client", "email", "google", "clients_folder"}
_EMAIL_NOT_HERE = {"to", "alerts_to"}  # whose mail: each client's own config, and [fleet] consultant_email


@dataclass(frozen=True)
class Client:
    """One client company of the fleet. Paths are absolute."""

    name: str  # the fleet's name for it: its output folder and its portfolio row
    config: Path  # its own secor.toml
    out: Path  # its outputs and job state, never shared with another client
    source: Path | None = None  # a local records folder overriding the config's [source]
    entry: str = ""  # where it was described, for messages: "fleet.toml [[client]] 2" or "clients/acme/secor.toml"


@dataclass(frozen=True)
class FleetConfig:
    """The parsed fleet file. ``email`` is the consultant's SMTP; None when the file has no [email]."""

    path: Path
    out: Path
    clients: tuple[Client, ...]
    workers: int = 2
    consultant_email: tuple[str, ...] = ()
    email: EmailSettings | None = None
    email_keys: frozenset[str] = frozenset()  # the [email] keys the fleet file sets
    requests_per_minute: int | None = None  # [google]: the shared Sheets budget
    timezone: str = "America/Edmonton"  # the consultant's: the portfolio's date
    problems: tuple[str, ...] = field(default=())  # clients_folder entries that are not clients, said once
    portfolio_spreadsheet: str = ""  # [fleet]: the consultant's spreadsheet for the Portfolio tab ("" = none)
    google: GoogleSettings = field(default_factory=GoogleSettings)  # [google]: how that spreadsheet is reached
    credentials: str = ""  # [google] credentials: the service-account key file (the clients' one)

    @property
    def quota_file(self) -> Path:
        return self.out / QUOTA_FILE


def _error(path: Path, where: str, problem: str, fix: str) -> SecorError:
    return SecorError(f"fleet file '{path}', {where}: {problem}", fix=fix)


def _path(base: Path, value: str) -> Path:
    p = Path(os.path.expanduser(value))
    return p if p.is_absolute() else base / p


def _text(path: Path, where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _error(path, where, f"'{key}' must be text in quotes.", f'Write it like {key} = "..." .')
    return value


def _unknown(path: Path, where: str, data: dict[str, Any], known: set[str]) -> None:
    extra = sorted(set(data) - known)
    if extra:
        raise _error(path, where, f"unknown setting '{extra[0]}'.",
                     f"Known settings here: {', '.join(sorted(known))}. See docs/fleet.md.")


def load_fleet(path: str | Path | None = None) -> FleetConfig:
    """The fleet file at ``path`` (default ./fleet.toml), checked; clients in file order, then clients_folder's."""
    p = Path(path or FLEET_FILE)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SecorError(f"fleet file '{p}' not found.",
                         fix="Write one (see docs/fleet.md), or give its path with --fleet.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecorError(f"fleet file '{p}' cannot be read: {exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SecorError(f"fleet file '{p}' is not valid TOML: {exc}.", fix="See docs/fleet.md for an example."
                         ) from None
    return fleet_from_dict(data, p)


def fleet_from_dict(data: dict[str, Any], path: Path) -> FleetConfig:
    """A FleetConfig from parsed TOML; ``path`` is the file (its folder is where relative paths start)."""
    base = path.absolute().parent
    _unknown(path, "top level", data, _TOP_KEYS)
    fleet = data.get("fleet", {})
    if not isinstance(fleet, dict):
        raise _error(path, "[fleet]", "must be a section.", "Write [fleet] on a line of its own, settings below.")
    _unknown(path, "[fleet]", fleet, _FLEET_KEYS)
    out = _path(base, _text(path, "[fleet]", "out", fleet.get("out", "outputs")))
    workers = fleet.get("workers", 2)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise _error(path, "[fleet]", f"'workers' is {workers!r}; it must be a whole number, 1 or more.",
                     "Use the number of processor cores, e.g. workers = 2.")
    consultant = fleet.get("consultant_email", ())
    consultant = (consultant,) if isinstance(consultant, str) else consultant
    if not isinstance(consultant, (list, tuple)) or not all(isinstance(a, str) and "@" in a for a in consultant):
        raise _error(path, "[fleet]", "'consultant_email' must be a list of addresses.",
                     'Write it like consultant_email = ["you@consultancy.example"].')
    timezone = _text(path, "[fleet]", "timezone", fleet.get("timezone", "America/Edmonton"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _error(path, "[fleet]", f"unknown time zone '{timezone}'.", "Use a name like America/Edmonton."
                     ) from None
    email, keys = _email(path, base, data.get("email"))
    rpm, google, credentials = _google(path, base, data.get("google"))
    portfolio = fleet.get("portfolio_spreadsheet")
    portfolio = _text(path, "[fleet]", "portfolio_spreadsheet", portfolio) if portfolio is not None else ""
    if portfolio and not credentials:
        raise _error(path, "[fleet]", "'portfolio_spreadsheet' is set but [google] has no 'credentials'.",
                     'Add [google] credentials = "path/to/key.json" (the service account the clients share).')
    folder = data.get("clients_folder", fleet.get("clients_folder"))
    clients = list(_entries(path, base, out, data.get("client", [])))
    found, problems = ([], []) if folder is None else _folder_clients(
        path, _path(base, _text(path, "[fleet]", "clients_folder", folder)), out)
    clients.extend(found)
    if not clients:
        raise _error(path, "[fleet]", "no clients.",
                     'Add a [[client]] entry (name, config) or clients_folder = "clients/" (see docs/fleet.md).')
    _distinct(path, clients)
    return FleetConfig(path, out, tuple(clients), workers, tuple(consultant), email, keys, rpm, timezone,
                       tuple(problems), portfolio, google, credentials)


def _email(path: Path, base: Path, section: Any) -> tuple[EmailSettings | None, frozenset[str]]:
    if section is None:
        return None, frozenset()
    if not isinstance(section, dict):
        raise _error(path, "[email]", "must be a section.", "See docs/fleet.md.")
    wrong = sorted(_EMAIL_NOT_HERE & set(section))
    if wrong:
        raise _error(path, "[email]", f"'{wrong[0]}' does not belong in the fleet file.",
                     "Each client's owner goes in that client's own config ([email] to); your own address goes in "
                     "[fleet] consultant_email.")
    try:
        settings: EmailSettings = _build(EmailSettings, section, "email.")
        _one_of("email.security", settings.security, ("starttls", "ssl", "none"))
        _password_env(settings.password_env)
    except SecorError as exc:
        raise _error(path, "[email]", exc.message, "See secor.example.toml for the [email] settings.") from None
    if settings.ca_file:
        settings = replace(settings, ca_file=str(_path(base, settings.ca_file)))
    return settings, frozenset(section)


def _google(path: Path, base: Path, section: Any) -> tuple[int | None, GoogleSettings, str]:
    if section is None:
        return None, GoogleSettings(), ""
    if not isinstance(section, dict):
        raise _error(path, "[google]", "must be a section.", "See docs/fleet.md.")
    _unknown(path, "[google]", section, _GOOGLE_KEYS)
    key_file = section.get("credentials")
    credentials = "" if key_file is None else str(_path(base, _text(path, "[google]", "credentials", key_file)))
    transport = {k: v for k, v in section.items() if k not in ("credentials", "requests_per_minute")}
    try:
        google: GoogleSettings = _build(GoogleSettings, transport, "google.")
    except SecorError as exc:
        raise _error(path, "[google]", exc.message, "See secor.example.toml for the [google] settings.") from None
    rpm = section.get("requests_per_minute")
    if rpm is None:
        return None, google, credentials
    if isinstance(rpm, bool) or not isinstance(rpm, int) or rpm < 0:
        raise _error(path, "[google]", f"'requests_per_minute' is {rpm!r}; it must be a whole number, 0 or more.",
                     "Google allows one service account 60 requests a minute (300 per project): e.g. "
                     "requests_per_minute = 50; 0 paces nothing.")
    return rpm, replace(google, requests_per_minute=rpm), credentials


def _entries(path: Path, base: Path, out: Path, entries: Any) -> list[Client]:
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise _error(path, "[[client]]", "must be a list of [[client]] entries.", "See docs/fleet.md.")
    clients = []
    for i, entry in enumerate(entries, start=1):
        where = f"[[client]] {i}"
        if not isinstance(entry, dict):
            raise _error(path, where, "must be a [[client]] section.", "See docs/fleet.md.")
        name = entry.get("name")
        if isinstance(name, str):
            where = f"[[client]] {i} ('{name}')"
        _unknown(path, where, entry, _CLIENT_KEYS)
        if "name" not in entry or "config" not in entry:
            missing = "name" if "name" not in entry else "config"
            raise _error(path, where, f"has no '{missing}'.",
                         'Each [[client]] needs name = "..." and config = "path/to/its/secor.toml".')
        name = _name(path, where, entry["name"])
        config = _path(base, _text(path, where, "config", entry["config"]))
        source = _path(base, _text(path, where, "source", entry["source"])) if "source" in entry else None
        client_out = _path(base, _text(path, where, "out", entry["out"])) if "out" in entry else None
        clients.append(Client(name, config, client_out or out / CLIENTS_DIR / name, source, f"{path.name} {where}"))
    return clients


def _name(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or value.strip() != value:
        raise _error(path, where, f"name {value!r} cannot be a folder name.",
                     "Use letters, digits, spaces, dots, dashes or underscores (up to 80), starting with a letter "
                     'or digit, e.g. name = "prairie-hydrovac".')
    return value


def _folder_clients(path: Path, folder: Path, out: Path) -> tuple[list[Client], list[str]]:
    """Every ``<folder>/<name>/secor.toml`` and ``<folder>/<name>.toml``, by name."""
    if not folder.is_dir():
        raise _error(path, "clients_folder", f"folder '{folder}' not found.",
                     "Create it with one sub-folder per client holding its secor.toml, or fix the path.")
    clients, problems = [], []
    for item in sorted(folder.iterdir()):
        config = item / "secor.toml" if item.is_dir() else item
        if item.name.startswith("."):
            continue
        if item.is_dir() and not config.is_file():  # a client added without its config: said, not skipped silently
            problems.append(f"'{item}' is skipped: it has no secor.toml (add the client's config there).")
            continue
        if not item.is_dir() and item.suffix != ".toml":
            continue
        name = item.name if item.is_dir() else item.stem
        if not _NAME.match(name):
            problems.append(f"'{item}' is skipped: its name cannot be a folder name (use letters, digits, dashes).")
            continue
        clients.append(Client(name, config, out / CLIENTS_DIR / name, None, str(config)))
    return clients, problems


def _distinct(path: Path, clients: list[Client]) -> None:
    """Two clients never share a name or an output folder (their state, packs and mail would mix)."""
    seen: dict[str, Client] = {}
    outs: dict[Path, Client] = {}
    for c in clients:
        key = c.name.casefold()  # "Acme" and "acme" are one folder on macOS and Windows
        if key in seen:
            raise _error(path, c.entry, f"the name '{c.name}' is also {seen[key].entry}.",
                         "Give every client its own name.")
        seen[key] = c
        out = c.out.resolve()
        if out in outs:
            raise _error(path, c.entry, f"its output folder '{c.out}' is also {outs[out].entry}'s.",
                         "Give every client its own out folder (or leave out unset).")
        outs[out] = c



def only_clients(fleet: FleetConfig, names: tuple[str, ...] | list[str]) -> FleetConfig:
    """The fleet with only the named clients (``--client``); every name must be one of its clients."""
    if not names:
        return fleet
    known = {c.name.casefold(): c for c in fleet.clients}
    unknown = [n for n in names if n.casefold() not in known]
    if unknown:
        raise SecorError(f"'{unknown[0]}' is not a client in fleet file '{fleet.path}'.",
                         fix=f"Use one of: {', '.join(c.name for c in fleet.clients)}.")
    wanted = {n.casefold() for n in names}
    return replace(fleet, clients=tuple(c for c in fleet.clients if c.name.casefold() in wanted))
