"""The consultant's Portfolio tab in Google mode, against the emulator: one atomic batch, nothing else touched."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from pipeline.errors import SecorError
from pipeline.outputs.dashboard import AMBER, GREEN, RED
from pipeline.outputs.portfolio import HEADER, write_portfolio_tab
from pipeline.outputs.sheets import rgb, serial
from tests.fleet.portfolio_rows import AS_OF, FORMULA_NAME, ORDER, mixed

KEY = "1ConsultantKeyCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"
NOW = datetime(2026, 12, 2, 7, 30)
NOTES = {"Client notes": [["Client", "Note"], ["acme", "call Dana in January"]]}


def col(name: str) -> int:
    return HEADER.index(name)


@pytest.fixture
def book(emulator):
    return emulator.add_spreadsheet(KEY, "Safety First clients", NOTES)


def test_the_portfolio_tab_is_added_with_the_table_in_risk_order(emulator, make_source, book):
    src = make_source([KEY])
    emulator.clear_log()
    line = write_portfolio_tab(src, KEY, mixed(), AS_OF, NOW)
    calls = emulator.api_requests()
    assert [(c["method"], c["path"].rsplit("/", 1)[-1]) for c in calls] == [
        ("GET", KEY), ("POST", f"{KEY}:batchUpdate")]
    assert line.startswith("Portfolio in 'Safety First clients': https://docs.google.com/spreadsheets/d/")
    tab = book.tab("Portfolio")
    rows = tab.rows()
    assert rows[0][:len(HEADER)] == list(HEADER)
    assert rows[0][len(HEADER) + 1] == "Last refreshed"
    assert [r[col("Client")] for r in rows[1:]] == ORDER
    assert rows[1][col("Risk")] == "Over 10 workers: plan COR"
    assert tab.properties["gridProperties"]["frozenRowCount"] == 1
    assert tab.value(0, len(HEADER) + 2) == serial(NOW)


def test_the_risk_cell_is_coloured_by_its_group(emulator, make_source, book):
    write_portfolio_tab(make_source([KEY]), None, mixed(), AS_OF, NOW)  # None: the source's dashboard spreadsheet
    tab = book.tab("Portfolio")
    colour = {r: tab.cells[(r, col("Risk"))]["userEnteredFormat"]["backgroundColor"] for r in (1, 3, 5)}
    assert colour[1] == rgb(RED) and colour[3] == rgb(AMBER) and colour[5] == rgb(GREEN)
    assert tab.cells[(4, col("Pass rule"))]["userEnteredFormat"]["backgroundColor"] == rgb(RED)  # Below


def test_percentages_are_numbers_with_a_percent_format_and_unknowns_blank(emulator, make_source, book):
    write_portfolio_tab(make_source([KEY]), KEY, mixed(), AS_OF, NOW)
    tab = book.tab("Portfolio")
    ridge = 4  # the row of ridgeline
    assert tab.value(ridge, col("Overall")) == 0.64 and tab.entered_kind(ridge, col("Overall")) == "numberValue"
    fmt = tab.cells[(ridge, col("Worst readiness"))]["userEnteredFormat"]["numberFormat"]
    assert fmt == {"type": "PERCENT", "pattern": "0%"}
    assert tab.value(3, col("Overall")) is None  # the failed run: not 0%


def test_names_like_formulas_stay_text_and_urls_are_links(emulator, make_source, book):
    write_portfolio_tab(make_source([KEY]), KEY, mixed(), AS_OF, NOW)
    tab = book.tab("Portfolio")
    assert tab.value(4, col("Company")) == FORMULA_NAME
    assert tab.entered_kind(4, col("Company")) == "stringValue"
    link = tab.cells[(4, col("Dashboard"))]["userEnteredFormat"]["textFormat"]["link"]
    assert link == {"uri": "https://docs.google.com/spreadsheets/d/ridge123/edit#gid=0"}
    # A local path opens nothing in a browser: plain text, no link.
    acme = tab.cells[(5, col("Dashboard"))]
    assert "textFormat" not in acme.get("userEnteredFormat", {})


def test_a_rewrite_replaces_the_rows_and_leaves_other_tabs_as_they_were(emulator, make_source, book):
    src = make_source([KEY])
    notes = emulator.snapshot(KEY, "Client notes")
    write_portfolio_tab(src, KEY, mixed(), AS_OF, NOW)
    emulator.clear_log()
    write_portfolio_tab(src, KEY, mixed()[:2], AS_OF, NOW)
    assert len(emulator.api_requests()) == 2  # no addSheet the second time
    assert [r[col("Client")] for r in book.tab("Portfolio").rows()[1:]] == ["ridgeline", "acme"]
    assert emulator.snapshot(KEY, "Client notes") == notes


def test_a_tab_named_portfolio_in_other_case_is_not_overwritten(emulator, make_source):
    book = emulator.add_spreadsheet(KEY, "Safety First clients", {"PORTFOLIO": [["mine"]]})
    with pytest.raises(SecorError, match="PORTFOLIO"):
        write_portfolio_tab(make_source([KEY]), KEY, mixed(), AS_OF, NOW)
    assert book.tab("PORTFOLIO").rows() == [["mine"]]


def test_control_characters_in_a_name_do_not_spoil_the_batch(emulator, make_source, book):
    rows = (replace(mixed()[0], company="Acme\x00 Welding \ud800"),)
    write_portfolio_tab(make_source([KEY]), KEY, rows, AS_OF, NOW)
    assert book.tab("Portfolio").value(1, col("Company")) == "Acme  Welding \ufffd"
