"""Google mode: the tabs of the configured Google Sheets spreadsheets, read with a service account.

Requests per spreadsheet read, whatever its number of tabs or rows:

1. ``spreadsheets.get`` with ``fields=sheets.properties,properties.title,properties.timeZone``
   (tab names, no cells);
2. one ``spreadsheets.values.batchGet`` of every tab, ``valueRenderOption=UNFORMATTED_VALUE`` and
   ``dateTimeRenderOption=SERIAL_NUMBER``.

Dates therefore arrive as Sheets serial numbers (days since 1899-12-30, the
same as Excel). A serial has no zone: it is wall-clock time in the
spreadsheet's time zone (File > Settings), the zone Forms also writes its
Timestamps in. Every :class:`Tab` carries that zone (``Tab.timezone``) and the
normaliser converts Timestamp columns from it to the company's ``timezone``;
when the two differ it is also said in ``secor doctor`` and logged.

A spreadsheet that cannot be read for a reason the office must fix (not shared,
wrong key, API disabled, not a Google Sheet) is one sentence in
``Workbook.problems``; the others are still read. Google not answering
(:class:`GoogleUnavailable`: retries or the time budget used up, or a
``Retry-After`` longer than allowed) stops the read and raises: a partial read
must not replace good dashboards. A refused key, which would fail every request,
raises too.

``[google] max_retry_seconds`` is the time budget of one whole operation: the
read of every spreadsheet, or the dashboard write (see
:meth:`RetryingHTTPClient.operation`).

Every request waits for a slot of the Sheets quota budget first (``[google]
requests_per_minute`` over ``window_seconds``), shared by every process that names
the same ``[google] quota_file`` (pipeline/sources/quota.py; a fleet's clients).

The pipeline's own tabs (``Dashboard*``, see ``pipeline.outputs.dashboard.TAB_NAMES``)
are not read back as sources.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import stat
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gspread.exceptions import APIError

from ..errors import SecorError
from ..outputs.dashboard import TAB_NAMES
from ..settings import GoogleSettings
from .base import Tab, Workbook, add_tabs
from .google_http import DEFAULT_ROOT, GoogleUnavailable, KeyRefused, RetryingHTTPClient, RetryPolicy, explain
from .local import tab_from_rows
from .quota import limiter_from

log = logging.getLogger(__name__)

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
META_FIELDS = "sheets.properties,properties.title,properties.timeZone"
READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
               "majorDimension": "ROWS"}
SHEETS_URL = "https://docs.google.com/spreadsheets/d/{key}/edit"

_URL_KEY = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")


def spreadsheet_key(text: str) -> str:
    """The key of a spreadsheet given as its key or its browser URL."""
    t = text.strip()
    m = _URL_KEY.search(t)
    if m:
        return m.group(1)
    if _KEY.match(t):
        return t
    raise SecorError(
        f"'{text}' in [source] spreadsheets is neither a spreadsheet URL nor a key.",
        fix="Copy the URL from the browser's address bar (https://docs.google.com/spreadsheets/d/<key>/edit).")


def sheet_range(title: str) -> str:
    """A whole tab in A1 notation: its title quoted, inner quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def load_credentials(path: str | os.PathLike[str]) -> Any:
    """Service-account credentials from a key file; warns when others can read the file.

    The token URI comes from the key file (google-auth reads ``token_uri``).
    """
    from google.oauth2 import service_account

    if not str(path):
        raise SecorError("[source] credentials is not set: Google mode needs a service-account key file.",
                         fix="Set credentials = \"path/to/key.json\" under [source]; see docs/google.md.")
    p = Path(path).expanduser()
    if not p.is_file():
        raise SecorError(f"service-account key file '{p}' not found.",
                         fix="Download a JSON key for the service account (docs/google.md, step 4) and set "
                             "[source] credentials to its path.")
    mode = p.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("service-account key file %s can be read by other users of this machine; "
                    "run: chmod 600 %s", p, p)
    try:
        return service_account.Credentials.from_service_account_file(str(p), scopes=list(SCOPES))
    except Exception as exc:  # ValueError, KeyError, JSON and key-parsing errors all mean "not a usable key"
        raise SecorError(f"'{p}' is not a usable service-account key file ({type(exc).__name__}: {exc}).",
                         fix="Download a new JSON key: Google Cloud console > IAM & Admin > Service Accounts > "
                             "Keys > Add key > JSON.") from None


