"""A simulated year of daily scheduler runs with reminders on, through a real SMTP server on 127.0.0.1.

Each day the (fast, fake) sync hands the scheduler the findings as of that day; on 2026-12-21 the office adds
Jason's renewed H2S Alive to Training Records. Every expected reminder must arrive once, none twice, and none
about Jason's old ticket after the renewal.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from jobs.scheduler import Jobs, run_once
from pipeline.checks.audit import Findings
from pipeline.checks.base import AuditContext
from pipeline.checks.certificate import maintenance_calendar
from pipeline.checks.certifications import certifications
from pipeline.checks.deficiencies import deficiencies
from pipeline.outputs.mail import send_message
from pipeline.settings import RemindersSettings, Settings
from tests.builders import dataset
from tests.checks import reminder_company as co
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, FakeJobs, smtp_server

START, RENEWAL_ENTERED = date(2026, 12, 1), date(2026, 12, 21)


def findings_of(data: Any, settings: Settings, day: date) -> Findings:
    """What the reminders read from the engine (tickets, deficiencies, S.2), without the other checks."""
    certs, defs = certifications(data, settings, day), deficiencies(data, settings, day)
    s2 = maintenance_calendar(AuditContext(data, settings, day, certs, defs))
    return Findings(settings.company, day, certs, defs, (s2,), (), pd.DataFrame(), {}, 0.8, 0.5)


def _items(text: str) -> list[str]:
    """The reminder lines of a digest's text part (not the office's notes)."""
    body = text.split("For the office:")[0]
    return [line[2:] for line in body.splitlines() if line.startswith("- ")]


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


# Every reminder of this company falls between Dec 1 and Mar 1: 100 days see them all (the quick run);
# the whole year (the `faults` run, ~40 s) also shows nothing arrives in the nine months after.
@pytest.mark.parametrize("days", [100, pytest.param(365, marks=pytest.mark.faults)])
def test_a_year_of_reminders_arrives_once_each(tmp_path: Path, password: None, days: int) -> None:
    with smtp_server(tmp_path) as server:
        base = server.settings(tmp_path)
        settings = dataclasses.replace(
            base, company=co.settings().company, reminders=RemindersSettings(enabled=True),
            email=dataclasses.replace(base.email, to=(co.OWNER_MAIL,), alerts_to=(co.OFFICE_MAIL,)))
        before = dataset(co.tables(), settings)
        after = dataset(co.tables(renewed="2026-12-20"), settings)

        def sync(s: Settings, day: date) -> Any:
            data = after if day >= RENEWAL_ENTERED else before
            return SimpleNamespace(dataset=data, findings=findings_of(data, s, day), written=(), problems=())

        fake = FakeJobs(tmp_path / "out")
        jobs = Jobs(sync=sync, pack=fake.pack, send=send_message)
        day = START
        while day < START + timedelta(days=days):
            report = run_once(settings, datetime(day.year, day.month, day.day, 7, 0), jobs)
            assert report.ok, report.lines()
            day += timedelta(days=1)

        received = [email.message_from_bytes(e.original_content, policy=email.policy.default)
                    for e in server.handler.messages]
    reminders = [m for m in received if str(m["Message-ID"]).startswith("<secor-remind-")]
    assert len({m["Message-ID"] for m in reminders}) == len(reminders)  # no message twice
    emails = Counter(str(m["To"]) for m in reminders)
    items: dict[str, list[tuple[str, str]]] = {}
    for m in reminders:
        sent_on = str(m["Message-ID"])[len("<secor-remind-"):][:10]
        text = m.get_body(("plain",)).get_content()
        items.setdefault(str(m["To"]), []).extend((sent_on, line) for line in _items(text))
    counts = {to: len(lines) for to, lines in items.items()}
    print("\nreminder emails per recipient:", dict(sorted(emails.items())))
    print("reminder items per recipient:", dict(sorted(counts.items())))

    for to, lines in items.items():  # every item once per recipient: a line never repeats
        assert len({line for _, line in lines}) == len(lines), to
    # Jason: 60 days (Dec 1) and 30 days (Dec 6); the 7-day one would be Dec 29, after the renewal: never sent
    assert [d for d, _ in items[co.OPERATOR_MAIL]] == ["2026-12-01", "2026-12-06"]
    old_ticket = [(to, d) for to, lines in items.items() for d, line in lines
                  if ("H2S Alive" in line and "Jason" in line) or (to == co.OPERATOR_MAIL and "Your H2S" in line)]
    assert len(old_ticket) == 6 and all(d < RENEWAL_ENTERED.isoformat() for _, d in old_ticket)  # Jason, Priya, office
    # Priya: Jason's 2 + Tyler's 4 (as supervisor), her own First Aid 4, CA-7 due soon and overdue 2
    # Dale (owner, and Priya's supervisor): Safety Policy 4, SECOR audit 90/60/30, Priya's First Aid 4
    # Office: everything: Jason 2, Tyler 4, Priya 4, CA-8 2, CA-7 2, policy 4, audit 3
    assert counts == {co.OPERATOR_MAIL: 2, co.FOREMAN_MAIL: 12, co.OWNER_MAIL: 11, co.OFFICE_MAIL: 21}
    assert emails == {co.OPERATOR_MAIL: 2, co.FOREMAN_MAIL: 12, co.OWNER_MAIL: 8, co.OFFICE_MAIL: 15}
    # Tyler has no email: the office is told, with his ticket
    office_text = "".join(m.get_body(("plain",)).get_content() for m in reminders if m["To"] == co.OFFICE_MAIL)
    assert f"{co.LABOURER} has no Email on Workers: {co.LABOURER}'s H2S Alive expires on 2027-02-10" in office_text
