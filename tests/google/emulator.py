"""A Google Sheets API v4 emulator: a real HTTP server on 127.0.0.1 for the Google-mode tests.

What it does, like Google:

* ``POST /token``: the OAuth 2 JWT-bearer exchange. The assertion's RS256
  signature is verified with the public key of the test key, and its ``iss``,
  ``aud``, ``scope`` and ``exp`` are checked; an access token comes back. API
  calls without a token it issued get 401 UNAUTHENTICATED.
* Every API call is matched against the official discovery document
  (``googleapiclient``'s cached ``sheets.v4.json``, loaded at run time): the
  HTTP method and path must be a documented method, every query parameter must
  be documented (with a valid enum value), and a JSON body must use only the
  field names and enum values of the request schema; anything else is a
  Google-shaped 400 INVALID_ARGUMENT.
* ``spreadsheets.get`` (with the ``fields`` mask), ``values.batchGet``,
  ``values.batchUpdate`` (RAW and USER_ENTERED), ``values.batchClear`` and
  ``spreadsheets.batchUpdate`` (addSheet, deleteSheet, updateSheetProperties,
  updateCells, repeatCell, updateDimensionProperties, setBasicFilter), applied
  atomically: one refused request leaves the spreadsheet unchanged.
* Errors as Google writes them: 403 PERMISSION_DENIED for a spreadsheet not
  shared with the caller, 403 with ErrorInfo reason SERVICE_DISABLED when the
  API is off, 404 NOT_FOUND, 400 for grid-limit and duplicate-tab mistakes.

Cells keep what the user (or API) entered (``userEnteredValue``: string,
number, bool or formula), the format and note, so tests can tell a RAW string
from a formula and compare untouched tabs exactly (:meth:`Emulator.snapshot`).

Faults: :meth:`Emulator.inject` makes the next N API requests answer 429 (with
Retry-After), 500 or 503, answer late (after the client's timeout) or drop the
connection without answering. :attr:`Emulator.log` records every request.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

DISCOVERY = "googleapiclient/discovery_cache/documents/sheets.v4.json"
SCOPE = "https://www.googleapis.com/auth/spreadsheets"
SERIAL_EPOCH = datetime(1899, 12, 30)
CELL_LIMIT = 50_000
ACCOUNT = "secor-sync@secor-test.iam.gserviceaccount.com"


def load_discovery() -> dict[str, Any]:
    """The Sheets v4 discovery document shipped in google-api-python-client's cache."""
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"
    return json.loads(path.read_text(encoding="utf-8"))


