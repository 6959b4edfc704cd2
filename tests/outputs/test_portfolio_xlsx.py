"""portfolio.xlsx: the one table, read back with openpyxl: order, formats, panes, print settings, links, text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.outputs.portfolio import HEADER, portfolio_table, write_portfolio_xlsx
from tests.fleet.portfolio_rows import AS_OF, FORMULA_NAME, ORDER, mixed

COLUMNS = ["Risk", "Client", "Company", "Overall", "Worst element", "Worst readiness", "Pass rule", "Next audit",
           "Expired tickets", "Missing tickets", "Overdue deficiencies", "Data issues", "Top action", "Last sync",
           "Last run", "Dashboard", "Pack"]


@pytest.fixture
def sheet(tmp_path: Path):
    path = write_portfolio_xlsx(mixed(), tmp_path / "outputs" / "portfolio.xlsx", AS_OF)
    return load_workbook(path)["Portfolio"]


def col(name: str) -> int:
    return COLUMNS.index(name) + 1


def test_the_table_is_plain_values_most_at_risk_first_percentages_as_fractions():
    table = portfolio_table(mixed(), AS_OF)
    assert list(table.header) == COLUMNS == list(HEADER)
    assert [r[1] for r in table.rows] == ORDER
    ridge = table.rows[3]
    assert ridge[0] == "Element 5 at 38% (< 50%)" and ridge[3] == 0.64 and ridge[5] == 0.38
    assert ridge[6] == "Below" and ridge[14] == "OK"
    failed = table.rows[2]
    assert failed[3] is None and failed[6] is None  # unknown, never 0 and never Meets
    assert failed[14].startswith("Failed: spreadsheet 'North Fork records'")


def test_columns_come_in_the_documented_order_and_rows_in_risk_order(sheet):
    assert [c.value for c in sheet[1]] == COLUMNS
    assert [sheet.cell(row=r, column=col("Client")).value for r in range(2, 7)] == ORDER
    assert sheet.cell(row=2, column=col("Risk")).value == "Over 10 workers: plan COR"
    assert sheet.cell(row=3, column=col("Risk")).value == "Audit due 2026-12-15"


def test_percentages_are_numbers_with_a_percent_format(sheet):
    overall = sheet.cell(row=5, column=col("Overall"))
    worst = sheet.cell(row=5, column=col("Worst readiness"))
    assert overall.value == pytest.approx(0.64) and overall.number_format == "0%"
    assert worst.value == pytest.approx(0.38) and worst.number_format == "0%"
    assert sheet.cell(row=4, column=col("Overall")).value is None  # the failed run: blank, not 0%


def test_dates_and_times_are_dates_with_date_formats(sheet):
    audit = sheet.cell(row=3, column=col("Next audit"))
    assert audit.value == datetime(2026, 12, 15) and audit.number_format == "yyyy-mm-dd"
    synced = sheet.cell(row=2, column=col("Last sync"))
    assert synced.value == datetime(2026, 12, 2, 6, 4) and synced.number_format == "yyyy-mm-dd hh:mm"


def test_header_and_client_column_are_frozen_and_filtered(sheet):
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == "A1:Q6"
    assert sheet.cell(row=1, column=1).font.bold


def test_it_prints_landscape_one_page_wide_with_the_header_on_every_page(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"


def test_dashboard_and_pack_cells_link_to_the_clients_files(sheet):
    acme = sheet.cell(row=6, column=col("Dashboard"))
    assert acme.value == "/srv/fleet/acme/outputs/dashboard.xlsx"
    # Relative to portfolio.xlsx's folder, so the fleet folder can be moved or shared whole.
    assert acme.hyperlink.target.endswith("acme/outputs/dashboard.xlsx") and not acme.hyperlink.target.startswith("/")
    ridge = sheet.cell(row=5, column=col("Dashboard"))
    assert ridge.hyperlink.target == "https://docs.google.com/spreadsheets/d/ridge123/edit#gid=0"
    assert sheet.cell(row=6, column=col("Pack")).hyperlink.target.endswith("acme-audit-pack-2026-11.pdf")
    assert sheet.cell(row=4, column=col("Dashboard")).hyperlink is None  # nothing to open for the failed run


def test_a_company_named_like_a_formula_stays_text(sheet):
    name = sheet.cell(row=5, column=col("Company"))
    assert name.value == FORMULA_NAME
    assert name.data_type == "s"


def test_markup_in_an_action_is_kept_as_typed(sheet):
    assert sheet.cell(row=5, column=col("Top action")).value.startswith("<b>Dave</b>")


def test_it_is_written_atomically_and_replaces_the_previous_file(tmp_path: Path):
    path = tmp_path / "portfolio.xlsx"
    path.write_bytes(b"old")
    write_portfolio_xlsx(mixed(), path, AS_OF)
    assert load_workbook(path)["Portfolio"].max_row == 6
    assert [p.name for p in tmp_path.iterdir()] == ["portfolio.xlsx"]  # no temporary file left beside it


def test_a_control_character_in_a_name_does_not_stop_the_save(tmp_path: Path):
    from dataclasses import replace

    rows = (replace(mixed()[0], company="Acme\x0bWelding\x00"),)
    path = write_portfolio_xlsx(rows, tmp_path / "p.xlsx", date(2026, 12, 2))
    assert load_workbook(path)["Portfolio"].cell(row=2, column=col("Company")).value == "Acme\nWelding "


def test_the_risk_cell_is_coloured_by_its_group(sheet):
    from pipeline.outputs.dashboard import AMBER, GREEN, RED

    colours = [sheet.cell(row=r, column=col("Risk")).fill.fgColor.rgb[-6:] for r in range(2, 7)]
    assert colours == [RED, RED, AMBER, RED, GREEN]
    assert sheet.cell(row=5, column=col("Pass rule")).fill.fgColor.rgb[-6:] == RED  # Below
