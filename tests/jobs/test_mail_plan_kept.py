"""The plan's top actions are kept with the pack in the scheduler's state, so a pack mailed on a later run
(the mail server was down when it was made) still leads with them, without computing anything again."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import Job, Jobs, run_once
from jobs.state import load_state
from pipeline.plan.model import FAIL_TIER, TICKET, ActionPlan, PlanAction
from pipeline.settings import EmailSettings
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, FakeJobs, free_port, smtp_server

EDM = ZoneInfo("America/Edmonton")
RENEW = PlanAction(key="ticket|ravi sandhu|h2s alive", tier=FAIL_TIER, kind=TICKET,
                   what="Renew Ravi Sandhu's H2S Alive", who="Ravi Sandhu", who_from="holds the ticket", decider="",
                   due=date(2026, 12, 10), due_from="Due on the record", where="Training Records", close="",
                   clears=("E5.2",), rank=1)


def test_a_pack_mailed_on_a_later_run_still_leads_with_its_top_actions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    fake = FakeJobs(tmp_path / "out")

    def pack(settings: Any, month: str) -> Any:
        result = fake.pack(settings, month)
        result.findings = dataclasses.replace(result.findings, plan=ActionPlan(result.findings.as_of, (RENEW,)))
        return result

    jobs = Jobs(sync=fake.sync, pack=pack)  # the real send_message
    now = datetime(2027, 1, 15, 6, 5, tzinfo=EDM)
    with smtp_server(tmp_path) as server:
        down = server.settings(tmp_path)
        down = down.replace(email=EmailSettings(**{**down.email.__dict__, "port": free_port()}))  # nothing listens
        report = run_once(down, now, jobs)
    assert not next(o for o in report.outcomes if o.job == Job("mail", "2026-12")).ok
    kept = load_state(tmp_path / "out").packs["2026-12"]["headline"]["plan"]
    assert kept == {"total": 1, "top": [{"rank": 1, "what": "Renew Ravi Sandhu's H2S Alive", "who_text": "Ravi Sandhu",
                                         "due": "2026-12-10", "clears_text": "clears E5.2", "tier_name": "Fail"}]}

    with smtp_server(tmp_path) as server:
        report = run_once(server.settings(tmp_path), now + timedelta(minutes=11), jobs)
        assert [(str(o.job), o.ok) for o in report.outcomes] == [("mail 2026-12", True)]
        [envelope] = server.handler.messages
    assert fake.packs == ["2026-12"]  # mailed from what was kept, not packed again
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    text = received.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "What to do: the one action on the plan." in text
    assert "1. Renew Ravi Sandhu's H2S Alive" in text and "By when: overdue since 2026-12-10" in text
