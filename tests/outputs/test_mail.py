"""The owner's email: what it says, what it carries, and sending it to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
import threading
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest

from pipeline.checks.audit import SELF_ASSESSMENT_NOTE
from pipeline.errors import SecorError
from pipeline.outputs.mail import (
    Headline,
    MaybeSent,
    build_alert_message,
    build_pack_message,
    message_bytes,
    render_subject,
    send_message,
)
from pipeline.settings import EmailSettings, Settings
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, free_port, make_findings, pdf_bytes, smtp_server


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "acme-audit-pack-2026-10.pdf"
    path.write_bytes(pdf_bytes(2))
    return path


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return PASSWORD


def _settings(**email_fields: object) -> Settings:
    base: dict[str, object] = dict(enabled=True, to=("owner@acme.example",), sender="secor@acme.example")
    base.update(email_fields)
    return Settings(company="Acme Safety & Sons <Ltd>", email=EmailSettings(**base))  # type: ignore[arg-type]


def _parts(message: EmailMessage) -> tuple[str, str, list[EmailMessage]]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text, html, list(message.iter_attachments())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- building


def test_pack_message_has_the_headline_numbers_and_the_pdf(pdf: Path) -> None:
    message = build_pack_message(_settings(), make_findings(), pdf, "2026-10")
    assert message["Subject"] == "Acme Safety & Sons <Ltd> SECOR audit pack 2026-10"
    assert message["To"] == "owner@acme.example" and message["From"] == "secor@acme.example"
    text, html, attachments = _parts(message)
    # readiness per element and overall vs the Partners' rule: (100+75+50+100+25+100)/6 = 75%
    assert "75% overall" in text and "DOES NOT MEET" in text and "80% overall and at least 50%" in text
    assert "Below 50%: element 5." in text
    assert "Element 5  Qualifications, Orientation and Training" in text and " 25%" in text
    for label, value in (("Expired tickets", 2), ("Missing tickets", 1), ("Overdue deficiencies", 4),
                         ("Near misses reported (12 months)", 0), ("Data issues listed", 5)):
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(label))
        assert line.split()[-1] == str(value)
    assert SELF_ASSESSMENT_NOTE in text and "October 2026" in text and "as of 2026-10-31" in text
    # HTML alternative: everything escaped
    assert "Acme Safety &amp; Sons &lt;Ltd&gt;" in html and "<Ltd>" not in html
    assert len(attachments) == 1
    att = attachments[0]
    assert att.get_content_type() == "application/pdf" and att.get_filename() == pdf.name
    assert att.get_content() == pdf.read_bytes()


def test_a_passing_company_is_told_it_meets_the_rule(pdf: Path) -> None:
    message = build_pack_message(_settings(), make_findings(readiness=(1, 1, 0.75, 1, 0.75, 1)), pdf, "2026-10")
    text, _, _ = _parts(message)
    assert "This MEETS the Certifying Partners' rule" in text and "Below" not in text


def test_headline_survives_a_round_trip_through_json(pdf: Path) -> None:
    headline = Headline.of(make_findings())
    again = Headline.from_dict(headline.to_dict())
    assert again == headline
    a = build_pack_message(_settings(), headline, pdf, "2026-10").get_body(("plain",)).get_content()
    b = build_pack_message(_settings(), make_findings(), pdf, "2026-10").get_body(("plain",)).get_content()
    assert a == b


def test_headline_reads_the_packs_findings_json() -> None:
    data = pytest.importorskip("pipeline.outputs.pack.data")
    month = pytest.importorskip("pipeline.outputs.pack.month")
    import json
    from datetime import datetime

    findings = make_findings(readiness=(1, 1, 0.75, 1, 0.75, 1))
    findings = dataclasses.replace(findings, pass_overall=0.85, pass_element=0.6)
    text = data.findings_json(findings, month.parse_month("2026-10"), datetime(2026, 11, 1, 6, 0))
    headline = Headline.from_dict(json.loads(text))
    # findings.json may or may not carry the plan (the pack writes it): the numbers are the same either way
    assert dataclasses.replace(headline, plan=None) == dataclasses.replace(Headline.of(findings), plan=None)
    assert headline.meets_pass_rule == findings.meets_pass_rule


def test_hostile_text_cannot_inject_headers_or_html(pdf: Path) -> None:
    findings = make_findings(company="Evil\r\nBcc: everyone@example.com <script>alert(1)</script>")
    settings = _settings(subject="{company}\n{month}")
    message = build_pack_message(settings, findings, pdf, "2026-10")
    assert message["Bcc"] is None and "\n" not in message["Subject"]
    raw = message_bytes(message)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_subject_template_errors_are_clear() -> None:
    assert render_subject("{company}: {month_name}", "Acme", "2026-02") == "Acme: February 2026"
    with pytest.raises(SecorError, match="not known"):
        render_subject("{company.__class__}", "Acme", "2026-02")
    with pytest.raises(SecorError, match="not known"):
        render_subject("{year}", "Acme", "2026-02")
    with pytest.raises(SecorError, match="YYYY-MM"):
        render_subject("{month}", "Acme", "2026-13")


def test_missing_pdf_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SecorError, match="secor pack --month 2026-10"):
        build_pack_message(_settings(), make_findings(), tmp_path / "nope.pdf", "2026-10")


def test_alert_goes_to_the_office_and_says_what_failed() -> None:
    settings = _settings(alerts_to=("office@acme.example",))
    message = build_alert_message(settings, "sync", 3, "source folder 'demo' not found.", log_file="out/logs/x.log")
    assert message["To"] == "office@acme.example"
    assert "sync" in message["Subject"] and "3" in message["Subject"]
    body = message.get_content()
    assert "failed 3 times in a row" in body and "source folder 'demo' not found." in body
    assert "out/logs/x.log" in body and "not get another alert" in body
    fallback = build_alert_message(_settings(), "pack", 3, "boom")
    assert fallback["To"] == "owner@acme.example"


# --------------------------------------------------------------------------- sending to a real server


def test_message_arrives_once_over_starttls_with_the_pdf_byte_identical(
        tmp_path: Path, pdf: Path, password: str) -> None:
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert len(server.handler.messages) == 1
        envelope = server.handler.messages[0]
    assert envelope.rcpt_tos == ["owner@acme.example"] and envelope.mail_from == "secor@acme.example"
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    attachments = list(received.iter_attachments())  # type: ignore[attr-defined]
    assert len(attachments) == 1 and attachments[0].get_filename() == pdf.name
    assert attachments[0].get_content() == pdf.read_bytes()
    assert "75% overall" in received.get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_works_too(tmp_path: Path, pdf: Path, password: str) -> None:
    with smtp_server(tmp_path, implicit_tls=True) as server:
        settings = server.settings(tmp_path, security="ssl")
        send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert len(server.handler.messages) == 1


def test_wrong_password_is_a_clear_error(tmp_path: Path, pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        with pytest.raises(SecorError) as err:
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert not server.handler.messages
    text = str(err.value)
    assert "rejected the user name or password" in text and PASSWORD_ENV in text and "wrong" not in text


def test_unset_password_variable_is_a_clear_error(tmp_path: Path, pdf: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path)
        with pytest.raises(SecorError, match=f"environment variable {PASSWORD_ENV}"):
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))


def test_refused_connection_is_a_clear_error(tmp_path: Path, pdf: Path, password: str) -> None:
    settings = _settings(host="127.0.0.1", port=free_port(), username="x", password_env=PASSWORD_ENV)
    with pytest.raises(SecorError, match="connection refused"):
        send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))


def test_server_dropping_after_the_whole_message_may_have_delivered_it(tmp_path: Path, pdf: Path,
                                                                        password: str) -> None:
    """The connection closes after the final dot, before the answer: the server may have kept it (RFC 1047)."""
    with smtp_server(tmp_path, drop_on_data=True) as server:
        settings = server.settings(tmp_path)
        with pytest.raises(MaybeSent) as err:
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
    assert "may have been delivered" in str(err.value) and "not sent again by itself" in str(err.value)


def test_an_answer_to_the_message_later_than_the_command_timeout_is_waited_for(
        tmp_path: Path, pdf: Path, password: str) -> None:
    """RFC 5321 4.5.3.2.6: the answer to the final dot may take minutes; [email] data_timeout_seconds."""
    with smtp_server(tmp_path) as server:
        server.handler.answer_delay = 1.5
        settings = server.settings(tmp_path, timeout_seconds=0.5, data_timeout_seconds=5.0)
        send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert len(server.handler.messages) == 1


def test_no_answer_to_the_message_within_the_data_timeout_is_may_have_been_sent(
        tmp_path: Path, pdf: Path, password: str) -> None:
    with smtp_server(tmp_path) as server:
        server.handler.answer_delay = 2.0  # commits first, answers late
        settings = server.settings(tmp_path, data_timeout_seconds=0.5)
        with pytest.raises(MaybeSent, match=r"no answer within 0\.5 seconds"):
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert len(server.handler.messages) == 1


def test_the_pack_message_id_is_the_same_for_the_same_pack_and_new_for_a_new_one(tmp_path: Path, pdf: Path) -> None:
    first = build_pack_message(_settings(), make_findings(), pdf, "2026-10")["Message-ID"]
    assert build_pack_message(_settings(), make_findings(), pdf, "2026-10")["Message-ID"] == first
    assert first.startswith("<secor-pack-2026-10-") and first.endswith("@acme.example>")
    pdf.write_bytes(pdf_bytes(3))  # the pack made again
    assert build_pack_message(_settings(), make_findings(), pdf, "2026-10")["Message-ID"] != first


def test_untrusted_certificate_is_refused(tmp_path: Path, pdf: Path, password: str) -> None:
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path, ca_file="")  # system CAs do not know the test CA
        with pytest.raises(SecorError) as err:
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert not server.handler.messages
    assert "could not be verified" in str(err.value) and "ca_file" in str(err.value)


def test_password_is_never_sent_unencrypted(tmp_path: Path, pdf: Path, password: str) -> None:
    settings = _settings(host="127.0.0.1", port=free_port(), security="none", username="x",
                         password_env=PASSWORD_ENV)
    with pytest.raises(SecorError, match="unencrypted"):
        send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))


def test_a_server_without_starttls_is_refused(tmp_path: Path, pdf: Path, password: str) -> None:
    """A plain server that never offers STARTTLS: we do not fall back to plain text."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            f = conn.makefile("rwb")
            f.write(b"220 plain ESMTP\r\n")
            f.flush()
            for line in f:
                if line.upper().startswith(b"EHLO"):
                    f.write(b"250-plain\r\n250 AUTH PLAIN LOGIN\r\n")
                elif line.upper().startswith(b"QUIT"):
                    f.write(b"221 bye\r\n")
                    f.flush()
                    return
                else:
                    f.write(b"500 no\r\n")
                f.flush()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings = _settings(host="127.0.0.1", port=port, username="x", password_env=PASSWORD_ENV, timeout_seconds=5.0)
    try:
        with pytest.raises(SecorError, match="does not offer STARTTLS"):
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
    finally:
        thread.join(5)
        listener.close()


