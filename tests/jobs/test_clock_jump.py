"""A clock that jumps forward: no pack for a month that has not ended, and once the clock is corrected the
real 1st works as usual (entries dated in the future are reported and set aside)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from jobs.scheduler import run_once
from jobs.state import State, load_state, save_state
from pipeline.settings import EmailSettings, ScheduleSettings, Settings
from tests.jobs.helpers import FakeJobs

EDM = ZoneInfo("America/Edmonton")
REAL = datetime(2026, 11, 20, 9, 0, tzinfo=EDM)  # the real time of the first run
JUMPED = datetime(2027, 2, 2, 9, 0, tzinfo=EDM)  # the clock, three months ahead, one minute later


def settings_for(tmp_path: Path) -> Settings:
    return Settings(company="Acme", output=str(tmp_path / "out"), schedule=ScheduleSettings(),
                    email=EmailSettings(enabled=True, to=("owner@acme.example",), sender="secor@acme.example"))


class Uptime:
    """The machine's uptime, moved by the test: (boot id, seconds since boot)."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> tuple[str, float]:
        return "boot-1", self.seconds


def test_a_clock_three_months_ahead_makes_no_future_pack_and_the_real_first_makes_the_next(tmp_path: Path) -> None:
    settings, fake, uptime = settings_for(tmp_path), FakeJobs(tmp_path / "out"), Uptime()
    save_state(tmp_path / "out", State(installed_month="2026-10"))
    run_once(settings, REAL, fake.jobs(), uptime=uptime)
    assert fake.packs == ["2026-09", "2026-10"]  # legitimately due on the real date

    uptime.seconds += 60  # one minute later the clock says February
    report = run_once(settings, JUMPED, fake.jobs(), uptime=uptime)
    assert fake.packs == ["2026-09", "2026-10"]  # not November, December or January
    assert len(fake.sent) == 2
    assert any("jumped forward" in line for line in report.lines())
    uptime.seconds += 3600  # still wrong an hour later: still no pack, and not told again
    report = run_once(settings, JUMPED + timedelta(hours=1), fake.jobs(), uptime=uptime)
    assert fake.packs == ["2026-09", "2026-10"] and not any("jumped" in line for line in report.lines())

    real_first = datetime(2026, 12, 1, 6, 5, tzinfo=EDM)  # the clock corrected; the real 1st
    uptime.seconds += (real_first - REAL).total_seconds()
    run_once(settings, real_first, fake.jobs(), uptime=uptime)
    assert fake.packs == ["2026-09", "2026-10", "2026-11"]
    assert [str(m["Subject"]).rsplit(" ", 1)[-1] for m in fake.sent] == ["2026-09", "2026-10", "2026-11"]


def test_future_packs_made_without_a_reference_are_set_aside_once_the_clock_is_right(tmp_path: Path) -> None:
    """After a reboot there is no uptime reference: the jumped run makes future packs. Corrected, they are
    reported once and ignored, and the real 1st makes November's pack again instead of 'nothing due'."""
    settings, fake = settings_for(tmp_path), FakeJobs(tmp_path / "out")
    save_state(tmp_path / "out", State(installed_month="2026-11"))
    run_once(settings, JUMPED, fake.jobs())
    assert fake.packs == ["2026-10", "2026-11", "2026-12", "2027-01"]

    corrected = datetime(2026, 11, 25, 9, 0, tzinfo=EDM)
    report = run_once(settings, corrected, fake.jobs())
    told = [line for line in report.lines() if "set aside and ignored" in line]
    assert len(told) == 1 and "pack 2026-11" in told[0] and "pack 2026-12" in told[0]
    assert "2026-10" not in told[0]  # October had ended: its pack and mail stand, not sent again
    assert fake.packs[4:] == []  # November has not ended yet
    report = run_once(settings, corrected + timedelta(days=1), fake.jobs())
    assert not any("set aside" in line for line in report.lines())  # told once

    run_once(settings, datetime(2026, 12, 1, 6, 5, tzinfo=EDM), fake.jobs())
    assert fake.packs[4:] == ["2026-11"]  # not "nothing due"
    assert [str(m["Subject"]).rsplit(" ", 1)[-1] for m in fake.sent][4:] == ["2026-11"]
    state = load_state(tmp_path / "out")
    assert "2026-12" not in state.packs and "pack 2026-12" in state.future
    assert state.last_sync_ok is not None and state.last_sync_ok < JUMPED


def test_a_retry_time_far_in_the_future_does_not_silence_a_job(tmp_path: Path) -> None:
    settings, fake = settings_for(tmp_path), FakeJobs(tmp_path / "out")
    state = State(installed_month="2026-11")
    health = state.health("sync")
    health.failures, health.retry_at = 1, datetime(2099, 1, 1, tzinfo=EDM)
    save_state(tmp_path / "out", state)
    run_once(settings, REAL, fake.jobs())
    assert fake.syncs == [REAL.date()]
