"""Element 6: investigation procedure, near misses, root causes, incident actions, communication."""

from __future__ import annotations

from tests.checks.support import INCIDENT_ID, OWNER, good_company, run


def incident(**kw: object) -> dict[str, object]:
    return {**good_company()["incident"][0], **kw}


def test_e6_1_investigation_procedure_missing_fails() -> None:
    tables = good_company()
    tables["program"] = [r for r in tables["program"] if "Investigation" not in r["Document"]]
    assert run("E6.1", tables).status == "Fail"


def test_e6_2_zero_near_misses_in_the_window_fails() -> None:
    tables = good_company()
    tables["incident"] = [incident(Type="First Aid"),
                          incident(Timestamp="2025-10-01 10:00", **{"Incident Date": "2025-10-01"})]
    result = run("E6.2", tables)
    assert result.status == "Fail" and "0 near misses" in result.detail and "nobody reports" in result.detail


def test_e6_2_a_near_miss_reported_passes_and_is_listed() -> None:
    result = run("E6.2", good_company())
    assert result.status == "Pass" and result.records == (INCIDENT_ID,)
    assert "(of 1 incident)" in result.detail


def test_e6_3_root_cause_that_repeats_the_description_fails() -> None:
    tables = good_company()
    tables["incident"] = [incident(**{"Root Cause": "excavator bucket swung within 1 m of a labourer."})]
    result = run("E6.3", tables)
    assert result.status == "Fail" and "repeats the description" in result.detail
    assert "1 of 1 incident " in result.detail and " lacks a real root cause" in result.detail
    assert result.records == (INCIDENT_ID,)


def test_e6_3_blank_vague_or_partial_root_causes_fail() -> None:
    tables = good_company()
    tables["incident"] = [
        incident(**{"Root Cause": None}),
        incident(Timestamp="2026-06-01 10:00", **{"Root Cause": "Human error"}),
        incident(Timestamp="2026-06-02 10:00", **{"Root Cause": "bucket swung"}),
    ]
    result = run("E6.3", tables)
    assert result.status == "Fail" and "3 of 3 incidents" in result.detail and " lack a real" in result.detail
    assert "1 blank" in result.detail and "1 vague" in result.detail


def test_e6_4_incident_action_completed_but_not_verified_warns() -> None:
    tables = good_company()
    tables["corrective_actions"][0]["Verified"] = None
    result = run("E6.4", tables)
    assert result.status == "Warn" and "1 awaiting verification" in result.detail
    assert result.records == (INCIDENT_ID,)


def test_e6_4_overdue_incident_action_fails() -> None:
    tables = good_company()
    tables["corrective_actions"][0].update({"Completed": None, "Verified By": None, "Verified": None})
    result = run("E6.4", tables)
    assert result.status == "Fail" and "1 overdue" in result.detail


def test_e6_4_incident_without_any_corrective_action_warns() -> None:
    tables = good_company()
    tables["incident"].append(incident(Timestamp="2026-07-01 10:00", Reporter=OWNER,
                                       **{"Corrective Actions": None}))
    assert run("E6.4", tables).status == "Warn"


def test_e6_5_incident_not_communicated_fails_unless_a_toolbox_talk_names_it() -> None:
    tables = good_company()
    tables["incident"] = [incident(**{"Communicated To Crew": "No"})]
    result = run("E6.5", tables)
    assert result.status == "Fail" and result.records == (INCIDENT_ID,)
    tables["toolbox_talk"][0]["Notes"] = f"Went over near miss {INCIDENT_ID.lower()} with the crew"
    assert run("E6.5", tables).status == "Pass"


def incident_names_its_action() -> dict[str, list[dict[str, object]]]:
    """The office wrote 'CA-1' in the incident's own row and left Source Ref blank."""
    tables = good_company()
    tables["incident"] = [incident(**{"Corrective Actions": "Spotter assigned, see CA-01"})]
    tables["corrective_actions"][0]["Source Ref"] = None
    return tables


def test_e6_4_incident_naming_its_completed_verified_action_passes() -> None:
    result = run("E6.4", incident_names_its_action())
    assert result.status == "Pass", result.detail
    assert "0 overdue" in result.detail and "0 of 1 incident with no corrective action" in result.detail


def test_e6_4_incident_naming_an_unverified_action_waits_for_verification() -> None:
    tables = incident_names_its_action()
    tables["corrective_actions"][0]["Verified"] = None
    result = run("E6.4", tables)
    assert result.status == "Warn" and result.records == (INCIDENT_ID,)


def test_e6_3_to_e6_5_with_no_incidents_in_the_window_warn_never_pass() -> None:
    tables = good_company()
    tables["incident"] = []
    tables["corrective_actions"] = tables["corrective_actions"][1:]
    for check_id in ("E6.3", "E6.4", "E6.5"):
        result = run(check_id, tables)
        assert result.status == "Warn" and "no incidents" in result.detail, check_id
