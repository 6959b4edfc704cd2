"""The one HTTP transport every Google Sheets request goes through.

gspread builds the request URLs and bodies; this module sends them. It is a
:class:`gspread.http_client.HTTPClient` subclass handed to ``gspread.Client``
(``http_client=``), so every call gspread makes gets:

* a timeout (``[google] timeout_seconds``) on every request, the token exchange included;
* retries of 408/429/5xx answers, timeouts and dropped connections, with
  exponential backoff and jitter, honouring ``Retry-After``, capped by
  ``[google] max_attempts`` per request and by one deadline per operation
  (:meth:`RetryingHTTPClient.operation`: a read of every spreadsheet, a dashboard
  write) ``[google] max_retry_seconds`` after it began; then a clear
  :class:`GoogleUnavailable` error instead of waiting forever;
* pacing under the fleet's Sheets quota (:mod:`.quota`): ``policy.quota.acquire()`` before every
  attempt, retries included, and ``policy.quota.pause(wait)`` after a 429, so every process sharing
  ``[google] quota_file`` waits too. Time spent waiting for a quota slot does not count against
  ``max_retry_seconds`` (the budget is for Google not answering, not for our own pacing);
* no retry of 400/401/403/404: those raise gspread's ``APIError`` at once, and
  :func:`explain` turns them into a sentence the office can act on;
* the API root of ``[google] api_endpoint``: gspread 6 hard-codes
  ``https://sheets.googleapis.com`` in ``gspread/urls.py``, so :meth:`RetryPolicy.rewrite`
  swaps that scheme and host (the path, ``/v4/spreadsheets/...``, is kept) just
  before sending. Nothing of gspread is patched; URLs of other hosts pass unchanged.

gspread's own ``BackOffHTTPClient`` is not used: in 6.2.1 it never gives up,
ignores ``Retry-After`` and does not retry dropped connections.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError
from gspread.http_client import FileType, HTTPClient, ParamsType

from ..errors import SecorError
from .quota import RateLimiter, unlimited

log = logging.getLogger(__name__)

DEFAULT_ROOT = "https://sheets.googleapis.com"
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_NETWORK_ERRORS = (requests.exceptions.Timeout, requests.exceptions.ConnectionError,
                   requests.exceptions.ChunkedEncodingError, auth_exceptions.TransportError)


class GoogleUnavailable(SecorError):
    """Google did not answer within the configured attempts and time, or asked to wait longer than allowed.

    Not a problem of one spreadsheet: reading stops (a partial read must not replace good dashboards).
    """


class KeyRefused(SecorError):
    """Google refused the service-account key itself (every request would fail)."""


@dataclass
class RetryPolicy:
    """How requests are sent and retried; ``sleep``, ``clock`` and ``jitter`` are injectable for tests."""

    api_endpoint: str = DEFAULT_ROOT
    timeout_seconds: float = 30.0
    max_attempts: int = 6
    max_retry_seconds: float = 120.0
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = field(default=random.random)
    quota: RateLimiter = field(default_factory=unlimited)

    def rewrite(self, url: str) -> str:
        """The URL with gspread's default API root replaced by the configured one."""
        root = self.api_endpoint.rstrip("/")
        if root != DEFAULT_ROOT and (url == DEFAULT_ROOT or url.startswith(DEFAULT_ROOT + "/")):
            return root + url[len(DEFAULT_ROOT):]
        return url

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1``: Retry-After when given, else backoff with jitter."""
        if retry_after is not None:
            return retry_after + self.jitter() * min(1.0, self.backoff_seconds)
        ceiling = min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (attempt - 1))
        return ceiling / 2 + self.jitter() * ceiling / 2  # "equal jitter": at least half the backoff


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _short(url: str) -> str:
    """Method path for messages: no host, no query."""
    rest = url.split("://", 1)[-1]
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path.split("?", 1)[0]


def _status_text(response: requests.Response) -> str:
    try:
        error = response.json()["error"]
        return f"HTTP {response.status_code} {error.get('status', '')}: {error.get('message', '')}".strip()
    except Exception:
        return f"HTTP {response.status_code}"


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with timeouts, bounded retries and a configurable API root."""

    def __init__(self, auth: Any, session: requests.Session | None = None, *,
                 policy: RetryPolicy | None = None) -> None:
        super().__init__(auth, session)
        self.policy = policy or RetryPolicy()
        self.timeout = self.policy.timeout_seconds
        self.attempts = 0  # HTTP requests sent to the API, retries included (not token exchanges)
        self._deadline: _Deadline | None = None

    @contextlib.contextmanager
    def operation(self, what: str) -> Iterator[None]:
        """One time budget, ``max_retry_seconds`` from now, for every request sent inside (``what``: "the read").

        Nested operations share the outer budget. Requests sent outside any operation get one budget each.
        """
        if self._deadline is not None:
            yield
            return
        self._deadline = _Deadline(what, self.policy.clock(), self.policy.max_retry_seconds)
        try:
            yield
        finally:
            self._deadline = None

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        policy = self.policy
        url = policy.rewrite(endpoint)
        budget = self._deadline or _Deadline("the request", policy.clock(), policy.max_retry_seconds)
        what = f"{method.upper()} {_short(url)}"
        attempt = 0
        failure = ""
        retry_after: float | None = None
        throttled = False
        while True:
            wait = policy.delay(attempt, retry_after) if attempt else 0.0
            if throttled:  # first, so the other processes stop even when this request gives up
                policy.quota.pause(wait)
                throttled = False
            if attempt >= policy.max_attempts:
                raise self._give_up(what, attempt, failure, budget, None, retry_after)
            if not budget.fits(policy.clock(), wait + policy.timeout_seconds):
                raise self._give_up(what, attempt, failure, budget, wait, retry_after)
            if attempt:
                log.warning("Google Sheets %s: %s; retry %d of %d in %.1f s", what, failure, attempt,
                            policy.max_attempts - 1, wait)
                policy.sleep(wait)
            budget = self._paced(budget, what)
            attempt += 1
            retry_after = None
            try:
                self.attempts += 1
                response = self.session.request(method=method, url=url, json=json, params=params, data=data,
                                                files=files, headers=headers, timeout=self.timeout)
            except auth_exceptions.RefreshError as exc:
                if not getattr(exc, "retryable", False):
                    raise KeyRefused(
                        f"Google refused the service-account key ({exc}).",
                        fix="Check that the key file in [source] credentials is the current key of an "
                            "existing service account; create a new key if it was deleted.") from None
                failure = f"token exchange failed ({exc})"
            except _NETWORK_ERRORS as exc:
                failure = _network_text(exc)
            else:
                if response.ok:
                    return response
                if response.status_code not in RETRY_STATUS:
                    raise APIError(response)
                failure = _status_text(response)
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                throttled = response.status_code == 429

    def _paced(self, budget: _Deadline, what: str) -> _Deadline:
        """Wait for a quota slot; ``budget`` (the operation's too) extended by the time pacing took.

        A pause after another process's 429 is Google asking to wait: it counts against the budget, and
        when it is longer than the budget leaves, the request gives up now, as for its own Retry-After.
        """
        policy = self.policy
        paused = policy.quota.paused_for()
        if paused and not budget.fits(policy.clock(), paused + policy.timeout_seconds):
            raise GoogleUnavailable(
                f"Google Sheets asked the service account to wait {paused:.0f} s (a 429 answered to another "
                f"process sharing [google] quota_file): {what} was not sent, as waiting and then an attempt of up "
                f"to {policy.timeout_seconds:g} s would not end within {budget.what}'s {budget.seconds:g} s "
                "([google] max_retry_seconds).",
                fix="The Sheets API quota is used up; wait a minute and run again, or run less often.")
        started = policy.clock()
        policy.quota.acquire()
        waited = policy.clock() - started - paused  # the pause counts, as this request's own Retry-After would
        if waited <= 0:
            return budget
        longer = dataclasses.replace(budget, paced=budget.paced + waited)
        if self._deadline is budget:
            self._deadline = longer
        return longer

    def _give_up(self, what: str, attempts: int, failure: str, budget: _Deadline, wait: float | None,
                 asked: float | None) -> GoogleUnavailable:
        """The error for a request abandoned after ``attempts``.

        ``wait`` is None when ``max_attempts`` ran out, else the wait before the next attempt that, with
        ``timeout_seconds``, did not fit in the operation's budget; ``asked`` is Google's Retry-After.
        """
        policy = self.policy
        spent = max(0.0, policy.clock() - budget.started - budget.paced)
        if wait is None:
            why = f"[google] max_attempts is {policy.max_attempts}"
        else:
            waiting = ""
            if wait and asked is not None:
                waiting = f"waiting the {asked:.0f} s Google asks for, then "
            elif wait:
                waiting = f"waiting {wait:.1f} s more, then "
            why = (f"{waiting}an attempt of up to {policy.timeout_seconds:g} s ([google] timeout_seconds) would "
                   f"not end within {budget.what}'s {budget.seconds:g} s ([google] max_retry_seconds)")
        if attempts:
            problem = (f"Google Sheets did not answer {what} after {attempts} attempt(s) (last: {failure}); "
                       f"gave up after trying for {spent:.0f} s: {why}.")
        else:
            problem = (f"Google Sheets answered too slowly: {what} was not sent, as {budget.what} had already "
                       f"taken {spent:.0f} s and {why}.")
        quota = "429" in failure
        return GoogleUnavailable(
            problem,
            fix=("The Sheets API quota is used up; wait a minute and run again, or run less often."
                 if quota else
                 "Check the internet connection and https://www.google.com/appsstatus, then run again; "
                 "[google] timeout_seconds, max_attempts and max_retry_seconds set how long to keep trying."))


