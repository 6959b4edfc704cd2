"""Reading: the same records give the same Dataset in Google mode as in local mode, in two requests per spreadsheet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.normalise import normalise
from pipeline.sources.local import LocalSource
from tests.builders import write_xlsx

from .data import FORMS, FORMS_KEY, OFFICE, OFFICE_KEY, _flha_rows, upload


def _folder(tmp_path: Path, flha_rows: int = 20) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    write_xlsx(folder / "office.xlsx", OFFICE)
    write_xlsx(folder / "forms.xlsx", {**FORMS, "FLHA": _flha_rows(flha_rows)})
    return folder


def test_google_mode_reads_the_same_dataset_as_local_mode(tmp_path, emulator, make_source, make_settings):
    folder = _folder(tmp_path)
    upload(emulator, folder / "office.xlsx", OFFICE_KEY)
    upload(emulator, folder / "forms.xlsx", FORMS_KEY)
    settings = make_settings([OFFICE_KEY, FORMS_KEY])

    local = normalise(LocalSource(folder).read(), settings)
    wb = make_source([OFFICE_KEY, f"https://docs.google.com/spreadsheets/d/{FORMS_KEY}/edit#gid=0"]).read()
    google = normalise(wb, settings)

    assert wb.problems == ()
    assert sorted(google.tables) == sorted(local.tables)
    for key, frame in local.tables.items():
        pd.testing.assert_frame_equal(google.tables[key], frame, check_dtype=True, obj=key)
    pd.testing.assert_frame_equal(google.issues.reset_index(drop=True), local.issues.reset_index(drop=True))
    assert google.status == local.status
    assert len(local.issues) > 3  # the data has problems to report, and both modes report them alike


def test_reading_costs_two_requests_per_spreadsheet_whatever_the_rows(tmp_path, emulator, make_source):
    counts = []
    for n in (10, 5000):
        folder = _folder(tmp_path / str(n), n) if (tmp_path / str(n)).mkdir() is None else None
        upload(emulator, folder / "office.xlsx", OFFICE_KEY)
        upload(emulator, folder / "forms.xlsx", FORMS_KEY)
        emulator.clear_log()
        # A generous timeout: a retry on a busy machine would be a request more, and this counts requests.
        wb = make_source([OFFICE_KEY, FORMS_KEY], timeout_seconds=30.0, max_retry_seconds=120.0).read()
        assert len(wb.get("FLHA").rows) == n + 2
        calls = emulator.api_requests()
        counts.append(len(calls))
        assert [(c["method"], c["path"].rsplit("/", 1)[-1]) for c in calls] == [
            ("GET", OFFICE_KEY), ("GET", "values:batchGet"), ("GET", FORMS_KEY), ("GET", "values:batchGet")]
        meta, values = calls[0], calls[1]
        assert meta["query"]["fields"] == ["sheets.properties,properties.title,properties.timeZone"]
        assert values["query"]["valueRenderOption"] == ["UNFORMATTED_VALUE"]
        assert values["query"]["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
        assert values["query"]["ranges"] == [f"'{t}'" for t in OFFICE]
    assert counts == [4, 4]


def test_opened_lists_each_spreadsheet_for_doctor(emulator, make_source):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", {"Workers": OFFICE["Workers"], "Goals": OFFICE["Goals"],
                                                            "Dashboard": [["Item"], ["x"]]})
    emulator.add_spreadsheet(FORMS_KEY, "FLHA (Responses)", {"Form Responses 1": FORMS["FLHA"]},
                             time_zone="America/Toronto")
    src = make_source([OFFICE_KEY, FORMS_KEY])
    wb = src.read()
    assert wb.names() == ["Workers", "Goals", "Form Responses 1"]  # the pipeline's own Dashboard tab is not read
    assert wb.opened[0] == ("Office records", "read: 2 tab(s), 1 Dashboard tab(s) not read")
    assert wb.opened[1][0] == "FLHA (Responses)"
    assert "America/Toronto" in wb.opened[1][1] and "America/Edmonton" in wb.opened[1][1]
    assert "Office records" in src.describe() and "secor-sync@" in src.describe()


def test_tab_names_with_quotes_and_same_tab_in_two_spreadsheets(emulator, make_source):
    emulator.add_spreadsheet(OFFICE_KEY, "Office", {"Workers": OFFICE["Workers"], "Dale's list": [["a"], [1]]})
    emulator.add_spreadsheet(FORMS_KEY, "Old office", {"Workers": [["Name"], ["Someone"]]})
    wb = make_source([OFFICE_KEY, FORMS_KEY]).read()
    assert wb.get("Dale's list").rows == [[1]]
    assert len(wb.get("Workers").rows) == 5
    # Two spreadsheets may hold tabs of one name; neither is a problem of the source.
    assert wb.problems == ()
    assert [t.book for t in wb.tabs if t.name == "Workers"] == ["Office", "Old office"]
    assert len(wb.get("Workers", book="Old office").rows) == 1
