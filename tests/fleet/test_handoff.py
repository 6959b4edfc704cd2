"""What the runner hands the portfolio: the rows, risk first, to the real xlsx, PDF and the consultant's mail."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from pipeline.fleet.config import fleet_from_dict
from pipeline.fleet.portfolio import ClientRow
from pipeline.fleet.run import write_portfolio
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, SmtpServer, smtp_server

EDMONTON = ZoneInfo("America/Edmonton")
ROWS = [ClientRow("acme", "Acme Ltd.", overall=0.9, worst_element=5, worst_readiness=0.6, meets_pass_rule=True,
                  next_audit=date(2027, 6, 1), last_sync=datetime(2026, 11, 1, 6, 0, tzinfo=EDMONTON)),
        ClientRow("bad", "", error="=HYPERLINK(\"http://x\") source folder missing")]


def _fleet(tmp_path: Path, server: SmtpServer | None = None) -> Any:
    data: dict[str, Any] = {"fleet": {"out": "out", "consultant_email": ["me@consult.example"]},
                            "client": [{"name": "acme", "config": "a.toml"}]}
    if server is not None:
        cfg = server.settings(tmp_path).email
        data["email"] = {"host": cfg.host, "port": cfg.port, "sender": cfg.sender, "username": cfg.username,
                         "password_env": cfg.password_env, "ca_file": cfg.ca_file, "security": cfg.security}
    return fleet_from_dict(data, tmp_path / "fleet.toml")


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with smtp_server(tmp_path) as s:
        yield s


def test_the_rows_go_risk_first_to_the_xlsx_and_pdf_and_the_pdf_to_the_consultant(
        tmp_path: Path, server: SmtpServer) -> None:
    written, notes, mailed = write_portfolio(_fleet(tmp_path, server), ROWS, date(2026, 11, 1), send=True)
    assert [p.name for p in written] == ["portfolio.xlsx", "portfolio.pdf"] and mailed
    assert notes == ["portfolio mailed to me@consult.example"]
    sheet = openpyxl.load_workbook(written[0]).active
    clients = [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)]
    assert clients == ["bad", "acme"]  # a failed run is not left at the bottom
    assert sheet.cell(row=3, column=14).value == datetime(2026, 11, 1, 6, 0)  # the client's wall time
    [envelope] = server.handler.messages
    assert envelope.rcpt_tos == ["me@consult.example"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert [p.get_filename() for p in message.iter_attachments()] == ["portfolio.pdf"]


def test_no_consultant_smtp_means_no_portfolio_mail_and_says_so(tmp_path: Path) -> None:
    written, notes, mailed = write_portfolio(_fleet(tmp_path), ROWS, date(2026, 11, 1), send=True)
    assert not mailed and "[email]" in notes[0] and all(p.exists() for p in written)


def test_fleet_run_mails_the_portfolio_once_a_month_after_the_first_pack_of_it(
        tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.fleet.run as fleet_run
    from pipeline.fleet.client import ClientResult

    packed = {"month": ""}

    def clients_ran(jobs: Any, workers: int, on_result: Any = None) -> list[ClientResult]:
        """The pool's answer for one client whose run packed ``packed['month']`` (the pool has its own tests)."""
        return [ClientResult(ROWS[0], True, packed=packed["month"]) for _ in jobs]

    monkeypatch.setattr(fleet_run, "run_jobs", clients_ran)
    fleet = _fleet(tmp_path, server)
    fleet_run.run_fleet(fleet, "run", as_of=date(2026, 11, 2))
    assert (tmp_path / "out" / "portfolio.xlsx").exists() and not server.handler.messages  # written, not mailed
    packed["month"] = "2026-10"
    first = fleet_run.run_fleet(fleet, "run", as_of=date(2026, 11, 2))
    again = fleet_run.run_fleet(fleet, "run", as_of=date(2026, 11, 2))  # e.g. a late client's pack
    assert len(server.handler.messages) == 1 and "portfolio mailed" in " ".join(first.notes) and not again.notes
    packed["month"] = "2026-11"
    fleet_run.run_fleet(fleet, "run", as_of=date(2026, 12, 1))
    assert len(server.handler.messages) == 2
