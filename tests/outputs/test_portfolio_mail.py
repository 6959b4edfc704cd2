"""The consultant's monthly mail: at-risk clients first, one line each, the same in text and HTML, PDF attached."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from pipeline.errors import SecorError
from pipeline.outputs.mail import message_bytes
from pipeline.outputs.portfolio import portfolio_message
from tests.fleet.portfolio_rows import AS_OF, mixed

SENDER = "Secor Fleet <fleet@safetyfirst.example>"
TO = ("dana@safetyfirst.example",)


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "portfolio-2026-12.pdf"
    path.write_bytes(b"%PDF-1.7\n% portfolio\n")
    return path


def parts(msg):
    text = msg.get_body(("plain",)).get_content()
    page = msg.get_body(("html",)).get_content()
    return text, page


def test_headers_name_the_count_at_risk_and_the_consultant(pdf: Path):
    msg = portfolio_message(mixed(), AS_OF, SENDER, TO, pdf)
    assert msg["Subject"] == "SECOR portfolio 2026-12-02: 4 of 5 clients at risk"
    assert msg["From"] == SENDER and msg["To"] == "dana@safetyfirst.example"
    assert msg["Message-ID"].endswith("@safetyfirst.example>")


def test_clients_at_risk_come_first_one_line_each(pdf: Path):
    text, _ = parts(portfolio_message(mixed(), AS_OF, SENDER, TO, pdf))
    lines = text.splitlines()
    at = lines.index("At risk, most urgent first:")
    assert lines[at + 1:at + 5] == [
        "  bigco (Big Iron Contracting): Over 10 workers: plan COR",
        "  prairie (Prairie Crane): Audit due 2026-12-15",
        "  northfork (North Fork Hydrovac): Last run failed: spreadsheet 'North Fork records' is not shared "
        "with fleet@acct.iam.gserviceaccount.com",
        '  ridgeline (=HYPERLINK("http://evil.example/x", "click")): Element 5 at 38% (< 50%)',
    ]
    rest = lines.index("Meeting the pass rule:")
    assert lines[rest + 1] == "  acme (Acme Welding Ltd.): Meets pass rule, 91% overall"
    assert rest > at + 4


def test_the_html_part_has_the_same_lines_escaped(pdf: Path):
    text, page = parts(portfolio_message(mixed(), AS_OF, SENDER, TO, pdf))
    assert page.index("bigco") < page.index("prairie") < page.index("northfork") < page.index("ridgeline") \
        < page.index("acme")
    assert "Element 5 at 38% (&lt; 50%)" in page
    assert '<a' not in page and "=HYPERLINK(&quot;http://evil.example/x&quot;" in page
    for line in [x.strip() for x in text.splitlines() if x.startswith("  ")]:
        assert line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") \
            .replace("'", "&#x27;") in page


def test_the_pdf_is_attached_and_the_message_encodes(pdf: Path):
    msg = portfolio_message(mixed(), AS_OF, SENDER, TO, pdf)
    back = email.message_from_bytes(message_bytes(msg), policy=email.policy.default)
    attachments = list(back.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["portfolio-2026-12.pdf"]
    assert attachments[0].get_content() == pdf.read_bytes()


def test_no_client_at_risk_says_so(pdf: Path):
    text, page = parts(portfolio_message(mixed()[:1], AS_OF, SENDER, TO, pdf))
    assert "No client is at risk." in text and "No client is at risk." in page


def test_a_missing_pdf_is_one_clear_error(tmp_path: Path):
    with pytest.raises(SecorError, match="portfolio PDF"):
        portfolio_message(mixed(), AS_OF, SENDER, TO, tmp_path / "none.pdf")


def test_a_name_with_a_line_break_cannot_break_the_line_or_the_headers(pdf: Path):
    from dataclasses import replace

    rows = (replace(mixed()[1], client="ridge\nBcc: x@evil.example"),)
    msg = portfolio_message(rows, AS_OF, SENDER, TO, pdf)
    text, _ = parts(msg)
    assert "  ridge Bcc: x@evil.example (" in text
    assert msg["Bcc"] is None


def test_send_portfolio_delivers_it_to_the_consultant_over_smtp(tmp_path: Path, pdf: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    from pipeline.outputs.portfolio import send_portfolio
    from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, smtp_server

    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with smtp_server(tmp_path) as server:
        cfg = server.settings(tmp_path, to=TO).email
        send_portfolio(cfg, pdf, mixed(), AS_OF)
        [envelope] = server.handler.messages
    assert envelope.rcpt_tos == list(TO) and envelope.mail_from == "secor@acme.example"
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert received["Subject"] == "SECOR portfolio 2026-12-02: 4 of 5 clients at risk"
