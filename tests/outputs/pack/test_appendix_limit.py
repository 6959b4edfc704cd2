"""Appendix A is bounded: beyond APPENDIX_ROWS rows a form is one line, and records-<form>.csv has every row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jobs.pack import run_pack
from pipeline.outputs.pack import appendix as appendix_module
from pipeline.settings import Settings

from .conftest import FakeSource, pdf_text
from .fixtures import company_records


@pytest.fixture(scope="module")
def small_limit_pack(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A month of 3 FLHAs a working day (66) packed with the appendix limited to 5 rows per form."""
    out = tmp_path_factory.mktemp("out")
    records = company_records()
    records["flha"][-1]["Hazards"] = "Line one of the answer\nline two, with a comma"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(appendix_module, "APPENDIX_ROWS", 5)
        result = run_pack(Settings(company="Prairie Hydrovac Ltd.", output=str(out)), "2026-10",
                          source=FakeSource(records))
    return result, records


def test_the_pdf_lists_the_first_rows_then_says_how_many_more(small_limit_pack) -> None:  # type: ignore[no-untyped-def]
    result, records = small_limit_pack
    flat = " ".join(pdf_text(result.pdf.read_bytes()).split())
    n = len(records["flha"])
    assert f"FLHAs ({n})" in flat
    assert f"and {n - 5} more" in flat and "records-flha.csv" in flat


def test_the_csv_beside_the_pdf_has_every_row(small_limit_pack) -> None:  # type: ignore[no-untyped-def]
    result, records = small_limit_pack
    path: Path = result.pdf.parent / "records-flha.csv"
    assert path in result.files
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["ID", "Date", "Worker", "Site", "Task", "Hazards", "Controls", "Sign-off"]
    assert len(rows) - 1 == len(records["flha"])
    assert len({r[0] for r in rows[1:]}) == len(records["flha"])  # every record once, by its ID
    assert "Line one of the answer\nline two, with a comma" in [r[5] for r in rows[1:]]  # full text, not shortened


def test_a_short_list_has_no_more_line(small_limit_pack) -> None:  # type: ignore[no-untyped-def]
    result, _ = small_limit_pack
    flat = " ".join(pdf_text(result.pdf.read_bytes()).split())
    assert "records-orientations.csv" not in flat  # fewer orientations than the limit: all printed, no pointer


def test_the_record_files_are_made_row_by_row() -> None:
    from pipeline.outputs.pack import record_files
    from pipeline.outputs.pack.month import Month

    from .fixtures import company_dataset

    files = record_files(company_dataset(), Month(2026, 10), Month(2026, 10).last)
    lines = files["records-flha.csv"]
    assert iter(lines) is lines  # a generator, not a whole text
    assert next(lines).startswith('"ID","Date","Worker"')
