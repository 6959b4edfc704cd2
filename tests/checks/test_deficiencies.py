"""Open deficiencies: what still needs action, linked to corrective actions by Source Ref."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from pipeline.checks.deficiencies import DEFICIENCY_COLUMNS, deficiencies
from pipeline.settings import Settings
from tests.builders import dataset
from tests.checks.support import rid

AS_OF = date(2026, 4, 30)
WORKERS = [{"Name": "Priya Sandhu", "Role": "Equipment Operator", "Start Date": "2020-01-01"},
           {"Name": "Dale Kowalski", "Role": "Owner", "Start Date": "2019-01-01"}]
FAILED = {"Timestamp": "2026-04-01 06:30:00", "Operator": "Priya Sandhu", "Unit": "Unit 12", "Result": "Fail",
          "Defects": "Hydraulic leak", "Out Of Service": "No"}
FAILED_ID = rid("PS", "2026-04-01 06:30:00", "Priya Sandhu", "Unit 12")


def defs(as_of: date = AS_OF, **tables: list[dict[str, Any]]) -> pd.DataFrame:
    return deficiencies(dataset({"workers": WORKERS, **tables}), Settings(), as_of)


def action(**kw: Any) -> dict[str, Any]:
    return {"Action ID": "CA-1", "Description": "Replace hose", "Raised": "2026-04-01", **kw}


def test_columns_are_the_contract_even_when_nothing_is_open() -> None:
    frame = defs()
    assert frame.empty and list(frame.columns) == DEFICIENCY_COLUMNS


def test_failed_pre_start_is_open_with_the_default_30_day_due_date() -> None:
    row = defs(pre_start=[FAILED]).iloc[0]
    assert (row["id"], row["source"], row["unit_or_site"], row["description"]) == (
        FAILED_ID, "Pre-Start", "Unit 12", "Hydraulic leak")
    assert row["due"] == pd.Timestamp("2026-05-01") and row["status"] == "Open" and row["age_days"] == 29
    assert (row["table"], row["row"]) == ("Pre-Start", 2)


def test_unit_out_of_service_is_due_in_7_days_and_overdue_after() -> None:
    row = defs(pre_start=[{**FAILED, "Out Of Service": "Yes"}]).iloc[0]
    assert row["due"] == pd.Timestamp("2026-04-08") and row["status"] == "Overdue"


def test_due_on_the_as_of_day_is_not_yet_overdue() -> None:
    row = defs(as_of=date(2026, 4, 8), pre_start=[{**FAILED, "Out Of Service": "Yes"}]).iloc[0]
    assert row["status"] == "Open"


def test_passed_pre_start_with_defects_written_is_a_finding_and_a_clean_pass_is_not() -> None:
    frame = defs(pre_start=[{**FAILED, "Result": "Pass", "Defects": "Cracked mirror"},
                            {**FAILED, "Timestamp": "2026-04-02 06:30", "Result": "Pass", "Defects": None}])
    assert list(frame["description"]) == ["Cracked mirror"]


def test_completed_and_verified_action_resolves_the_finding() -> None:
    frame = defs(pre_start=[FAILED], corrective_actions=[
        action(**{"Source Ref": FAILED_ID, "Completed": "2026-04-02", "Verified By": "Dale Kowalski",
                  "Verified": "2026-04-03"})])
    assert frame.empty


def test_completed_but_unverified_action_leaves_the_finding_awaiting_verification() -> None:
    frame = defs(pre_start=[FAILED], corrective_actions=[
        action(**{"Source Ref": f"  {FAILED_ID.lower()} ", "Completed": "2026-04-02"})])
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["id"] == FAILED_ID and row["status"] == "Awaiting Verification" and row["awaiting_verification"]


def test_linked_action_is_represented_by_its_finding_not_listed_twice() -> None:
    frame = defs(pre_start=[FAILED], corrective_actions=[
        action(**{"Source Ref": FAILED_ID, "Assigned To": "Dale Kowalski", "Due": "2026-06-30"})])
    assert list(frame["id"]) == [FAILED_ID]
    assert frame.iloc[0]["assigned_to"] == "Dale Kowalski" and frame.iloc[0]["due"] == pd.Timestamp("2026-06-30")


def test_closed_date_on_the_response_row_resolves_the_finding() -> None:
    assert defs(pre_start=[{**FAILED, "Closed": "2026-04-05"}]).empty


def test_action_completed_after_as_of_does_not_resolve_yet() -> None:
    frame = defs(pre_start=[FAILED], corrective_actions=[
        action(**{"Source Ref": FAILED_ID, "Completed": "2026-05-02", "Verified By": "Dale Kowalski",
                  "Verified": "2026-05-03"})])
    assert list(frame["status"]) == ["Open"]


def test_finding_after_as_of_is_not_listed() -> None:
    assert defs(as_of=date(2026, 3, 31), pre_start=[FAILED]).empty


def test_inspection_deficiency_uses_its_own_due_date() -> None:
    row = defs(workplace_inspection=[{"Timestamp": "2026-04-01 09:00", "Inspector": "Dale Kowalski",
                                      "Site": "Shop", "Area": "Yard", "Deficiencies": "Extinguisher missing",
                                      "Due": "2026-04-10"}]).iloc[0]
    assert (row["source"], row["unit_or_site"], row["status"]) == ("Inspection", "Shop / Yard", "Overdue")


def test_open_high_hazard_without_controls_is_a_finding_with_its_hazard_id_or_row() -> None:
    frame = defs(hazard_register=[
        {"Hazard ID": "H-7", "Task": "Trenching", "Hazard": "Cave-in", "Risk": "High", "Status": "Open",
         "Identified": "2026-04-20"},
        {"Task": "Welding", "Hazard": "Fumes", "Risk": "Medium", "Status": "Open", "Identified": "2026-04-20"},
        {"Task": "Filing", "Hazard": "Paper cut", "Risk": "Low", "Status": "Open"},
        {"Task": "Lifting", "Hazard": "Back strain", "Risk": "High", "Controls": "Two-person lift",
         "Status": "Open"},
    ])
    assert list(frame["id"]) == ["H-7", "Hazard row 3"]


def test_incident_corrective_actions_are_a_finding_under_the_incident_id() -> None:
    frame = defs(incident=[{"Timestamp": "2026-04-02 16:00", "Incident Date": "2026-04-02",
                            "Reporter": "Priya Sandhu", "Type": "Near Miss", "Description": "Slipped",
                            "Corrective Actions": "Salt the walkway"}])
    row = frame.iloc[0]
    assert row["id"] == rid("INC", "2026-04-02 16:00:00", "Priya Sandhu", "Near Miss")
    assert (row["source"], row["description"]) == ("Incident", "Salt the walkway")


def test_unlinked_corrective_action_is_listed_until_completed_and_verified() -> None:
    open_ = defs(corrective_actions=[action(Due="2026-04-15")])
    done = defs(corrective_actions=[action(Completed="2026-04-10")])
    verified = defs(corrective_actions=[action(Completed="2026-04-10", **{"Verified By": "Dale Kowalski",
                                                                           "Verified": "2026-04-11"})])
    assert list(open_["status"]) == ["Overdue"] and list(open_["source"]) == ["Corrective Action"]
    assert list(done["status"]) == ["Awaiting Verification"]
    assert verified.empty


def test_sorted_overdue_oldest_first_then_open_then_awaiting_verification() -> None:
    frame = defs(corrective_actions=[
        action(**{"Action ID": "AWAIT", "Completed": "2026-04-10"}),
        action(**{"Action ID": "OPEN", "Raised": "2026-04-20"}),
        action(**{"Action ID": "LATE-NEW", "Raised": "2026-03-01"}),
        action(**{"Action ID": "LATE-OLD", "Raised": "2026-01-01"}),
    ])
    assert list(frame["id"]) == ["LATE-OLD", "LATE-NEW", "OPEN", "AWAIT"]
    assert list(frame["status"]) == ["Overdue", "Overdue", "Open", "Awaiting Verification"]


def test_none_or_nil_in_defects_reports_no_defect() -> None:
    frame = defs(pre_start=[{**FAILED, "Timestamp": f"2026-04-0{i} 06:30", "Result": "Pass", "Defects": text}
                            for i, text in enumerate(["None", "N/A", "nil", "No defects", "Cracked mirror"], start=1)],
                 workplace_inspection=[{"Timestamp": "2026-04-03 09:00", "Inspector": "Dale Kowalski", "Site": "Yard",
                                        "Deficiencies": "none found"}])
    assert list(frame["description"]) == ["Cracked mirror"]


def test_a_minor_defect_needs_follow_up_but_does_not_take_the_unit_out_of_service() -> None:
    """A Forms pre-trip answered 'Minor defect(s) - reported' with no Out Of Service answer: due in 30 days."""
    row = defs(pre_start=[{**FAILED, "Result": "Minor defect(s) - reported", "Defects": None,
                           "Out Of Service": None}]).iloc[0]
    assert row["id"] == FAILED_ID and row["description"] == "Pre-start: minor defect (no defect written)"
    assert row["due"] == pd.Timestamp("2026-05-01") and row["status"] == "Open"


def test_a_major_defect_with_out_of_service_unanswered_is_due_as_a_unit_out_of_service() -> None:
    row = defs(pre_start=[{**FAILED, "Result": "Major defect(s) - do not operate", "Out Of Service": None}]).iloc[0]
    assert row["due"] == pd.Timestamp("2026-04-08") and row["status"] == "Overdue"


def test_a_fail_answered_not_out_of_service_keeps_the_default_due_date() -> None:
    assert defs(pre_start=[FAILED]).iloc[0]["due"] == pd.Timestamp("2026-05-01")


def test_crews_ways_of_writing_no_defect_are_not_deficiencies() -> None:
    answers = ["No deficiencies noted.", "Nothing to report", "None", "N/A", "Good to go", "All good",
               "None at this time", "No defects found today", "No issues.", "Not applicable"]
    frame = defs(pre_start=[{**FAILED, "Timestamp": f"2026-04-{i:02d} 06:30", "Result": "No defects",
                             "Defects": text} for i, text in enumerate(answers, start=1)],
                 workplace_inspection=[{"Timestamp": f"2026-04-{i:02d} 09:00", "Inspector": "Dale Kowalski",
                                        "Site": f"Yard {i}", "Deficiencies": text}
                                       for i, text in enumerate(answers, start=1)])
    assert frame.empty


@pytest.mark.parametrize("text", ["No brake lights", "None of the lights work", "Nothing holding the load",
                                  "All good except cracked mirror"])
def test_a_defect_that_starts_with_a_no_word_is_still_a_defect(text: str) -> None:
    frame = defs(pre_start=[{**FAILED, "Result": "Pass", "Defects": text}])
    assert list(frame["description"]) == [text]


def test_pre_start_naming_its_action_in_action_taken_is_linked_and_the_action_not_listed_twice() -> None:
    frame = defs(pre_start=[{**FAILED, "Action Taken": "Tagged out, CA-1 raised"}], corrective_actions=[
        action(**{"Assigned To": "Dale Kowalski", "Due": "2026-06-30", "Completed": "2026-04-02"})])
    assert list(frame["id"]) == [FAILED_ID]
    row = frame.iloc[0]
    assert row["status"] == "Awaiting Verification" and row["assigned_to"] == "Dale Kowalski"


def test_source_ref_with_a_typo_leaves_finding_and_action_both_open() -> None:
    frame = defs(pre_start=[FAILED], corrective_actions=[action(**{"Source Ref": FAILED_ID[:-1]})])
    assert sorted(frame["id"]) == sorted([FAILED_ID, "CA-1"])