@dataclass(frozen=True)
class _Deadline:
    """The time budget of one operation: ``seconds`` from ``started`` (policy clock)."""

    what: str
    started: float
    seconds: float
    paced: float = 0.0  # time spent waiting for quota slots, added to the budget

    def fits(self, now: float, needed: float) -> bool:
        return now + needed <= self.started + self.seconds + self.paced


def _network_text(exc: BaseException) -> str:
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if isinstance(exc, auth_exceptions.TransportError):
        return f"token exchange failed ({exc})"
    return f"connection failed ({type(exc).__name__})"


def error_reasons(error: Mapping[str, Any]) -> set[str]:
    """The machine-readable reasons of a Google error body (ErrorInfo details and legacy ``errors``)."""
    reasons = set()
    for detail in error.get("details") or ():
        if isinstance(detail, Mapping) and detail.get("reason"):
            reasons.add(str(detail["reason"]))
    for item in error.get("errors") or ():
        if isinstance(item, Mapping) and item.get("reason"):
            reasons.add(str(item["reason"]))
    return reasons


def explain(exc: APIError, spreadsheet: str, account: str, *, write: bool = False) -> SecorError:
    """An API error on one spreadsheet as a sentence the office can act on."""
    code = exc.response.status_code
    error = exc.error if isinstance(exc.error, Mapping) else {}
    message = str(error.get("message", "")).strip()
    reasons = error_reasons(error)
    where = f"spreadsheet '{spreadsheet}'"
    if code == 403 and reasons & {"SERVICE_DISABLED", "accessNotConfigured"}:
        return SecorError(
            f"{where} cannot be opened: the Google Sheets API is not enabled in the service account's project.",
            fix="In the Google Cloud console open APIs & Services > Library > Google Sheets API and press Enable "
                "(wait a few minutes after enabling).")
    if code == 403:
        role = "Editor" if write else "Viewer (Editor for the dashboard spreadsheet)"
        return SecorError(
            f"{where} cannot be opened: the service account has no access ({message or 'permission denied'}).",
            fix=f"Share it with {account} as {role}.")
    if code == 404:
        return SecorError(
            f"{where} was not found: the key or URL is wrong, or the spreadsheet was deleted.",
            fix="Copy the spreadsheet's URL from the browser into [source] spreadsheets.")
    if code == 401:
        return KeyRefused(f"Google refused the credentials when opening {where} ({message}).",
                          fix="Check the key file in [source] credentials; create a new key if it was deleted.")
    if code == 400 and "not supported for this document" in message:
        return SecorError(
            f"{where} is an Excel file stored in Google Drive, not a Google Sheets spreadsheet.",
            fix="Open it in Google Sheets and use File > Save as Google Sheets, then use the new spreadsheet's URL.")
    return SecorError(f"{where}: Google Sheets answered HTTP {code} ({message or 'no message'}).")
