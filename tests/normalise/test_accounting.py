"""SPEC.md's rule, over generated messy input: rows in = rows used + rows listed, per table."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.normalise import normalise
from pipeline.schema import BY_KEY
from pipeline.settings import Settings
from pipeline.sources.base import Tab, Workbook

NAMES = ["Dale Kowalski", " dale  kowalski", "Dale Kowalsky", "Priya Sandhu", "", None, "🦺", "=HYPERLINK(\"x\")"]
DATES = [datetime(2026, 11, 2, 7, 0), 46330.25, "2026-11-04", "11/05/2026 07:00:00", "02/30/2026", "", None,
         "soon", 3.0e9, True]
TEXT = ["Trenching", "", None, "x" * 5000, "<script>alert(1)</script>", "   ", 12.0, "Various"]
CHOICES = ["Pass", "Fail", "fail", "Maybe", "", None]
YESNO = ["Yes", "no", "", None, "perhaps"]

cell = {
    "Timestamp": st.sampled_from(DATES), "Date": st.sampled_from(DATES), "Worker": st.sampled_from(NAMES),
    "Operator": st.sampled_from(NAMES), "Site": st.sampled_from(TEXT), "Task": st.sampled_from(TEXT),
    "Hazards": st.sampled_from(TEXT), "Controls": st.sampled_from(TEXT), "Unit": st.sampled_from(TEXT),
    "Result": st.sampled_from(CHOICES), "Out Of Service": st.sampled_from(YESNO),
    "Name": st.sampled_from(NAMES), "Role": st.sampled_from(TEXT), "Start Date": st.sampled_from(DATES),
    "End Date": st.sampled_from(DATES),
}
HEADERS = {
    "Workers": ["Name", "Role", "Start Date", "End Date"],
    "FLHA": ["Timestamp", "Date", "Worker", "Site", "Task", "Hazards", "Controls"],
    "Pre-Start": ["Timestamp", "Date", "Operator", "Unit", "Result", "Out Of Service"],
}


def rows_of(title: str) -> st.SearchStrategy[list[list[object]]]:
    row = st.tuples(*(cell[h] for h in HEADERS[title])).map(list)
    # Repeat some rows whole: a double tap on Submit.
    return st.lists(row, max_size=25).flatmap(
        lambda rs: st.lists(st.sampled_from(rs), max_size=5).map(lambda extra: rs + extra) if rs else st.just(rs))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workers=rows_of("Workers"), flha=rows_of("FLHA"), prestart=rows_of("Pre-Start"))
def test_every_row_is_used_or_listed(workers: list[list[object]], flha: list[list[object]],
                                     prestart: list[list[object]]) -> None:
    tabs = tuple(Tab(title, "gen", tuple(HEADERS[title]), rows)
                 for title, rows in (("Workers", workers), ("FLHA", flha), ("Pre-Start", prestart)))
    ds = normalise(Workbook(tabs), Settings())
    for key, tab in (("workers", tabs[0]), ("flha", tabs[1]), ("pre_start", tabs[2])):
        status = ds.status[key]
        title = BY_KEY[key].title
        all_rows = {tab.first_row + i for i in range(len(tab.rows))}
        used = set(ds.table(key)["row"])
        listed = set(ds.issues[(ds.issues["table"] == title) & (ds.issues["severity"] == "rejected")]["row"])
        assert status.rows_read == len(tab.rows) == status.rows_used + status.rows_rejected
        assert used | listed == all_rows
        assert not used & listed
        assert len(used) == status.rows_used
