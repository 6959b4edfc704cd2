"""The forms-style demo: files, tabs and headers shaped like a real office's Drive, same records as the template."""

from __future__ import annotations

import csv
import re
import tomllib
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.demo import DemoCompany, generate_demo
from pipeline.demo.forms_style import FORM_BOOKS, FORMS, GRID_NOTE, OFFICE_BOOK, VAGUE_COLUMN
from pipeline.normalise.discovery import BY_BOOK, CONFIGURED, discover
from pipeline.settings import Settings
from pipeline.sources.local import LocalSource

END = date(2026, 10, 31)
FORM_TAB = "Form Responses 1"
CSV_NAME = "Incident Report (Responses) - Form Responses 1.csv"


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> DemoCompany:
    return generate_demo(tmp_path_factory.mktemp("forms"), end=END, style="forms")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> DemoCompany:
    return generate_demo(tmp_path_factory.mktemp("template"), end=END)


def _sheet(path: Path, tab: str) -> list[list[object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book[tab].iter_rows(values_only=True)]


def _form(company: DemoCompany, key: str) -> list[list[object]]:
    return _sheet(company.folder / f"{FORM_BOOKS[key]}.xlsx", FORM_TAB)


def _csv(company: DemoCompany) -> list[list[str]]:
    with (company.folder / CSV_NAME).open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _column(rows: list[list[object]], header: str) -> list[object]:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


def test_one_response_file_per_form_and_the_office_workbook(company: DemoCompany) -> None:
    names = sorted(p.name for p in company.folder.iterdir())
    assert names == sorted([
        "FLHA (Responses).xlsx", "Pre-Trip Inspection (Responses).xlsx", "Site Inspection (Responses).xlsx",
        CSV_NAME, "Toolbox Talk (Responses).xlsx", "New Worker Orientation (Responses).xlsx", OFFICE_BOOK,
        "secor.toml"])
    assert [p.name for p in company.paths] == [*(p.name for p in company.files), "secor.toml"]


def test_every_form_book_has_exactly_one_tab_named_form_responses_1(company: DemoCompany) -> None:
    for key, book in FORM_BOOKS.items():
        if key == "incident":
            continue
        assert openpyxl.load_workbook(company.folder / f"{book}.xlsx", read_only=True).sheetnames == [FORM_TAB]


def test_forms_headers_are_the_questions_with_email_last_and_office_columns_right(company: DemoCompany) -> None:
    flha = _form(company, "flha")[0]
    assert flha[:5] == ["Timestamp", "Worker name (first and last)", "Date of work", "Site / LSD",
                        "Task(s) being performed"]
    assert {"Hazards identified", "Controls put in place"} <= set(flha) and flha[-1] == "Email Address"
    trip = _form(company, "pre_start")[0]
    assert trip[5:8] == ["Trip inspection checklist [Brakes]", "Trip inspection checklist [Lights]",
            "Trip inspection checklist [Tires]"]
    assert {"Driver / operator name", "Unit #", "Overall result", "Describe any defects",
            "Is the unit tagged out / parked?", "Score"} <= set(trip)
    assert trip[-2:] == ["Repaired / closed date", "Mechanic notes"]
    assert _form(company, "toolbox_talk")[0][-1] == "Email Address"
    incident = _csv(company)[0]
    assert {"What happened? (describe in detail)", "Type of incident"} <= set(incident)
    for key in FORM_BOOKS:
        header = incident if key == "incident" else _form(company, key)[0]
        assert header == [h for h, _ in FORMS[key]]


def test_xlsx_timestamps_are_date_cells_and_the_csv_has_sheets_text_timestamps(company: DemoCompany) -> None:
    stamps = _column(_form(company, "flha"), "Timestamp")
    assert all(isinstance(s, datetime) for s in stamps)
    text = _column(_csv(company), "Timestamp")  # type: ignore[arg-type]
    assert text and all(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d", str(t)) for t in text)


def test_the_crews_and_the_offices_own_wordings(company: DemoCompany) -> None:
    results = set(_column(_form(company, "pre_start"), "Overall result"))
    assert results == {"No defects", "Minor defect(s) - reported", "Major defect(s) - do not operate"}
    trip = _form(company, "pre_start")
    defect_rows = [r for r in trip[1:] if r[trip[0].index("Describe any defects")]]
    assert all("Defect" in r[5:10] for r in defect_rows)  # the checklist grid shows the defect
    assert "Near miss (no injury or damage)" in set(_column(_csv(company), "Type of incident"))  # type: ignore[arg-type]
    office = company.folder / OFFICE_BOOK
    ca = _sheet(office, "CA Log")
    assert "Pre-trip" in set(_column(ca, "Source"))
    hazards = _sheet(office, "Hazard Log")[3:]
    assert set(_column(hazards, "Risk (H/M/L)")) == {"H", "M", "L"}


def test_office_tabs_have_their_own_names_and_some_a_title_and_a_blank_row(company: DemoCompany) -> None:
    book = openpyxl.load_workbook(company.folder / OFFICE_BOOK, read_only=True)
    assert book.sheetnames == ["Employees", "Training Matrix", "Hazard Log", "CA Log", "Inspection Plan",
                               "Safety Program", "Safety Goals"]
    employees = _sheet(company.folder / OFFICE_BOOK, "Employees")
    assert employees[0][0].endswith("Employee List") and not any(employees[1]) and employees[2][0] == "Name"
    assert _sheet(company.folder / OFFICE_BOOK, "Hazard Log")[3][0] == "Hazard No"
    assert _sheet(company.folder / OFFICE_BOOK, "CA Log")[0][0] == "CA No"  # no title: header on row 1
    tabs = LocalSource(company.folder).read()
    rows = {t.name: t.header_row for t in tabs.tabs if t.book == "Safety Office"}
    assert rows == {"Employees": 3, "Training Matrix": 4, "Hazard Log": 4, "CA Log": 1, "Inspection Plan": 1,
                    "Safety Program": 3, "Safety Goals": 1}


def test_training_matrix_is_a_grid_with_na_a_note_and_a_legend(company: DemoCompany) -> None:
    grid = _sheet(company.folder / OFFICE_BOOK, "Training Matrix")
    assert grid[0][0].endswith("Training Matrix") and not any(grid[2])
    header = grid[3]
    assert header[:2] == ["Name", "Position"] and "H2S Alive (3 yr)" in header and "CSTS (no expiry)" in header
    assert VAGUE_COLUMN in header and "TDG (expiry)" in header
    people = {r[0]: dict(zip(header, r, strict=False)) for r in grid[4:] if len(r) > 1 and r[1]}
    assert len(people) == company.workers  # the departed worker is still listed
    assert people["Jason Whitford"]["Ground Disturbance Level II (3 yr)"] is None  # planted: Missing
    assert isinstance(people["Ravi Sandhu"]["H2S Alive (3 yr)"], datetime)
    assert people["Linda Kowalski"]["H2S Alive (3 yr)"] == "N/A"  # office staff: not required
    assert people["Gord Mitchell"]["Ground Disturbance Level II (3 yr)"] == GRID_NOTE
    legend = [r[0] for r in grid[4 + len(people) + 1:]]
    assert legend and all(str(t).startswith(("Legend", "N/A")) for t in legend)
    assert "Training Records" not in openpyxl.load_workbook(company.folder / OFFICE_BOOK, read_only=True).sheetnames


def test_some_incidents_name_their_action_in_their_own_row(company: DemoCompany) -> None:
    incidents = _csv(company)
    named = [str(t) for t in _column(incidents, "Corrective actions taken or planned")]  # type: ignore[arg-type]
    mentions = [m.group(0) for t in named if (m := re.search(r"CA-\d+", t))]
    assert 0 < len(mentions) < len(named)
    ca = _sheet(company.folder / OFFICE_BOOK, "CA Log")
    refs = {r[0]: r[2] for r in ca[1:]}
    assert all(refs[m] is None for m in mentions)  # the office did not write the incident ID as well
    assert sum(1 for r in ca[1:] if r[1] == "Incident" and r[2]) == len(named) - len(mentions)


def test_same_records_as_the_template_style(company: DemoCompany, template: DemoCompany) -> None:
    forms, office = LocalSource(company.folder).read(), LocalSource(template.folder).read()
    flha = forms.get(FORM_TAB, "FLHA (Responses)")
    assert [r[1] for r in flha.rows] == [r[2] for r in office.get("FLHA").rows]  # workers, in order
    assert [r[3] for r in flha.rows] == [r[3] for r in office.get("FLHA").rows]  # sites
    trip = forms.get(FORM_TAB, "Pre-Trip Inspection (Responses)")
    assert len(trip.rows) == len(office.get("Pre-Start").rows)
    same = {p.check_id: p.records for p in template.planted if p.check_id not in ("E1.1", "E3.3", "E5.1", "S.2")}
    assert {p.check_id: p.records for p in company.planted if p.check_id in same} == same
    assert [(p.check_id, p.status) for p in company.planted] == [(p.check_id, p.status) for p in template.planted]


def test_same_seed_same_cells(company: DemoCompany, tmp_path: Path) -> None:
    again = generate_demo(tmp_path, end=END, style="forms")
    cells = lambda c: {(t.book, t.name): (t.header, [list(r) for r in t.rows])  # noqa: E731
                       for t in LocalSource(c.folder).read().tabs}
    assert cells(again) == cells(company) and again.messy == company.messy


def test_the_office_managers_config_pins_some_forms_and_maps_a_header_and_a_wording(company: DemoCompany) -> None:
    config = tomllib.loads(company.config.read_text(encoding="utf-8"))
    assert config["company"] == company.name and config["timezone"] == "America/Edmonton"
    assert config["tables"]["flha"] == ["FLHA (Responses) / Form Responses 1"]
    assert "toolbox_talk" not in config["tables"]  # left to recognition
    assert config["headers"]["pre_start"] == {"action_taken": ["Mechanic notes"]}
    assert config["values"]["incident"]["type"] == {"Equipment or property damage": "Property Damage"}
    assert "Equipment or property damage" in set(_column(_csv(company), "Type of incident"))  # type: ignore[arg-type]


def test_every_form_is_found_pinned_or_by_its_spreadsheets_name(company: DemoCompany) -> None:
    config = tomllib.loads(company.config.read_text(encoding="utf-8"))
    settings = Settings(tables={k: tuple(v) for k, v in config["tables"].items()},
                        headers={t: {c: tuple(h) for c, h in cols.items()} for t, cols in config["headers"].items()})
    found = discover(LocalSource(company.folder).read(), settings)
    for key, book in FORM_BOOKS.items():
        placement = found.chosen[key]
        assert (placement.tab.book, placement.tab.name) == (book, FORM_TAB)
        assert placement.how == (CONFIGURED if key in config["tables"] else BY_BOOK)
    for key, tab in (("workers", "Employees"), ("hazard_register", "Hazard Log"), ("corrective_actions", "CA Log"),
                     ("inspection_schedule", "Inspection Plan"), ("program", "Safety Program"),
                     ("goals", "Safety Goals")):
        assert found.chosen[key].tab.name == tab


def test_demo_command_writes_the_forms_style(tmp_path: Path) -> None:
    out = tmp_path / "d"
    CliRunner().invoke(main, ["demo", "--out", str(out), "--end", "2026-10-31", "--months", "4"])
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--end", "2026-10-31", "--months", "4",
                                       "--style", "forms"])
    assert result.exit_code == 0, result.output
    assert str(out / "FLHA (Responses).xlsx") in result.output and "secor doctor --source" in result.output
    assert not (out / "secor-records.xlsx").exists()  # the template style's files would be a second copy
    bad = CliRunner().invoke(main, ["demo", "--out", str(out), "--style", "paper"])
    assert bad.exit_code == 2 and "template" in bad.output