class ApiError(Exception):
    """An error answer in Google's shape."""

    STATUS: ClassVar[dict[int, str]] = {
        400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED", 503: "UNAVAILABLE"}

    def __init__(self, code: int, message: str, status: str | None = None,
                 details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.body: dict[str, Any] = {"error": {"code": code, "message": message,
                                               "status": status or self.STATUS.get(code, "UNKNOWN")}}
        if details:
            self.body["error"]["details"] = details


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.")


def permission_denied() -> ApiError:
    return ApiError(403, "The caller does not have permission")


def service_disabled(project: str = "123456789012") -> ApiError:
    url = f"https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project={project}"
    return ApiError(
        403, f"Google Sheets API has not been used in project {project} before or it is disabled. Enable it by "
             f"visiting {url} then retry. If you enabled this API recently, wait a few minutes for the action to "
             "propagate to our systems and retry.", "PERMISSION_DENIED",
        [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
          "domain": "googleapis.com",
          "metadata": {"service": "sheets.googleapis.com", "consumer": f"projects/{project}"}}])


# -- discovery-driven validation -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Method:
    id: str
    http_method: str
    pattern: re.Pattern[str]
    literal: int  # characters of literal path: the most specific match wins
    parameters: Mapping[str, Any]
    request: str | None


class Discovery:
    """Methods, parameters and schemas of the discovery document."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.schemas: Mapping[str, Any] = doc["schemas"]
        self.global_params: Mapping[str, Any] = doc.get("parameters", {})
        self.methods: list[Method] = []
        self._walk(doc.get("resources", {}))

    def _walk(self, resources: Mapping[str, Any]) -> None:
        for res in resources.values():
            for m in res.get("methods", {}).values():
                path = m.get("flatPath", m["path"])
                regex, literal, pos = "", 0, 0
                for hit in re.finditer(r"\{\+?(\w+)\}", path):
                    chunk = path[pos:hit.start()]
                    regex += re.escape(chunk)
                    literal += len(chunk)
                    regex += f"(?P<{hit.group(1)}>[^/]+)"
                    pos = hit.end()
                regex += re.escape(path[pos:])
                literal += len(path) - pos
                self.methods.append(Method(m["id"], m["httpMethod"], re.compile("^/" + regex + "$"), literal,
                                           m.get("parameters", {}), (m.get("request") or {}).get("$ref")))
            self._walk(res.get("resources", {}))

    def match(self, http_method: str, path: str) -> tuple[Method, dict[str, str]]:
        hits = []
        for m in self.methods:
            found = m.pattern.match(path)
            if found:
                hits.append((m, {k: unquote(v) for k, v in found.groupdict().items()}))
        if not hits:
            raise ApiError(404, f"Method not found: {http_method} {path}", "NOT_FOUND")
        same = [h for h in hits if h[0].http_method == http_method]
        if not same:
            raise ApiError(404, f"Method {http_method} not allowed on {path}", "NOT_FOUND")
        return max(same, key=lambda h: h[0].literal)

    def check_query(self, method: Method, query: Mapping[str, list[str]]) -> None:
        for name, values in query.items():
            spec = method.parameters.get(name) or self.global_params.get(name)
            if spec is None or spec.get("location") == "path":
                raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query "
                                    f"parameter. Field '{name}' could not be found in request message.")
            if len(values) > 1 and not spec.get("repeated"):
                raise ApiError(400, f"Invalid value at '{name}': parameter given {len(values)} times.")
            for v in values:
                if "enum" in spec and v not in spec["enum"]:
                    raise ApiError(400, f"Invalid value at '{name}', \"{v}\"")
                if spec.get("type") == "boolean" and v not in ("true", "false"):
                    raise ApiError(400, f"Invalid value at '{name}' (TYPE_BOOL), \"{v}\"")

    def check_body(self, schema_ref: str, body: object, where: str = "") -> None:
        self._check(self.schemas[schema_ref], body, where)

    def _check(self, schema: Mapping[str, Any], value: object, where: str) -> None:
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        kind = schema.get("type")
        here = where or "(root)"
        if kind == "object":
            if not isinstance(value, dict):
                raise ApiError(400, f"Invalid value at '{here}': expected an object.")
            props = schema.get("properties")
            extra = schema.get("additionalProperties")
            for k, v in value.items():
                sub = f"{where}.{k}" if where else k
                if props is not None and k in props:
                    self._check(props[k], v, sub)
                elif extra is not None:
                    self._check(extra, v, sub)
                else:
                    raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{k}\" at '{here}': "
                                        "Cannot find field.")
        elif kind == "array":
            if not isinstance(value, list):
                raise ApiError(400, f"Invalid value at '{here}': expected a list.")
            for i, item in enumerate(value):
                self._check(schema.get("items", {}), item, f"{where}[{i}]")
        elif kind == "string":
            if not isinstance(value, str):
                raise ApiError(400, f"Invalid value at '{here}' (TYPE_STRING), {json.dumps(value)}")
            if "enum" in schema and value not in schema["enum"]:
                raise ApiError(400, f"Invalid value at '{here}', \"{value}\"")
        elif kind == "integer":
            is_int = not isinstance(value, bool) and isinstance(value, int)
            if not is_int and not (isinstance(value, str) and value.lstrip("-").isdigit()):
                raise ApiError(400, f"Invalid value at '{here}' (TYPE_INT32), {json.dumps(value)}")
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ApiError(400, f"Invalid value at '{here}' (TYPE_DOUBLE), {json.dumps(value)}")
        elif kind == "boolean" and not isinstance(value, bool):
            raise ApiError(400, f"Invalid value at '{here}' (TYPE_BOOL), {json.dumps(value)}")


# -- the in-memory spreadsheets --------------------------------------------------------------------------------------
def serial(value: date) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    days = (moment - SERIAL_EPOCH).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def entered(value: object) -> dict[str, Any]:
    """A Python value as Sheets stores what a person typed: dates become serials with a date format."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, datetime):
        return {"userEnteredValue": {"numberValue": serial(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": "M/d/yyyy H:mm:ss"}}}
    if isinstance(value, date):
        return {"userEnteredValue": {"numberValue": serial(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


@dataclass
class Tab:
    properties: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    dimensions: dict[str, dict[int, int]] = field(default_factory=lambda: {"ROWS": {}, "COLUMNS": {}})
    basic_filter: dict[str, Any] | None = None

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {"rowCount": 1000, "columnCount": 26})

    def state(self) -> dict[str, Any]:
        """Everything about the tab, JSON-ready, for exact before/after comparisons."""
        return {"properties": self.properties, "cells": {f"{r},{c}": v for (r, c), v in sorted(self.cells.items())},
                "dimensions": self.dimensions, "basicFilter": self.basic_filter}

    def value(self, r: int, c: int) -> object:
        """The effective value (what UNFORMATTED_VALUE returns) of a cell."""
        data = self.cells.get((r, c), {})
        ev = data["effectiveValue"] if "effectiveValue" in data else data.get("userEnteredValue", {})
        for k in ("stringValue", "numberValue", "boolValue"):
            if k in ev:
                return ev[k]
        return None

    def entered_kind(self, r: int, c: int) -> str | None:
        """Which ExtendedValue field the user-entered value of a cell is: stringValue, formulaValue, ..."""
        ev = self.cells.get((r, c), {}).get("userEnteredValue", {})
        return next(iter(ev), None)

    def rows(self) -> list[list[object]]:
        """All effective values, trailing blanks trimmed."""
        if not self.cells:
            return []
        n_rows = max(r for r, _ in self.cells) + 1
        n_cols = max(c for _, c in self.cells) + 1
        grid = [[self.value(r, c) for c in range(n_cols)] for r in range(n_rows)]
        return _trim(grid)


def _trim(grid: list[list[object]]) -> list[list[object]]:
    out = []
    for row in grid:
        row = list(row)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        out.append(["" if v is None else v for v in row])
    while out and not out[-1]:
        out.pop()
    return out


@dataclass
class Spreadsheet:
    id: str
    title: str
    time_zone: str = "America/Edmonton"
    tabs: list[Tab] = field(default_factory=list)
    shared: bool = True

    def tab(self, title: str) -> Tab:
        for t in self.tabs:
            if t.title == title:
                return t
        raise KeyError(title)

    def by_id(self, sheet_id: int, where: str) -> Tab:
        for t in self.tabs:
            if t.sheet_id == sheet_id:
                return t
        raise ApiError(400, f"Invalid {where}: No grid with id: {sheet_id}")

    def metadata(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.id,
            "properties": {"title": self.title, "locale": "en_US", "autoRecalc": "ON_CHANGE",
                           "timeZone": self.time_zone},
            "sheets": [{"properties": copy.deepcopy(t.properties)} for t in self.tabs],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit",
        }


def apply_fields(data: object, mask: str) -> object:
    """The parts of a response a ``fields`` mask asks for (comma-separated dotted paths)."""
    paths = [p.strip().split(".") for p in mask.split(",") if p.strip()]

    def pick(node: object, parts_list: list[list[str]]) -> object:
        if isinstance(node, list):
            return [pick(item, parts_list) for item in node]
        if not isinstance(node, dict) or any(not p for p in parts_list):
            return node
        out: dict[str, Any] = {}
        for head in dict.fromkeys(p[0] for p in parts_list):
            if head in node:
                out[head] = pick(node[head], [p[1:] for p in parts_list if p[0] == head])
        return out
    return pick(data, paths)


_A1 = re.compile(r"^([A-Za-z]*)(\d*)$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_range(text: str) -> tuple[str, tuple[int, int, int | None, int | None]]:
    """``'Tab'!A1:C9`` -> (title, (row0, col0, row_end, col_end)); ends exclusive, None = to the end."""
    if "!" in text:
        sheet, cells = text.rsplit("!", 1)
    else:
        sheet, cells = text, ""
    if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
        sheet = sheet[1:-1].replace("''", "'")
    if not cells:
        return sheet, (0, 0, None, None)
    first, _, last = cells.partition(":")
    m1, m2 = _A1.match(first), _A1.match(last or first)
    if not m1 or not m2:
        raise ApiError(400, f"Unable to parse range: {text}")
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    c0 = _col(m1.group(1)) if m1.group(1) else 0
    r1 = int(m2.group(2)) if m2.group(2) else None
    c1 = _col(m2.group(1)) + 1 if m2.group(1) else None
    return sheet, (r0, c0, r1, c1)


def _letters(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def _set_path(target: dict[str, Any], source: Mapping[str, Any], path: list[str]) -> None:
    """Copy ``path`` from source to target (deleting it from target when source lacks it)."""
    head, rest = path[0], path[1:]
    if not rest:
        if head in source:
            target[head] = copy.deepcopy(source[head])
        else:
            target.pop(head, None)
        return
    sub_source = source.get(head, {}) if isinstance(source.get(head), Mapping) else {}
    sub_target = target.setdefault(head, {})
    _set_path(sub_target, sub_source, rest)
    if not sub_target:
        target.pop(head, None)


CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns", "hyperlink",
               "pivotTable", "dataSourceTable", "dataSourceFormula", "chipRuns")


def _mask(fields: str, all_fields: Sequence[str]) -> list[list[str]]:
    if not fields:
        raise ApiError(400, "At least one field must be specified.")
    if fields.strip() == "*":
        return [[f] for f in all_fields]
    return [p.strip().split(".") for p in fields.split(",") if p.strip()]


def _update_cell(tab: Tab, r: int, c: int, data: Mapping[str, Any], paths: list[list[str]], where: str) -> None:
    value = data.get("userEnteredValue", {})
    text = value.get("stringValue") or value.get("formulaValue") or ""
    if len(text) > CELL_LIMIT:
        raise ApiError(400, f"Invalid {where}: Your input contains more than the maximum of {CELL_LIMIT} "
                            "characters in a single cell.")
    cell = tab.cells.get((r, c), {})
    for path in paths:
        _set_path(cell, data, path)
    if any(p[0] == "userEnteredValue" for p in paths):
        cell.pop("effectiveValue", None)
    if cell:
        tab.cells[(r, c)] = cell
    else:
        tab.cells.pop((r, c), None)


def _check_grid(tab: Tab, r: int, c: int, where: str) -> None:
    rows, cols = tab.grid["rowCount"], tab.grid["columnCount"]
    if r >= rows or c >= cols:
        raise ApiError(400, f"Invalid {where}: Range ('{tab.title}'!{_letters(c)}{r + 1}) exceeds grid limits. "
                            f"Max rows: {rows}, max columns: {cols}")


def _grid_range(tab: Tab, rng: Mapping[str, Any]) -> tuple[int, int, int, int]:
    return (int(rng.get("startRowIndex", 0)), int(rng.get("startColumnIndex", 0)),
            int(rng.get("endRowIndex", tab.grid["rowCount"])), int(rng.get("endColumnIndex", tab.grid["columnCount"])))


class Emulator:
    """The server and its state; see the module docstring. Use as a context manager or start()/stop()."""

    def __init__(self, discovery: Mapping[str, Any] | None = None) -> None:
        self.discovery = Discovery(discovery or load_discovery())
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.log: list[dict[str, Any]] = []
        self.faults: deque[dict[str, Any]] = deque()
        self.api_enabled = True
        self.public_keys: dict[str, Any] = {}  # client_email -> RSA public key
        self.tokens: set[str] = set()
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._next_sheet_id = 1000

    # -- lifecycle
    def start(self) -> Emulator:
        emulator = self

        class Handler(_Handler):
            pass

        Handler.emulator = emulator
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    # -- keys
    def write_key_file(self, path: Path, client_email: str = ACCOUNT, private_key: Any = None) -> Path:
        """A service-account JSON key (a fresh RSA key unless given) whose token_uri is this emulator."""
        key = private_key or new_private_key()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        self.public_keys[client_email] = key.public_key()
        info = {
            "type": "service_account", "project_id": "secor-test", "private_key_id": "0123456789abcdef",
            "private_key": pem, "client_email": client_email, "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{client_email}",
            "universe_domain": "googleapis.com",
        }
        path.write_text(json.dumps(info), encoding="utf-8")
        path.chmod(0o600)
        return path

    # -- state
    def add_spreadsheet(self, key: str, title: str, tabs: Mapping[str, Sequence[Sequence[object]]] | None = None,
                        *, time_zone: str = "America/Edmonton", shared: bool = True) -> Spreadsheet:
        """A spreadsheet whose tabs hold the given rows, entered as a person would type them."""
        with self.lock:
            book = Spreadsheet(key, title, time_zone, shared=shared)
            for name, rows in (tabs or {}).items():
                self.add_tab(book, name, rows)
            self.spreadsheets[key] = book
            return book

    def add_tab(self, book: Spreadsheet, name: str, rows: Sequence[Sequence[object]] = ()) -> Tab:
        with self.lock:
            self._next_sheet_id += 1
            n_rows = max(1000, len(rows) + 1)
            n_cols = max(26, max((len(r) for r in rows), default=0))
            tab = Tab({"sheetId": self._next_sheet_id, "title": name, "index": len(book.tabs), "sheetType": "GRID",
                       "gridProperties": {"rowCount": n_rows, "columnCount": n_cols}})
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    data = entered(v)
                    if data:
                        tab.cells[(r, c)] = data
            book.tabs.append(tab)
            return tab

    def snapshot(self, key: str, title: str) -> str:
        """One tab's complete state as JSON text: equal text means nothing about it changed."""
        with self.lock:
            return json.dumps(self.spreadsheets[key].tab(title).state(), sort_keys=True)

    def inject(self, kind: str, count: int = 1, *, retry_after: float | None = None, delay: float = 1.0,
               path: str = "/v4/") -> None:
        """The next ``count`` requests whose path contains ``path`` fail: "429", "500", "503", "slow", "drop"."""
        with self.lock:
            for _ in range(count):
                self.faults.append({"kind": kind, "retry_after": retry_after, "delay": delay, "path": path})

    def api_requests(self) -> list[dict[str, Any]]:
        """Logged requests to the Sheets API (token exchanges left out)."""
        with self.lock:
            return [e for e in self.log if e["path"].startswith("/v4/")]

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()

    def _take_fault(self, path: str) -> dict[str, Any] | None:
        with self.lock:
            for i, f in enumerate(self.faults):
                if f["path"] in path:
                    del self.faults[i]
                    return f
        return None

    # -- token endpoint
    def token(self, form: Mapping[str, list[str]]) -> dict[str, Any]:
        if form.get("grant_type", [""])[0] != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            raise TokenError("unsupported_grant_type", "Invalid grant_type.")
        assertion = form.get("assertion", [""])[0]
        try:
            head_b64, body_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64(head_b64))
            claims = json.loads(_b64(body_b64))
            signature = _b64(sig_b64)
        except Exception as exc:
            raise TokenError("invalid_grant", "Invalid JWT: malformed.") from exc
        if header.get("alg") != "RS256":
            raise TokenError("invalid_grant", "Invalid JWT: algorithm.")
        public = self.public_keys.get(claims.get("iss", ""))
        if public is None:
            raise TokenError("invalid_grant", "Invalid JWT Signature.")
        try:
            public.verify(signature, f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except Exception as exc:
            raise TokenError("invalid_grant", "Invalid JWT Signature.") from exc
        now = time.time()
        # google-auth sends Google's token endpoint as audience, whatever the key's token_uri
        if claims.get("aud") not in (self.token_uri, "https://oauth2.googleapis.com/token"):
            raise TokenError("invalid_grant", "Invalid JWT: audience.")
        if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0)):
            raise TokenError("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable "
                                              "timeframe.")
        if SCOPE not in str(claims.get("scope", "")).split():
            raise TokenError("invalid_scope", "Invalid OAuth scope.")
        token = "ya29.emulator-" + base64.urlsafe_b64encode(signature[:12]).decode().rstrip("=")
        with self.lock:
            self.tokens.add(token)
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    # -- API
    def api(self, http_method: str, path: str, query: Mapping[str, list[str]], body: object,
            authorization: str) -> dict[str, Any]:
        method, args = self.discovery.match(http_method, path)
        self.discovery.check_query(method, query)
        if method.request:
            self.discovery.check_body(method.request, body if body is not None else {})
        elif body not in (None, {}):
            raise ApiError(400, f"Invalid JSON payload received. {method.id} takes no body.")
        token = authorization[7:] if authorization.startswith("Bearer ") else ""
        with self.lock:
            if token not in self.tokens:
                raise ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                                    "login cookie or other valid authentication credential.")
            if not self.api_enabled:
                raise service_disabled()
            book = self.spreadsheets.get(args.get("spreadsheetId", ""))
            if book is None:
                raise not_found()
            if not book.shared:
                raise permission_denied()
            handler = getattr(self, "_" + method.id.replace(".", "_"), None)
            if handler is None:
                raise ApiError(501, f"{method.id} is documented but not implemented by the emulator.")
            return handler(book, query, body or {})

    def _sheets_spreadsheets_get(self, book: Spreadsheet, query: Mapping[str, list[str]], body: Any) -> Any:
        if query.get("includeGridData", ["false"])[0] == "true" or "ranges" in query:
            raise ApiError(501, "includeGridData/ranges are not implemented by the emulator.")
        meta = book.metadata()
        if "fields" in query:
            meta = apply_fields(meta, query["fields"][0])
        return meta

    def _sheets_spreadsheets_values_batchGet(self, book: Spreadsheet, query: Mapping[str, list[str]],
                                             body: Any) -> Any:
        render = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        if render != "UNFORMATTED_VALUE":
            raise ApiError(501, "only valueRenderOption=UNFORMATTED_VALUE is implemented by the emulator.")
        if query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0] != "SERIAL_NUMBER":
            raise ApiError(501, "only dateTimeRenderOption=SERIAL_NUMBER is implemented by the emulator.")
        out = []
        for text in query.get("ranges", []):
            title, (r0, c0, r1, c1) = parse_range(text)
            try:
                tab = book.tab(title)
            except KeyError:
                raise ApiError(400, f"Unable to parse range: {text}") from None
            rows = tab.rows()
            r1 = min(r1 if r1 is not None else tab.grid["rowCount"], len(rows))
            part = [row[c0:c1] for row in rows[r0:r1]]
            part = _trim(part)
            end_row = tab.grid["rowCount"] if r1 is None else r1
            rng = {"range": f"'{title}'!{_letters(c0)}{r0 + 1}:{_letters((c1 or tab.grid['columnCount']) - 1)}"
                            f"{max(end_row, r0 + 1)}",
                   "majorDimension": "ROWS"}
            if part:
                rng["values"] = part
            out.append(rng)
        return {"spreadsheetId": book.id, "valueRanges": out}

    def _sheets_spreadsheets_values_batchUpdate(self, book: Spreadsheet, query: Any, body: Mapping[str, Any]) -> Any:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        work = copy.deepcopy(book)
        cells = 0
        for i, item in enumerate(body.get("data", [])):
            title, (r0, c0, _r1, _c1) = parse_range(item["range"])
            try:
                tab = work.tab(title)
            except KeyError:
                raise ApiError(400, f"Unable to parse range: {item['range']}") from None
            for r, row in enumerate(item.get("values", [])):
                for c, v in enumerate(row):
                    _check_grid(tab, r0 + r, c0 + c, f"data[{i}]")
                    if isinstance(v, str) and option == "USER_ENTERED" and v.startswith("="):
                        value = {"formulaValue": v}
                    else:
                        value = entered(v).get("userEnteredValue", {})
                    cell = tab.cells.setdefault((r0 + r, c0 + c), {})
                    cell.pop("effectiveValue", None)
                    if value:
                        cell["userEnteredValue"] = value
                    else:
                        cell.pop("userEnteredValue", None)
                    cells += 1
        book.tabs = work.tabs
        return {"spreadsheetId": book.id, "totalUpdatedCells": cells}

    def _sheets_spreadsheets_values_batchClear(self, book: Spreadsheet, query: Any, body: Mapping[str, Any]) -> Any:
        work = copy.deepcopy(book)
        for text in body.get("ranges", []):
            title, (r0, c0, r1, c1) = parse_range(text)
            tab = work.tab(title)
            for (r, c) in list(tab.cells):
                if r >= r0 and c >= c0 and (r1 is None or r < r1) and (c1 is None or c < c1):
                    tab.cells[(r, c)].pop("userEnteredValue", None)
                    tab.cells[(r, c)].pop("effectiveValue", None)
                    if not tab.cells[(r, c)]:
                        del tab.cells[(r, c)]
        book.tabs = work.tabs
        return {"spreadsheetId": book.id, "clearedRanges": body.get("ranges", [])}

    def _sheets_spreadsheets_batchUpdate(self, book: Spreadsheet, query: Any, body: Mapping[str, Any]) -> Any:
        work = copy.deepcopy(book)  # atomic: applied to a copy, kept only if every request succeeds
        replies = []
        for i, request in enumerate(body.get("requests", [])):
            if len(request) != 1:
                raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
            (kind, args), = request.items()
            handler = getattr(self, "_req_" + kind, None)
            if handler is None:
                raise ApiError(501, f"requests[{i}].{kind} is not implemented by the emulator.")
            replies.append(handler(work, args, f"requests[{i}].{kind}") or {})
        book.tabs = work.tabs
        return {"spreadsheetId": book.id, "replies": replies}

    # batchUpdate requests
    def _req_addSheet(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        props = copy.deepcopy(dict(args.get("properties", {})))
        title = props.get("title") or f"Sheet{len(book.tabs) + 1}"
        if any(t.title.casefold() == title.casefold() for t in book.tabs):
            raise ApiError(400, f"Invalid {where}: A sheet with the name \"{title}\" already exists. "
                                "Please enter another name.")
        if "sheetId" in props:
            if any(t.sheet_id == props["sheetId"] for t in book.tabs):
                raise ApiError(400, f"Invalid {where}: Sheet with id {props['sheetId']} already exists.")
        else:
            self._next_sheet_id += 1
            props["sheetId"] = self._next_sheet_id
        grid = {"rowCount": 1000, "columnCount": 26, **props.get("gridProperties", {})}
        if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
            raise ApiError(400, f"Invalid {where}: You can't freeze all visible rows on the sheet.")
        props.update(title=title, index=props.get("index", len(book.tabs)), sheetType="GRID", gridProperties=grid)
        book.tabs.append(Tab(props))
        return {"addSheet": {"properties": copy.deepcopy(props)}}

    def _req_deleteSheet(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        tab = book.by_id(args["sheetId"], where)
        book.tabs.remove(tab)

    def _req_updateSheetProperties(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        new = args.get("properties", {})
        tab = book.by_id(new.get("sheetId", 0), where)
        paths = _mask(args.get("fields", ""), [k for k in new if k != "sheetId"])
        for path in paths:
            _set_path(tab.properties, new, path)
        grid = tab.grid
        if grid.get("rowCount", 0) < 1 or grid.get("columnCount", 0) < 1:
            raise ApiError(400, f"Invalid {where}: a sheet needs at least one row and one column.")
        if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
            raise ApiError(400, f"Invalid {where}: You can't freeze all visible rows on the sheet.")
        for (r, c) in list(tab.cells):  # shrinking a grid deletes what falls outside it
            if r >= grid["rowCount"] or c >= grid["columnCount"]:
                del tab.cells[(r, c)]

    def _req_updateCells(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        paths = _mask(args.get("fields", ""), CELL_FIELDS)
        rows = args.get("rows", [])
        if "range" in args:
            tab = book.by_id(args["range"].get("sheetId", 0), where)
            r0, c0, r1, c1 = _grid_range(tab, args["range"])
            for r in range(r0, min(r1, tab.grid["rowCount"])):
                for c in range(c0, min(c1, tab.grid["columnCount"])):
                    row = rows[r - r0].get("values", []) if r - r0 < len(rows) else []
                    data = row[c - c0] if c - c0 < len(row) else {}
                    if (r, c) in tab.cells or data:
                        _update_cell(tab, r, c, data, paths, where)
            return None
        start = args.get("start", {})
        tab = book.by_id(start.get("sheetId", 0), where)
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        for r, row in enumerate(rows):
            for c, data in enumerate(row.get("values", [])):
                _check_grid(tab, r0 + r, c0 + c, where)
                _update_cell(tab, r0 + r, c0 + c, data, paths, where)
        return None

    def _req_repeatCell(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        paths = _mask(args.get("fields", ""), CELL_FIELDS)
        tab = book.by_id(args["range"].get("sheetId", 0), where)
        r0, c0, r1, c1 = _grid_range(tab, args["range"])
        for r in range(r0, min(r1, tab.grid["rowCount"])):
            for c in range(c0, min(c1, tab.grid["columnCount"])):
                _update_cell(tab, r, c, args.get("cell", {}), paths, where)

    def _req_updateDimensionProperties(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        rng = args.get("range", {})
        tab = book.by_id(rng.get("sheetId", 0), where)
        dim = rng.get("dimension", "ROWS")
        limit = tab.grid["rowCount"] if dim == "ROWS" else tab.grid["columnCount"]
        start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", limit))
        if end > limit:
            raise ApiError(400, f"Invalid {where}: Invalid dimension range: {dim} {start}-{end} past {limit}.")
        if "pixelSize" in _mask(args.get("fields", ""), ["pixelSize"])[0]:
            for i in range(start, end):
                tab.dimensions[dim][i] = int(args.get("properties", {}).get("pixelSize", 100))

    def _req_setBasicFilter(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        flt = args.get("filter", {})
        tab = book.by_id(flt.get("range", {}).get("sheetId", 0), where)
        tab.basic_filter = copy.deepcopy(dict(flt))


def new_private_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TokenError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.body = {"error": error, "error_description": description}


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Handler(BaseHTTPRequestHandler):
    emulator: Emulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, code: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.close_connection = True

    def _handle(self, method: str) -> None:
        em = self.emulator
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        entry: dict[str, Any] = {"method": method, "path": parts.path, "query": parse_qs(parts.query,
                                                                                          keep_blank_values=True),
                                 "time": time.monotonic(), "status": None}
        with em.lock:
            em.log.append(entry)
        fault = em._take_fault(parts.path)
        if fault is not None:
            kind = fault["kind"]
            entry["fault"] = kind
            if kind == "drop":
                entry["status"] = "dropped"
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if kind == "slow":
                time.sleep(fault["delay"])
            elif kind in ("429", "500", "503"):
                code = int(kind)
                message = {429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
                                "per user' of service 'sheets.googleapis.com' for consumer "
                                "'project_number:123456789012'.",
                           500: "Internal error encountered.", 503: "The service is currently unavailable."}[code]
                headers = {"Retry-After": str(fault["retry_after"])} if fault["retry_after"] is not None else {}
                entry["status"] = code
                self._send(code, ApiError(code, message).body, headers)
                return
        try:
            if parts.path == "/token" and method == "POST":
                result = em.token(parse_qs(raw.decode()))
                entry["status"] = 200
                self._send(200, result)
                return
            body = json.loads(raw) if raw else None
            entry["body"] = body
            result = em.api(method, parts.path, entry["query"], body, self.headers.get("Authorization", ""))
            entry["status"] = 200
            self._send(200, result)
        except TokenError as exc:
            entry["status"] = 400
            self._send(400, exc.body)
        except ApiError as exc:
            entry["status"] = exc.code
            self._send(exc.code, exc.body)
        except json.JSONDecodeError:
            entry["status"] = 400
            self._send(400, ApiError(400, "Invalid JSON payload received.").body)
        except Exception as exc:  # an emulator bug: say so loudly rather than hang the client
            entry["status"] = 500
            entry["bug"] = repr(exc)
            self._send(500, ApiError(500, f"emulator bug: {exc!r}").body)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")
