"""Finding tables in the records real offices keep: one response spreadsheet per form, own tab names."""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline.normalise import normalise
from pipeline.normalise.discovery import BY_BOOK, BY_HEADERS, CONFIGURED, LIKELY, SURE, UNSURE, discover
from pipeline.settings import Settings, settings_from_dict
from pipeline.sources.base import Tab, Workbook
from pipeline.sources.local import LocalSource, header_index, tab_from_rows
from tests.builders import write_xlsx
from tests.exports import (
    FLHA_HEADER,
    FLHA_ROWS,
    INCIDENT_HEADER,
    INCIDENT_ROWS,
    PRE_TRIP_HEADER,
    PRE_TRIP_ROWS,
    WORKERS_TITLED,
    form_book,
)


def real_drive(folder: Path) -> Path:
    """Three response spreadsheets, each tab "Form Responses 1", an office list with title rows, a CSV download."""
    write_xlsx(folder / "FLHA (Responses).xlsx", form_book(FLHA_HEADER, FLHA_ROWS))
    write_xlsx(folder / "Pre-Trip Inspection (Responses).xlsx", form_book(PRE_TRIP_HEADER, PRE_TRIP_ROWS))
    write_xlsx(folder / "Office.xlsx", {"Employees": WORKERS_TITLED})
    with (folder / "Incident (Responses) - Form Responses 1.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([INCIDENT_HEADER, *INCIDENT_ROWS])
    return folder


def test_three_form_responses_1_tabs_are_three_tables(tmp_path: Path) -> None:
    ds = normalise(LocalSource(real_drive(tmp_path)).read(), Settings())
    assert ds.status["flha"].found_as == "Form Responses 1 (FLHA (Responses).xlsx)"
    assert ds.status["pre_start"].found_as == "Form Responses 1 (Pre-Trip Inspection (Responses).xlsx)"
    assert ds.status["incident"].found_as == "Form Responses 1 (Incident (Responses) - Form Responses 1.csv)"
    assert ds.status["workers"].found_as == "Employees (Office.xlsx)"
    assert len(ds.table("flha")) == 2 and len(ds.table("pre_start")) == 2 and len(ds.table("incident")) == 1
    assert ds.source_problems == ()


def test_a_spreadsheet_named_like_its_form_is_likely_and_gets_a_pin_line(tmp_path: Path) -> None:
    found = discover(LocalSource(real_drive(tmp_path)).read(), Settings())
    flha = found.chosen["flha"]
    assert (flha.how, flha.confidence) == (BY_BOOK, LIKELY)
    # Three tabs share the name, so the pin names the spreadsheet too.
    assert flha.pin == 'flha = ["FLHA (Responses) / Form Responses 1"]'
    assert found.chosen["workers"].confidence == SURE  # "Employees" is a name Workers goes by


def test_pinned_line_reads_back_as_configured(tmp_path: Path) -> None:
    wb = LocalSource(real_drive(tmp_path)).read()
    settings = settings_from_dict({"tables": {"flha": ["FLHA (Responses) / Form Responses 1"]}})
    flha = discover(wb, settings).chosen["flha"]
    assert (flha.how, flha.confidence, flha.tab.book) == (CONFIGURED, SURE, "FLHA (Responses)")


def test_an_unnamed_form_tab_is_recognised_from_its_questions(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "Copy of Daily hazard form.xlsx", form_book(FLHA_HEADER, FLHA_ROWS))
    found = discover(LocalSource(tmp_path).read(), Settings())
    assert found.chosen["flha"].how == BY_HEADERS
    assert found.chosen["flha"].confidence in (LIKELY, UNSURE)
    assert found.unread == ()


def test_a_tab_with_half_the_columns_is_taken_as_unsure_so_doctor_can_say_what_is_missing() -> None:
    tab = Tab(name="Form Responses 1", origin="Toolbox (Responses)", book="Toolbox (Responses)",
              header=("Timestamp", "Talk topic", "What we discussed"), rows=[["2026-11-02 07:00", "Ladders", "x"]])
    ds = normalise(Workbook((tab,)), Settings())
    st = ds.status["toolbox_talk"]
    assert st.confidence in (UNSURE, LIKELY) and st.missing_columns == ("Presenter", "Attendees")
    assert not ds.has("toolbox_talk")


def test_a_tab_nothing_fits_is_listed_with_a_mapping_example() -> None:
    tab = Tab(name="Sheet3", origin="misc.xlsx", book="misc", header=("Colour", "Size"), rows=[["red", 3]])
    ds = normalise(Workbook((tab,)), Settings())
    line = ds.issues[ds.issues["value"] == "Sheet3"]["problem"].iloc[0]
    assert "is not read" in line and 'under [tables]' in line and 'flha = ["misc / Sheet3"]' in line


def test_the_header_is_found_below_title_rows_and_a_blank_row() -> None:
    assert header_index(WORKERS_TITLED) == 3
    tab = tab_from_rows("Employees", "Office.xlsx", WORKERS_TITLED)
    assert tab.header == ("Name", "Position", "Date Hired")
    assert tab.first_row == 5 and tab.header_row == 4
    assert tab.above == ("ACME Oilfield Ltd. - Employee list", "Updated Nov 2026")


def test_a_header_on_the_first_row_stays_there_even_when_data_rows_are_wider() -> None:
    rows = [["Name", "Role"], ["Dale", "Owner", "note in C"], ["Ravi", "Labourer"]]
    assert header_index(rows) == 0


def test_a_data_row_of_dates_is_never_taken_for_the_header() -> None:
    rows = [["Training Matrix"], ["Worker", "H2S Alive", "First Aid"], ["Dale", "2026-01-02", "2025-03-04"]]
    assert header_index(rows) == 1


def test_one_spreadsheet_copied_twice_is_still_a_source_problem(tmp_path: Path) -> None:
    from pipeline.sources.base import add_tabs
    problems: list[str] = []
    tabs: list[Tab] = []
    one = Tab("Form Responses 1", "FLHA (Responses).xlsx", ("Timestamp",), [], book="FLHA (Responses)")
    add_tabs(tabs, [one, one], problems)
    assert len(tabs) == 1 and "is in both" in problems[0]


def test_doctor_says_which_tab_it_took_as_which_table_how_sure_and_the_lines_to_pin_it(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["doctor", "--source", str(real_drive(tmp_path))])
    out = result.output
    assert "FLHA in Form Responses 1 (FLHA (Responses).xlsx) (by its spreadsheet's name, likely)" in out
    assert "Workers in Employees (Office.xlsx) (by its tab name): 3 rows, 3 used, 0 not used; header on row 4" in out
    assert '  [tables]\n  flha = ["FLHA (Responses) / Form Responses 1"]\n' in out
    assert result.exit_code == 1  # the office tables are not there yet


def test_doctor_prints_a_headers_line_for_a_reworded_required_question() -> None:
    from pipeline.outputs.summary import doctor_text

    header = ["Timestamp", "Worker name", "Site", "Task", "What hazards are on site today?", "Controls"]
    tab = Tab("Form Responses 1", "FLHA (Responses).xlsx", tuple(header),
              [["2026-11-02 07:00", "Jason Miller", "Pad 7", "Valve", "H2S", "Monitor"]], book="FLHA (Responses)")
    wb = Workbook((tab,))
    text, ok = doctor_text("test", wb, normalise(wb, Settings()))
    assert not ok
    assert "required column(s) Hazards not found" in text
    assert '[headers.flha]\n           hazards = ["What hazards are on site today?"]' in text
    # The line pasted into a config makes the table read.
    settings = settings_from_dict({"headers": {"flha": {"hazards": ["What hazards are on site today?"]}}})
    assert len(normalise(wb, settings).table("flha")) == 1
