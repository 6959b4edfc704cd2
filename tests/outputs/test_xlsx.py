"""The local dashboard workbook: finished-looking, crew text never a formula, written atomically."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.checks.audit import Findings, score_elements
from pipeline.checks.base import CheckResult
from pipeline.outputs import xlsx
from pipeline.outputs.dashboard import TAB_NAMES, dashboard_sheets
from tests.builders import dataset

NASTY = ['=HYPERLINK("http://evil","click")', "+1 555", "-5 cm", "@SUM(A1)", "=IMPORTXML(\"x\",\"//a\")"]


def findings_with(description: str) -> Findings:
    certs = pd.DataFrame({
        "worker": ["Priya Sandhu", "Dale Kowalski"], "role": ["Operator", "Owner"], "ticket": ["H2S Alive", "CSTS"],
        "status": ["Expired", "Current"], "completed": pd.to_datetime(["2023-01-10", "2024-02-01"]),
        "expires": pd.to_datetime(["2026-01-10", None]), "days_left": pd.array([-314, pd.NA], dtype="Int64"),
        "record_row": [4, 5]})
    defs = pd.DataFrame({
        "id": ["PS-261101-AB12C"], "source": ["Pre-Start"], "found": pd.to_datetime(["2026-11-01"]),
        "description": [description], "unit_or_site": ["T-101"], "assigned_to": [None],
        "due": pd.to_datetime(["2026-11-08"]), "age_days": [20], "status": ["Overdue"],
        "awaiting_verification": [False], "table": ["Pre-Start"], "row": [7]})
    checks = (CheckResult("E1.1", 1, "Safety Policy signed", "Fail", "not signed", ("Program row 2",)),
              CheckResult("E2.2", 2, "FLHAs on file", "Pass", "41 FLHAs"),
              CheckResult("S.1", 0, "Still a small employer", "Warn", "11 people in March"))
    ds = dataset({"workers": [{"Name": "Dale Kowalski", "Role": "Owner", "Start Date": "2019-01-01"},
                              {"Name": "", "Role": "Owner", "Start Date": "2019-01-01"}]})
    return Findings("Kowalski Oilfield", date(2026, 11, 21), certs, defs, checks, score_elements(checks), ds.issues,
                    {"expired_tickets": 1, "missing_tickets": 0, "expiring_tickets": 0, "open_deficiencies": 1,
                     "overdue_deficiencies": 1, "near_misses": 0, "data_issues": len(ds.issues)}, 0.8, 0.5)


def write(tmp_path: Path, description: str = "Brake light out") -> Path:
    f = findings_with(description)
    ds = dataset({})
    sheets = dashboard_sheets(f, ds.status, datetime(2026, 11, 21, 6, 0), "folder demo")
    return xlsx.write_dashboard(sheets, tmp_path / "dashboard.xlsx")


def test_workbook_has_the_five_tabs_with_bold_frozen_headers(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path))
    assert tuple(book.sheetnames) == TAB_NAMES
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.bold


def test_crew_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    for text in NASTY:
        path = write(tmp_path, text)
        ws = openpyxl.load_workbook(path)["Dashboard - Deficiencies"]
        cell = ws["D2"]
        assert cell.value == text
        assert cell.data_type == "s"
    # And the raw XML holds no formula element at all.
    import zipfile

    with zipfile.ZipFile(path) as z:
        assert all(b"<f>" not in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_dates_are_dates_and_statuses_are_coloured(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path))
    ws = book["Dashboard - Certifications"]
    headers = [c.value for c in ws[1]]
    assert headers == ["Worker", "Role", "Ticket", "Status", "Completed", "Expires", "Days Left"]
    assert isinstance(ws["E2"].value, datetime) and ws["E2"].number_format == "yyyy-mm-dd"
    assert ws["D2"].fill.fgColor.rgb.endswith("F4CCCC")  # Expired: red
    assert ws["D3"].fill.fgColor.rgb.endswith("D9EAD3")  # Current: green
    assert ws["G3"].value is None  # no expiry: blank, not NaN


def test_summary_carries_as_of_last_run_readiness_and_the_disclaimer(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(tmp_path))["Dashboard"]
    items = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2) if r[0].value}
    assert items["Company"] == "Kowalski Oilfield"
    assert items["As of"].date() == date(2026, 11, 21)
    assert items["Last run"] == datetime(2026, 11, 21, 6, 0)
    assert items["Expired tickets"] == 1
    assert "not the Certifying Partner" in items["Note"]
    assert str(items["Element 1: Management Leadership and Organizational Commitment"]).endswith("%")


def test_readiness_rows_are_sorted_fail_first(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(tmp_path))["Dashboard - Readiness"]
    assert [r[2].value for r in ws.iter_rows(min_row=2)] == ["Fail", "Warn", "Pass"]
    assert ws["B2"].value == "E1.1 Safety Policy signed"


def test_a_crash_while_writing_leaves_the_previous_dashboard_whole(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path)
    before = path.read_bytes()

    def boom(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError):
        write(tmp_path, "new")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["dashboard.xlsx"]


def test_text_longer_than_its_column_wraps(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(tmp_path, "x" * 200))["Dashboard - Deficiencies"]
    assert ws["D2"].alignment.wrap_text
    assert not ws["A2"].alignment.wrap_text
