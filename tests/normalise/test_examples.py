"""Our template's example rows left in by the office are listed on Data Issues as examples and not counted."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.normalise.examples import example_rows
from pipeline.schema import BY_KEY, OFFICE_TABLES
from pipeline.templates import EXAMPLES
from tests.builders import dataset

# The office typed its own rows under the template's example row and never deleted it.
OWN_ROWS: dict[str, dict[str, Any]] = {
    "workers": {"Name": "Marc Tremblay", "Role": "Supervisor", "Start Date": "2018-06-04"},
    "training_matrix": {"Role": "Supervisor", "Ticket": "Standard First Aid", "Valid For Months": "36"},
    "training_records": {"Worker": "Marc Tremblay", "Ticket": "Standard First Aid", "Completed": "2025-01-10"},
    "hazard_register": {"Task": "Hydrovac", "Hazard": "Line strike", "Risk": "H"},
    "corrective_actions": {"Action ID": "CA-26-01", "Description": "Replace mirror", "Raised": "2026-02-02"},
    "inspection_schedule": {"Item": "Shop", "Frequency": "Weekly"},
    "program": {"Document": "Corrective Action Procedure", "Signed Date": "2026-01-12"},
    "goals": {"Year": "2026", "Goal": "Monthly site inspections"},
}


def as_typed(key: str) -> dict[str, Any]:
    """The template's example row as the office's sheet holds it, under the column titles."""
    table = BY_KEY[key]
    return {table.column(c).title: (v.isoformat() if hasattr(v, "isoformat") else v)
            for c, v in EXAMPLES[key].items()}


def test_every_example_row_is_listed_as_an_example_and_not_counted() -> None:
    data = dataset({key: [as_typed(key), OWN_ROWS[key]] for key in OFFICE_TABLES})
    examples = data.issues[data.issues["problem"].str.startswith("example row of the secor-records.xlsx")]
    assert sorted(examples["table"]) == sorted(BY_KEY[k].title for k in OFFICE_TABLES)
    assert set(examples["row"]) == {2} and set(examples["severity"]) == {"rejected"}
    for key in OFFICE_TABLES:
        assert len(data.table(key)) == 1, key  # only the office's own row
        st = data.status[key]
        assert st.rows_read == st.rows_used + st.rows_rejected == 2 and st.rows_rejected == 1
    assert list(data.table("corrective_actions")["action_id"]) == ["CA-26-01"]


def test_a_real_row_sharing_some_example_values_is_kept() -> None:
    dale = {**as_typed("workers"), "Start Date": "2011-09-06"}  # a real Dale Kowalski who started later
    data = dataset({"workers": [dale]})
    assert list(data.table("workers")["name"]) == ["Dale Kowalski"]
    assert not data.issues["problem"].str.startswith("example row").any()


def test_a_plain_matrix_row_equal_to_the_example_is_an_example_only_beside_another_example() -> None:
    alone = dataset({"workers": [OWN_ROWS["workers"]], "training_matrix": [as_typed("training_matrix")]})
    assert len(alone.table("training_matrix")) == 1  # a real requirement that happens to read the same
    beside = dataset({"workers": [as_typed("workers"), OWN_ROWS["workers"]],
                      "training_matrix": [as_typed("training_matrix")]})
    assert beside.table("training_matrix").empty and list(beside.table("workers")["name"]) == ["Marc Tremblay"]


def test_example_rows_match_values_not_spelling_of_case_or_spaces() -> None:
    frame = pd.DataFrame({"row": [2, 3], "role": [" owner", "Owner"],
                          "ticket": ["H2S ALIVE", "H2S Alive"], "valid_for_months": [36.0, 24.0]})
    assert list(example_rows("training_matrix", frame)) == [True, False]
    assert not example_rows("flha", frame.iloc[:0]).any()


def test_the_example_values_further_down_are_the_offices_own_row() -> None:
    goals = [{"Year": "2025", "Goal": "Zero lost time"}, as_typed("goals")]  # the office kept a good goal
    data = dataset({"workers": [as_typed("workers"), OWN_ROWS["workers"]], "goals": goals})
    assert list(data.table("goals")["goal"]) == ["Zero lost time", "Report near misses"]
    assert list(data.table("workers")["name"]) == ["Marc Tremblay"]
