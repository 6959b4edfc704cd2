"""Element 3: corrective action procedure and tracking, safe work procedures, PPE."""

from __future__ import annotations

from tests.checks.support import FAILED_PRE_START_ID, OWNER, changed, good_company, run, without


def test_e3_1_corrective_action_procedure_missing_fails() -> None:
    program = [r for r in good_company()["program"] if "Corrective" not in r["Document"]]
    result = run("E3.1", changed(program=program))
    assert result.status == "Fail" and "Corrective Action Procedure" in result.detail


def test_e3_2_overdue_corrective_action_fails() -> None:
    tables = good_company()
    tables["corrective_actions"].append({"Action ID": "CA-9", "Description": "Fix guard", "Raised": "2026-08-01",
                                         "Due": "2026-09-01"})
    result = run("E3.2", tables)
    assert result.status == "Fail" and result.records == ("CA-9",)


def test_e3_2_ca_completed_but_not_verified_warns() -> None:
    tables = good_company()
    ca = tables["corrective_actions"][1]
    ca["Verified By"], ca["Verified"] = None, None
    result = run("E3.2", tables)
    assert result.status == "Warn" and result.records == (FAILED_PRE_START_ID,)
    assert "1 completed but not verified" in result.detail


def test_e3_2_missing_corrective_actions_table_fails() -> None:
    assert "table Corrective Actions not found" in run("E3.2", without("corrective_actions")).detail


def test_e3_3_high_risk_task_without_safe_work_procedure_fails() -> None:
    tables = good_company()
    tables["hazard_register"].append({"Hazard ID": "H-3", "Task": "Working at heights", "Hazard": "Falls",
                                      "Risk": "High", "Controls": "Harness", "Reviewed": "2026-06-01"})
    result = run("E3.3", tables)
    assert result.status == "Fail" and "Working at heights" in result.detail
    assert result.records == ("Hazard Register row 4",)
    tables["program"].append({"Document": "SWP: Work at Heights", "Signed Date": "2026-06-02"})
    assert run("E3.3", tables).status == "Pass"


def test_e3_3_safe_work_procedure_names_match_on_word_stems() -> None:
    tables = good_company()
    tables["hazard_register"][0]["Task"] = "Excavating"
    tables["program"][4]["Document"] = "Safe Job Procedure - Excavation and trenching"
    assert run("E3.3", tables).status == "Pass"


def test_e3_4_ppe_document_missing_fails_and_personal_protective_equipment_counts() -> None:
    program = [r for r in good_company()["program"] if "PPE" not in r["Document"]]
    assert run("E3.4", changed(program=program)).status == "Fail"
    long_name = [*program, {"Document": "Personal Protective Equipment by job", "Signed By": OWNER,
                            "Signed Date": "2026-01-01"}]
    assert run("E3.4", changed(program=long_name)).status == "Pass"


def test_e3_2_incident_naming_its_action_in_its_own_row_passes() -> None:
    tables = good_company()
    tables["incident"][0]["Corrective Actions"] = "CA-1"
    tables["corrective_actions"][0]["Source Ref"] = None
    result = run("E3.2", tables)
    assert result.status == "Pass", result.detail
    assert "0 deficiencies overdue" in result.detail


def test_e3_2_with_no_findings_and_no_corrective_actions_warns() -> None:
    tables = changed(corrective_actions=[], incident=[])
    tables["pre_start"] = [r for r in tables["pre_start"] if r["Result"] == "Pass"]
    result = run("E3.2", tables)
    assert result.status == "Warn" and "nothing to judge" in result.detail


def test_e3_3_with_no_high_risk_task_warns() -> None:
    tables = good_company()
    tables["hazard_register"] = [r for r in tables["hazard_register"] if r["Risk"] != "High"]
    result = run("E3.3", tables)
    assert result.status == "Warn" and "no High risk task" in result.detail
