"""Ctrl-C in `secor run`: the current job finishes, nothing new is started (and the log says what is left for
the next start); a second Ctrl-C stops at once and says so."""

from __future__ import annotations

import os
import signal
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import Jobs, Scheduler, run_once
from jobs.state import State, load_state, save_state
from pipeline.settings import EmailSettings, Settings
from tests.jobs.helpers import FakeJobs

EDM = ZoneInfo("America/Edmonton")
NOW = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)


def _setup(tmp_path: Path, presses: int) -> tuple[Scheduler, FakeJobs]:
    settings = Settings(company="Acme", output=str(tmp_path / "out"),
                        email=EmailSettings(enabled=True, to=("owner@acme.example",), sender="secor@acme.example"))
    save_state(tmp_path / "out", State(installed_month="2027-01"))
    fake = FakeJobs(tmp_path / "out")

    def sync_then_ctrl_c(s: Settings, as_of: date) -> Any:
        for _ in range(presses):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs in the main thread between bytecodes
        return fake.sync(s, as_of)

    jobs = Jobs(sync=sync_then_ctrl_c, pack=fake.pack, send=fake.send)
    return Scheduler(settings, jobs=jobs, clock=lambda: NOW, tick_seconds=0.05), fake


def test_ctrl_c_during_a_job_starts_nothing_new_and_says_what_is_left(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    scheduler, fake = _setup(tmp_path, presses=1)
    caplog.set_level("INFO", logger="secor.jobs")
    scheduler.run()
    assert fake.syncs == [NOW.date()]  # the current job finished
    assert fake.packs == [] and fake.sent == []  # and the pack and its mail were not started
    report = scheduler.reports[-1]
    assert "stopped before starting: pack 2026-12, mail 2026-12; done at the next start." in report.notes
    assert "stopping after the current job (sync)" in caplog.text
    assert "press Ctrl-C again to stop now" in caplog.text
    again = run_once(scheduler.settings, NOW, Jobs(sync=fake.sync, pack=fake.pack, send=fake.send))
    assert [str(o.job) for o in again.outcomes] == ["pack 2026-12", "mail 2026-12"]  # done at the next start


def test_a_second_ctrl_c_stops_now_and_says_the_job_is_redone(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    scheduler, fake = _setup(tmp_path, presses=2)
    with pytest.raises(KeyboardInterrupt):
        scheduler.run()
    assert "stopping now: sync is abandoned and redone at the next start" in caplog.text
    assert fake.syncs == [] and fake.packs == []
    assert load_state(tmp_path / "out").last_sync_ok is None  # not recorded as done: redone
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handlers were put back
