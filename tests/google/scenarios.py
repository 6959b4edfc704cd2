"""Situations the emulator does not stage by itself, built on its public surface (no emulator change).

* :func:`not_a_google_sheet`: the key of an .xlsx file stored in Drive, which the Sheets API refuses
  with 400 FAILED_PRECONDITION "This operation is not supported for this document".
* :func:`every_request_slow`: Google answering every API request after ``delay`` seconds.
* :class:`FakeTime`, :class:`SlowNetwork`: a clock that moves only when the transport sleeps or
  a request times out, to check the time budget exactly without waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
import requests

from .emulator import Emulator
from .errors import ApiError

NOT_SUPPORTED = "This operation is not supported for this document"


def not_a_google_sheet(emulator: Emulator, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every API call on spreadsheet ``key`` is refused as Google refuses an Excel file kept in Drive."""
    answer = emulator.api

    def api(http_method: str, path: str, query: Mapping[str, list[str]], body: object, authorization: str) -> Any:
        if f"/spreadsheets/{key}" in path:
            raise ApiError(400, NOT_SUPPORTED, "FAILED_PRECONDITION")
        return answer(http_method, path, query, body, authorization)

    monkeypatch.setattr(emulator, "api", api)


def every_request_slow(emulator: Emulator, delay: float, count: int = 200) -> None:
    """The next ``count`` Sheets API requests are answered only after ``delay`` seconds."""
    emulator.inject("slow", count, delay=delay)


class FakeTime:
    """``clock`` and ``sleep`` for a RetryPolicy: time moves by what is slept and by :meth:`advance`."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


class SlowNetwork(requests.Session):
    """Requests on :class:`FakeTime`: those ``failing`` take their whole timeout and time out; the others are
    sent through ``inner`` (the real session) and take ``answer_seconds``. ``inner=None``: every request fails."""

    def __init__(self, time: FakeTime, inner: requests.Session | None = None, *, answer_seconds: float = 0.0,
                 failing: Callable[[str, str], bool] = lambda method, url: True) -> None:
        super().__init__()
        self.time = time
        self.inner = inner
        self.answer_seconds = answer_seconds
        self.failing = failing
        self.sent: list[tuple[str, str, float]] = []  # (METHOD, url, fake time it was sent at)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        m, u = str(method).upper(), str(url)
        self.sent.append((m, u, self.time.now))
        if self.inner is None or self.failing(m, u):
            self.time.advance(float(kwargs.get("timeout") or 0))
            raise requests.exceptions.ReadTimeout("read timed out")
        self.time.advance(self.answer_seconds)
        return self.inner.request(method, url, *args, **kwargs)
