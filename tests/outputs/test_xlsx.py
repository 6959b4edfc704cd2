"""The local dashboard workbook: finished-looking, crew text never a formula, written atomically."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline.outputs import xlsx
from pipeline.outputs.dashboard import TAB_NAMES, dashboard_sheets
from tests.builders import dataset
from tests.outputs.dashboard_support import findings_with

NASTY = ['=HYPERLINK("http://evil","click")', "+1 555", "-5 cm", "@SUM(A1)", "=IMPORTXML(\"x\",\"//a\")"]


def write(tmp_path: Path, description: str = "Brake light out") -> Path:
    f = findings_with(description)
    ds = dataset({})
    sheets = dashboard_sheets(f, ds.status, datetime(2026, 11, 21, 6, 0), "folder demo")
    return xlsx.write_dashboard(sheets, tmp_path / "dashboard.xlsx")


def test_workbook_has_the_six_tabs_with_bold_frozen_headers(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path))
    assert tuple(book.sheetnames) == TAB_NAMES
    for ws in book.worksheets:
        header = 2 if ws.title == "Dashboard - Deficiencies" else 1  # a sentence sits above it there
        assert ws.freeze_panes[1:] == str(header + 1)
        assert ws.cell(row=header, column=1).font.bold


def test_crew_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    for text in NASTY:
        path = write(tmp_path, text)
        ws = openpyxl.load_workbook(path)["Dashboard - Deficiencies"]
        cell = ws["E3"]  # Description, below the sentence and the header
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
    assert headers == ["Worker", "Status", "Expires", "Ticket", "Days Left", "Role", "Completed"]
    assert isinstance(ws["G2"].value, datetime) and ws["G2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].fill.fgColor.rgb.endswith("F4CCCC")  # Expired: red
    assert ws["B3"].fill.fgColor.rgb.endswith("D9EAD3")  # Current: green
    assert ws["E3"].value is None  # no expiry: blank, not NaN


def test_summary_carries_as_of_last_run_readiness_and_the_disclaimer(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(tmp_path))["Dashboard"]
    items = {r[0].value: r[3].value if r[1].value is None else r[1].value for r in ws.iter_rows(min_row=2)
             if r[0].value}
    assert items["Company"] == "Kowalski Oilfield"
    assert items["As of"].date() == date(2026, 11, 21)
    assert items["Last run"] == datetime(2026, 11, 21, 6, 0)
    assert items["Expired tickets"] == 1
    assert "not the Certifying Partner" in items["Note"]
    assert items["Element 1: Management Leadership and Organizational Commitment"] == 0


def test_readiness_rows_are_sorted_fail_first(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(tmp_path))["Dashboard - Readiness"]
    assert [r[1].value for r in ws.iter_rows(min_row=2)] == ["Fail", "Warn", "Pass"]
    assert (ws["A2"].value, ws["C2"].value) == ("E1.1", "Safety Policy signed")


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
    assert ws["E3"].alignment.wrap_text
    assert not ws["A3"].alignment.wrap_text
