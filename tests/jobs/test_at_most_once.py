"""Automatic mail is sent at most once per month: the attempt is on disk before the message goes out, and an
unknown outcome (lost answer, kill, state not saved after) is "may have been sent": told once, never resent
by itself, sent again on purpose with `secor send --month` (same Message-ID)."""

from __future__ import annotations

import contextlib
import email
import errno
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

import jobs.runner
import jobs.scheduler
from jobs.mail import send_pack
from jobs.scheduler import Jobs, run_once
from jobs.state import MAYBE_SENT, SENDING, SENT, State, load_state, save_state
from pipeline.cli import main
from pipeline.outputs.mail import send_message
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, FakeJobs, smtp_server

EDM = ZoneInfo("America/Edmonton")
NOW = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
LATER = (timedelta(minutes=11), timedelta(hours=5), timedelta(days=1), timedelta(days=2))


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def _disk_full_when(monkeypatch: pytest.MonkeyPatch, status: str) -> list[int]:
    """save_state raises ENOSPC whenever a month's mail record has ``status`` (i.e. at that step)."""
    real = jobs.runner.save_state
    refused: list[int] = []

    def save(out: Any, state: State) -> Path:
        if any(r.get("status") == status for r in state.mailed.values()):
            refused.append(1)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(out, state)

    monkeypatch.setattr(jobs.runner, "save_state", save)
    return refused


def test_a_server_that_keeps_the_message_but_answers_too_late_gets_it_once(tmp_path: Path) -> None:
    fake = FakeJobs(tmp_path / "out")
    run_jobs = Jobs(sync=fake.sync, pack=fake.pack)  # the real send_message
    with smtp_server(tmp_path) as server:
        server.handler.answer_delay = 1.0  # commits, then answers after the client gave up
        settings = server.settings(tmp_path, data_timeout_seconds=0.3)
        report = run_once(settings, NOW, run_jobs)
        mail = next(o for o in report.outcomes if o.job.kind == "mail")
        assert not mail.ok and "MAY HAVE BEEN SENT" in (mail.error or "")
        assert "secor send --month 2026-12" in (mail.error or "")
        server.handler.answer_delay = 0.0
        for later in LATER:  # every backoff and the next days: never again by itself, and told only once
            report = run_once(settings, NOW + later, run_jobs)
            assert all(o.job.kind == "sync" for o in report.outcomes)
            assert not any("MAY HAVE BEEN SENT" in line for line in report.lines())
        assert len(server.handler.messages) == 1
        record = load_state(tmp_path / "out").mailed["2026-12"]
        assert record["status"] == MAYBE_SENT

        result = send_pack(settings, "2026-12", send=send_message)  # on purpose
        assert len(server.handler.messages) == 2
    ids = [email.message_from_bytes(m.original_content)["Message-ID"].strip() for m in server.handler.messages]
    assert ids == [record["message_id"]] * 2  # mail programs show the two copies as one message
    assert result.previously_mailed
    assert load_state(tmp_path / "out").mailed["2026-12"]["status"] == SENT


