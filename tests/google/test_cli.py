"""`secor init --google`, `secor doctor` and `secor sync` in Google mode, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.schema import BY_KEY, OFFICE_TABLES

from .data import FORMS, FORMS_KEY, OFFICE, OFFICE_KEY


@pytest.fixture
def config(tmp_path: Path, emulator, key_file) -> Path:
    path = tmp_path / "google.toml"
    path.write_text(f"""
company = "Acme Excavating"

[source]
backend = "google"
spreadsheets = ["https://docs.google.com/spreadsheets/d/{OFFICE_KEY}/edit", "{FORMS_KEY}"]
credentials = "{key_file}"

[tables]
flha = ["Form Responses 1"]

[google]
api_endpoint = "{emulator.url}"
timeout_seconds = 5
""", encoding="utf-8")
    return path


def test_init_adds_missing_office_tabs_and_leaves_existing_ones(emulator, config):
    book = emulator.add_spreadsheet(OFFICE_KEY, "Office records", {"Workers": OFFICE["Workers"],
                                                                   "Staff notes": [["anything"]]})
    emulator.add_spreadsheet(FORMS_KEY, "Forms", {"Actions": [["Action ID", "Description", "Raised"]]})
    before = {t.title: emulator.snapshot(OFFICE_KEY, t.title) for t in book.tabs}
    result = CliRunner().invoke(main, ["init", "--google", "--config", str(config)])
    assert result.exit_code == 0, result.output
    titles = [t.title for t in book.tabs]
    # Workers exists; Corrective Actions exists as its alias "Actions" in the other spreadsheet.
    expected = [BY_KEY[k].title for k in OFFICE_TABLES if k not in ("workers", "corrective_actions")]
    assert titles == ["Workers", "Staff notes", *expected]
    for title, text in before.items():
        assert emulator.snapshot(OFFICE_KEY, title) == text
    matrix = book.tab("Training Matrix")
    assert matrix.rows() == [["Role", "Ticket", "Valid For Months"]]
    assert matrix.properties["gridProperties"]["frozenRowCount"] == 1
    assert "Workers: kept (tab 'Workers' in 'Office records')" in result.output
    assert "Corrective Actions: kept (tab 'Actions' in 'Forms')" in result.output
    assert f"Added {len(expected)} tab(s) to 'Office records'" in result.output
    # the read a sync makes (2 per spreadsheet), the office spreadsheet's metadata, 1 batchUpdate
    assert [e["method"] for e in emulator.api_requests()] == ["GET"] * 5 + ["POST"]

    emulator.clear_log()
    again = CliRunner().invoke(main, ["init", "--google", "--config", str(config)])
    assert again.exit_code == 0 and "Nothing to add" in again.output
    assert [e["method"] for e in emulator.api_requests()] == ["GET"] * 4


def test_init_keeps_an_office_tab_recognised_from_its_headers(emulator, config):
    """An office's own "Staff List" with the Workers columns is Workers: no second, empty Workers tab."""
    book = emulator.add_spreadsheet(OFFICE_KEY, "Office records", {"Staff List": OFFICE["Workers"]})
    emulator.add_spreadsheet(FORMS_KEY, "FLHA (Responses)", {"Form Responses 1": [["Timestamp", "Name"]]})
    result = CliRunner().invoke(main, ["init", "--google", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "Workers: kept (tab 'Staff List' in 'Office records')" in result.output
    assert "Workers" not in [t.title for t in book.tabs]


def test_init_without_google_flag_explains(config):
    result = CliRunner().invoke(main, ["init", "--config", str(config)])
    assert result.exit_code == 2 and "needs --google" in result.output


def test_doctor_in_google_mode_lists_spreadsheets(emulator, config):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    emulator.add_spreadsheet(FORMS_KEY, "FLHA (Responses)", {"Form Responses 1": FORMS["FLHA"]}, shared=False)
    result = CliRunner().invoke(main, ["doctor", "--config", str(config)])
    assert result.exit_code == 1
    assert "Office records: read: 5 tab(s)" in result.output
    assert f"{FORMS_KEY}: cannot open: Share it with secor-sync@" in result.output
    assert "problem: spreadsheet" in result.output
    assert "STOPPED: " in result.output and "MISSING" not in result.output  # not every table as missing
    emulator.spreadsheets[FORMS_KEY].shared = True
    result = CliRunner().invoke(main, ["doctor", "--config", str(config)])
    assert "FLHA (Responses): read: 1 tab(s)" in result.output
    assert "ok       FLHA in Form Responses 1 (FLHA (Responses))" in result.output


def test_sync_in_google_mode_writes_the_dashboards(emulator, config):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    emulator.add_spreadsheet(FORMS_KEY, "FLHA (Responses)", {"Form Responses 1": FORMS["FLHA"]})
    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--as-of", "2026-10-31"])
    assert result.exit_code == 0, result.output
    assert f"Dashboard in 'Office records': https://docs.google.com/spreadsheets/d/{OFFICE_KEY}/edit#gid=" \
        in result.output
    assert emulator.spreadsheets[OFFICE_KEY].tab("Dashboard").rows()[1][:2] == ["Company", "Acme Excavating"]
    assert len(emulator.api_requests()) == 6


def test_doctor_tells_a_viewer_from_an_editor_without_changing_anything(emulator, config):
    book = emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE, role="reader")
    emulator.add_spreadsheet(FORMS_KEY, "FLHA (Responses)", {"Form Responses 1": FORMS["FLHA"]})
    before = {t.title: emulator.snapshot(OFFICE_KEY, t.title) for t in book.tabs}
    viewer = CliRunner().invoke(main, ["doctor", "--config", str(config)])
    assert "is only a Viewer" in viewer.output and "as Editor" in viewer.output
    assert viewer.exit_code == 1
    book.role = "writer"
    editor = CliRunner().invoke(main, ["doctor", "--config", str(config)])
    assert "is an Editor; the Dashboard tabs can be written" in editor.output
    assert [t.title for t in book.tabs] == list(before)
    assert {t.title: emulator.snapshot(OFFICE_KEY, t.title) for t in book.tabs} == before