def check_settings(google: GoogleSettings) -> None:
    """``[google]`` values that cannot work, as a SecorError naming the setting (not a traceback at sync)."""
    for name, value, rule in (("timeout_seconds", google.timeout_seconds, "more than 0"),
                              ("max_attempts", google.max_attempts, "at least 1"),
                              ("max_retry_seconds", google.max_retry_seconds, "more than 0")):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (
            value >= 1 if name == "max_attempts" else value > 0)
        if not ok:
            raise SecorError(f"[google] {name} is {value!r}; it must be {rule}.",
                             fix=f"Set {name} under [google] (the default is "
                                 f"{getattr(GoogleSettings, name)!r}), or remove it.")
    rpm = google.requests_per_minute
    if isinstance(rpm, bool) or not isinstance(rpm, int) or rpm < 0:
        raise SecorError(f"[google] requests_per_minute is {rpm!r}; it must be a whole number, 0 or more.",
                         fix="Set requests_per_minute under [google] (the default 50 stays under Google's 60 a "
                             "minute per service account; 0 paces nothing), or remove it.")
    window = google.window_seconds
    if isinstance(window, bool) or not isinstance(window, (int, float)) or window <= 0:
        raise SecorError(f"[google] window_seconds is {window!r}; it must be more than 0.",
                         fix="Set window_seconds under [google] (the default is 60, Google's minute), or remove it.")
    if google.max_retry_seconds < google.timeout_seconds:
        raise SecorError(
            f"[google] max_retry_seconds ({google.max_retry_seconds:g}) is less than timeout_seconds "
            f"({google.timeout_seconds:g}): it is the time a whole read or dashboard write may take, so it must "
            "leave room for at least one request.",
            fix="Raise max_retry_seconds (default 120) or lower timeout_seconds (default 30).")


def policy_from(google: GoogleSettings, **overrides: Any) -> RetryPolicy:
    """The transport's policy from the ``[google]`` settings (checked first)."""
    check_settings(google)
    endpoint = google.api_endpoint.rstrip("/")
    host = endpoint.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if not endpoint.startswith("https://") and not (endpoint.startswith("http://")
                                                    and host in ("127.0.0.1", "localhost", "::1", "[::1]")):
        raise SecorError(f"[google] api_endpoint '{google.api_endpoint}' must start with https:// "
                         "(plain http is only allowed to this machine, for tests).")
    if "quota" not in overrides:
        overrides["quota"] = limiter_from(google.requests_per_minute, google.window_seconds, google.quota_file)
    return RetryPolicy(api_endpoint=endpoint, timeout_seconds=google.timeout_seconds,
                       max_attempts=google.max_attempts, max_retry_seconds=google.max_retry_seconds,
                       **overrides)


