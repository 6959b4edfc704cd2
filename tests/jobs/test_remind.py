"""Sending reminders at most once: record, then send; a crash, a server down, a refused address, a dry run."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from jobs.remind import PENDING, RemindFailed, dry_run, remind
from jobs.state import SENDING, load_state, state_path
from pipeline.checks.audit import audit
from pipeline.errors import SecorError
from pipeline.outputs.mail import send_message
from pipeline.settings import Settings
from tests.builders import dataset
from tests.checks import reminder_company as co
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, FakeJobs, smtp_server

DAY = date(2026, 12, 2)


def _inputs(settings: Settings, day: date = DAY) -> tuple[Any, Any]:
    data = dataset(co.tables(), settings)
    return audit(data, settings, day), data


class Outbox:
    """A send function that keeps what it was given, and can fail on chosen addresses."""

    def __init__(self, fail: type[BaseException] | None = None, on: str | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.fail, self.on = fail, on

    def __call__(self, settings: Settings, message: EmailMessage) -> None:
        if self.fail is KeyboardInterrupt and message["To"] == self.on:
            raise KeyboardInterrupt  # killed mid-send
        if self.fail is not None and self.fail is not KeyboardInterrupt:
            raise self.fail("could not connect to the mail server 127.0.0.1:1: connection refused.")
        self.sent.append(message)


def _to(box: Outbox) -> list[str]:
    return sorted(str(m["To"]) for m in box.sent)


def test_each_digest_is_sent_once_and_a_second_run_the_same_day_sends_nothing(tmp_path: Path) -> None:
    settings = co.settings().replace(output=str(tmp_path))
    box = Outbox()
    report = remind(settings, *_inputs(settings), DAY, send=box)
    assert _to(box) == sorted([co.OPERATOR_MAIL, co.FOREMAN_MAIL, co.OWNER_MAIL, co.OFFICE_MAIL])
    assert sorted(report.sent) == _to(box)
    remind(settings, *_inputs(settings), DAY, send=box)
    assert len(box.sent) == 4
    remind(settings, *_inputs(settings, date(2026, 12, 3)), date(2026, 12, 3), send=box)
    # Dec 3: only CA-7 (Priya's) newly falls due within 7 days: Priya and the office, with that item alone
    assert sorted(str(m["To"]) for m in box.sent[4:]) == [co.OFFICE_MAIL, co.FOREMAN_MAIL]
    assert all("CA-7" in m.get_body(("plain",)).get_content() and "H2S" not in m.get_body(("plain",)).get_content()
               for m in box.sent[4:])
    state = load_state(tmp_path)
    assert not state.reminders["outbox"] and len(state.reminders["sent"]) == 5


def test_a_crash_while_sending_is_never_sent_again_and_the_office_is_told(tmp_path: Path) -> None:
    settings = co.settings().replace(output=str(tmp_path))
    with pytest.raises(KeyboardInterrupt):
        remind(settings, *_inputs(settings), DAY, send=Outbox(KeyboardInterrupt, on=co.OFFICE_MAIL))
    entry = json.loads(state_path(tmp_path).read_text())["reminders"]["outbox"]
    assert [e["status"] for e in entry.values() if e["to"] == co.OFFICE_MAIL] == [SENDING]  # on disk before DATA
    box = Outbox()
    remind(settings, *_inputs(settings), DAY, send=box)  # the same day again: nothing re-sent
    assert co.OFFICE_MAIL not in _to(box)
    next_day = date(2026, 12, 3)
    remind(settings, *_inputs(settings, next_day), next_day, send=box)
    office = [m for m in box.sent if m["To"] == co.OFFICE_MAIL]
    assert len(office) == 1 and "MAY HAVE BEEN SENT" in office[0].get_body(("plain",)).get_content()


def test_a_server_down_keeps_the_digests_queued_and_they_go_out_once_later(tmp_path: Path) -> None:
    settings = co.settings().replace(output=str(tmp_path))
    with pytest.raises(RemindFailed):
        remind(settings, *_inputs(settings), DAY, send=Outbox(SecorError))
    state = load_state(tmp_path)
    queued = state.reminders["outbox"].values()
    assert {e["status"] for e in queued} == {PENDING} and len(queued) == 4
    box = Outbox()
    remind(settings, *_inputs(settings), DAY, send=box)  # the retry (the scheduler's backoff decides when)
    remind(settings, *_inputs(settings), DAY, send=box)
    assert len(box.sent) == 4 and len({m["Message-ID"] for m in box.sent}) == 4


def test_a_refused_address_does_not_stop_the_others_and_is_reported_to_the_office(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with smtp_server(tmp_path) as server:
        server.handler.reject.add(co.OPERATOR_MAIL)
        base = server.settings(tmp_path)
        settings = dataclasses.replace(co.settings(), output=base.output, email=dataclasses.replace(
            base.email, to=(co.OWNER_MAIL,), alerts_to=(co.OFFICE_MAIL,)))
        report = remind(settings, *_inputs(settings), DAY, send=send_message)
        assert report.refused == (co.OPERATOR_MAIL,)
        assert sorted(report.sent) == sorted([co.FOREMAN_MAIL, co.OWNER_MAIL, co.OFFICE_MAIL])
        later = date(2026, 12, 3)
        remind(settings, *_inputs(settings, later), later, send=send_message)
        import email
        import email.policy

        office = [email.message_from_bytes(e.original_content, policy=email.policy.default)
                  for e in server.handler.messages if co.OFFICE_MAIL in e.rcpt_tos]
    assert len(office) == 2
    assert f"{co.OPERATOR_MAIL} was refused" in office[1].get_body(("plain",)).get_content()


def test_dry_run_writes_each_message_and_records_nothing(tmp_path: Path) -> None:
    settings = co.settings().replace(output=str(tmp_path))
    findings, data = _inputs(settings)
    report = dry_run(settings, findings, data, DAY, tmp_path)
    assert len(report.written) == 4 and all(p.suffix == ".eml" for p in report.written)
    assert not state_path(tmp_path).exists()
    lines = "\n".join(report.lines())
    assert f"{co.OPERATOR_MAIL} (worker): 1 reminder(s)" in lines and "has no Email on Workers" in lines


def test_the_scheduler_runs_reminders_after_the_sync_only_when_enabled(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from jobs.scheduler import Job, Jobs, due_work, run_once
    from jobs.state import State

    on = co.settings().replace(output=str(tmp_path))
    off = dataclasses.replace(on, reminders=dataclasses.replace(on.reminders, enabled=False))
    now = datetime(2026, 12, 2, 7, 0, tzinfo=on.zone)
    assert Job("remind") not in due_work(State(), now, off)
    assert due_work(State(installed_month="2026-12"), now, on)[:2] == [Job("sync"), Job("remind")]
    findings, data = _inputs(on)
    box = Outbox()
    jobs = Jobs(sync=lambda s, d: SimpleNamespace(dataset=data, findings=findings, written=(), problems=()),
                pack=FakeJobs(tmp_path).pack, send=box)
    report = run_once(on, now, jobs)
    assert [str(o.job) for o in report.outcomes] == ["sync", "remind", "pack 2026-11", "mail 2026-11"] and report.ok
    assert len([m for m in box.sent if m["Message-ID"].startswith("<secor-remind-")]) == 4
    assert Job("remind") not in due_work(load_state(tmp_path), now, on)  # done for today


def test_a_failed_reminder_run_is_retried_with_the_schedulers_backoff_and_sends_once(tmp_path: Path) -> None:
    from datetime import timedelta
    from types import SimpleNamespace

    from jobs.scheduler import Job, Jobs, due_work, run_once

    on = co.settings().replace(output=str(tmp_path))
    findings, data = _inputs(on)
    now = datetime(2026, 12, 2, 7, 0, tzinfo=on.zone)
    sync = lambda s, d: SimpleNamespace(dataset=data, findings=findings, written=(), problems=())  # noqa: E731
    fake = FakeJobs(tmp_path)
    report = run_once(on, now, Jobs(sync=sync, pack=fake.pack, send=Outbox(SecorError)))
    assert [o.ok for o in report.outcomes if o.job == Job("remind")] == [False]
    health = load_state(tmp_path).jobs["remind"]
    assert health.failures == 1 and health.retry_at == now + timedelta(minutes=10)
    assert Job("remind") not in due_work(load_state(tmp_path), now + timedelta(minutes=5), on)
    box = Outbox()
    later = now + timedelta(minutes=11)
    run_once(on, later, Jobs(sync=sync, pack=fake.pack, send=box))
    run_once(on, later + timedelta(minutes=1), Jobs(sync=sync, pack=fake.pack, send=box))
    reminders = [m for m in box.sent if m["Message-ID"].startswith("<secor-remind-")]
    assert len(reminders) == 4 and "remind" not in load_state(tmp_path).jobs


def test_the_office_gets_a_weekly_digest_of_what_changed_once_per_week(tmp_path: Path) -> None:
    settings = co.settings().replace(output=str(tmp_path))
    box = Outbox()
    for day in (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 7), date(2026, 12, 7)):  # Mondays, twice
        remind(settings, *_inputs(settings, day), day, send=box)
    weekly = [m for m in box.sent if m["Message-ID"].startswith("<secor-weekly-")]
    assert [(m["To"], m["Message-ID"][14:24]) for m in weekly] == [(co.OFFICE_MAIL, "2026-11-30"),
                                                                    (co.OFFICE_MAIL, "2026-12-07")]
    text = weekly[1].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "the week since 2026-11-30" in text
    assert "Newly overdue:\n- CA-8: Replace cracked ladder foot (assigned to Tyler Brandt), due 2026-12-05" in text
    assert "Newly resolved:\n- none" in text
    assert "first weekly digest" in weekly[0].get_body(("plain",)).get_content()


def test_a_corrupt_state_file_never_makes_reminders_go_out_twice(tmp_path: Path) -> None:
    settings = co.settings().replace(output=str(tmp_path))
    box = Outbox()
    remind(settings, *_inputs(settings), DAY, send=box)
    state_path(tmp_path).write_text("{ not json", encoding="utf-8")
    later = date(2026, 12, 3)
    remind(settings, *_inputs(settings, later), later, send=box)  # taken as sent, office told
    assert len(box.sent) == 4
    after = date(2026, 12, 4)
    remind(settings, *_inputs(settings, after), after, send=box)
    office = [m for m in box.sent[4:] if m["To"] == co.OFFICE_MAIL]
    assert len(office) == 1 and "state file could not be read" in office[0].get_body(("plain",)).get_content()
    assert all("H2S" not in m.get_body(("plain",)).get_content() for m in box.sent[4:])
