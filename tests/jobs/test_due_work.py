"""due_work: what is due when, in company time, from the state alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import Job, backoff, due_work, pack_time, sync_slot
from jobs.state import JobHealth, State
from pipeline.errors import SecorError
from pipeline.settings import ScheduleSettings, Settings

EDM = ZoneInfo("America/Edmonton")
S = Settings()


def at(y: int, m: int, d: int, hh: int = 6, mm: int = 5, zone: ZoneInfo = EDM) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=zone)


def test_fresh_install_mid_month_syncs_and_packs_only_last_month() -> None:
    state = State(installed_month="2026-11")
    assert due_work(state, at(2026, 11, 21), S) == [Job("sync"), Job("pack", "2026-10"), Job("mail", "2026-10")]


def test_fresh_install_on_the_first_before_sync_time_waits_for_the_pack() -> None:
    state = State(installed_month="2026-11")
    assert due_work(state, at(2026, 11, 1, 3, 0), S) == [Job("sync")]  # yesterday's sync was never done
    assert due_work(state, at(2026, 11, 1, 6, 0), S) == [Job("sync"), Job("pack", "2026-10"),
                                                         Job("mail", "2026-10")]


def test_sync_is_due_once_per_day_from_sync_at_in_company_time() -> None:
    state = State(installed_month="2026-11", packs={"2026-10": {}}, mailed={"2026-10": {}})
    state.last_sync_ok = at(2026, 11, 21, 6, 0)
    assert due_work(state, at(2026, 11, 21, 23, 59), S) == []
    assert due_work(state, at(2026, 11, 22, 5, 59), S) == []
    assert due_work(state, at(2026, 11, 22, 6, 0), S) == [Job("sync")]
    # the same instant seen from UTC: 06:00 Edmonton (MST) is 13:00 UTC
    assert due_work(state, datetime(2026, 11, 22, 12, 59, tzinfo=ZoneInfo("UTC")), S) == []
    assert due_work(state, datetime(2026, 11, 22, 13, 0, tzinfo=ZoneInfo("UTC")), S) == [Job("sync")]


def test_sync_slot_across_daylight_saving() -> None:
    # 2026-03-08: clocks jump at 02:00 in Edmonton; 06:00 exists and is MDT (UTC-6)
    slot = sync_slot(S, at(2026, 3, 8, 7, 0))
    assert slot.utcoffset() == timedelta(hours=-6) and slot.hour == 6
    assert sync_slot(S, at(2026, 3, 8, 5, 0)).day == 7


def test_missed_months_are_due_oldest_first_with_mail_after_each_pack() -> None:
    state = State(installed_month="2026-02", packs={"2026-01": {}}, mailed={"2026-01": {}})
    state.last_sync_ok = at(2026, 2, 10)
    work = due_work(state, at(2026, 5, 20), S)
    assert work == [Job("sync"), Job("pack", "2026-02"), Job("mail", "2026-02"), Job("pack", "2026-03"),
                    Job("mail", "2026-03"), Job("pack", "2026-04"), Job("mail", "2026-04")]


def test_a_packed_but_unmailed_month_is_mailed_not_repacked() -> None:
    state = State(installed_month="2026-11", packs={"2026-10": {"pdf": "x.pdf"}})
    state.last_sync_ok = at(2026, 11, 21)
    assert due_work(state, at(2026, 11, 21, 7, 0), S) == [Job("mail", "2026-10")]


def test_pack_day_and_month_ends() -> None:
    settings = Settings(schedule=ScheduleSettings(pack_day=31, sync_at="07:30"))
    assert pack_time(settings, "2027-01") == datetime(2027, 2, 28, 7, 30, tzinfo=EDM)  # clamped to February
    assert pack_time(settings, "2026-12") == datetime(2027, 1, 31, 7, 30, tzinfo=EDM)


def test_a_job_in_backoff_is_not_due_until_its_retry_time() -> None:
    state = State(installed_month="2026-11", packs={"2026-10": {}}, mailed={"2026-10": {}})
    state.jobs["sync"] = JobHealth(failures=1, retry_at=at(2026, 11, 21, 6, 15))
    assert due_work(state, at(2026, 11, 21, 6, 10), S) == []
    assert due_work(state, at(2026, 11, 21, 6, 15), S) == [Job("sync")]


def test_backoff_doubles_up_to_the_cap() -> None:
    minutes = [backoff(S, n).total_seconds() / 60 for n in range(1, 9)]
    assert minutes == [10, 20, 40, 80, 160, 240, 240, 240]


def test_bad_sync_at_is_a_clear_error() -> None:
    with pytest.raises(SecorError, match="HH:MM"):
        due_work(State(), at(2026, 11, 21), Settings(schedule=ScheduleSettings(sync_at="6am")))
