"""Element 1: policy, responsibilities, management participation, goals."""

from __future__ import annotations

from datetime import date

from tests.checks.support import AS_OF, OWNER, changed, good_company, run, without


def program_with(**policy: object) -> list[dict[str, object]]:
    rows = [r for r in good_company()["program"] if "Policy" not in str(r["Document"])]
    return [*rows, {"Document": "Safety Policy", **policy}]


def test_e1_1_policy_signed_this_year_by_the_owner_passes() -> None:
    result = run("E1.1", good_company())
    assert result.status == "Pass" and OWNER in result.detail


def test_e1_1_undated_policy_fails() -> None:
    result = run("E1.1", changed(program=program_with(**{"Signed By": OWNER})))
    assert result.status == "Fail" and "not dated" in result.detail and result.records


def test_e1_1_policy_signed_more_than_12_months_ago_fails() -> None:
    result = run("E1.1", changed(program=program_with(**{"Signed By": OWNER, "Signed Date": "2025-10-31"})))
    assert result.status == "Fail" and "re-signed" in result.detail


def test_e1_1_policy_signed_on_the_first_day_of_the_window_passes() -> None:
    assert run("E1.1", changed(program=program_with(**{"Signed By": OWNER, "Signed Date": "2025-11-01"}))
               ).status == "Pass"


def test_e1_1_policy_signed_by_someone_who_left_yesterday_fails() -> None:
    tables = good_company()
    tables["workers"].append({"Name": "Old Boss", "Role": "President", "Start Date": "2010-01-01",
                              "End Date": "2026-10-30"})
    tables["program"] = program_with(**{"Signed By": "Old Boss", "Signed Date": "2026-01-15"})
    result = run("E1.1", tables)
    assert result.status == "Fail" and "not an active worker" in result.detail


def test_e1_1_missing_program_table_fails_naming_it() -> None:
    result = run("E1.1", without("program"))
    assert result.status == "Fail" and "table Program not found" in result.detail


def test_e1_2_responsibilities_document_missing_fails_and_undated_warns() -> None:
    program = [r for r in good_company()["program"] if "Responsib" not in r["Document"]]
    assert run("E1.2", changed(program=program)).status == "Fail"
    undated = run("E1.2", changed(program=[*program, {"Document": "Safety Responsibilities"}]))
    assert undated.status == "Warn" and "not signed or dated" in undated.detail


def test_e1_3_months_without_management_activity_fail() -> None:
    tables = good_company()
    for talk in tables["toolbox_talk"]:
        if talk["Timestamp"] < "2026-03-01":
            talk["Management Present"] = "No"
            talk["Presenter"] = "Sam Lee"
    tables["workplace_inspection"] = [i for i in tables["workplace_inspection"] if i["Timestamp"] >= "2026-03"]
    result = run("E1.3", tables)
    assert result.status == "Fail"
    assert result.records == ("2025-11", "2025-12", "2026-01", "2026-02")


def test_e1_3_one_month_missed_of_twelve_warns() -> None:
    tables = good_company()
    for talk in tables["toolbox_talk"]:
        if talk["Timestamp"].startswith("2026-02"):
            talk["Management Present"] = "No"
            talk["Presenter"] = "Sam Lee"
    tables["workplace_inspection"] = [i for i in tables["workplace_inspection"]
                                      if not i["Timestamp"].startswith("2026-02")]
    result = run("E1.3", tables)
    assert result.status == "Warn" and result.records == ("2026-02",)


def test_e1_3_month_in_progress_is_not_judged_until_it_ends() -> None:
    tables = good_company()
    tables["flha"].append({"Timestamp": "2026-11-10 07:00", "Worker": "Priya Sandhu", "Site": "LSD 1",
                           "Task": "Dig", "Hazards": "Lines", "Controls": "Spotter"})
    assert run("E1.3", tables, as_of=date(2026, 11, 20)).status == "Pass"
    assert run("E1.3", tables, as_of=date(2026, 11, 30)).records == ("2026-11",)


def test_e1_4_goals_only_for_last_year_fail_and_goals_without_target_warn() -> None:
    assert run("E1.4", changed(goals=[{"Year": AS_OF.year - 1, "Goal": "Zero LTI"}])).status == "Fail"
    assert run("E1.4", changed(goals=[{"Year": AS_OF.year, "Goal": "Zero LTI"}])).status == "Warn"
