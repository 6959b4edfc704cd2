"""Serial date-times are wall-clock time in the spreadsheet's own zone; Timestamps become company time."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from pipeline.normalise import normalise

from .data import FORMS_KEY, OFFICE, OFFICE_KEY

FLHA = [["Timestamp", "Worker", "Site", "Task", "Hazards", "Controls"],
        [datetime(2026, 9, 3, 0, 30), "Dale Kowalski", "Pad 7", "Digging", "Lines", "Locate"],
        [datetime(2026, 9, 3, 14, 0), "Dale Kowalski", "Pad 7", "Digging", "Lines", "Locate"]]


def test_every_tab_carries_its_spreadsheets_time_zone(emulator, make_source):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", {"Workers": OFFICE["Workers"]})
    emulator.add_spreadsheet(FORMS_KEY, "FLHA (Responses)", {"FLHA": FLHA, "Notes": [["x"]]},
                             time_zone="America/Toronto")
    wb = make_source([OFFICE_KEY, FORMS_KEY]).read()
    assert {t.name: t.timezone for t in wb.tabs} == {"Workers": "America/Edmonton", "FLHA": "America/Toronto",
                                                     "Notes": "America/Toronto"}


def test_a_forms_timestamp_written_in_toronto_is_read_as_edmonton_time(emulator, make_source, make_settings):
    """00:30 in Toronto (EDT, UTC-4) is 22:30 the day before in Edmonton (MDT, UTC-6)."""
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", {"Workers": OFFICE["Workers"]})
    book = emulator.add_spreadsheet(FORMS_KEY, "FLHA (Responses)", {"FLHA": FLHA}, time_zone="America/Toronto")
    assert book.tab("FLHA").value(1, 0) == pytest.approx(46268 + 0.5 / 24)  # a zone-less serial, as in Sheets
    settings = make_settings([OFFICE_KEY, FORMS_KEY])
    assert settings.timezone == "America/Edmonton"

    flha = normalise(make_source([OFFICE_KEY, FORMS_KEY]).read(), settings).tables["flha"]

    assert list(flha["timestamp"]) == [pd.Timestamp(2026, 9, 2, 22, 30), pd.Timestamp(2026, 9, 3, 12, 0)]
    assert list(flha["date"]) == [pd.Timestamp(date(2026, 9, 2)), pd.Timestamp(date(2026, 9, 3))]


def test_timestamps_in_a_spreadsheet_in_the_companys_zone_are_unchanged(emulator, make_source, make_settings):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", {"Workers": OFFICE["Workers"], "FLHA": FLHA})
    flha = normalise(make_source([OFFICE_KEY]).read(), make_settings([OFFICE_KEY])).tables["flha"]
    assert list(flha["timestamp"]) == [pd.Timestamp(2026, 9, 3, 0, 30), pd.Timestamp(2026, 9, 3, 14, 0)]
