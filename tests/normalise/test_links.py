"""Links between records and Corrective Actions, both ways, and the links that link nothing."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.normalise.links import action_key, action_links, link_issues, mentioned, record_key
from tests.builders import dataset
from tests.checks.support import rid

WORKERS = [{"Name": "Dale Kowalski", "Role": "Owner", "Start Date": "2019-01-01"},
           {"Name": "Priya Sandhu", "Role": "Equipment Operator", "Start Date": "2020-01-01"}]
# An incident as a Forms export has it: the office typed the action it raised into the incident's own row.
INCIDENT = {"Timestamp": "3/14/2026 10:22:00", "Incident Date": "3/14/2026", "Reported By": "Priya Sandhu",
            "Type of incident": "First Aid", "What happened?": "Cut hand on a sharp bracket",
            "Corrective Actions": "see CA-26-08"}
INCIDENT_ID = rid("INC", "2026-03-14 10:22:00")
PRE_START = {"Timestamp": "11/11/2026 6:44:55", "Operator": "Priya Sandhu", "Unit #": "SS-02", "Result": "Fail",
             "Defects": "Hydraulic hose leaking", "Action Taken": "Tagged out. CA-3, CA-4"}
PRE_START_ID = rid("PS", "2026-11-11 06:44:55")


def ca(action_id: str, **kw: Any) -> dict[str, Any]:
    return {"CA No": action_id, "Description": "Fix it", "Date Raised": "2026-03-15", **kw}


def data(**tables: list[dict[str, Any]]) -> Any:
    return dataset({"workers": WORKERS, **tables})


@pytest.mark.parametrize("written", ["CA-2", "ca 2", "CA-02", "CA2", "ca-002", " Ca 2 "])
def test_action_ids_compare_without_case_spaces_dashes_or_leading_zeros(written: str) -> None:
    assert action_key(written) == action_key("CA-2") == "ca-2"


def test_numbers_of_an_action_id_stay_apart() -> None:
    assert action_key("CA-26-08") == action_key("ca 26 8") != action_key("CA-2608")
    assert action_key(None) == action_key("") == ""


def test_record_ids_compare_without_case_or_spaces_but_keep_their_digits() -> None:
    assert record_key(" inc-260314-102200 ") == record_key("INC-260314-102200")
    assert record_key("PS-261111-64455") != record_key("PS-261111-064455")


def test_mentions_are_every_action_like_word_in_free_text() -> None:
    assert [k for _, k in mentioned("Tagged out. CA-3, CA-4; see ca 26-08")] == ["ca-3", "ca-4", "ca-26-8"]
    assert mentioned("H2S alive, Unit 12") == [("Unit 12", "unit-12")]
    assert mentioned(None) == []


def test_a_source_ref_naming_the_record_links_it() -> None:
    links = action_links(data(incident=[INCIDENT], corrective_actions=[
        ca("CA-1", **{"Source Ref": f" {INCIDENT_ID.lower()}"})]))
    assert links[["action_id", "record_id", "table", "how"]].values.tolist() == [
        ["CA-1", INCIDENT_ID, "incident", "source_ref"]]


def test_the_record_naming_the_action_links_it_without_any_source_ref() -> None:
    links = action_links(data(incident=[INCIDENT], corrective_actions=[ca("CA-26-08", Source="Incident")]))
    assert links[["action_id", "record_id", "table", "how"]].values.tolist() == [
        ["CA-26-08", INCIDENT_ID, "incident", "mention"]]


def test_one_row_may_name_several_actions_and_a_pair_linked_both_ways_is_listed_once() -> None:
    links = action_links(data(pre_start=[PRE_START], corrective_actions=[
        ca("CA-03", **{"Source Ref": PRE_START_ID}), ca("CA-4"), ca("CA-5")]))
    assert sorted(zip(links["action_id"], links["how"], strict=True)) == [
        ("CA-03", "source_ref"), ("CA-4", "mention")]


def test_a_mention_of_an_action_that_is_not_on_corrective_actions_links_nothing() -> None:
    links = action_links(data(incident=[INCIDENT], corrective_actions=[ca("CA-26-09")]))
    assert links.empty


def test_a_source_ref_with_a_typo_links_nothing_and_is_listed_with_a_did_you_mean() -> None:
    d = data(pre_start=[PRE_START], corrective_actions=[ca("CA-1", **{"Source Ref": "PS-261111-64455"})])
    assert action_links(d).empty
    issues = d.issues[(d.issues["table"] == "Corrective Actions") & (d.issues["column"] == "Source Ref")]
    assert len(issues) == 1
    line = issues.iloc[0]
    assert line["row"] == 2 and line["value"] == "PS-261111-64455"
    assert "matches no Pre-Start record" in line["problem"] and f"Did you mean {PRE_START_ID}?" in line["problem"]


def test_a_source_ref_that_is_not_a_record_id_is_not_a_typo() -> None:
    d = data(pre_start=[PRE_START], corrective_actions=[ca("CA-1", **{"Source Ref": "Client audit, May"})])
    assert [line for line in link_issues(d) if line[0] == "Corrective Actions"] == []


def test_a_mention_of_a_missing_action_is_listed_with_a_did_you_mean() -> None:
    d = data(incident=[{**INCIDENT, "Corrective Actions": "CA-9 raised"}], corrective_actions=[ca("CA-09b")])
    issues = d.issues[d.issues["table"] == "Incident"]
    assert list(issues["column"]) == ["Corrective Actions"]
    assert "names CA-9, which is not an Action ID" in issues.iloc[0]["problem"]


def test_nothing_is_listed_when_corrective_actions_was_not_read() -> None:
    d = data(incident=[INCIDENT])
    assert link_issues(d) == [] and action_links(d).empty
