"""The pack's CSVs: every text field quoted, no formula after any delimiter a spreadsheet might split on."""

from __future__ import annotations

import csv

import pytest

from jobs.pack import run_pack
from pipeline.settings import Settings

from .conftest import FakeSource
from .fixtures import company_records

FORMULA_PREFIXES = "=+-@\t\r"  # what Excel or LibreOffice start a formula (or a DDE call) with
# What a crew member (or someone pasting into a Google Form) can type.
HOSTILE = "brake leak;=cmd|' /C calc'!A0"
HOSTILE_TEXT = (HOSTILE, "=HYPERLINK(\"http://x\")", "spotter, +1 555 0100", "low oil\t@SUM(A1)",
                "line one\r\n-2+3", "ok; -cmd")


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("out")
    records = company_records()
    for i, value in enumerate(HOSTILE_TEXT):
        records["flha"][i]["Hazards"] = value
        records["flha"][i]["Site"] = value
    records["workplace_inspection"][0]["Deficiencies"] = HOSTILE
    records["incident"][-1]["Description"] = HOSTILE
    fail = next(r for r in records["pre_start"] if r["Result"] == "Fail")
    fail["Defects"] = HOSTILE
    result = run_pack(Settings(company="Prairie Hydrovac Ltd.", output=str(out)), "2026-10",
                      source=FakeSource(records))
    return result.pdf.parent


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_no_cell_starts_a_formula_whatever_the_list_separator(folder, delimiter: str) -> None:  # type: ignore[no-untyped-def]
    names = sorted(p.name for p in folder.glob("*.csv"))
    assert "records-flha.csv" in names and "deficiencies.csv" in names
    seen = 0
    for name in names:
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter=delimiter):
                for cell in row:
                    start = cell.lstrip(" ").lstrip('"')
                    assert not (start[:1] in FORMULA_PREFIXES and start and not _number(start)), (name, row)
                    seen += 1
    assert seen > 100


def test_the_text_survives_with_only_an_apostrophe_added(folder) -> None:  # type: ignore[no-untyped-def]
    with (folder / "records-flha.csv").open(encoding="utf-8", newline="") as fh:
        hazards = [r[5] for r in csv.reader(fh)]
    assert "brake leak;'=cmd|' /C calc'!A0" in hazards
    assert "spotter, '+1 555 0100" in hazards
    assert "line one\r\n'-2+3" in hazards  # a multi-line answer stays one field


def test_every_text_field_is_quoted(folder) -> None:  # type: ignore[no-untyped-def]
    first = (folder / "records-flha.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith('"ID","Date","Worker"')
    body = (folder / "records-flha.csv").read_text(encoding="utf-8")
    assert '"brake leak;\'=cmd|\' /C calc\'!A0"' in body


@pytest.mark.parametrize(("value", "guarded"), [
    ("=1+1", "'=1+1"),
    ("brake leak;=cmd", "brake leak;'=cmd"),
    ("a, -b", "a, '-b"),
    ("x\t@y", "x\t'@y"),
    ("\tstarts with a tab", "'\tstarts with a tab"),
    ("\r=x", "'\r'=x"),
    ("Spotter, PPE; call-before-dig", "Spotter, PPE; call-before-dig"),
    ("-5", "'-5"),  # text that looks like a number is still text
])
def test_guard_formulas(value: str, guarded: str) -> None:
    from pipeline.outputs.pack.data import guard_formulas

    assert guard_formulas(value) == guarded
