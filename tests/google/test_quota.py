"""The fleet's shared Sheets quota against the emulator: processes pace under one budget, a 429 pauses them all.

The emulator counts requests like Google's per-minute quota (``Emulator.limit``), scaled down to
seconds; the clients run in separate processes (spawned, as a fleet's process pool does) sharing one
``[google] quota_file``.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.settings import GoogleSettings, Settings, SourceSettings
from pipeline.sources.google import GoogleSource, load_credentials, policy_from
from pipeline.sources.google_http import GoogleUnavailable
from pipeline.sources.quota import FileStore, RateLimiter

from .data import FORMS, OFFICE, OFFICE_KEY

KEYS = [f"1Client{c}Key" + c * 36 for c in "ABC"]  # one spreadsheet per client company


def most_in_any_window(times: list[float], window: float) -> int:
    """The most of ``times`` that fall in one window of ``window`` seconds."""
    times = sorted(times)
    return max((sum(1 for u in times if t <= u < t + window) for t in times), default=0)


def _client(url: str, key_file: str, key: str, quota_file: str, budget: int, window: float, reads: int,
            barrier: Any, results: Any) -> None:
    """One client's process: ``reads`` reads of its spreadsheet.

    Puts (key, the quota slots it was given, tabs per read, its pauses as (recorded at, paused until)),
    times by ``time.time``, the clock the processes share.
    """
    google = GoogleSettings(api_endpoint=url, timeout_seconds=5.0, max_retry_seconds=60.0,
                            requests_per_minute=budget, window_seconds=window, quota_file=quota_file)
    settings = Settings(source=SourceSettings(backend="google", spreadsheets=(key,), credentials=key_file),
                        google=google)
    source = GoogleSource.from_settings(settings)
    quota = source.policy.quota
    slots: list[float] = []
    pauses: list[tuple[float, float]] = []
    acquire, pause = quota.acquire, quota.pause

    def recorded_acquire() -> float:
        slots.append(acquire())
        return slots[-1]

    def recorded_pause(seconds: float) -> None:
        before = time.time()
        pause(seconds)
        pauses.append((time.time(), before + seconds))  # recorded by then; nobody sends before that

    quota.acquire, quota.pause = recorded_acquire, recorded_pause  # type: ignore[method-assign]
    barrier.wait(timeout=60)  # every process has imported and is ready: they start together
    tabs = []
    for _ in range(reads):
        book = source.read()
        tabs.append(len(book.tabs) if not book.problems else -1)
    results.put((key, slots, tabs, pauses))


def run_clients(emulator, key_file: Path, reads: dict[str, int], quota_file: Path, budget: int,
                window: float) -> dict[str, tuple[list[float], list[int], list[tuple[float, float]]]]:
    """Each key read ``reads[key]`` times by its own spawned process, all sharing ``quota_file``."""
    keys = list(reads)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(keys)), ctx.Queue()
    procs = [ctx.Process(target=_client, args=(emulator.url, str(key_file), key, str(quota_file), budget, window,
                                               reads[key], barrier, results)) for key in keys]
    for p in procs:
        p.start()
    out: list[Any] = []
    deadline = time.monotonic() + 60
    try:
        while len(out) < len(procs) and time.monotonic() < deadline:
            try:
                out.append(results.get(timeout=0.2))
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    break  # a client failed: its traceback is on stderr
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * len(procs) and len(out) == len(procs)
    return {key: (slots, tabs, pauses) for key, slots, tabs, pauses in out}


@pytest.fixture
def clients(emulator):
    for key in KEYS:
        emulator.add_spreadsheet(key, f"Client {key[7]} records", OFFICE)
    return emulator


def test_parallel_clients_share_one_budget_and_never_get_a_429(clients, key_file, tmp_path):
    budget, window, reads = 20, 2.0, 6  # 3 clients x 6 reads x 2 requests = 36: two windows' worth
    clients.limit(24, window)  # Google's limit; the budget stays under it, as 50 stays under 60 a minute
    out = run_clients(clients, key_file, dict.fromkeys(KEYS, reads), tmp_path / "quota.json", budget, window)

    assert {key: tabs for key, (_, tabs, _) in out.items()} == {key: [len(OFFICE)] * reads for key in KEYS}
    slots = [s for s_, _, _ in out.values() for s in s_]
    assert len(slots) == 36 and most_in_any_window(slots, window) == budget  # no window held more than the budget
    assert [e["status"] for e in clients.api_requests()] == [200] * 36  # Google never had to say no
    arrived = clients.request_times()
    # As Google counts: the budget, plus at most one request per client held up on its way.
    assert most_in_any_window(arrived, window) <= budget + len(KEYS)
    assert arrived[-1] - arrived[0] >= window - 0.3  # paced over two windows, not sent at once


def test_without_the_budget_the_same_reads_set_off_a_429_storm(clients, make_source):
    clients.limit(24, 2.0)
    source = make_source(KEYS, requests_per_minute=0, max_attempts=2)  # 0: no pacing
    with pytest.raises(GoogleUnavailable) as caught:
        for _ in range(10):
            source.read()
    assert "quota" in caught.value.fix
    assert len(clients.request_times(429)) >= 2


def test_a_429_pauses_the_other_process_too(clients, key_file, tmp_path):
    a, b = KEYS[:2]
    clients.inject("429", 1, retry_after=1, path=f"{a}/values:batchGet", after=1)  # a's second read, b reading
    # One request per 0.4 s: b's next slot comes well after a's 429 is recorded, so b is rarely in flight then;
    # b reads on after a's second read (were a held up, b would have the slots to itself).
    out = run_clients(clients, key_file, {a: 2, b: 4}, tmp_path / "quota.json", budget=1, window=0.4)

    assert {key: tabs for key, (_, tabs, _) in out.items()} == {a: [len(OFFICE)] * 2, b: [len(OFFICE)] * 4}
    ((recorded, until),) = out[a][2]  # a recorded one pause, for the Retry-After (plus jitter)
    assert until - recorded >= 1.0 and out[b][2] == []
    b_slots = out[b][0]
    assert any(s < recorded for s in b_slots)  # b was reading when a got the 429
    assert all(s < recorded or s >= until for s in b_slots)  # and sent nothing more until the pause ended
    assert any(s >= until for s in b_slots)

    (throttled,) = clients.request_times(429)
    b_times = [e["time"] for e in clients.api_requests() if f"/{b}" in e["path"]]
    a_times = [e["time"] for e in clients.api_requests() if f"/{a}" in e["path"]]
    # Seen by Google: b's next request came a second later, like a's retry (b could have had one on its way).
    assert len([t for t in b_times if throttled < t < throttled + 1.0]) <= 1
    assert min(t for t in a_times if t > throttled) >= throttled + 1.0
    assert (len(a_times), len(b_times)) == (5, 8)


class Recording(RateLimiter):
    """A limiter that paces nothing and records what the transport asked of it."""

    def __init__(self) -> None:
        super().__init__(0)
        self.calls: list[tuple[str, float]] = []

    def acquire(self) -> float:
        self.calls.append(("acquire", 0.0))
        return super().acquire()

    def pause(self, seconds: float) -> None:
        self.calls.append(("pause", seconds))
        super().pause(seconds)


def test_every_attempt_asks_the_quota_and_a_429_pauses_it(emulator, make_settings, sleeps):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    emulator.inject("429", 1, retry_after=3, path="values:batchGet")
    emulator.inject("503", 1, path="values:batchGet")
    settings = make_settings([OFFICE_KEY])
    quota = Recording()
    source = GoogleSource(settings.source.spreadsheets, load_credentials(settings.source.credentials),
                          settings.google, policy=policy_from(settings.google, sleep=sleeps.append, quota=quota))
    assert source.read().problems == ()
    # get, batchGet (429), pause for the Retry-After, retry (503: no pause), retry: every attempt paced
    assert [c for c, _ in quota.calls] == ["acquire", "acquire", "pause", "acquire", "acquire"]
    assert quota.calls[2][1] == sleeps[0] and 3 <= sleeps[0] <= 4  # others wait what this process waits


def test_time_waiting_for_the_quota_does_not_use_up_the_retry_budget(emulator, make_source):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    # 6 requests at 2 per second take 2 s, longer than the 1 s the read may spend on Google not answering.
    source = make_source([OFFICE_KEY], requests_per_minute=2, window_seconds=1.0, timeout_seconds=0.5,
                         max_retry_seconds=1.0)
    for _ in range(3):
        assert source.read().problems == ()
    times = emulator.request_times()
    assert len(times) == 6 and times[-1] - times[0] >= 2.0 - 0.1


def test_forms_and_office_of_one_client_share_its_budget(emulator, make_source):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    emulator.add_spreadsheet(KEYS[0], "Forms", FORMS)
    source = make_source([OFFICE_KEY, KEYS[0]], requests_per_minute=3, window_seconds=1.0)
    source.read()
    times = emulator.request_times()
    assert len(times) == 4 and times[3] - times[0] >= 1.0 - 0.05  # the fourth waited for the window


def test_a_pause_longer_than_the_retry_budget_stops_the_read_without_sending(emulator, make_source, tmp_path):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    shared = tmp_path / "quota.json"
    source = make_source([OFFICE_KEY], quota_file=str(shared), max_retry_seconds=20.0)
    RateLimiter(50, 60.0, FileStore(shared)).pause(300.0)  # another client was told: Retry-After 300
    with pytest.raises(GoogleUnavailable) as caught:
        source.read()
    assert emulator.api_requests() == []  # nothing sent into a used-up quota
    message = caught.value.message
    assert "wait 300 s" in message and "[google] quota_file" in message and "max_retry_seconds" in message
