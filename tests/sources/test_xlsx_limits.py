"""One odd workbook cannot take the run down: stray far cells and zip bombs are refused with a message."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline.normalise import normalise
from pipeline.settings import Settings
from pipeline.sources import xlsx_limits
from pipeline.sources.local import LocalSource
from pipeline.sources.xlsx_limits import column_number, tab_extents


def stray_cell_book(path: Path, cell: str) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Workers"
    ws.append(["Name", "Role", "Start Date"])
    ws.append(["Dale Kowalski", "Owner", "2019-03-01"])
    notes = book.create_sheet("Notes")
    notes["A1"] = "phone list"
    notes[cell] = "stray"
    notes["C3"].style = "Good"  # a styled empty cell does not count
    book.save(path)
    return path


def test_column_letters_count_like_excel() -> None:
    assert [column_number(c) for c in ("A", "Z", "AA", "ZZ", "XFD")] == [1, 26, 27, 702, 16384]


def test_extent_is_the_farthest_cell_with_a_value(tmp_path: Path) -> None:
    extents = tab_extents(stray_cell_book(tmp_path / "office.xlsx", "ZZ200000"))
    assert (extents["Workers"].rows, extents["Workers"].columns) == (2, 3)
    assert extents["Notes"].farthest == "ZZ200000"


def test_a_stray_cell_at_the_last_cell_of_a_sheet_skips_that_tab_only(tmp_path: Path) -> None:
    # Without the check the reader asks for 500 GB and the process aborts.
    stray_cell_book(tmp_path / "office.xlsx", "XFD1048576")
    wb = LocalSource(tmp_path).read()
    assert wb.names() == ["Workers"]
    assert len(wb.problems) == 1
    assert "tab 'Notes' of 'office.xlsx' is not read: it has a filled cell at XFD1048576" in wb.problems[0]
    assert "Delete the stray cells" in wb.problems[0]
    assert len(normalise(wb, Settings()).table("workers")) == 1


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_limits, "MAX_UNPACKED_BYTES", 8 << 20)
    path = stray_cell_book(tmp_path / "bomb.xlsx", "B2")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (16 << 20))  # 16 MB of zeros, a few KB packed
    (tmp_path / "other.xlsx").write_bytes(stray_cell_book(tmp_path / "x.tmp", "B2").read_bytes())
    wb = LocalSource(tmp_path).read()
    assert any("'bomb.xlsx' unpacks to 16 MB" in p for p in wb.problems)
    assert ("bomb.xlsx", "could not be read") in wb.opened
    assert "Workers" in wb.names()  # the other workbook is still read


def test_styled_empty_cells_far_away_do_not_count(tmp_path: Path) -> None:
    """Formatting down to the last row is no reason to refuse a tab: the reader skips cells without a value."""
    path = stray_cell_book(tmp_path / "office.xlsx", "B2")
    book = openpyxl.load_workbook(path)
    book["Notes"]["XFD1048576"].style = "Good"
    book.save(path)
    assert tab_extents(path)["Notes"].farthest == "B2"
    assert LocalSource(tmp_path).read().problems == ()
