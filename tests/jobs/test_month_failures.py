"""Failures kept per month, syncs from part of the records, and a pack never mailed twice because of QUIT."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import Job, Jobs, Scheduler, due_work, run_once
from jobs.state import JobHealth, State, load_state, save_state, state_path
from pipeline.errors import SecorError
from pipeline.settings import EmailSettings, ScheduleSettings, Settings
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, FakeJobs, smtp_server

EDM = ZoneInfo("America/Edmonton")


def settings_for(tmp_path: Path, **schedule: Any) -> Settings:
    return Settings(company="Acme", output=str(tmp_path / "out"), schedule=ScheduleSettings(**schedule),
                    email=EmailSettings(enabled=True, to=("owner@acme.example",), alerts_to=("office@acme.example",),
                                        sender="secor@acme.example"))


def pack_mails(messages: list[EmailMessage]) -> list[str]:
    return [str(m["Subject"]).rsplit(" ", 1)[-1] for m in messages if "audit pack" in str(m["Subject"])]


def alerts(messages: list[EmailMessage]) -> list[EmailMessage]:
    return [m for m in messages if "failing" in str(m["Subject"])]


class Mailbox:
    """A send() that refuses the messages whose subject contains one of ``refuse`` for good (552)."""

    def __init__(self, *refuse: str) -> None:
        self.refuse = set(refuse)
        self.sent: list[EmailMessage] = []
        self.refused: list[str] = []

    def __call__(self, settings: Settings, message: EmailMessage) -> None:
        subject = str(message["Subject"])
        if any(f"audit pack {m}" in subject for m in self.refuse):
            self.refused.append(subject)
            raise SecorError("the mail server 127.0.0.1:25 answered 552 during sending: 5.3.4 message too big; "
                             "the email was not sent.")
        self.sent.append(message)


# --------------------------------------------------------------------------- one month failing for good


def test_one_months_mail_failing_for_good_does_not_hold_up_the_later_months(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, failure_alert_after=3)
    fake = FakeJobs(tmp_path / "out")
    mailbox = Mailbox("2027-01")
    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    jobs = Jobs(sync=fake.sync, pack=fake.pack, send=mailbox)
    end = now + timedelta(days=120)
    while now < end:  # 120 days, a pass every 4 hours (the longest backoff)
        report = run_once(settings, now, jobs)
        assert not report.busy
        now += timedelta(hours=4)
    expected_packs = ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04"]
    assert fake.packs == expected_packs  # each month packed once
    assert pack_mails(mailbox.sent) == ["2026-12", "2027-02", "2027-03", "2027-04"]  # each mailed once
    state = load_state(tmp_path / "out")
    assert sorted(state.mailed) == ["2026-12", "2027-02", "2027-03", "2027-04"]
    health = state.jobs["mail 2027-01"]
    assert health.failures == len(mailbox.refused) and "552" in (health.last_error or "")
    # retried with the backoff (every 4 hours at most once it is capped), not every pass
    assert len(mailbox.refused) <= 6 * (end - datetime(2027, 2, 1, tzinfo=EDM)).days + 6
    assert [k for k, h in state.jobs.items() if h.failures] == ["mail 2027-01"]
    # the office is told once, although other mails worked in between
    [alert] = alerts(mailbox.sent)
    assert "mail 2027-01" in str(alert["Subject"]) and "552" in alert.get_content()
    assert "mail" in state.alerts


def test_a_month_whose_pack_fails_does_not_hold_up_the_next_month(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out")
    save_state(tmp_path / "out", State(installed_month="2027-01", packs={}, mailed={}))

    def pack(s: Settings, month: str) -> Any:
        if month == "2027-01":
            raise SecorError("the pack for January 2027 was not made: a chart failed.")
        return fake.pack(s, month)

    now = datetime(2027, 3, 1, 6, 5, tzinfo=EDM)
    report = run_once(settings, now, Jobs(sync=fake.sync, pack=pack, send=fake.send))
    assert [(str(o.job), o.ok) for o in report.outcomes] == [
        ("sync", True), ("pack 2026-12", True), ("mail 2026-12", True), ("pack 2027-01", False),
        ("pack 2027-02", True), ("mail 2027-02", True)]
    state = load_state(tmp_path / "out")
    assert state.jobs["pack 2027-01"].retry_at == now + timedelta(minutes=10)
    assert due_work(state, now + timedelta(minutes=5), settings) == []  # only January waits, for its backoff
    assert due_work(state, now + timedelta(minutes=10), settings) == [Job("pack", "2027-01"),
                                                                      Job("mail", "2027-01")]


def test_backoff_is_per_month() -> None:
    settings = Settings()
    at = datetime(2026, 12, 21, 6, 5, tzinfo=EDM)
    state = State(installed_month="2026-10", packs={"2026-09": {}, "2026-10": {}, "2026-11": {}},
                  mailed={"2026-09": {}}, last_sync_ok=at)
    state.jobs["mail 2026-10"] = JobHealth(failures=5, retry_at=at + timedelta(hours=4))
    assert due_work(state, at, settings) == [Job("mail", "2026-11")]
    assert due_work(state, at + timedelta(hours=4), settings) == [Job("mail", "2026-10"), Job("mail", "2026-11")]


def test_one_alert_per_kind_while_any_month_of_it_fails_and_a_new_one_after_all_worked(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, failure_alert_after=3)
    fake = FakeJobs(tmp_path / "out")
    mailbox = Mailbox("2026-12", "2027-01", "2027-02")  # the mail server refuses every pack mail for a while
    now = datetime(2027, 3, 2, 6, 5, tzinfo=EDM)
    save_state(tmp_path / "out", State(installed_month="2027-01"))
    jobs = Jobs(sync=fake.sync, pack=fake.pack, send=mailbox)
    for _ in range(5):
        run_once(settings, now, jobs)
        now += timedelta(hours=5)
    assert len(mailbox.refused) == 15 and len(alerts(mailbox.sent)) == 1  # three months failing: one alert
    alert = alerts(mailbox.sent)[0]
    assert "also failing: mail 2027-01, mail 2027-02" in alert.get_content()
    mailbox.refuse = {"2027-01"}  # two of the three go through; January still fails: no new alert
    for _ in range(3):
        run_once(settings, now, jobs)
        now += timedelta(hours=5)
    assert pack_mails(mailbox.sent) == ["2026-12", "2027-02"] and len(alerts(mailbox.sent)) == 1
    mailbox.refuse = set()  # January works too: the kind is healthy again ...
    run_once(settings, now, jobs)
    assert pack_mails(mailbox.sent) == ["2026-12", "2027-02", "2027-01"]
    state = load_state(tmp_path / "out")
    assert state.alerts == {} and not [k for k in state.jobs if k != "sync"]
    mailbox.refuse = {"2027-03"}  # ... so a new run of failures alerts again, once
    now = datetime(2027, 4, 1, 6, 5, tzinfo=EDM)
    for _ in range(4):
        run_once(settings, now, jobs)
        now += timedelta(hours=5)
    assert len(alerts(mailbox.sent)) == 2


def test_a_month_mailed_by_hand_meanwhile_clears_its_failures_and_the_alert(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, failure_alert_after=1)
    fake = FakeJobs(tmp_path / "out")
    mailbox = Mailbox("2026-12")
    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    run_once(settings, now, Jobs(sync=fake.sync, pack=fake.pack, send=mailbox))
    state = load_state(tmp_path / "out")
    assert state.jobs["mail 2026-12"].failures == 1 and "mail" in state.alerts
    state.mailed["2026-12"] = {"at": now.isoformat(), "by": "secor send"}  # what `secor send` records
    save_state(tmp_path / "out", state)
    run_once(settings, now + timedelta(minutes=1), Jobs(sync=fake.sync, pack=fake.pack, send=mailbox))
    state = load_state(tmp_path / "out")
    assert "mail 2026-12" not in state.jobs and state.alerts == {}


def test_an_old_state_file_with_failures_per_kind_is_migrated(tmp_path: Path) -> None:
    at = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    old = {
        "version": 1, "installed_month": "2026-12", "installed_at": at.isoformat(),
        "packs": {"2026-11": {"pdf": "x.pdf"}}, "mailed": {}, "last_sync": {}, "last_sync_ok": at.isoformat(),
        "jobs": {
            "mail": {"failures": 4, "first_failed": at.isoformat(), "last_failed": at.isoformat(),
                     "last_error": "mail 2026-11: the mail server answered 552", "retry_at":
                     (at + timedelta(hours=2)).isoformat(), "alert_sent": at.isoformat(), "last_ok": None},
            "pack": {"failures": 1, "last_error": "something without a month", "retry_at": at.isoformat()},
            "sync": {"failures": 0, "last_ok": at.isoformat(), "alert_sent": None},
        },
    }
    path = state_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(old), encoding="utf-8")
    state = load_state(tmp_path)
    assert not state.notes  # read as it is, not taken as corrupt
    assert sorted(state.jobs) == ["mail 2026-11", "sync"]
    assert state.jobs["mail 2026-11"].failures == 4 and state.jobs["mail 2026-11"].retry_at == at + timedelta(hours=2)
    assert state.alerts == {"mail": at}
    # its backoff is kept: only December's pack (never tried) is due, not November's mail
    assert due_work(state, at + timedelta(hours=1), Settings()) == [Job("pack", "2026-12"), Job("mail", "2026-12")]
    assert state.migrated
    def pack(s: Settings, month: str) -> Any:
        raise SecorError("no pack in this test")

    run_once(Settings(output=str(tmp_path)), at + timedelta(hours=1), Jobs(sync=lambda s, d: None, pack=pack))
    again = load_state(tmp_path)  # saved in the new layout
    assert not again.migrated and sorted(again.jobs) == ["mail 2026-11", "pack 2026-12", "sync"]
    assert json.loads(path.read_text(encoding="utf-8"))["alerts"] == {"mail": at.isoformat()}


# --------------------------------------------------------------------------- syncs and packs from part of the records


def test_a_sync_that_could_not_read_part_of_the_records_is_a_failure(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, failure_alert_after=3)
    fake = FakeJobs(tmp_path / "out")
    problems: tuple[str, ...] = ("file 'FLHA.xlsx' could not be opened: Permission denied.",)
    calls: list[date] = []

    def sync(s: Settings, as_of: date) -> Any:
        calls.append(as_of)
        return SimpleNamespace(written=(str(tmp_path / "out" / "dashboard.xlsx"),), problems=problems)

    jobs = Jobs(sync=sync, pack=fake.pack, send=fake.send)
    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    save_state(tmp_path / "out", State(installed_month="2027-01", packs={"2026-12": {}}, mailed={"2026-12": {}}))
    report = run_once(settings, now, jobs)
    [sync_outcome] = report.outcomes
    assert not sync_outcome.ok and not report.ok
    assert "dashboards refreshed" in (sync_outcome.error or "")
    assert "part of the records could not be read: file 'FLHA.xlsx'" in (sync_outcome.error or "")
    state = load_state(tmp_path / "out")
    assert state.last_sync["outcome"] == "failed" and state.last_sync_ok is None
    assert state.health("sync").failures == 1
    assert run_once(settings, now + timedelta(minutes=5), jobs).outcomes == ()  # backed off
    for _ in range(2):
        now += timedelta(hours=5)
        run_once(settings, now, jobs)
    [alert] = alerts(fake.sent)
    assert "sync" in str(alert["Subject"]) and "FLHA.xlsx" in alert.get_content()
    problems = ()
    now += timedelta(hours=5)
    report = run_once(settings, now, jobs)
    assert [(str(o.job), o.ok) for o in report.outcomes] == [("sync", True)]
    state = load_state(tmp_path / "out")
    assert state.health("sync").failures == 0 and state.last_sync_ok == now and state.alerts == {}
    assert len(calls) == 4


def test_a_sync_result_without_problems_is_ok(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out")
    jobs = Jobs(sync=lambda s, d: SimpleNamespace(written=("dash.xlsx",)), pack=fake.pack, send=fake.send)
    report = run_once(settings, datetime(2027, 1, 15, 6, 5, tzinfo=EDM), jobs)
    assert report.ok and "wrote dash.xlsx" in (report.outcomes[0].note or "")


def test_a_pack_refused_for_unreadable_records_is_made_and_mailed_once_they_can_be_read(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out")
    unreadable = True
    attempts: list[str] = []

    def pack(s: Settings, month: str) -> Any:
        attempts.append(month)
        if unreadable:
            raise SecorError(f"the pack for {month} was not made because part of the records could not be read: "
                             "file 'FLHA.xlsx' could not be opened.")
        return fake.pack(s, month)

    jobs = Jobs(sync=fake.sync, pack=pack, send=fake.send)
    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    report = run_once(settings, now, jobs)
    assert [(str(o.job), o.ok) for o in report.outcomes] == [("sync", True), ("pack 2026-12", False)]
    state = load_state(tmp_path / "out")
    assert "2026-12" not in state.packs and "2026-12" not in state.mailed and not fake.sent
    assert run_once(settings, now + timedelta(minutes=5), jobs).outcomes == ()  # backed off
    unreadable = False
    report = run_once(settings, now + timedelta(minutes=10), jobs)
    assert [(str(o.job), o.ok) for o in report.outcomes] == [("pack 2026-12", True), ("mail 2026-12", True)]
    assert run_once(settings, now + timedelta(hours=1), jobs).outcomes == ()
    assert attempts == ["2026-12", "2026-12"] and pack_mails(fake.sent) == ["2026-12"]
    assert "pack 2026-12" not in load_state(tmp_path / "out").jobs


# --------------------------------------------------------------------------- QUIT answered badly


def test_a_pack_accepted_by_the_server_is_not_sent_again_when_it_answers_quit_badly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    fake = FakeJobs(tmp_path / "out")
    jobs = Jobs(sync=fake.sync, pack=fake.pack)  # the real send_message
    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    with smtp_server(tmp_path) as server:
        server.handler.quit_reply = "421 4.3.0 closing"
        settings = server.settings(tmp_path)
        report = run_once(settings, now, jobs)
        assert report.ok, report.lines()
        for later in (timedelta(minutes=11), timedelta(hours=5), timedelta(days=1)):
            run_once(settings, now + later, jobs)
        assert len(server.handler.messages) == 1
    assert "2026-12" in load_state(tmp_path / "out").mailed


def test_the_scheduler_keeps_ticking_past_a_month_that_fails(tmp_path: Path) -> None:
    """Scheduler level: the failing month backs off, the other months go out in the same tick."""
    settings = settings_for(tmp_path, failure_alert_after=0)
    fake = FakeJobs(tmp_path / "out")
    mailbox = Mailbox("2026-12")
    clock_now = [datetime(2027, 2, 1, 6, 5, tzinfo=EDM)]
    save_state(tmp_path / "out", State(installed_month="2027-01"))
    scheduler = Scheduler(settings, jobs=Jobs(sync=fake.sync, pack=fake.pack, send=mailbox),
                          clock=lambda: clock_now[0])
    t0 = time.perf_counter()
    report = scheduler.tick()
    assert report is not None
    assert [(str(o.job), o.ok) for o in report.outcomes] == [
        ("sync", True), ("pack 2026-12", True), ("mail 2026-12", False), ("pack 2027-01", True),
        ("mail 2027-01", True)]
    assert time.perf_counter() - t0 < 10


class NativePanic(BaseException):
    """Like pyo3's PanicException: a BaseException that ``except Exception`` lets through."""


def test_a_base_exception_from_a_job_is_recorded_and_backed_off_like_any_failure(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fake = FakeJobs(tmp_path / "out")

    def pack(s: Settings, month: str) -> Any:
        raise NativePanic("calamine: capacity overflow")

    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    report = run_once(settings, now, Jobs(sync=fake.sync, pack=pack, send=fake.send))
    outcomes = {str(o.job): o for o in report.outcomes}
    assert not outcomes["pack 2026-12"].ok and "NativePanic: calamine: capacity overflow" in (
        outcomes["pack 2026-12"].error or "")
    health = load_state(tmp_path / "out").health("pack 2026-12")
    assert health.failures == 1 and health.retry_at is not None
