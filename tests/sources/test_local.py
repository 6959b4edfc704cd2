"""Local mode: a folder of .xlsx and .csv files, read without touching them."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from pipeline.normalise import normalise
from pipeline.settings import Settings
from pipeline.sources.local import LocalSource
from tests.builders import write_xlsx

WORKERS = [["Name", "Role", "Start Date"], ["Dale Kowalski", "Owner", datetime(2019, 3, 1)]]


def digest(folder: Path) -> dict[str, tuple[str, float]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime) for p in folder.iterdir()}


def test_tabs_of_workbooks_and_csv_files_are_found_by_name(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "office.xlsx", {"Workers": WORKERS, "Goals": [["Year", "Goal"], [2026, "Zero LTI"]]})
    (tmp_path / "Toolbox Talk.csv").write_text(
        "Timestamp,Topic,Presenter,Attendees\n11/21/2026 07:00:00,Cold stress,Dale Kowalski,\"Dale, Priya\"\n",
        encoding="utf-8")
    wb = LocalSource(tmp_path).read()
    assert sorted(wb.names()) == ["Goals", "Toolbox Talk", "Workers"]
    ds = normalise(wb, Settings())
    assert ds.table("toolbox_talk").iloc[0]["attendees"] == "Dale, Priya"
    assert ds.table("workers").iloc[0]["start_date"].year == 2019


def test_corrupt_file_is_named_and_other_files_still_read(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "office.xlsx", {"Workers": WORKERS})
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a zip file")
    wb = LocalSource(tmp_path).read()
    assert wb.names() == ["Workers"]
    assert len(wb.problems) == 1 and "broken.xlsx" in wb.problems[0]
    ds = normalise(wb, Settings())
    assert ds.has("workers")
    assert (ds.issues["problem"].str.contains("broken.xlsx")).any()


def test_excel_lock_files_and_hidden_files_are_skipped(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "office.xlsx", {"Workers": WORKERS})
    (tmp_path / "~$office.xlsx").write_bytes(b"\x00lock")
    (tmp_path / ".hidden.csv").write_text("a,b\n", encoding="utf-8")
    wb = LocalSource(tmp_path).read()
    assert wb.problems == ()
    assert [p.name for p in LocalSource(tmp_path).files()] == ["office.xlsx"]


def test_empty_workbook_gives_tabs_with_no_rows(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "empty.xlsx", {"Workers": []})
    wb = LocalSource(tmp_path).read()
    assert wb.get("Workers").rows == []
    ds = normalise(wb, Settings())
    assert ds.status["workers"].missing_columns == ("Name", "Role", "Start Date")


def test_same_tab_name_in_two_files_is_no_conflict_but_only_the_first_is_read(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "a.xlsx", {"Workers": WORKERS})
    write_xlsx(tmp_path / "b.xlsx", {"Workers": WORKERS})
    wb = LocalSource(tmp_path).read()
    assert [t.label for t in wb.tabs] == ["a / Workers", "b / Workers"]
    assert wb.problems == ()
    ds = normalise(wb, Settings())
    assert ds.status["workers"].found_as == "Workers (a.xlsx)"
    warning = ds.issues[ds.issues["table"] == "Workers"]["problem"].iloc[0]
    assert "'Workers' (b.xlsx) also looks like Workers" in warning
    assert 'workers = ["a / Workers"]' in warning


def test_header_below_title_rows_keeps_sheet_row_numbers(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "office.xlsx", {"Workers": [[None], ["Name", "Role", "Start Date"],
                                                      ["Dale Kowalski", "Owner", "bad date"]]})
    ds = normalise(LocalSource(tmp_path).read(), Settings())
    assert ds.issues[ds.issues["table"] == "Workers"].iloc[0]["row"] == 3


def test_reading_never_modifies_the_offices_files(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "office.xlsx", {"Workers": WORKERS})
    (tmp_path / "Goals.csv").write_text("Year,Goal\n2026,Zero LTI\n", encoding="utf-8")
    before = digest(tmp_path)
    normalise(LocalSource(tmp_path).read(), Settings())
    assert digest(tmp_path) == before


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from pipeline.errors import SecorError

    with pytest.raises(SecorError, match="does not exist"):
        LocalSource(tmp_path / "nope").read()


def test_unread_formats_unused_tabs_and_second_copies_of_a_table_are_reported(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "office.xlsx", {"Workers": WORKERS, "Employees": WORKERS, "Notes": [["anything"]]})
    (tmp_path / "old-log.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    ds = normalise(LocalSource(tmp_path).read(), Settings())
    problems = " | ".join(ds.issues[ds.issues["severity"] == "warning"]["problem"])
    assert "'old-log.xls' is not read" in problems
    assert "tab 'Employees' (office.xlsx) also looks like Workers; only 'Workers'" in problems
    assert "tab 'Notes' (office.xlsx, 0 rows) is not read" in problems
    assert ds.source_problems == ()  # worth a look, not a failure


def test_a_folder_with_nothing_readable_is_an_error_naming_what_is_there(tmp_path: Path) -> None:
    import pytest

    from pipeline.errors import SecorError

    (tmp_path / "old-log.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SecorError, match=r"has no \.xlsx or \.csv file to read \(it holds only: old-log\.xls\)"):
        LocalSource(tmp_path).read()
