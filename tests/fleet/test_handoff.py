"""What the runner hands the portfolio: the rows, in one place; a plain CSV until the portfolio outputs exist."""

from __future__ import annotations

import csv
import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import pipeline.fleet.portfolio as fleet_portfolio
from pipeline.fleet.config import fleet_from_dict
from pipeline.fleet.portfolio import ClientRow
from pipeline.fleet.run import write_portfolio, write_rows_csv
from pipeline.settings import EmailSettings

ROWS = [ClientRow("acme", "Acme Ltd.", overall=0.9, next_audit=date(2027, 1, 1)),
        ClientRow("bad", "", error="=HYPERLINK(\"http://x\") source folder missing")]


def _fleet(tmp_path: Path, **email: Any) -> Any:
    data: dict[str, Any] = {"fleet": {"out": "out", "consultant_email": ["me@consult.example"]},
                            "client": [{"name": "acme", "config": "a.toml"}]}
    if email:
        data["email"] = email
    return fleet_from_dict(data, tmp_path / "fleet.toml")


def test_the_fallback_csv_has_every_row_and_field_and_no_formula(tmp_path: Path) -> None:
    path = write_rows_csv(ROWS, tmp_path / "portfolio.csv")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["client"] for r in rows] == ["acme", "bad"] and rows[0]["next_audit"] == "2027-01-01"
    assert rows[1]["error"].startswith("'=HYPERLINK")


@pytest.fixture
def outputs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Stand-ins for the portfolio outputs (h-portfolio's module), recording their calls."""
    calls: list[tuple[str, Any]] = []
    module = types.ModuleType("pipeline.outputs.portfolio")

    def xlsx(rows: list[ClientRow], path: Path, as_of: date) -> Path:
        calls.append(("xlsx", [r.client for r in rows]))
        path.write_bytes(b"xlsx")
        return path

    def pdf(rows: list[ClientRow], path: Path, as_of: date) -> Path:
        path.write_bytes(b"%PDF")
        return path

    def send(email: EmailSettings, pdf_path: Path, rows: list[ClientRow], as_of: date) -> None:
        calls.append(("mail", email.to))

    module.write_portfolio_xlsx = xlsx  # type: ignore[attr-defined]
    module.write_portfolio_pdf = pdf  # type: ignore[attr-defined]
    module.send_portfolio = send  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pipeline.outputs.portfolio", module)
    monkeypatch.setattr(fleet_portfolio, "portfolio_rows", lambda rows, as_of: sorted(rows, key=lambda r: r.client
                                                                                    != "bad"), raising=False)
    return calls


def test_the_risk_sorted_rows_go_to_the_portfolio_outputs_and_the_mail_to_the_consultant(
        tmp_path: Path, outputs: list[tuple[str, Any]]) -> None:
    fleet = _fleet(tmp_path, host="smtp.consult.example")
    written, notes, mailed = write_portfolio(fleet, ROWS, date(2026, 11, 1), send=True)
    assert notes == ["portfolio mailed to me@consult.example"]
    assert [p.name for p in written] == ["portfolio.xlsx", "portfolio.pdf"]
    assert outputs == [("xlsx", ["bad", "acme"]), ("mail", ("me@consult.example",))] and mailed
    assert not (tmp_path / "out" / "portfolio.csv").exists()


def test_no_consultant_smtp_means_no_portfolio_mail_and_says_so(tmp_path: Path,
                                                                 outputs: list[tuple[str, Any]]) -> None:
    written, notes, mailed = write_portfolio(_fleet(tmp_path), ROWS, date(2026, 11, 1), send=True)
    assert not mailed and "[email]" in notes[0] and written


def test_fleet_run_mails_the_portfolio_once_a_month_after_the_first_pack_of_it(
        tmp_path: Path, outputs: list[tuple[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.fleet.run as fleet_run
    from pipeline.fleet.client import ClientResult

    packed = {"month": ""}

    def fake_jobs(jobs: Any, workers: int, on_result: Any = None) -> list[ClientResult]:
        return [ClientResult(ROWS[0], True, packed=packed["month"]) for _ in jobs]

    monkeypatch.setattr(fleet_run, "run_jobs", fake_jobs)
    fleet = _fleet(tmp_path, host="smtp.consult.example")
    mails = lambda: [c for c in outputs if c[0] == "mail"]  # noqa: E731
    fleet_run.run_fleet(fleet, "run", as_of=date(2026, 11, 2))
    assert outputs and not mails()  # no pack this pass: the portfolio is written, not mailed
    packed["month"] = "2026-10"
    first = fleet_run.run_fleet(fleet, "run", as_of=date(2026, 11, 2))
    again = fleet_run.run_fleet(fleet, "run", as_of=date(2026, 11, 2))  # e.g. a late client's pack
    assert len(mails()) == 1 and "portfolio mailed" in " ".join(first.notes) and not again.notes
    packed["month"] = "2026-11"
    fleet_run.run_fleet(fleet, "run", as_of=date(2026, 12, 1))
    assert len(mails()) == 2
