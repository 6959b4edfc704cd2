"""Forgiving header and tab-name matching (SPEC.md, Sources)."""

from __future__ import annotations

from pipeline.normalise.headers import header_key, match_headers
from pipeline.schema import BY_KEY


def test_case_space_punctuation_and_trailing_marks_do_not_matter() -> None:
    assert header_key("  Start   date?* ") == header_key("Start Date")
    assert header_key("Pre-Start") == header_key("prestart")
    assert header_key("Unit #") != header_key("Unit")


def test_columns_found_in_any_order_with_aliases_and_extras_kept_aside() -> None:
    m = match_headers(BY_KEY["workers"], ["Notes", "hire date", "POSITION", "Full Name"])
    assert m.positions == {"start_date": (1,), "role": (2,), "name": (3,)}
    assert m.missing_required == ()
    assert m.unused == ("Notes",)


def test_missing_required_column_is_named() -> None:
    m = match_headers(BY_KEY["workers"], ["Name", "Start Date"])
    assert m.missing_required == ("Role",)


def test_a_title_beats_another_columns_alias() -> None:
    # "Date" is an alias of Training Records' Completed, but "Completed" is there too: both feed Completed
    # only when no other column claims them; "Name" stays the Worker alias.
    m = match_headers(BY_KEY["incident"], ["Timestamp", "Date", "Incident Date", "Name", "Type", "Description"])
    assert m.positions["incident_date"] == (2,)
    assert m.positions["reporter"] == (3,)


def test_duplicated_columns_both_feed_the_column() -> None:
    m = match_headers(BY_KEY["flha"], ["Timestamp", "Worker", "Site", "Site ", "Task", "Hazards", "Controls"])
    assert m.positions["site"] == (2, 3)


def test_configured_aliases_are_honoured() -> None:
    m = match_headers(BY_KEY["workers"], ["Who", "Role", "Start Date"], {"name": ["who"]})
    assert m.positions["name"] == (0,)


def test_tables_found_by_tab_name_forgivingly_or_by_configured_name() -> None:
    from pipeline.normalise.discovery import discover
    from pipeline.settings import settings_from_dict
    from pipeline.sources.base import Tab, Workbook

    prestart = Tab("prestart ", "x.xlsx", ("Colour",), [])
    responses = Tab("Form Responses 1", "y.xlsx", ("Colour",), [])
    wb = Workbook((Tab("Workers", "x.xlsx", ("Colour",), []), prestart, responses))
    assert discover(wb, settings_from_dict({})).chosen["pre_start"].tab is prestart
    assert "flha" not in discover(wb, settings_from_dict({})).chosen
    configured = settings_from_dict({"tables": {"flha": ["Form Responses 1"]}})
    assert discover(wb, configured).chosen["flha"].tab is responses


def test_a_hint_in_brackets_does_not_hide_the_column() -> None:
    m = match_headers(BY_KEY["flha"], ["Timestamp", "Date (MM/DD/YYYY)", "Worker", "Site", "Task",
                                       "Hazards [list all]", "Controls"])
    assert m.positions["date"] == (1,) and m.positions["hazards"] == (5,)
