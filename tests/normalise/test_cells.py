"""Cell converters: dates in every shape SPEC.md lists, numbers, yes/no, choices."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.normalise import cells
from pipeline.normalise.tables import choice_lookup
from pipeline.schema import BY_KEY


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        (datetime(2026, 11, 21, 14, 3, 22), "MDY", datetime(2026, 11, 21, 14, 3, 22)),
        (date(2026, 2, 28), "MDY", datetime(2026, 2, 28)),
        (46347.0, "MDY", datetime(2026, 11, 21)),  # Sheets/Excel serial number
        (46347.5, "MDY", datetime(2026, 11, 21, 12, 0, 0)),
        ("2026-11-21", "MDY", datetime(2026, 11, 21)),
        ("2026-11-21T14:03:22", "DMY", datetime(2026, 11, 21, 14, 3, 22)),
        ("11/21/2026 14:03:22", "MDY", datetime(2026, 11, 21, 14, 3, 22)),  # what Forms writes
        ("21/11/2026", "DMY", datetime(2026, 11, 21)),
        ("3/4/2026", "DMY", datetime(2026, 4, 3)),
        ("3/4/2026", "MDY", datetime(2026, 3, 4)),
        ("Nov 21, 2026", "MDY", datetime(2026, 11, 21)),
        ("21 November 2026", "MDY", datetime(2026, 11, 21)),
        ("2/29/2028", "MDY", datetime(2028, 2, 29)),  # leap day
        ("11/21/2026 2:03:22 PM", "MDY", datetime(2026, 11, 21, 14, 3, 22)),
    ],
)
def test_dates_are_read_from_every_shape_spec_lists(value: object, order: str, expected: datetime) -> None:
    assert cells.parse_datetime(value, order) == (expected, None)


@pytest.mark.parametrize("value", ["02/30/2026", "13/45/2026", "2026-02-30", "2/29/2027", "yesterday", "1/2"])
def test_impossible_or_unreadable_dates_are_problems_not_guesses(value: str) -> None:
    parsed, problem = cells.parse_datetime(value, "MDY")
    assert parsed is None
    assert problem and value in problem


def test_day_month_order_is_named_when_a_slashed_date_is_impossible() -> None:
    _, problem = cells.parse_datetime("13/05/2026", "MDY")
    assert problem is not None and "month/day/year" in problem


def test_date_far_outside_the_plausible_range_is_a_problem() -> None:
    _, problem = cells.parse_datetime("1900-01-01", "MDY")
    assert problem is not None and "check the year" in problem


def test_blank_cells_are_blank_not_problems() -> None:
    for blank in (None, "", "   ", float("nan")):
        assert cells.parse_datetime(blank, "MDY") == (None, None)
        assert cells.clean_text(blank) is None


def test_text_keeps_content_but_loses_surrounding_space_and_float_noise() -> None:
    assert cells.clean_text("  =HYPERLINK(\"x\")  ") == '=HYPERLINK("x")'
    assert cells.clean_text(12.0) == "12"
    assert cells.clean_text("🦺 hard hats") == "🦺 hard hats"


@pytest.mark.parametrize(("value", "expected"), [("Yes", True), ("y", True), (True, True), ("NO", False),
                                                 ("No - tagged", False), ("", None)])
def test_yes_no(value: object, expected: bool | None) -> None:
    assert cells.parse_yes_no(value) == (expected, None)


def test_yes_no_rejects_other_words() -> None:
    assert cells.parse_yes_no("maybe")[1] is not None


def test_numbers_accept_units_written_by_people() -> None:
    assert cells.parse_number("36 months") == (36.0, None)
    assert cells.parse_number("1,200") == (1200.0, None)
    assert cells.parse_number("three")[1] is not None


def test_choice_matches_case_and_punctuation_and_aliases() -> None:
    lookup = {cells.choice_key(c): c for c in ("Near Miss", "First Aid")}
    lookup[cells.choice_key("close call")] = "Near Miss"
    assert cells.parse_choice(" near-miss ", lookup, ("Near Miss", "First Aid")) == ("Near Miss", None)
    assert cells.parse_choice("Close Call", lookup, ("Near Miss",)) == ("Near Miss", None)
    assert "one of" in (cells.parse_choice("Explosion", lookup, ("Near Miss",))[1] or "")


def test_names_compare_without_case_spacing_or_dots() -> None:
    assert cells.name_key("  dale   KOWALSKI ") == cells.name_key("Dale Kowalski")
    assert cells.name_key("J.R. Smith") == cells.name_key("J R Smith")


@pytest.mark.parametrize(("value", "months"), [(36, 36.0), ("36", 36.0), ("36 months", 36.0), ("3 years", 36.0),
                                               ("1 yr", 12.0), ("", None)])
def test_validity_is_read_in_months_or_years(value: object, months: float | None) -> None:
    assert cells.parse_months(value) == (months, None)


def test_validity_that_is_not_a_duration_is_a_problem() -> None:
    assert "number of months" in (cells.parse_months("every so often")[1] or "")


EDMONTON = ZoneInfo("America/Edmonton")  # the default company zone: MDT (UTC-6) in summer, MST (UTC-7) in winter


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Forms CSV download, English (US): zone abbreviation. AST is Atlantic Standard, UTC-4.
        ("2022/06/22 11:07:29 AM AST", datetime(2022, 6, 22, 9, 7, 29)),
        # "GMT-6" is MDT in October (no change) but one hour ahead of MST in November.
        ("2026/10/13 7:41:09 AM GMT-6", datetime(2026, 10, 13, 7, 41, 9)),
        ("2026/11/21 7:41:09 AM GMT-6", datetime(2026, 11, 21, 6, 41, 9)),
        ("2026/09/27 3:00:00 PM GMT+3", datetime(2026, 9, 27, 6, 0, 0)),
        # Half-hour offset (India), across midnight and in winter.
        ("2026/01/15 10:30:00 AM GMT+5:30", datetime(2026, 1, 14, 22, 0, 0)),
        ("2025/09/01 10:09:52 AM UTC+3", datetime(2025, 9, 1, 1, 9, 52)),
        # Spanish locale: "p.m." (and the newer "p. m.").
        ("2026/07/18 1:47:02 p.m. GMT-6", datetime(2026, 7, 18, 13, 47, 2)),
        ("2026/07/18 1:47:02 p. m. GMT-6", datetime(2026, 7, 18, 13, 47, 2)),
        # English (Canada): "a.m." and the zone abbreviation.
        ("2026/10/13 9:00:00 a.m. MDT", datetime(2026, 10, 13, 9, 0, 0)),
        ("2026/12/13 9:00:00 a.m. MST", datetime(2026, 12, 13, 9, 0, 0)),
        ("2026/12/13 9:00:00 a.m. EST", datetime(2026, 12, 13, 7, 0, 0)),
        # "ET" without standard or daylight: Toronto's rule on the day (EDT in July, EST in December).
        ("2026/07/13 9:00:00 AM ET", datetime(2026, 7, 13, 7, 0, 0)),
        ("2026/12/13 9:00:00 AM ET", datetime(2026, 12, 13, 7, 0, 0)),
        # A Sheet CSV download: no zone, so already company time.
        ("4/9/2026 15:22:41", datetime(2026, 4, 9, 15, 22, 41)),
        # ISO with Z or an offset.
        ("2026-11-21T21:03:22Z", datetime(2026, 11, 21, 14, 3, 22)),
        ("2026-07-01T12:00:00-04:00", datetime(2026, 7, 1, 10, 0, 0)),
        ("2026-07-01 18:00:00+0000", datetime(2026, 7, 1, 12, 0, 0)),
        # The night DST starts (2026-03-08, 2 a.m. MST -> 3 a.m. MDT): the same UTC hour apart either side.
        ("2026-03-08T08:30:00Z", datetime(2026, 3, 8, 1, 30, 0)),
        ("2026-03-08T09:30:00Z", datetime(2026, 3, 8, 3, 30, 0)),
    ],
)
def test_a_stated_zone_or_offset_is_converted_to_company_time(value: str, expected: datetime) -> None:
    assert cells.parse_datetime(value, "MDY", EDMONTON) == (expected, None)


def test_a_time_without_a_zone_is_in_the_spreadsheets_zone_when_it_has_one() -> None:
    toronto = ZoneInfo("America/Toronto")
    assert cells.parse_datetime("4/9/2026 15:22:41", "MDY", EDMONTON, toronto) == (datetime(2026, 4, 9, 13, 22, 41),
                                                                                    None)
    assert cells.parse_datetime(datetime(2026, 9, 3, 0, 30), "MDY", EDMONTON, toronto) == (
        datetime(2026, 9, 2, 22, 30), None)
    # A stated zone wins over the spreadsheet's.
    assert cells.parse_datetime("2026/10/13 9:00:00 a.m. MDT", "MDY", EDMONTON, toronto) == (
        datetime(2026, 10, 13, 9, 0), None)


def test_a_company_in_another_zone_gets_its_own_wall_clock() -> None:
    toronto = ZoneInfo("America/Toronto")
    assert cells.parse_datetime("2026/10/13 7:41:09 AM GMT-6", "MDY", toronto) == (datetime(2026, 10, 13, 9, 41, 9),
                                                                                    None)


@pytest.mark.parametrize(("value", "words"), [("2026/10/13 9:00:00 AM IST", "India, Ireland or Israel"),
                                              ("2026/10/13 9:00:00 AM QQT", "not one this program knows")])
def test_an_ambiguous_or_unknown_zone_is_a_problem_not_a_guess(value: str, words: str) -> None:
    parsed, problem = cells.parse_datetime(value, "MDY", EDMONTON)
    assert parsed is None and problem is not None
    assert value in problem and words in problem and "offset" in problem


def test_a_date_ignores_the_zone_it_was_written_with() -> None:
    """Without a company zone (Date columns) the wall-clock date as written is kept."""
    assert cells.parse_datetime("2026/09/27 11:00:00 PM GMT+3", "MDY") == (datetime(2026, 9, 27, 23, 0), None)


def _read(table: str, column: str, value: str) -> tuple[str | None, str | None]:
    col = BY_KEY[table].column(column)
    return cells.parse_choice(value, choice_lookup(col), col.choices)


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("incident", "type", "Near miss (no injury or damage)", "Near Miss"),
        ("incident", "type", "Close call", "Near Miss"),
        ("incident", "type", "First Aid - band-aid in the truck", "First Aid"),
        ("incident", "type", "Motor vehicle incident", "Vehicle"),
        ("pre_start", "result", "No defects", "Pass"),
        ("pre_start", "result", "Good to go", "Pass"),
        ("pre_start", "result", "Pass", "Pass"),
        ("pre_start", "result", "Minor defect(s) - reported", "Minor Defect"),
        ("pre_start", "result", "Major defect(s) - do not operate", "Fail"),
        ("pre_start", "result", "Failed", "Fail"),
        ("corrective_actions", "source", "Pre-trip", "Pre-Start"),
        ("corrective_actions", "source", "Hazard Assessment", "Hazard"),
        ("corrective_actions", "source", "FLHA", "FLHA"),
        ("corrective_actions", "source", "Field Level Hazard Assessment", "FLHA"),
        ("hazard_register", "risk", "H", "High"),
        ("hazard_register", "risk", "M", "Medium"),
        ("hazard_register", "risk", "l", "Low"),
    ],
)
def test_the_office_and_crews_own_wordings_map_to_the_canonical_choice(table: str, column: str, value: str,
                                                                       expected: str) -> None:
    assert _read(table, column, value) == (expected, None)


def test_an_explanation_after_an_unknown_wording_does_not_make_it_known() -> None:
    value, problem = _read("incident", "type", "Cut hand (no first aid)")
    assert value is None and problem is not None and "Cut hand (no first aid)" in problem


@pytest.mark.parametrize(("value", "expected"), [("Yes - tagged out", True), ("No, unit is fine", False),
                                                 ("yes, parked and locked", True), ("Nope", False),
                                                 ("N/A", None)])
def test_yes_no_is_read_by_its_first_word(value: str, expected: bool | None) -> None:
    assert cells.parse_yes_no(value) == (expected, None)


@pytest.mark.parametrize("value", ["Not sure", "Nobody checked", "Tagged"])
def test_yes_no_does_not_guess_from_a_word_that_only_starts_like_no(value: str) -> None:
    assert cells.parse_yes_no(value)[1] is not None


def test_a_date_with_an_unreadable_zone_is_still_a_date() -> None:
    assert cells.parse_datetime("2026/09/27 9:00:00 AM IST", "MDY") == (datetime(2026, 9, 27, 9, 0), None)