def test_some_recipients_refused_still_counts_as_sent(tmp_path: Path, pdf: Path, password: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    with smtp_server(tmp_path) as server:
        server.handler.reject.add("gone@acme.example")
        settings = server.settings(tmp_path, to=("owner@acme.example", "gone@acme.example"))
        refused = send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert list(refused) == ["gone@acme.example"] and "gone@acme.example" in caplog.text
        assert [m.rcpt_tos for m in server.handler.messages] == [["owner@acme.example"]]
        settings = server.settings(tmp_path, to=("gone@acme.example",))
        with pytest.raises(SecorError, match=r"refused every recipient: gone@acme\.example"):
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))


def test_no_recipients_is_a_clear_error(pdf: Path) -> None:
    settings = _settings(to=())
    with pytest.raises(SecorError, match="no recipients"):
        send_message(settings, build_pack_message(settings, make_findings(as_of=date(2026, 10, 31)), pdf, "2026-10"))


def test_a_bad_answer_to_quit_after_the_message_was_accepted_counts_as_sent(
        tmp_path: Path, pdf: Path, password: str, caplog: pytest.LogCaptureFixture) -> None:
    """The server accepted the message (250 to DATA), then answered QUIT with 421: sent, once, no error."""
    with smtp_server(tmp_path) as server:
        server.handler.quit_reply = "421 4.3.0 shutting down"
        settings = server.settings(tmp_path)
        refused = send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert refused == {} and len(server.handler.messages) == 1
    assert "421" in caplog.text and "counts as sent" in caplog.text


