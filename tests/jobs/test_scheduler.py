"""The scheduler over a simulated year, restarts, outages, two schedulers at once, failures and alerts."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import Job, Jobs, Scheduler, run_once
from jobs.state import load_state
from pipeline.settings import EmailSettings, ScheduleSettings, Settings
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, FakeJobs, free_port, smtp_server

EDM = ZoneInfo("America/Edmonton")
ROOT = Path(__file__).resolve().parents[2]


def settings_for(tmp_path: Path, **schedule: object) -> Settings:
    return Settings(company="Acme", output=str(tmp_path / "out"),
                    schedule=ScheduleSettings(**schedule),  # type: ignore[arg-type]
                    email=EmailSettings(enabled=True, to=("owner@acme.example",), alerts_to=("office@acme.example",),
                                        sender="secor@acme.example"))


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def pack_mails(fake: FakeJobs) -> list[str]:
    return [str(m["Subject"]).rsplit(" ", 1)[-1] for m in fake.sent if "audit pack" in str(m["Subject"])]


def test_a_simulated_year_with_a_restart_midway(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out")
    clock = Clock(datetime(2027, 1, 1, 6, 5, tzinfo=EDM))
    scheduler = Scheduler(settings, jobs=fake.jobs(), clock=clock)
    for day in range(365):
        if day == 180:  # the machine restarts: a new scheduler reads the state back from disk
            scheduler = Scheduler(settings, jobs=fake.jobs(), clock=clock)
        report = scheduler.tick()
        assert report is not None and report.ok and not report.busy
        clock.advance(days=1)
    assert clock.now.date() == date(2028, 1, 1)
    expected = [f"{y}-{m:02d}" for y, m in [(2026, 12), *((2027, m) for m in range(1, 12))]]
    assert len(fake.syncs) == 365 and len(set(fake.syncs)) == 365
    assert fake.packs == expected
    assert pack_mails(fake) == expected and len(fake.sent) == 12
    state = load_state(tmp_path / "out")
    assert sorted(state.packs) == expected and sorted(state.mailed) == expected
    assert state.installed_month == "2027-01" and state.health("sync").failures == 0


def test_many_ticks_a_day_still_run_each_job_once(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out")
    clock = Clock(datetime(2027, 3, 30, 0, 0, tzinfo=EDM))
    scheduler = Scheduler(settings, jobs=fake.jobs(), clock=clock)
    while clock.now < datetime(2027, 4, 3, tzinfo=EDM):
        scheduler.tick()
        clock.advance(minutes=20)
    # syncs on Mar 30 at 00:00 (catch-up for Mar 29's slot), then at 06:00 on Mar 30, 31, Apr 1, 2
    assert fake.syncs == [date(2027, 3, 30), date(2027, 3, 30), date(2027, 3, 31), date(2027, 4, 1),
                          date(2027, 4, 2)]
    assert fake.packs == ["2027-02", "2027-03"] and pack_mails(fake) == ["2027-02", "2027-03"]


def test_a_three_month_outage_is_caught_up_oldest_first(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out")
    clock = Clock(datetime(2027, 1, 15, 6, 5, tzinfo=EDM))
    Scheduler(settings, jobs=fake.jobs(), clock=clock).tick()
    assert fake.packs == ["2026-12"]
    clock.now = datetime(2027, 4, 20, 9, 30, tzinfo=EDM)  # the office machine was off since January 15
    report = Scheduler(settings, jobs=fake.jobs(), clock=clock).tick()
    assert report is not None and [str(o.job) for o in report.outcomes] == [
        "sync", "pack 2027-01", "mail 2027-01", "pack 2027-02", "mail 2027-02", "pack 2027-03", "mail 2027-03"]
    assert fake.packs == ["2026-12", "2027-01", "2027-02", "2027-03"]
    assert pack_mails(fake) == fake.packs
    assert len(fake.syncs) == 2  # one catch-up sync, not one per missed day


def test_two_schedulers_started_at_once_do_each_job_once(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out", delay=0.05)
    clock = Clock(datetime(2027, 1, 31, 6, 5, tzinfo=EDM))
    schedulers = [Scheduler(settings, jobs=fake.jobs(), clock=clock) for _ in range(2)]
    for _ in range(3):  # Jan 31, Feb 1 (pack day), Feb 2
        barrier = threading.Barrier(2)
        reports: list[object] = []

        def go(s: Scheduler, barrier: threading.Barrier = barrier, reports: list[object] = reports) -> None:
            barrier.wait()
            reports.append(s.tick())

        threads = [threading.Thread(target=go, args=(s,)) for s in schedulers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # one did the work; the other found the lock taken (or, if it came later, nothing left to do)
        assert sum(bool(getattr(r, "outcomes", ())) for r in reports) == 1
        # a scheduler that found the lock taken ticks again a minute later: nothing left to do
        for s in schedulers:
            s.tick()
        clock.advance(days=1)
    assert len(fake.syncs) == 3 and len(set(fake.syncs)) == 3
    assert fake.packs == ["2026-12", "2027-01"] and pack_mails(fake) == ["2026-12", "2027-01"]


def _process_run(out: str, start: str, barrier: object) -> None:
    """One process: a run_once with slow fake jobs that append to a shared log file."""
    settings = Settings(company="Acme", output=out, email=EmailSettings(enabled=False))

    def record(what: str) -> None:
        with open(Path(out) / "calls.log", "a", encoding="utf-8") as fh:
            fh.write(what + "\n")

    def sync(_: Settings, as_of: date) -> None:
        time.sleep(0.3)
        record(f"sync {as_of}")

    def pack(_: Settings, month: str) -> object:
        from types import SimpleNamespace

        record(f"pack {month}")
        return SimpleNamespace(pdf=Path(out) / f"{month}.pdf", findings=None)

    barrier.wait()  # type: ignore[attr-defined]
    run_once(settings, datetime.fromisoformat(start), Jobs(sync=sync, pack=pack))


def test_two_processes_at_once_do_each_job_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    start = datetime(2027, 2, 1, 6, 5, tzinfo=EDM).isoformat()
    procs = [ctx.Process(target=_process_run, args=(str(out), start, barrier)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    calls = (out / "calls.log").read_text(encoding="utf-8").splitlines()
    assert calls == ["sync 2027-02-01", "pack 2027-01"]


def test_a_failing_job_is_retried_later_not_in_a_hot_loop(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, failure_alert_after=0)
    fake = FakeJobs(tmp_path / "out", fail_sync=True)
    attempts: list[datetime] = []
    clock = Clock(datetime(2027, 1, 15, 6, 5, tzinfo=EDM))

    def sync(s: Settings, as_of: date) -> None:
        attempts.append(clock.now)
        fake.sync(s, as_of)

    jobs = Jobs(sync=sync, pack=fake.pack, send=fake.send)
    scheduler = Scheduler(settings, jobs=jobs, clock=clock, tick_seconds=0.01)
    thread = threading.Thread(target=scheduler.run, kwargs={"install_signals": False})
    thread.start()
    try:
        time.sleep(0.5)  # ~50 ticks with the clock standing still
        assert scheduler.ticks > 10
        assert len(attempts) == 1  # the catch-up attempt; no retry before the backoff has passed
        assert fake.packs == ["2026-12"]  # the other jobs were not held up by the failing sync
        clock.advance(minutes=10)
        deadline = time.monotonic() + 5
        while len(attempts) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        assert len(attempts) == 2  # retried on a later tick, once
        clock.advance(minutes=19)  # second backoff is 20 minutes
        time.sleep(0.2)
        assert len(attempts) == 2
        fake.fail_sync = False
        clock.advance(minutes=1)
        deadline = time.monotonic() + 5
        while not fake.syncs and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        scheduler.stop()
        thread.join(5)
    assert not thread.is_alive()
    assert len(attempts) == 3 and len(fake.syncs) == 1
    assert load_state(tmp_path / "out").health("sync").failures == 0


def test_alert_emailed_once_after_n_failures_until_a_success(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, failure_alert_after=3)
    fake = FakeJobs(tmp_path / "out", fail_sync=True)
    clock = Clock(datetime(2027, 1, 15, 6, 5, tzinfo=EDM))
    scheduler = Scheduler(settings, jobs=fake.jobs(), clock=clock)

    def alerts() -> list[EmailMessage]:
        return [m for m in fake.sent if "failing" in str(m["Subject"])]

    for _ in range(6):
        scheduler.tick()
        clock.advance(hours=5)  # past every backoff
    assert load_state(tmp_path / "out").health("sync").failures == 6
    assert len(alerts()) == 1
    alert = alerts()[0]
    assert alert["To"] == "office@acme.example" and "sync" in str(alert["Subject"])
    assert "failed 3 times in a row" in alert.get_content() and "source folder 'demo' not found." in alert.get_content()
    fake.fail_sync = False
    scheduler.tick()
    assert load_state(tmp_path / "out").health("sync").failures == 0
    fake.fail_sync = True
    for _ in range(3):
        clock.advance(days=1)
        scheduler.tick()
    assert len(alerts()) == 2  # a new run of failures, a new (single) alert


def test_unexpected_errors_are_recorded_and_do_not_stop_other_jobs(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out", fail_pack=True)
    report = run_once(settings, datetime(2027, 1, 15, 6, 5, tzinfo=EDM), fake.jobs())
    assert [(str(o.job), o.ok) for o in report.outcomes] == [("sync", True), ("pack 2026-12", False)]
    assert "RuntimeError: pack engine crashed" in (report.outcomes[1].error or "")
    state = load_state(tmp_path / "out")
    assert "2026-12" not in state.packs and state.health("pack 2026-12").failures == 1


def test_email_disabled_records_the_pack_as_not_to_be_sent(tmp_path: Path) -> None:
    settings = settings_for(tmp_path).replace(email=EmailSettings(enabled=False))
    fake = FakeJobs(tmp_path / "out")
    report = run_once(settings, datetime(2027, 1, 15, 6, 5, tzinfo=EDM), fake.jobs())
    assert report.ok and not fake.sent
    assert load_state(tmp_path / "out").mailed["2026-12"]["skipped"]


# --------------------------------------------------------------------------- with the real SMTP send


@pytest.mark.parametrize("trouble", ["wrong password", "refused"])
def test_a_pack_not_mailed_because_of_smtp_trouble_is_mailed_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trouble: str) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong" if trouble == "wrong password" else PASSWORD)
    fake = FakeJobs(tmp_path / "out")
    jobs = Jobs(sync=fake.sync, pack=fake.pack)  # the real send_message
    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        if trouble == "refused":
            settings = settings.replace(email=EmailSettings(**{**settings.email.__dict__, "port": free_port()}))
        report = run_once(settings, now, jobs)
        assert not server.handler.messages
    mail = next(o for o in report.outcomes if o.job == Job("mail", "2026-12"))
    assert not mail.ok
    expected = {"wrong password": "rejected the user name or password", "refused": "connection refused"}[trouble]
    assert expected in (mail.error or "")
    state = load_state(tmp_path / "out")
    assert "2026-12" in state.packs and "2026-12" not in state.mailed

    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        report = run_once(settings, now + timedelta(minutes=5), jobs)
        assert report.outcomes == ()  # backoff: not yet
        report = run_once(settings, now + timedelta(minutes=11), jobs)
        assert [(str(o.job), o.ok) for o in report.outcomes] == [("mail 2026-12", True)]
        report = run_once(settings, now + timedelta(days=1), jobs)
        assert [str(o.job) for o in report.outcomes] == ["sync"]
        assert len(server.handler.messages) == 1
    assert fake.packs == ["2026-12"]  # never produced twice
    assert "2026-12" in load_state(tmp_path / "out").mailed


# --------------------------------------------------------------------------- stopping


STOP_SCRIPT = """
import sys, time
from datetime import date
from pathlib import Path
from jobs.scheduler import Jobs, Scheduler, configure_logging
from pipeline.settings import EmailSettings, Settings

