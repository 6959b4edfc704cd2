"""A Google Sheets API v4 emulator: a real HTTP server on 127.0.0.1 for the Google-mode tests.

What it does, like Google:

* ``POST /token``: the OAuth 2 JWT-bearer exchange (auth.py). The assertion's
  RS256 signature is verified with the public key of the test key, and its
  ``iss``, ``aud``, ``scope`` and ``exp`` are checked; an access token comes
  back. API calls without a token it issued get 401 UNAUTHENTICATED.
* Every API call is matched against the official discovery document
  (discovery.py: ``googleapiclient``'s cached ``sheets.v4.json``, loaded at run
  time): the HTTP method and path must be a documented method, every query
  parameter must be documented (with a valid enum value), and a JSON body must
  use only the field names and enum values of the request schema; anything else
  is a Google-shaped 400 INVALID_ARGUMENT.
* ``spreadsheets.get`` (with the ``fields`` mask), ``values.batchGet``,
  ``values.batchUpdate`` (RAW and USER_ENTERED), ``values.batchClear`` and
  ``spreadsheets.batchUpdate`` (addSheet, deleteSheet, updateSheetProperties,
  updateCells, repeatCell, updateDimensionProperties, setBasicFilter), applied
  atomically: one refused request leaves the spreadsheet unchanged (sheets_api.py).
* Errors as Google writes them (errors.py): 403 PERMISSION_DENIED for a
  spreadsheet not shared with the caller, 403 with ErrorInfo reason
  SERVICE_DISABLED when the API is off, 404 NOT_FOUND, 400 for grid-limit and
  duplicate-tab mistakes.

Cells keep what the user (or API) entered (``userEnteredValue``: string,
number, bool or formula), the format and note, so tests can tell a RAW string
from a formula and compare untouched tabs exactly (:meth:`Emulator.snapshot`;
sheets_model.py).

Faults: :meth:`Emulator.inject` makes the next N API requests (or the N after the
first ``after``) answer 429 (with Retry-After), 500 or 503, answer late (after the
client's timeout) or drop the connection without answering. :attr:`Emulator.log` records every request.

Quota: :meth:`Emulator.limit` makes it count API requests as Google counts them
against a per-minute quota, over a sliding window: a request beyond ``requests``
in the last ``window_seconds`` is answered 429 RESOURCE_EXHAUSTED with
``Retry-After`` (the seconds until a slot frees) and is not counted.
:meth:`Emulator.request_times` lists when each API request arrived.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import auth
from .auth import ACCOUNT, TokenError, new_private_key
from .discovery import Discovery, load_discovery
from .errors import ApiError, not_found, permission_denied, service_disabled
from .sheets_api import SheetsApi
from .sheets_model import Spreadsheet, Tab

# What tests and bench/bench.py import from here; the rest of the emulator lives in the modules above.
__all__ = ["ACCOUNT", "Emulator", "Spreadsheet", "new_private_key"]


QUOTA_EXCEEDED = ("Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of "
                  "service 'sheets.googleapis.com' for consumer 'project_number:123456789012'.")

WRITE_METHODS = {"sheets.spreadsheets.batchUpdate", "sheets.spreadsheets.values.batchUpdate",
                 "sheets.spreadsheets.values.batchClear", "sheets.spreadsheets.values.update",
                 "sheets.spreadsheets.values.append", "sheets.spreadsheets.values.clear"}


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
        self.sheets_api = SheetsApi(self._new_sheet_id)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._next_sheet_id = 1000
        self.quota: tuple[int, float] | None = None  # (requests, window_seconds); see limit()

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
        self.public_keys[client_email] = key.public_key()
        return auth.write_key_file(path, key, client_email, self.token_uri)

    # -- state
    def add_spreadsheet(self, key: str, title: str, tabs: Mapping[str, Sequence[Sequence[object]]] | None = None,
                        *, time_zone: str = "America/Edmonton", shared: bool = True,
                        role: str = "writer") -> Spreadsheet:
        """A spreadsheet whose tabs hold the given rows, entered as a person would type them."""
        with self.lock:
            book = Spreadsheet(key, title, time_zone, shared=shared, role=role)
            for name, rows in (tabs or {}).items():
                self.add_tab(book, name, rows)
            self.spreadsheets[key] = book
            return book

    def add_tab(self, book: Spreadsheet, name: str, rows: Sequence[Sequence[object]] = ()) -> Tab:
        with self.lock:
            return book.add_tab(self._new_sheet_id(), name, rows)

    def _new_sheet_id(self) -> int:
        """The next sheetId; one sequence for the whole emulator, like the ids of tabs Google adds."""
        with self.lock:
            self._next_sheet_id += 1
            return self._next_sheet_id

    def snapshot(self, key: str, title: str) -> str:
        """One tab's complete state as JSON text: equal text means nothing about it changed."""
        with self.lock:
            return json.dumps(self.spreadsheets[key].tab(title).state(), sort_keys=True)

    def inject(self, kind: str, count: int = 1, *, retry_after: float | None = None, delay: float = 1.0,
               path: str = "/v4/", after: int = 0) -> None:
        """The next ``count`` requests whose path contains ``path`` fail: "429", "500", "503", "slow", "drop".

        ``after``: the first ``after`` such requests are answered normally, then the faults begin.
        """
        with self.lock:
            for _ in range(count):
                self.faults.append({"kind": kind, "retry_after": retry_after, "delay": delay, "path": path,
                                    "after": after})

    def limit(self, requests: int, window_seconds: float) -> None:
        """Answer 429 with Retry-After to API requests beyond ``requests`` in any ``window_seconds``."""
        with self.lock:
            self.quota = (requests, window_seconds)

    def request_times(self, status: int | None = None) -> list[float]:
        """When each API request arrived (``time.monotonic``), those answered ``status`` only when given."""
        return [e["time"] for e in self.api_requests() if status is None or e["status"] == status]

    def _over_quota(self, entry: dict[str, Any]) -> float | None:
        """Seconds until a slot frees when ``entry`` is one request too many, else None (and it counts)."""
        with self.lock:
            if self.quota is None or not entry["path"].startswith("/v4/"):
                return None
            requests, window = self.quota
            now = entry["time"]
            counted = sorted(e["time"] for e in self.log if e.get("counted") and e["time"] > now - window)
            if len(counted) >= requests:
                return counted[-requests] + window - now
            entry["counted"] = True
            return None

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
                    if f.get("after"):
                        for later in self.faults:  # this request counts for every fault still waiting on it
                            if later["path"] == f["path"] and later.get("after"):
                                later["after"] -= 1
                        return None
                    del self.faults[i]
                    return f
        return None

    # -- token endpoint
    def token(self, form: Mapping[str, list[str]]) -> dict[str, Any]:
        """The token endpoint's answer: an access token the API will accept, or TokenError."""
        token = auth.exchange(form, self.public_keys, self.token_uri)
        with self.lock:
            self.tokens.add(token)
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    # -- API
    def api(self, http_method: str, path: str, query: Mapping[str, list[str]], body: object,
            authorization: str) -> dict[str, Any]:
        """One API call checked as Google would (discovery, token, API enabled, sharing), then answered."""
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
            if book.role == "reader" and method.id in WRITE_METHODS:
                raise permission_denied()  # Sheets checks the role before it looks at the requests
            return self.sheets_api.call(method.id, book, query, body or {})


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
                message = {429: QUOTA_EXCEEDED, 500: "Internal error encountered.",
                           503: "The service is currently unavailable."}[code]
                headers = {"Retry-After": str(fault["retry_after"])} if fault["retry_after"] is not None else {}
                entry["status"] = code
                self._send(code, ApiError(code, message).body, headers)
                return
        over = em._over_quota(entry)
        if over is not None:
            entry["status"] = 429
            entry["over_quota"] = True
            self._send(429, ApiError(429, QUOTA_EXCEEDED).body, {"Retry-After": str(max(1, math.ceil(over)))})
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
