"""A reminder digest as an email: short, one recipient, the company's name, how to stop, crew text escaped."""

from __future__ import annotations

from datetime import date

from pipeline.checks.audit import audit
from pipeline.checks.reminders import Digest, digests, due_reminders
from pipeline.outputs.reminder_mail import STOP, build_reminder_message
from tests.builders import dataset
from tests.checks import reminder_company as co

DAY = date(2026, 12, 2)


def _digests(description: str = "Replace cracked ladder foot") -> dict[str, Digest]:
    s = co.settings()
    data = dataset(co.tables(description=description), s)
    return {d.address: d for d in digests(due_reminders(audit(data, s, DAY), data, s, DAY), data.table("workers"), s)}


def _parts(address: str, description: str = "Replace cracked ladder foot") -> tuple[object, str, str]:
    message = build_reminder_message(co.settings(), _digests(description)[address], DAY)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return message, text, html


def test_a_worker_is_told_about_their_own_ticket_and_what_to_send_the_office() -> None:
    message, text, html = _parts(co.OPERATOR_MAIL)
    assert message["To"] == co.OPERATOR_MAIL  # one recipient: nobody sees another's address
    assert message["Subject"] == f"{co.settings().company}: 1 reminder (due in 34 days)"
    assert "Hello Jason Whitford," in text
    assert "Your H2S Alive expires on 2027-01-05 (in 34 days)." in text
    assert "send the office a copy of the new card" in text
    assert STOP in text and "Acme Oilfield" in text
    assert "Your H2S Alive" in html and "width=device-width" in html


def test_crew_text_is_escaped_in_the_html_part() -> None:
    _, text, html = _parts(co.OFFICE_MAIL, description='<img src="x" onerror="alert(1)"> & <b>rung</b>')
    assert "<img" not in html and "<b>rung" not in html
    assert "&lt;img" in html and "&lt;b&gt;rung&lt;/b&gt;" in html
    assert "Acme Oilfield &lt;Hauling&gt; &amp; Sons" in html  # the company name is data too
    assert '<img src="x"' in text  # plain text shows it as written


def test_the_message_id_is_stable_for_the_same_digest() -> None:
    d = _digests()[co.OFFICE_MAIL]
    first = build_reminder_message(co.settings(), d, DAY)["Message-ID"]
    assert first == build_reminder_message(co.settings(), d, DAY)["Message-ID"]
    assert first.startswith("<secor-remind-2026-12-02-") and first.endswith("@acme.example>")
    assert first != build_reminder_message(co.settings(), _digests()[co.OWNER_MAIL], DAY)["Message-ID"]


def test_the_subject_says_how_many_have_lapsed_and_when_the_next_is_due() -> None:
    from types import SimpleNamespace

    from pipeline.outputs.reminder_mail import heading

    def digest(*days: int) -> SimpleNamespace:
        return SimpleNamespace(reminders=[SimpleNamespace(days_left=d) for d in days])

    assert heading(digest(-20, 35), "Acme") == "2 reminders (1 due today or lapsed, 1 due in 35 days)"
    assert heading(digest(5), "Acme") == "1 reminder (due in 5 days)"
    assert heading(digest(0), "Acme") == "1 reminder (due today or lapsed)"
    assert heading(digest(3, 9), "Acme") == "2 reminders (2 due, the first in 3 days)"
