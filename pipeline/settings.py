"""Settings: defaults in code, overrides from a TOML file (see secor.example.toml).

Secrets never live here: the SMTP password is read from the environment
variable that ``[email] password_env`` names, and the Google key from the file
that ``[source] credentials`` points to.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SecorError


@dataclass(frozen=True)
class SourceSettings:
    """Where the tables come from."""

    backend: str = "local"  # "local" | "google"
    path: str = "demo"  # local: folder of .xlsx/.csv
    spreadsheets: tuple[str, ...] = ()  # google: keys or URLs
    credentials: str = ""  # google: service-account key file
    dashboard_spreadsheet: str = ""  # google: where the Dashboard tabs go (default: the first)


@dataclass(frozen=True)
class AuditSettings:
    """Thresholds of the checks; each is explained in secor.example.toml."""

    expiry_warning_days: int = 60
    lookback_months: int = 12
    due_days_out_of_service: int = 7
    due_days_default: int = 30
    duplicate_window_minutes: int = 10
    generic_site_words: tuple[str, ...] = (
        "various", "all sites", "shop", "yard", "site", "field", "n/a", "na", "same", "same as above",
        "see above", "multiple", "misc", "-", "location",
    )
    generic_site_share: float = 0.2  # E2.4: Warn while generic/copy-pasted FLHAs are at most this share, Fail above
    copy_paste_min_sites: int = 3  # same hazards text on FLHAs of >= this many sites ...
    copy_paste_min_days: int = 5  # ... or on >= this many different days
    vague_ticket_words: tuple[str, ...] = (
        "as required", "as needed", "tbd", "to be determined", "various", "n/a", "na", "none", "other",
        "misc", "required", "if required", "see supervisor", "?", "-",
    )
    management_roles: tuple[str, ...] = (
        "owner", "president", "manager", "supervisor", "foreman", "superintendent", "general manager",
        "operations manager", "safety coordinator", "director", "lead hand",
    )
    management_months_required: float = 1.0  # at least one management activity per month
    toolbox_interval_days: int = 14
    toolbox_repeat_weeks: int = 8
    notes_similarity: float = 0.9  # notes at least this similar count as the same
    small_employer_limit: int = 10
    partner: str = "ACSA"
    partner_tickets: tuple[str, ...] = ("CSTS", "Standard First Aid")
    pass_overall: float = 0.80
    pass_element: float = 0.50
    maintenance_warn_days: int = 60
    shortfall_warn_share: float = 0.1  # graded checks: Pass at 0, Warn up to this share short, Fail above
    inspection_pass_ratio: float = 0.9  # E4.2: an item passes with this share of its periods inspected
    inspection_warn_ratio: float = 0.75  # E4.2: ... and warns down to this share
    notes_min_chars: int = 20  # E5.4: shorter toolbox notes are not compared for copy-paste
    flha_training_words: tuple[str, ...] = (
        "flha", "field level hazard", "hazard assessment", "hazard identification", "hazard id", "jsea", "jha",
    )
    vague_root_causes: tuple[str, ...] = (
        "unknown", "n/a", "na", "none", "tbd", "-", "same", "same as above", "see above", "see description",
        "human error", "worker error", "operator error", "not paying attention", "carelessness", "accident",
        "bad luck",
    )
    # The action plan's dates when a record gives none (docs/checks.md, "The action plan"): days from the as-of date.
    action_days_certificate: int = 30  # S.1 over the small-employer limit: plan the move to COR
    action_days_fail: int = 14  # an action that settles a failed check (a missing ticket, a root cause)
    action_days_warn: int = 30  # an action that settles a Warn
    near_misses_min: int = 1  # E6.2: near misses the window should hold


@dataclass(frozen=True)
class GoogleSettings:
    """Google Sheets API access."""

    api_endpoint: str = "https://sheets.googleapis.com"
    timeout_seconds: float = 30.0
    max_attempts: int = 6
    max_retry_seconds: float = 120.0
    # One budget for every process of a fleet (docs/google.md, "Quota"): 50 stays under Google's 60 per minute
    # per service account; 0 paces nothing. quota_file shares it between processes ("": this run only).
    requests_per_minute: int = 50
    window_seconds: float = 60.0
    quota_file: str = ""


@dataclass(frozen=True)
class PackSettings:
    """The monthly PDF audit pack."""

    engine: str = "weasyprint"  # "weasyprint" | "wkhtmltopdf"


@dataclass(frozen=True)
class ScheduleSettings:
    """When the scheduler runs the jobs (company time)."""

    sync_at: str = "06:00"
    pack_day: int = 1
    failure_alert_after: int = 3


@dataclass(frozen=True)
class EmailSettings:
    """How the pack reaches the owner."""

    enabled: bool = False
    to: tuple[str, ...] = ()
    alerts_to: tuple[str, ...] = ()  # office, told once when a job keeps failing
    sender: str = ""
    subject: str = "{company} SECOR audit pack {month}"
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"  # "starttls" | "ssl" | "none"
    username: str = ""
    password_env: str = "SECOR_SMTP_PASSWORD"
    ca_file: str = ""  # extra CA bundle to trust (self-signed relay); system CAs otherwise
    timeout_seconds: float = 30.0
    data_timeout_seconds: float = 600.0  # wait for the answer to the message itself (RFC 5321: 10 minutes)


@dataclass(frozen=True)
class RemindersSettings:
    """Reminders before things lapse (docs/reminders.md), sent after the daily sync."""

    enabled: bool = False
    thresholds: tuple[int, ...] = (60, 30, 7, 0)  # days before a ticket expires (or a document's review is due)
    due_soon_days: int = 7  # a deficiency or corrective action due within this many days
    audit_thresholds: tuple[int, ...] = (90, 60, 30)  # days before the next SECOR maintenance audit (S.2)
    office: tuple[str, ...] = ()  # the office's addresses; default [email] alerts_to, else [email] to
    off: tuple[str, ...] = ()  # names (as on Workers) or addresses that get no reminders
    weekly_day: str = "Monday"  # the office's weekly digest of what changed; "" for none


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Frozen: the core never changes it."""

    company: str = "Demo Company"
    timezone: str = "America/Edmonton"
    date_order: str = "MDY"  # order of text dates like 11/21/2026: "MDY" (Forms, US) or "DMY"
    output: str = "outputs"
    source: SourceSettings = field(default_factory=SourceSettings)
    # table key -> tab names to look for, e.g. {"flha": ("Form Responses 1",)}
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # table key -> {column key -> extra header aliases}
    headers: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # table key -> {column key -> {office wording -> canonical value}}, on top of the built-in synonyms
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    audit: AuditSettings = field(default_factory=AuditSettings)
    google: GoogleSettings = field(default_factory=GoogleSettings)
    pack: PackSettings = field(default_factory=PackSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    reminders: RemindersSettings = field(default_factory=RemindersSettings)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def replace(self, **changes: Any) -> Settings:
        """A copy with top-level fields changed."""
        return dataclasses.replace(self, **changes)


_SECTIONS = {"source", "audit", "google", "pack", "schedule", "email", "reminders"}


def _coerce(value: Any, hint: Any, where: str) -> Any:
    text = str(hint)
    if text.startswith("tuple"):
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            raise SecorError(f"'{where}' must be a list.", fix="Write it as [\"a\", \"b\"].")
        return tuple(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise SecorError(f"'{where}' must be true or false.")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SecorError(f"'{where}' must be a whole number.")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SecorError(f"'{where}' must be a number.")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise SecorError(f"'{where}' must be text in quotes.")
        return value
    return value


def _build(cls: type, data: dict[str, Any], prefix: str) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise SecorError(
                f"unknown setting '{prefix}{key}'.",
                fix=f"Known settings here: {', '.join(sorted(known))}. See secor.example.toml.",
            )
        kwargs[key] = _coerce(value, hints[key], prefix + key)
    return cls(**kwargs)


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Settings from parsed TOML; unknown keys and wrong types are a SecorError."""
    from .schema import BY_KEY

    top: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise SecorError(f"'[{key}]' must be a section.")
            cls = {f.name: f for f in fields(Settings)}[key].default_factory  # type: ignore[misc]
            top[key] = _build(cls, value, f"{key}.")
        elif key in ("tables", "headers", "values") and not isinstance(value, dict):
            raise SecorError(f"'[{key}]' must be a section.", fix="See secor.example.toml.")
        elif key == "tables":
            mapping: dict[str, tuple[str, ...]] = {}
            for table, names in value.items():
                if table not in BY_KEY:
                    raise SecorError(f"'[tables] {table}' is not a table.", fix=f"Use one of: {', '.join(BY_KEY)}.")
                mapping[table] = _coerce(names, tuple[str, ...], f"tables.{table}")
            top["tables"] = mapping
        elif key == "headers":
            headers: dict[str, dict[str, tuple[str, ...]]] = {}
            for table, cols in value.items():
                if table not in BY_KEY:
                    raise SecorError(f"'[headers.{table}]' is not a table.", fix=f"Use one of: {', '.join(BY_KEY)}.")
                known = {c.key for c in BY_KEY[table].columns}
                for col, names in cols.items():
                    if col not in known:
                        raise SecorError(
                            f"'[headers.{table}] {col}' is not a column of {BY_KEY[table].title}.",
                            fix=f"Use one of: {', '.join(sorted(known))}.",
                        )
                    headers.setdefault(table, {})[col] = _coerce(names, tuple[str, ...], f"headers.{table}.{col}")
            top["headers"] = headers
        elif key == "values":
            top["values"] = _values(value)
        else:
            top[key] = value
    settings = _build(Settings, top, "")
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SecorError(f"unknown time zone '{settings.timezone}'.", fix="Use a name like America/Edmonton.") from None
    if settings.date_order not in ("MDY", "DMY"):
        raise SecorError("'date_order' must be \"MDY\" or \"DMY\".")
    _validate(settings)
    return settings


def _values(data: dict[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    """[values.<table>.<column>] "office wording" = "Canonical": checked against the schema's choices."""
    from .normalise.cells import choice_key
    from .schema import BY_KEY, Kind

    mappable = {t.key: {c.key: c for c in t.columns if c.kind in (Kind.CHOICE, Kind.YESNO)} for t in BY_KEY.values()}
    tables_with = ", ".join(k for k, cols in mappable.items() if cols)
    out: dict[str, dict[str, dict[str, str]]] = {}
    for table, cols in data.items():
        if table not in BY_KEY or not mappable[table]:
            raise SecorError(f"'[values.{table}]' is not a table with choices.", fix=f"Use one of: {tables_with}.")
        if not isinstance(cols, dict):
            raise SecorError(f"'[values.{table}]' must hold one section per column, e.g. "
                             f"[values.{table}.{next(iter(mappable[table]))}].")
        for col, mapping in cols.items():
            column = mappable[table].get(col)
            if column is None:
                listed = "; ".join(f"{k} ({', '.join(c.choices or ('Yes', 'No'))})" for k, c in mappable[table].items())
                raise SecorError(f"'[values.{table}.{col}]': {BY_KEY[table].title} has no choice column '{col}'.",
                                 fix=f"Use one of: {listed}.")
            if not isinstance(mapping, dict):
                raise SecorError(f"'[values.{table}] {col}' must be a section of \"wording\" = \"Value\" lines, "
                                 f"e.g. [values.{table}.{col}].")
            allowed = column.choices or ("Yes", "No")
            canonical = {choice_key(a): a for a in allowed}
            for wording, target in mapping.items():
                shown = json.dumps(target, ensure_ascii=False)  # not always text: a number, a list
                line = f"[values.{table}.{col}] {toml_string(wording)} = {shown}"
                found = canonical.get(choice_key(target)) if isinstance(target, str) else None
                if found is None:
                    raise SecorError(f"'{line}': {shown} is not a {column.title} of {BY_KEY[table].title}.",
                                     fix=f"Use one of: {', '.join(allowed)}.")
                out.setdefault(table, {}).setdefault(col, {})[wording] = found
    return out


def _one_of(where: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SecorError(f"'{where}' is \"{value}\"; it must be one of: {', '.join(allowed)}.")


def _positive(where: str, value: float) -> None:
    if value <= 0:
        raise SecorError(f"'{where}' must be more than 0 (it is {value}).")


# [audit] settings that are a share, written as a fraction (0.8 is 80 %).
_SHARES = ("pass_overall", "pass_element", "generic_site_share", "shortfall_warn_share", "inspection_pass_ratio",
           "inspection_warn_ratio", "notes_similarity")
# [audit] counts (days, minutes, weeks, sites, people...) and the least each can be.
_LEAST = {"expiry_warning_days": 0, "due_days_out_of_service": 0, "due_days_default": 0,
          "duplicate_window_minutes": 0, "copy_paste_min_sites": 1, "copy_paste_min_days": 1,
          "management_months_required": 0, "toolbox_interval_days": 1, "toolbox_repeat_weeks": 0,
          "small_employer_limit": 1, "maintenance_warn_days": 0, "notes_min_chars": 0, "near_misses_min": 0,
          "action_days_certificate": 0, "action_days_fail": 0, "action_days_warn": 0}


def _share(where: str, value: float) -> None:
    if 0 <= value <= 1:
        return
    hint = f" Write {value / 100:g} for {value:g}%." if 1 < value <= 100 else ""
    raise SecorError(f"'{where}' is {value:g}, but it is a share from 0 to 1 (0.8 means 80%).{hint}")


def _at_least(where: str, value: float, least: int, fix: str = "") -> None:
    if value < least:
        raise SecorError(f"'{where}' is {value:g}; it must be {least} or more.{' ' + fix if fix else ''}")


def _password_env(value: str) -> None:
    # Never echoed: a value that is not a variable name is most likely the password itself.
    if value and not (value.isascii() and value.replace("_", "a").isalnum() and not value[0].isdigit()):
        raise SecorError(
            "'email.password_env' is not the name of an environment variable (its value is not shown: it may be "
            "the password itself).",
            fix="Write the variable's name, e.g. password_env = \"SECOR_SMTP_PASSWORD\", and put the password in "
                "that variable (docs/scheduling.md); change the password if the config was shared.")


def _ranges(settings: Settings) -> None:
    """Numbers of the right type but out of range: a share written as a percentage, a negative day count."""
    for name in _SHARES:
        _share(f"audit.{name}", getattr(settings.audit, name))
    for name, least in _LEAST.items():
        _at_least(f"audit.{name}", getattr(settings.audit, name), least)
    _at_least("google.requests_per_minute", settings.google.requests_per_minute, 0, "0 turns pacing off.")
    _at_least("schedule.failure_alert_after", settings.schedule.failure_alert_after, 0, "0 turns the alert off.")
    if not 1 <= settings.email.port <= 65535:
        raise SecorError(f"'email.port' is {settings.email.port}; it must be from 1 to 65535 (587 or 465, usually).")


def _reminder_days(cfg: RemindersSettings) -> None:
    """Thresholds are whole days, 0 or more (0: the day it lapses)."""
    for name in ("thresholds", "audit_thresholds"):
        for value in getattr(cfg, name):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SecorError(f"'reminders.{name}' holds {value!r}; each must be a whole number of days, 0 or more.",
                                 fix=f"Write it like {name} = [60, 30, 7, 0].")
    _at_least("reminders.due_soon_days", cfg.due_soon_days, 0)
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "")
    if cfg.weekly_day.strip().lower() not in days:
        raise SecorError(f"'reminders.weekly_day' is \"{cfg.weekly_day}\".",
                         fix='Write a day like "Monday", or "" for no weekly digest.')


def _validate(settings: Settings) -> None:
    """Values that parse but cannot work: a clear error now rather than a failure at 6 a.m."""
    _one_of("source.backend", settings.source.backend, ("local", "google"))
    _one_of("pack.engine", settings.pack.engine, ("weasyprint", "wkhtmltopdf"))
    _one_of("email.security", settings.email.security, ("starttls", "ssl", "none"))
    for where, value in (("google.timeout_seconds", settings.google.timeout_seconds),
                         ("google.max_attempts", settings.google.max_attempts),
                         ("google.max_retry_seconds", settings.google.max_retry_seconds),
                         ("google.window_seconds", settings.google.window_seconds),
                         ("email.timeout_seconds", settings.email.timeout_seconds),
                         ("email.data_timeout_seconds", settings.email.data_timeout_seconds),
                         ("audit.lookback_months", settings.audit.lookback_months)):
        _positive(where, value)
    hh, _, mm = settings.schedule.sync_at.partition(":")
    if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60 and len(mm) == 2):
        raise SecorError(f"'schedule.sync_at' is \"{settings.schedule.sync_at}\"; write a time like \"06:00\".")
    if not 1 <= settings.schedule.pack_day <= 28:
        raise SecorError("'schedule.pack_day' must be a day from 1 to 28 (every month has it).")
    _ranges(settings)
    _reminder_days(settings.reminders)
    _password_env(settings.email.password_env)


def toml_string(text: str) -> str:
    """Text as a quoted TOML string, for config lines printed ready to paste (JSON strings are TOML strings)."""
    return json.dumps(text, ensure_ascii=False)


def load_settings(path: str | Path | None) -> Settings:
    """Settings from a TOML file, or the defaults when ``path`` is None."""
    if path is None:
        return Settings()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SecorError(f"config file '{p}' not found.", fix="Copy secor.example.toml and edit it.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SecorError(f"config file '{p}' is not valid TOML: {exc}.") from None
    return settings_from_dict(data)
