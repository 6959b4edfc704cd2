"""The local dashboard workbook read back: act-first columns, frozen ID and header, one page wide, % numbers,
rows as tall as their text, a filter on the lists only, the plan shown as given."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.normalise.dataset import TableStatus
from pipeline.outputs import xlsx
from pipeline.outputs.dashboard import (
    ACTIONS,
    CERTIFICATIONS,
    CLOSE_DEFICIENCY,
    DATA_ISSUES,
    DEFICIENCIES,
    READINESS,
    SUMMARY,
    TAB_NAMES,
    TOP_HEADER,
    dashboard_sheets,
)
from pipeline.plan.model import ActionPlan
from tests.outputs.dashboard_support import AS_OF, OFFICE_ISSUES, findings_with, plan

STATUSES = {"flha": TableStatus("flha", "FLHA (Form responses.xlsx)"),
            "workers": TableStatus("workers", "Staff (Safety Office.xlsx)")}
HEADERS = {
    SUMMARY: ["Item", "Value", "Status", "Detail"],
    ACTIONS: ["Due", "Who", "What", "Clears", "Where", "How to close", "Priority", "Why this person", "By-when rule",
              "Records", "#"],
    CERTIFICATIONS: ["Worker", "Status", "Expires", "Ticket", "Days Left", "Role", "Completed"],
    DEFICIENCIES: ["ID", "Status", "Due", "Assigned To", "Description", "Unit Or Site", "Found", "Age Days", "Source",
                   "Where"],
    READINESS: ["ID", "Status", "Check", "Detail", "Records", "Element"],
    DATA_ISSUES: ["Fix or note", "What to do", "Tab (spreadsheet or file)", "Row", "Column", "Value", "Problem",
                  "Table"],
}
HEADER_ROW = {DEFICIENCIES: 2}  # the sentence on how to close an item sits above the header


def workbook(tmp_path: Path, the_plan: ActionPlan | None = None, description: str = "Brake light out"
             ) -> openpyxl.Workbook:
    f = findings_with(description, plan() if the_plan is None else the_plan, OFFICE_ISSUES)
    sheets = dashboard_sheets(f, STATUSES, datetime(2026, 11, 21, 6, 0), "folder demo")
    return openpyxl.load_workbook(xlsx.write_dashboard(sheets, tmp_path / "dashboard.xlsx"))


def rows(ws: Worksheet, header: int = 1) -> list[dict[str, object]]:
    names = [c.value for c in ws[header]]
    return [dict(zip(names, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=header + 1)
            if any(c.value is not None for c in r)]


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    return workbook(tmp_path)


def test_every_tab_puts_the_columns_a_person_acts_on_first(book: openpyxl.Workbook) -> None:
    assert tuple(book.sheetnames) == TAB_NAMES
    for title, headers in HEADERS.items():
        assert [c.value for c in book[title][HEADER_ROW.get(title, 1)]] == headers, title


def test_the_id_column_and_the_header_are_frozen(book: openpyxl.Workbook) -> None:
    panes = {ws.title: ws.freeze_panes for ws in book.worksheets}
    assert panes == {SUMMARY: "B2", ACTIONS: "A2", CERTIFICATIONS: "B2", DEFICIENCIES: "B3", READINESS: "B2",
                     DATA_ISSUES: "A2"}


def test_every_tab_prints_landscape_one_page_wide_with_its_header_on_every_page(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == f"$1:${HEADER_ROW.get(ws.title, 1)}", ws.title


def test_readiness_figures_are_numbers_formatted_as_percent(book: openpyxl.Workbook) -> None:
    ws = book[SUMMARY]
    figures = {r[0].value: r[1] for r in ws.iter_rows(min_row=2) if r[0].value}
    overall = figures["Overall readiness"]
    assert isinstance(overall.value, float) and 0 <= overall.value <= 1
    assert overall.number_format == "0%"
    element = figures["Element 2: Hazard Identification and Assessment"]
    assert element.value == 1 and element.number_format == "0%"


def test_a_wrapped_row_is_as_tall_as_its_text_and_a_short_row_keeps_the_default(tmp_path: Path) -> None:
    ws = workbook(tmp_path, description="hydraulic hose leaking at loader arm " * 5)["Dashboard - Deficiencies"]
    description = ws["E3"]
    assert description.alignment.wrap_text
    width = ws.column_dimensions["E"].width
    lines = -(-len(description.value) // (int(width) - 1))  # its length over the column's width, rounded up
    assert lines >= 3 and ws.row_dimensions[3].height == 15 * lines
    # The row's other values sit at its top, level with the first line of the description.
    assert {ws.cell(row=3, column=c).alignment.vertical for c in range(1, ws.max_column + 1)} == {"top"}
    short = workbook(tmp_path)[DEFICIENCIES]
    assert short.row_dimensions[3].height is None


def test_the_sentence_above_the_deficiencies_says_how_to_close_an_item(book: openpyxl.Workbook) -> None:
    ws = book[DEFICIENCIES]
    label, sentence = CLOSE_DEFICIENCY
    assert (ws["A1"].value, ws["B1"].value) == (label, sentence) == ("To close an item", sentence)
    assert "Source Ref" in sentence and "Completed" in sentence and "Closed" in sentence
    # Across the columns right of the frozen ID column, wrapped.
    assert ws["B1"].alignment.wrap_text and {str(r) for r in ws.merged_cells.ranges} == {"B1:J1"}
    assert ws.row_dimensions[1].height > 15  # the whole sentence shows


def test_the_summary_has_no_filter_and_the_lists_have_one(book: openpyxl.Workbook) -> None:
    assert book[SUMMARY].auto_filter.ref is None
    assert book[DEFICIENCIES].auto_filter.ref.startswith("A2:")  # from the header, below the sentence
    for title in (ACTIONS, CERTIFICATIONS, READINESS, DATA_ISSUES):
        assert book[title].auto_filter.ref.startswith("A1:"), title


def test_the_actions_tab_shows_the_plan_in_its_order(tmp_path: Path) -> None:
    the_plan = plan(5)
    listed = rows(workbook(tmp_path, the_plan)[ACTIONS])
    assert [r["What"] for r in listed] == [a.what for a in the_plan]
    assert [r["#"] for r in listed] == [1, 2, 3, 4, 5]
    first, unassigned = listed[0], listed[1]
    assert first["Due"] == datetime(2026, 11, 28) and first["Who"] == "Ravi Sandhu"
    assert first["Clears"] == "E5.2, S.3" and first["Priority"] == "Pass rule"
    assert first["Why this person"] == "holds the ticket" and first["By-when rule"] == "[audit] plan_days_fail: 7 days"
    assert first["How to close"] == "add a row to Training Records with the new Completed date"
    assert unassigned["Who"] == "Unassigned: Dana Whitford (Safety Lead) decides who"
    assert unassigned["Records"] == "PS-261111-064455"


def test_the_summary_opens_with_readiness_then_the_top_ten_actions(tmp_path: Path) -> None:
    the_plan = plan(12)
    ws = workbook(tmp_path, the_plan)[SUMMARY]
    items = [r[0].value for r in ws.iter_rows()]
    assert items.index("Overall readiness") < items.index(TOP_HEADER) < items.index("Expired tickets")
    top = items.index(TOP_HEADER) + 2  # the sheet row of the first action, below the block's own header
    assert ws.cell(row=top - 1, column=1).font.bold
    block = [[c.value for c in r] for r in ws.iter_rows(min_row=top, max_row=top + 10)]
    assert [b[0] for b in block[:10]] == [f"{a.rank}. {a.what}" for a in the_plan.top(10)]
    assert block[0][1] == datetime(2026, 11, 28) and block[0][2] == "Ravi Sandhu"
    assert block[0][3] == "Training Records: Safety Office.xlsx / Training, row 12; clears E5.2, S.3"
    assert block[10][0] == f"… and 2 more on {ACTIONS}"


def test_an_empty_plan_says_nothing_to_do_on_a_real_row(tmp_path: Path) -> None:
    book = workbook(tmp_path, ActionPlan(AS_OF, ()))
    assert [r["What"] for r in rows(book[ACTIONS])] == ["Nothing to do as of 2026-11-21"]
    items = [r[0].value for r in book[SUMMARY].iter_rows(min_row=2)]
    assert items[items.index(TOP_HEADER) + 1] == "Nothing to do as of 2026-11-21"


def test_data_issues_name_the_file_and_tab_tell_fixes_from_notes_and_say_what_to_do(
        book: openpyxl.Workbook) -> None:
    listed = rows(book[DATA_ISSUES])
    flha = [r for r in listed if r["Table"] == "FLHA"]
    assert all(r["Tab (spreadsheet or file)"] == "FLHA (Form responses.xlsx)" for r in flha)
    column, double = (next(r for r in flha if r["Column"] == c) for c in ("Hazards", "Timestamp"))
    assert column["Fix or note"] == "Needs fixing"
    assert column["What to do"] == "Add the column or map its header in the config."
    assert "add the column" not in column["Problem"]  # said once, in What to do
    assert double["Fix or note"] == "Note only" and double["What to do"] == "Nothing: the first submission is used."
    assert book[DATA_ISSUES][f"A{listed.index(double) + 2}"].fill.fgColor.rgb.endswith("EFEFEF")  # grey
    states = [r["Fix or note"] for r in listed]
    assert states == sorted(states, key=lambda s: s != "Needs fixing")  # fixes first
    staff = next(r for r in listed if r["Table"] == "Workers")
    assert staff["Tab (spreadsheet or file)"] == "Staff (Safety Office.xlsx)"  # the real tab, not our name


def test_crew_text_like_a_dde_formula_stays_text_on_every_tab(tmp_path: Path) -> None:
    nasty = "=cmd|' /C calc'!A0"
    the_plan = ActionPlan(AS_OF, tuple(a if a.rank != 1 else type(a)(**{**a.__dict__, "what": nasty})
                                       for a in plan(2).actions))
    book = workbook(tmp_path, the_plan, description=nasty)
    cells = [book[ACTIONS]["C2"], book[DEFICIENCIES]["E3"]]
    assert [c.value for c in cells] == [nasty, nasty]
    assert all(c.data_type == "s" for c in cells)
    summary = [c for r in book[SUMMARY].iter_rows() for c in r if isinstance(c.value, str) and nasty in c.value]
    assert summary and all(c.data_type == "s" for c in summary)


def test_due_dates_are_dates(book: openpyxl.Workbook) -> None:
    due = book[ACTIONS]["A2"]
    assert due.value.date() == date(2026, 11, 28) and due.number_format == "yyyy-mm-dd"


def test_the_summary_counts_the_data_issues_to_fix_and_says_how_many_are_notes(book: openpyxl.Workbook) -> None:
    row = next(r for r in book[SUMMARY].iter_rows(min_row=2) if r[0].value == "Data issues to fix")
    listed = rows(book[DATA_ISSUES])
    fixes = sum(r["Fix or note"] == "Needs fixing" for r in listed)
    assert row[1].value == fixes and row[2].value == "Warn"
    assert row[3].value == f"See {DATA_ISSUES}; {len(listed) - fixes} more listed as notes only."


def test_text_with_empty_cells_beside_it_shows_across_them_and_keeps_one_line(book: openpyxl.Workbook) -> None:
    ws = book[SUMMARY]
    company = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Company")[1]
    assert len(company.value) > ws.column_dimensions["B"].width  # longer than its column, nothing beside it
    assert not company.alignment.wrap_text and ws.row_dimensions[company.row].height is None
