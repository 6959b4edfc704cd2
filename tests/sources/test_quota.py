"""The shared Sheets quota limiter, on a fake clock: budget per sliding window, pauses, the shared file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pipeline.errors import SecorError
from pipeline.settings import GoogleSettings, settings_from_dict
from pipeline.sources.google import check_settings, policy_from
from pipeline.sources.quota import FileStore, MemoryStore, RateLimiter


class FakeTime:
    """A clock that moves only when someone sleeps; every sleep is recorded."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def limiter(t: FakeTime, budget: int, window: float = 60.0, store=None) -> RateLimiter:
    return RateLimiter(budget, window, store or MemoryStore(), clock=t.clock, sleep=t.sleep)


def most_in_any_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max((sum(1 for u in times if t <= u < t + window) for t in times), default=0)


def test_requests_within_the_budget_are_not_delayed():
    t = FakeTime()
    q = limiter(t, budget=5)
    assert [q.acquire() for _ in range(5)] == [t.now] * 5
    assert t.sleeps == []


def test_the_request_over_the_budget_waits_until_the_oldest_leaves_the_window():
    t = FakeTime()
    q = limiter(t, budget=3, window=10.0)
    start = t.now
    q.acquire()
    t.now += 4
    q.acquire()
    q.acquire()
    assert q.acquire() == start + 10  # the first request's slot is free again 10 s after it
    assert t.sleeps == [6.0]