out = Path(sys.argv[1])
settings = Settings(output=str(out), email=EmailSettings(enabled=False))

def sync(s, as_of):
    (out / "started").write_text("x")
    time.sleep(1.0)
    (out / "finished").write_text("x")

def pack(s, month):
    raise RuntimeError("no pack in this test")

configure_logging(settings)
Scheduler(settings, jobs=Jobs(sync=sync, pack=pack), tick_seconds=60).run()
"""


@pytest.mark.parametrize(("sig", "when"), [(signal.SIGTERM, "during a job"), (signal.SIGINT, "during a job"),
                                           (signal.SIGTERM, "idle")])
def test_a_signal_lets_the_current_job_finish_then_exits(tmp_path: Path, sig: signal.Signals, when: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", STOP_SCRIPT, str(out)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not (out / "started").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert (out / "started").exists()
        if when == "idle":  # between ticks (60 s apart): it must not wait for the next one
            while not (out / "finished").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.3)
        sent = time.monotonic()
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=20)
        assert time.monotonic() - sent < 10
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert (out / "finished").exists()
    assert "stopping after the current job" in stderr and "scheduler stopped" in stderr
    assert "sync: ok in" in stderr
    log_text = (out / "logs" / "secor.log").read_text(encoding="utf-8")
    assert "sync: started" in log_text and "sync: ok in" in log_text and "pack 20" in log_text