def test_a_bad_answer_to_quit_does_not_hide_the_real_error(tmp_path: Path, pdf: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    with smtp_server(tmp_path) as server:
        server.handler.quit_reply = "421 4.3.0 shutting down"
        settings = server.settings(tmp_path)
        with pytest.raises(SecorError, match="rejected the user name or password"):
            send_message(settings, build_pack_message(settings, make_findings(), pdf, "2026-10"))
        assert not server.handler.messages


@pytest.mark.parametrize("written", ["Summer2026", "hunter2", "correct_horse_battery"])
def test_a_password_written_as_password_env_is_never_echoed(written: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The plausible mistake: the password itself in [email] password_env (it is also a valid variable name).
    monkeypatch.delenv(written, raising=False)
    from pipeline.outputs.mail import smtp_password

    with pytest.raises(SecorError) as err:
        smtp_password(EmailSettings(username="office@acme.example", password_env=written))
    text = str(err.value)
    assert written not in text
    assert "[email] password_env names (not shown: it may be the password itself)" in text
    assert "never the password" in text


def test_a_conventional_variable_name_is_still_named() -> None:
    from pipeline.outputs.mail import password_variable

    assert password_variable(EmailSettings(password_env="ACME_SMTP_PASS")) == "the environment variable ACME_SMTP_PASS"