def test_no_window_ever_holds_more_than_the_budget():
    t = FakeTime()
    q = limiter(t, budget=50, window=60.0)
    slots = []
    for i in range(400):
        slots.append(q.acquire())
        t.now += (i % 7) * 0.13  # the work between requests varies
    assert most_in_any_window(slots, 60.0) == 50
    assert slots[-1] - slots[0] >= (400 // 50 - 1) * 60  # and it was paced, not merely counted


def test_a_budget_of_zero_paces_nothing():
    t = FakeTime()
    q = limiter(t, budget=0)
    for _ in range(1000):
        q.acquire()
    assert t.sleeps == []


def test_processes_sharing_the_file_share_one_budget(tmp_path: Path):
    t = FakeTime()
    path = tmp_path / "quota.json"
    a, b = (limiter(t, budget=4, window=10.0, store=FileStore(path)) for _ in range(2))
    slots = [q.acquire() for q in (a, b, a, b, a, b, a, b, a, b)]
    assert slots[:4] == [slots[0]] * 4
    assert most_in_any_window(slots, 10.0) == 4
    assert slots[4] == slots[0] + 10  # the fifth request, whichever process sends it, waits for the window
    state = json.loads(path.read_text())
    assert len(state["times"]) <= 4  # only the times still inside the window are kept


def test_a_pause_after_a_429_holds_every_other_process(tmp_path: Path):
    t = FakeTime()
    path = tmp_path / "quota.json"
    throttled, other = (limiter(t, budget=50, store=FileStore(path)) for _ in range(2))
    throttled.acquire()
    throttled.pause(7.5)  # Google answered 429, Retry-After: 7
    start = t.now
    assert other.acquire() == start + 7.5
    assert t.sleeps == [7.5]


def test_the_process_that_got_the_429_waits_in_its_retry_delay_not_twice():
    t = FakeTime()
    q = limiter(t, budget=50)
    q.acquire()
    q.pause(7.0)
    assert q.acquire() == t.now  # its transport sleeps the Retry-After before this retry
    assert t.sleeps == []


def test_a_pause_that_comes_while_a_process_sleeps_for_its_slot_is_honoured(tmp_path: Path):
    t = FakeTime()
    path = tmp_path / "quota.json"
    waiting, throttled = (limiter(t, budget=1, window=10.0, store=FileStore(path)) for _ in range(2))
    start = t.now
    throttled.acquire()  # the only slot of this window

    def sleep(seconds: float) -> None:  # while `waiting` sleeps, the other process gets a 429
        t.sleep(seconds)
        if len(t.sleeps) == 1:
            throttled.pause(30.0)

    waiting.sleep = sleep
    assert waiting.acquire() == start + 10 + 30  # its slot at +10 was given back; it goes after the pause
    assert t.sleeps == [10.0, 30.0]


def test_a_longer_pause_is_kept_when_a_shorter_one_follows(tmp_path: Path):
    t = FakeTime()
    path = tmp_path / "quota.json"
    a, b, c = (limiter(t, budget=50, store=FileStore(path)) for _ in range(3))
    start = t.now
    a.pause(20.0)
    b.pause(5.0)
    assert c.acquire() == start + 20.0
    assert t.sleeps == [20.0]


def test_a_damaged_quota_file_is_started_afresh_with_a_warning(tmp_path: Path, caplog):
    t = FakeTime()
    path = tmp_path / "quota.json"
    path.write_text('{"times": [1, 2, "three"')
    q = limiter(t, budget=2, store=FileStore(path))
    with caplog.at_level(logging.WARNING, logger="pipeline.sources.quota"):
        q.acquire()
    assert "damaged" in caplog.text and str(path) in caplog.text
    assert json.loads(path.read_text())["times"] == [t.now]
    for junk in ("[]", '{"times": 5}', '{"times": [true], "pause_until": 0}', "\x00\x01"):
        path.write_text(junk)
        q.acquire()  # never a crash
        assert isinstance(json.loads(path.read_text())["times"], list)


def test_times_far_in_the_future_are_dropped_as_junk(tmp_path: Path):
    t = FakeTime()
    path = tmp_path / "quota.json"
    path.write_text(json.dumps({"times": [t.now + 10 * 86400] * 5, "pause_until": t.now + 86400}))
    assert limiter(t, budget=1, store=FileStore(path)).acquire() == t.now  # a clock set back, not a real booking
    assert t.sleeps == []


def test_a_quota_file_that_cannot_be_opened_is_a_setting_to_fix(tmp_path: Path):
    with pytest.raises(SecorError) as caught:
        policy_from(GoogleSettings(quota_file=str(tmp_path)))  # a folder
    assert "[google] quota_file" in caught.value.message and str(tmp_path) in caught.value.message


def test_settings_give_each_source_its_own_limiter_unless_a_file_is_named(tmp_path: Path):
    a, b = policy_from(GoogleSettings()), policy_from(GoogleSettings())
    assert a.quota.budget == 50 and a.quota.window == 60.0 and a.quota.store is not b.quota.store
    shared = policy_from(GoogleSettings(requests_per_minute=20, window_seconds=2.0,
                                        quota_file=str(tmp_path / "q" / "quota.json")))
    assert (shared.quota.budget, shared.quota.window) == (20, 2.0)
    assert isinstance(shared.quota.store, FileStore) and (tmp_path / "q" / "quota.json").is_file()


@pytest.mark.parametrize(("google", "named"), [({"requests_per_minute": -1}, "google.requests_per_minute"),
                                               ({"window_seconds": 0}, "google.window_seconds")])
def test_impossible_quota_settings_are_refused_naming_the_setting(google, named):
    with pytest.raises(SecorError) as caught:
        settings_from_dict({"google": google})
    assert named in caught.value.message


@pytest.mark.parametrize(("value", "named"), [(-5, "requests_per_minute"), (2.5, "requests_per_minute")])
def test_settings_made_in_code_are_checked_too(value, named):
    with pytest.raises(SecorError) as caught:
        check_settings(GoogleSettings(requests_per_minute=value))
    assert f"[google] {named}" in caught.value.message


def test_paused_for_says_how_long_another_process_s_pause_lasts(tmp_path: Path):
    t = FakeTime()
    path = tmp_path / "quota.json"
    throttled, other = (limiter(t, budget=50, store=FileStore(path)) for _ in range(2))
    assert other.paused_for() == 0.0
    throttled.pause(12.0)
    t.now += 2
    assert other.paused_for() == 10.0 and throttled.paused_for() == 0.0  # its own is waited in its retry delay


def test_a_shorter_429_does_not_let_a_process_skip_another_s_longer_pause(tmp_path: Path):
    t = FakeTime()
    path = tmp_path / "quota.json"
    first, second = (limiter(t, budget=50, store=FileStore(path)) for _ in range(2))
    start = t.now
    first.pause(30.0)
    second.pause(2.0)  # its own retry waits 2 s: the other's 30 s still hold it
    assert second.acquire() == start + 30.0