def test_a_full_disk_after_the_server_accepted_does_not_mail_again_on_every_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeJobs(tmp_path / "out")
    disk_full = [False]
    real = jobs.runner.save_state

    def save(out: Any, state: State) -> Path:
        if disk_full[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(out, state)

    def send_then_disk_full(settings: Any, message: Any) -> None:
        send_message(settings, message)
        disk_full[0] = True  # from the server's acceptance on, nothing can be saved

    for module in (jobs.runner, jobs.scheduler):
        monkeypatch.setattr(module, "save_state", save)
    run_jobs = Jobs(sync=fake.sync, pack=fake.pack, send=send_then_disk_full)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        for later in (timedelta(0), *LATER):
            with contextlib.suppress(Exception):  # the disk is full: a run may fail; it must not mail again
                run_once(settings, NOW + later, run_jobs)
        assert len(server.handler.messages) == 1
        disk_full[0] = False  # space freed
        report = run_once(settings, NOW + timedelta(days=3), run_jobs)
        assert len(server.handler.messages) == 1
    assert sum("MAY HAVE BEEN SENT" in line for line in report.lines()) == 1  # told once, when it could be saved
    assert load_state(tmp_path / "out").mailed["2026-12"]["status"] == MAYBE_SENT


def test_nothing_is_sent_when_the_attempt_cannot_be_recorded_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeJobs(tmp_path / "out")
    _disk_full_when(monkeypatch, SENDING)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        report = run_once(settings, NOW, Jobs(sync=fake.sync, pack=fake.pack))
        assert not server.handler.messages
    mail = next(o for o in report.outcomes if o.job.kind == "mail")
    assert not mail.ok and "not sent: the attempt could not be recorded first" in (mail.error or "")
    assert "2026-12" not in load_state(tmp_path / "out").mailed  # retried after its backoff


def test_a_run_killed_after_the_server_accepted_is_told_once_and_not_resent(tmp_path: Path) -> None:
    fake = FakeJobs(tmp_path / "out")

    def send_then_die(settings: Any, message: Any) -> None:
        send_message(settings, message)
        raise SystemExit("killed")  # as if the process died before saving

    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        with pytest.raises(SystemExit):
            run_once(settings, NOW, Jobs(sync=fake.sync, pack=fake.pack, send=send_then_die))
        assert load_state(tmp_path / "out").mailed["2026-12"]["status"] == SENDING  # what the dead run left
        run_jobs = Jobs(sync=fake.sync, pack=fake.pack)
        report = run_once(settings, NOW + timedelta(minutes=1), run_jobs)
        assert sum("MAY HAVE BEEN SENT" in line for line in report.lines()) == 1
        assert all(o.job.kind == "sync" for o in report.outcomes)
        for later in LATER:
            report = run_once(settings, NOW + later, run_jobs)
            assert not any("MAY HAVE BEEN SENT" in line for line in report.lines())
        assert len(server.handler.messages) == 1
    assert load_state(tmp_path / "out").mailed["2026-12"]["status"] == MAYBE_SENT


def test_a_message_refused_before_its_end_is_retried(tmp_path: Path) -> None:
    """Certainly not sent (every recipient refused): not "may have been sent", retried after the backoff."""
    fake = FakeJobs(tmp_path / "out")
    run_jobs = Jobs(sync=fake.sync, pack=fake.pack)
    with smtp_server(tmp_path) as server:
        server.handler.reject = {"owner@acme.example"}
        settings = server.settings(tmp_path)
        report = run_once(settings, NOW, run_jobs)
        assert "2026-12" not in load_state(tmp_path / "out").mailed
        assert "MAY HAVE BEEN SENT" not in " ".join(report.lines())
        server.handler.reject = set()
        run_once(settings, NOW + timedelta(minutes=11), run_jobs)
        assert len(server.handler.messages) == 1


def test_secor_status_shows_a_month_that_may_have_been_sent_and_how_to_resend_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    state = State(installed_month="2026-11", packs={"2026-10": {"at": NOW.isoformat(), "pdf": "p.pdf"},
                                                    "2026-11": {"at": NOW.isoformat(), "pdf": "q.pdf"}})
    state.mailed["2026-10"] = {"at": NOW.isoformat(), "to": ["owner@acme.example"], "status": SENT}
    state.mailed["2026-11"] = {"at": NOW.isoformat(), "status": MAYBE_SENT,
                               "error": "no answer within 600 seconds", "told": NOW.isoformat()}
    save_state(out, state)
    result = CliRunner().invoke(main, ["status", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2026-10: packed; mailed 2027-01-15T06:05 to owner@acme.example" in result.output
    assert "2026-11: packed; MAY HAVE BEEN SENT (no answer within 600 seconds)" in result.output
    assert "`secor send --month 2026-11` sends it again" in result.output
