"""Office mistakes between Workers, Training Matrix and Training Records reach Data Issues with a did-you-mean."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.normalise import Dataset
from pipeline.normalise.training import ticket_satisfies
from tests.builders import dataset

WORKERS = [
    {"Name": "Dale Kowalski", "Role": "Owner", "Start Date": "2019-03-01"},
    {"Name": "Priya Sandhu", "Role": "Equipment Operater", "Start Date": "2023-05-15"},
    {"Name": "Sam Lee", "Role": "Welder", "Start Date": "2024-02-01"},
    {"Name": "Jordan Beck", "Role": "Driller", "Start Date": "2022-04-01", "End Date": "2026-06-30"},
]
MATRIX = [
    {"Role": "Owner", "Ticket": "CSTS", "Valid For Months": None},
    {"Role": "Equipment Operator", "Ticket": "H2S Alive", "Valid For Months": 36},
    {"Role": "Equipment Operator", "Ticket": "Standard First Aid", "Valid For Months": 36},
]


def office(records: list[dict[str, Any]]) -> Dataset:
    return dataset({"workers": WORKERS, "training_matrix": MATRIX, "training_records": records})


def lines(ds: Dataset, table: str, column: str) -> pd.DataFrame:
    i = ds.issues
    return i[(i["table"] == table) & (i["column"] == column)]


def test_a_ticket_the_matrix_does_not_name_suggests_the_closest_one() -> None:
    ds = office([{"Worker": "Dale Kowalski", "Ticket": "H2S Alve", "Completed": "2025-01-01"},
                 {"Worker": "Dale Kowalski", "Ticket": "H2S Alve", "Completed": "2026-01-01"}])
    line = lines(ds, "Training Records", "Ticket").iloc[0]
    assert line["problem"].startswith("'H2S Alve' is not a ticket in the Training Matrix; did you mean 'H2S Alive'?")
    assert "(rows 2, 3)" in line["problem"] and line["row"] == 2 and line["severity"] == "warning"
    assert len(lines(ds, "Training Records", "Ticket")) == 1  # one line per ticket name, not per record


def test_a_ticket_with_no_close_name_is_listed_as_counting_for_nothing() -> None:
    ds = office([{"Worker": "Dale Kowalski", "Ticket": "Forklift", "Completed": "2025-01-01"}])
    problem = lines(ds, "Training Records", "Ticket").iloc[0]["problem"]
    assert "'Forklift' is not a ticket in the Training Matrix" in problem and "did you mean" not in problem


def test_a_ticket_that_names_a_matrix_ticket_in_whole_words_is_fine() -> None:
    ds = office([{"Worker": "Dale Kowalski", "Ticket": "CSTS-2020", "Completed": "2025-01-01"},
                 {"Worker": "Priya Sandhu", "Ticket": "Standard First Aid & CPR", "Completed": "2025-01-01"},
                 {"Worker": "Priya Sandhu", "Ticket": "h2s alive", "Completed": "2025-01-01"}])
    assert lines(ds, "Training Records", "Ticket").empty


def test_a_role_not_in_the_matrix_suggests_the_closest_and_departed_workers_are_left_out() -> None:
    ds = office([])
    roles = lines(ds, "Workers", "Role").set_index("value")
    assert roles.loc["Equipment Operater", "problem"].startswith(
        "'Equipment Operater' is not a role in the Training Matrix; did you mean 'Equipment Operator'?")
    assert roles.loc["Equipment Operater", "row"] == 3
    assert "did you mean" not in roles.loc["Welder", "problem"]
    assert "no ticket is required of this worker" in roles.loc["Welder", "problem"]
    assert "Driller" not in roles.index  # Jordan Beck has an End Date


def test_a_record_for_an_unknown_worker_says_the_ticket_is_credited_to_no_one() -> None:
    ds = office([{"Worker": "Priya Sandu", "Ticket": "H2S Alive", "Completed": "2025-01-01"}])
    problem = lines(ds, "Training Records", "Worker").iloc[0]["problem"]
    assert "did you mean Priya Sandhu" in problem
    assert "the ticket is not credited to anyone until the name is fixed" in problem


def test_without_a_matrix_there_is_nothing_to_compare() -> None:
    ds = dataset({"workers": WORKERS,
                  "training_records": [{"Worker": "Dale Kowalski", "Ticket": "H2S Alve", "Completed": "2025-01-01"}]})
    assert lines(ds, "Training Records", "Ticket").empty and lines(ds, "Workers", "Role").empty


def test_ticket_names_match_in_whole_words() -> None:
    assert ticket_satisfies("csts 2020", "csts")
    assert not ticket_satisfies("ground disturbance level i", "ground disturbance level ii")
