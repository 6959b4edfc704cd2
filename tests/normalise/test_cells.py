"""Cell converters: dates in every shape SPEC.md lists, numbers, yes/no, choices."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.normalise import cells


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


@pytest.mark.parametrize("value", ["2026/11/21 14:03:22 MST", "11/21/2026 14:03:22 GMT-7"])
def test_a_forms_csv_zone_suffix_is_read_as_local_time(value: str) -> None:
    assert cells.parse_datetime(value, "MDY") == (datetime(2026, 11, 21, 14, 3, 22), None)