class GoogleSource:
    """Reads the tabs of Google Sheets spreadsheets and writes the Dashboard tabs into one of them."""

    def __init__(self, spreadsheets: Sequence[str], credentials: Any, google: GoogleSettings | None = None, *,
                 dashboard_spreadsheet: str = "", timezone: str | None = None,
                 policy: RetryPolicy | None = None) -> None:
        import gspread

        self.keys = list(dict.fromkeys(spreadsheet_key(s) for s in spreadsheets))
        if not self.keys:
            raise SecorError("[source] spreadsheets is empty: Google mode needs at least one spreadsheet.",
                             fix="List the spreadsheets' URLs: spreadsheets = [\"https://docs.google.com/...\"].")
        self.dashboard_key = spreadsheet_key(dashboard_spreadsheet) if dashboard_spreadsheet else self.keys[0]
        self.credentials = credentials
        self.policy = policy or policy_from(google or GoogleSettings())
        rab_check = "_is_regional_access_boundary_lookup_required"
        if self.policy.api_endpoint != DEFAULT_ROOT and hasattr(credentials, rab_check):
            # google-auth >= 2.5x looks up the account's "regional access boundary" at
            # iamcredentials.googleapis.com in the background after each token refresh. With the API
            # pointed elsewhere (an emulator or a proxy) nothing should go to Google behind its back.
            setattr(credentials, rab_check, lambda: False)
        self.timezone = timezone
        self.client = gspread.Client(credentials, http_client=functools.partial(RetryingHTTPClient,
                                                                                  policy=self.policy))
        self.http: RetryingHTTPClient = self.client.http_client  # type: ignore[assignment]
        self.titles: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> GoogleSource:
        src = settings.source
        check_settings(settings.google)
        credentials = load_credentials(src.credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", ""))
        return cls(src.spreadsheets, credentials, settings.google, dashboard_spreadsheet=src.dashboard_spreadsheet,
                   timezone=settings.timezone, **kwargs)

    @property
    def account(self) -> str:
        """The service account's email: what the spreadsheets must be shared with."""
        return str(getattr(self.credentials, "service_account_email", "the service account"))

    def describe(self) -> str:
        names = ", ".join(f"'{self.titles.get(k, k)}'" for k in self.keys)
        return f"Google Sheets {names} (as {self.account})"

    def url(self, key: str, sheet_id: int | None = None) -> str:
        return SHEETS_URL.format(key=key) + ("" if sheet_id is None else f"#gid={sheet_id}")

    # -- requests ---------------------------------------------------------------------------------------------
    def metadata(self, key: str) -> dict[str, Any]:
        """Title, time zone and tab properties (no cells): one request."""
        meta = self.http.fetch_sheet_metadata(key, params={"fields": META_FIELDS})
        title = meta.get("properties", {}).get("title")
        if title:
            self.titles[key] = title
        return dict(meta)

    def call(self, key: str, fn: Any, *args: Any, write: bool = False, **kwargs: Any) -> Any:
        """Run one request on spreadsheet ``key``, an API error becoming a SecorError that says what to do."""
        try:
            return fn(*args, **kwargs)
        except APIError as exc:
            raise explain(exc, self.titles.get(key, key), self.account, write=write) from None

    def dashboard_access(self) -> str:
        """"Editor" or "Viewer": the service account's role on the dashboard spreadsheet.

        Found without changing anything a person sees: an update of cells in a tab that does not
        exist is refused as invalid (400) for an Editor and as not permitted (403) for a Viewer.
        Raises SecorError when the spreadsheet cannot be opened at all.
        """
        key = self.dashboard_key
        with self.http.operation("checking access to the dashboard spreadsheet"):
            meta = self.call(key, self.metadata, key)
            ids = {int(s.get("properties", {}).get("sheetId", 0)) for s in meta.get("sheets", [])}
            probe = max(ids, default=0) + 1
            body = {"requests": [{"updateCells": {"range": {"sheetId": probe, "startRowIndex": 0, "endRowIndex": 1,
                                                            "startColumnIndex": 0, "endColumnIndex": 1},
                                                  "rows": [], "fields": "userEnteredValue"}}]}
            try:
                self.http.batch_update(key, body)
            except APIError as exc:
                code = exc.response.status_code
                if code == 400:
                    return "Editor"
                if code == 403:
                    return "Viewer"
                raise explain(exc, self.titles.get(key, key), self.account, write=True) from None
        # Google applied it: a tab with that id appeared in between. Nothing was written to it.
        return "Editor"

    def access_lines(self) -> list[str]:
        """For `secor doctor`: whether the Dashboard tabs can be written."""
        title = self.titles.get(self.dashboard_key, self.dashboard_key)
        try:
            role = self.dashboard_access()
        except SecorError as exc:
            return [f"dashboard spreadsheet '{title}': access unknown ({exc.message})"]
        if role == "Editor":
            return [f"dashboard spreadsheet '{title}': {self.account} is an Editor; the Dashboard tabs can be written"]
        return [f"dashboard spreadsheet '{title}': {self.account} is only a Viewer; `secor sync` cannot write the "
                f"Dashboard tabs. Share '{title}' with {self.account} as Editor."]

    # -- reading ----------------------------------------------------------------------------------------------
    def read_spreadsheet(self, key: str) -> tuple[str, list[Tab], str]:
        """(title, tabs, note) of one spreadsheet: two requests."""
        meta = self.call(key, self.metadata, key)
        title = meta.get("properties", {}).get("title") or key
        zone = meta.get("properties", {}).get("timeZone") or None
        grids = [s.get("properties", {}) for s in meta.get("sheets", [])
                 if s.get("properties", {}).get("sheetType", "GRID") == "GRID"]
        names = [p["title"] for p in grids if p.get("title") not in TAB_NAMES]
        skipped = len(grids) - len(names)
        tabs: list[Tab] = []
        if names:
            data = self.call(key, self.http.values_batch_get, key, [sheet_range(n) for n in names],
                             params=dict(READ_PARAMS))
            ranges = data.get("valueRanges", [])
            if len(ranges) != len(names):
                raise SecorError(f"spreadsheet '{title}': Google returned {len(ranges)} tabs for {len(names)} asked.")
            for name, vr in zip(names, ranges, strict=True):
                tabs.append(tab_from_rows(name, title, rectangular(vr.get("values", [])), timezone=zone, book=title))
        note = f"read: {len(tabs)} tab(s)"
        if skipped:
            note += f", {skipped} Dashboard tab(s) not read"
        if zone and self.timezone and not same_zone(zone, self.timezone):
            note += (f"; its time zone is {zone}, not the company's {self.timezone}: Forms timestamps are "
                     f"converted to {self.timezone}, dates are read as written (File > Settings to change it)")
            log.warning("spreadsheet '%s' is in time zone %s, the company in %s", title, zone, self.timezone)
        return title, tabs, note

    def read(self) -> Workbook:
        """Every spreadsheet's tabs, within one time budget; raises when Google does not answer.

        A spreadsheet the office must fix (not shared, wrong key, ...) is a problem and the others are still
        read. :class:`GoogleUnavailable` stops at the first spreadsheet it happens on: findings from a partial
        read would be wrong, so the caller writes nothing and the previous dashboards stay.
        """
        with self.http.operation("the read"):
            return self._read_all()

    def _read_all(self) -> Workbook:
        tabs: list[Tab] = []
        problems: list[str] = []
        opened: list[tuple[str, str]] = []
        for key in self.keys:
            try:
                title, found, note = self.read_spreadsheet(key)
            except KeyRefused:
                raise
            except GoogleUnavailable as exc:
                raise GoogleUnavailable(
                    f"reading spreadsheet '{self.titles.get(key, key)}' stopped: {exc.problem} Nothing was "
                    "written: findings from a partial read would be wrong, so the previous dashboards stay as "
                    "they are.", fix=exc.fix) from None
            except SecorError as exc:
                problems.append(exc.message)
                opened.append((self.titles.get(key, key), "cannot open: " + (exc.fix or exc.problem)))
                continue
            except (ValueError, KeyError, TypeError, AttributeError) as exc:  # not the Sheets API's JSON
                problems.append(f"spreadsheet '{self.titles.get(key, key)}': the answer from "
                                f"{self.policy.api_endpoint} was not what the Sheets API sends ({type(exc).__name__}); "
                                "check [google] api_endpoint.")
                opened.append((self.titles.get(key, key), "cannot open: unexpected answer"))
                continue
            opened.append((title, note))
            add_tabs(tabs, found, problems)
        return Workbook(tuple(tabs), tuple(problems), tuple(opened))

    # -- writing ----------------------------------------------------------------------------------------------
    def write_dashboards(self, sheets: Sequence[Any]) -> list[str]:
        """Rewrite the Dashboard tabs of the dashboard spreadsheet; one line per tab written."""
        from ..outputs.sheets import write_dashboards

        now = datetime.now(ZoneInfo(self.timezone)) if self.timezone else datetime.now().astimezone()
        with self.http.operation("the dashboard write"):
            return write_dashboards(self, self.dashboard_key, sheets, now.replace(tzinfo=None, microsecond=0))

    def add_missing_tabs(self, tables: Iterable[Any], settings: Any) -> tuple[list[str], list[str]]:
        """Add a tab with a header row for each table found in none of the spreadsheets.

        Tables are found as a sync finds them (config, names, headers: see normalise/discovery.py), so
        an office's own "Staff List" with the Workers columns is kept. Returns (added, present) as lines
        for the terminal. Existing tabs are never changed.
        """
        from ..normalise.discovery import discover
        from ..outputs.sheets import add_tabs

        workbook = self.read()
        found = discover(workbook, settings)
        with self.http.operation("adding the tabs"):
            missing, present = [], []
            for table in tables:
                placement = found.chosen.get(table.key)
                if placement is None:
                    missing.append(table)
                else:
                    present.append(f"{table.title}: kept (tab '{placement.tab.name}' in '{placement.tab.origin}')")
            if not missing:
                return [], present
            meta = self.call(self.dashboard_key, self.metadata, self.dashboard_key)
            added = add_tabs(self, self.dashboard_key, meta, [(t.title, [c.title for c in t.columns]) for t in missing])
            return added, present


def rectangular(values: Sequence[Sequence[object]]) -> list[list[object]]:
    """Rows padded to the widest one: the API leaves out trailing empty cells, a workbook reader does not."""
    width = max((len(r) for r in values), default=0)
    return [list(r) + [None] * (width - len(r)) for r in values]


def same_zone(a: str, b: str) -> bool:
    """True when two zone names give the same offsets now and half a year away (aliases such as US/Mountain)."""
    if a == b:
        return True
    try:
        za, zb = ZoneInfo(a), ZoneInfo(b)
    except Exception:
        return False
    now = datetime.now()
    moments = (now, now.replace(month=(now.month + 5) % 12 + 1, day=1))
    return all(za.utcoffset(m) == zb.utcoffset(m) for m in moments)
