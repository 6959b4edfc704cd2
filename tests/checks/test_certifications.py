"""Certifications: every active worker x every ticket their role requires, with its status."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from pipeline.checks.certifications import CERTIFICATION_COLUMNS, certifications
from pipeline.settings import Settings
from tests.builders import dataset

AS_OF = date(2026, 3, 15)


def certs(records: list[dict[str, Any]], matrix: list[dict[str, Any]] | None = None,
          workers: list[dict[str, Any]] | None = None, as_of: date = AS_OF) -> pd.DataFrame:
    tables = {
        "workers": workers or [{"Name": "Priya Sandhu", "Role": "Equipment Operator", "Start Date": "2020-01-01"}],
        "training_matrix": matrix or [{"Role": "Equipment Operator", "Ticket": "H2S Alive", "Valid For Months": 36}],
        "training_records": records,
    }
    return certifications(dataset(tables), Settings(), as_of)


def one(records: list[dict[str, Any]], **kw: Any) -> pd.Series:
    frame = certs(records, **kw)
    assert len(frame) == 1
    return frame.iloc[0]


def test_columns_are_the_contract() -> None:
    assert list(certs([]).columns) == CERTIFICATION_COLUMNS


def test_ticket_with_no_record_is_missing() -> None:
    row = one([])
    assert row["status"] == "Missing" and pd.isna(row["days_left"]) and pd.isna(row["record_row"])


def test_ticket_expiring_on_the_as_of_day_is_expiring_with_zero_days_left() -> None:
    row = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2023-03-15"}])
    assert row["expires"] == pd.Timestamp("2026-03-15")
    assert (row["status"], row["days_left"]) == ("Expiring", 0)


def test_ticket_that_expired_the_day_before_as_of_is_expired() -> None:
    row = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2023-03-14"}])
    assert (row["status"], row["days_left"]) == ("Expired", -1)


def test_expiry_exactly_at_the_end_of_the_warning_window_is_expiring_and_one_day_later_current() -> None:
    at_edge = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2020-01-01",
                    "Expires": "2026-05-14"}])
    beyond = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2020-01-01",
                   "Expires": "2026-05-15"}])
    assert (at_edge["status"], at_edge["days_left"]) == ("Expiring", 60)
    assert (beyond["status"], beyond["days_left"]) == ("Current", 61)


def test_leap_day_completion_plus_whole_years_lands_on_the_last_day_of_february() -> None:
    row = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2024-02-29"}],
              matrix=[{"Role": "Equipment Operator", "Ticket": "H2S Alive", "Valid For Months": 24}])
    assert row["expires"] == pd.Timestamp("2026-02-28") and row["status"] == "Expired"


def test_end_of_month_completion_plus_months_clamps_to_the_shorter_month() -> None:
    row = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2025-08-31"}],
              matrix=[{"Role": "Equipment Operator", "Ticket": "H2S Alive", "Valid For Months": 6}])
    assert row["expires"] == pd.Timestamp("2026-02-28")


def test_expires_column_wins_over_valid_for_months() -> None:
    row = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2025-01-01",
                "Expires": "2026-04-01"}])
    assert row["expires"] == pd.Timestamp("2026-04-01") and row["status"] == "Expiring"


def test_blank_valid_for_months_means_the_ticket_never_expires() -> None:
    row = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "1999-01-01"}],
              matrix=[{"Role": "Equipment Operator", "Ticket": "H2S Alive"}])
    assert row["status"] == "Current" and pd.isna(row["expires"]) and pd.isna(row["days_left"])


def test_ticket_renewed_twice_uses_the_latest_record() -> None:
    row = one([
        {"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2022-06-01"},
        {"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2025-06-01"},
        {"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2019-06-01"},
    ])
    assert row["completed"] == pd.Timestamp("2025-06-01") and row["status"] == "Current"
    assert row["record_row"] == 3


def test_record_completed_after_as_of_is_not_used_yet() -> None:
    row = one([{"Worker": "Priya Sandhu", "Ticket": "H2S Alive", "Completed": "2026-04-01"}])
    assert row["status"] == "Missing"


def test_roles_tickets_and_names_match_forgivingly() -> None:
    row = one([{"Worker": "  priya   SANDHU ", "Ticket": "h2s  ALIVE", "Completed": "2025-06-01"}],
              matrix=[{"Role": " equipment OPERATOR", "Ticket": "H2S Alive", "Valid For Months": 36}])
    assert row["status"] == "Current" and row["worker"] == "Priya Sandhu"


def test_tickets_not_required_for_the_role_are_not_findings() -> None:
    frame = certs([{"Worker": "Priya Sandhu", "Ticket": "Crane Operator", "Completed": "2010-01-01",
                    "Expires": "2011-01-01"}])
    assert list(frame["ticket"]) == ["H2S Alive"]


def test_worker_whose_role_has_no_matrix_row_gets_no_rows() -> None:
    frame = certs([], workers=[{"Name": "Sam Lee", "Role": "Bookkeeper", "Start Date": "2020-01-01"}])
    assert frame.empty and list(frame.columns) == CERTIFICATION_COLUMNS


def test_worker_who_left_yesterday_is_not_listed_but_one_leaving_tomorrow_is() -> None:
    frame = certs([], workers=[
        {"Name": "Left Yesterday", "Role": "Equipment Operator", "Start Date": "2020-01-01", "End Date": "2026-03-14"},
        {"Name": "Leaves Tomorrow", "Role": "Equipment Operator", "Start Date": "2020-01-01",
         "End Date": "2026-03-16"},
        {"Name": "Starts Tomorrow", "Role": "Equipment Operator", "Start Date": "2026-03-16"},
    ])
    assert list(frame["worker"]) == ["Leaves Tomorrow"]


def test_rows_are_sorted_most_urgent_first() -> None:
    matrix = [{"Role": "Equipment Operator", "Ticket": t, "Valid For Months": 12}
              for t in ("Current One", "Expiring One", "Expired One", "Missing One")]
    frame = certs([
        {"Worker": "Priya Sandhu", "Ticket": "Current One", "Completed": "2026-01-01"},
        {"Worker": "Priya Sandhu", "Ticket": "Expiring One", "Completed": "2025-04-01"},
        {"Worker": "Priya Sandhu", "Ticket": "Expired One", "Completed": "2024-01-01"},
    ], matrix=matrix)
    assert list(frame["status"]) == ["Expired", "Missing", "Expiring", "Current"]
    assert frame["days_left"].dtype == "Int64"


def test_without_a_usable_training_records_table_nothing_is_called_missing() -> None:
    tables = {
        "workers": [{"Name": "Priya Sandhu", "Role": "Equipment Operator", "Start Date": "2020-01-01"}],
        "training_matrix": [{"Role": "Equipment Operator", "Ticket": "H2S Alive", "Valid For Months": 36}],
        "training_records": [{"Worker": "Priya Sandhu", "Ticket": "H2S Alive"}],  # no Completed column
    }
    assert certifications(dataset(tables), Settings(), AS_OF).empty


def test_a_vague_matrix_ticket_is_not_a_missing_ticket() -> None:
    frame = certs([], matrix=[{"Role": "Equipment Operator", "Ticket": "As required"},
                              {"Role": "Equipment Operator", "Ticket": "TBD"},
                              {"Role": "Equipment Operator", "Ticket": "H2S Alive"}])
    assert list(frame["ticket"]) == ["H2S Alive"]


def test_a_record_naming_the_ticket_in_whole_words_counts_for_it() -> None:
    frame = certs([{"Worker": "Priya Sandhu", "Ticket": "CSTS-2020", "Completed": "2025-01-10"},
                   {"Worker": "Priya Sandhu", "Ticket": "Standard First Aid & CPR C", "Completed": "2025-02-10"}],
                  matrix=[{"Role": "Equipment Operator", "Ticket": "CSTS"},
                          {"Role": "Equipment Operator", "Ticket": "Standard First Aid", "Valid For Months": 36}])
    assert dict(zip(frame["ticket"], frame["status"], strict=True)) == {"CSTS": "Current",
                                                                       "Standard First Aid": "Current"}


def test_level_one_does_not_count_for_level_two() -> None:
    frame = certs([{"Worker": "Priya Sandhu", "Ticket": "Ground Disturbance Level I", "Completed": "2025-01-10"}],
                  matrix=[{"Role": "Equipment Operator", "Ticket": "Ground Disturbance Level II"}])
    assert list(frame["status"]) == ["Missing"]
