"""Element 4: inspection schedule, inspections done as scheduled, defect follow-up."""

from __future__ import annotations

from tests.checks.support import FAILED_PRE_START_TS, good_company, run, without


def test_e4_1_missing_schedule_fails() -> None:
    assert "table Inspection Schedule not found" in run("E4.1", without("inspection_schedule")).detail


def test_e4_1_schedule_counts_items_by_frequency() -> None:
    result = run("E4.1", good_company())
    assert result.status == "Pass" and "2 items scheduled (1 daily, 1 monthly)" in result.detail


def test_e4_2_daily_item_counts_every_work_day() -> None:
    result = run("E4.2", good_company())
    # 52 Mondays with a pre-start of Unit 12; the incident's Tuesday was a work day without one.
    assert result.status == "Pass" and "64 of 65 scheduled inspections" in result.detail


def test_e4_2_unit_skipped_on_half_its_work_days_fails() -> None:
    tables = good_company()
    tables["pre_start"] = tables["pre_start"][::2]
    result = run("E4.2", tables)
    assert result.status == "Fail" and "Unit 12 (Daily)" in result.detail
    assert result.records == ("Inspection Schedule row 2",)


def test_e4_2_monthly_item_missed_twice_warns() -> None:
    tables = good_company()
    tables["workplace_inspection"] = tables["workplace_inspection"][2:]
    result = run("E4.2", tables)
    assert result.status == "Warn" and "Shop (Monthly) 10 of 12 months" in result.detail


def test_e4_2_records_match_schedule_items_forgivingly_by_unit_or_area() -> None:
    tables = good_company()
    for r in tables["pre_start"]:
        r["Unit"] = "unit  12"
    tables["inspection_schedule"][1]["Item"] = "YARD"
    assert run("E4.2", tables).status == "Pass"


def test_e4_3_defect_without_follow_up_fails_and_action_taken_counts_as_follow_up() -> None:
    tables = good_company()
    tables["corrective_actions"] = tables["corrective_actions"][:1]
    result = run("E4.3", tables)
    assert result.status == "Fail" and "1 of 1 defect" in result.detail
    failed = next(r for r in tables["pre_start"] if r["Timestamp"] == FAILED_PRE_START_TS)
    failed["Action Taken"] = "Hose replaced by shop"
    assert run("E4.3", tables).status == "Pass"


def test_e4_3_inspection_deficiency_closed_on_the_row_has_a_follow_up() -> None:
    tables = good_company()
    tables["workplace_inspection"][0].update({"Deficiencies": "Extinguisher missing", "Closed": "2025-11-05"})
    tables["workplace_inspection"][1].update({"Deficiencies": "Spill kit empty"})
    result = run("E4.3", tables)
    assert "1 of 3 defects" in result.detail and len(result.records) == 1


def test_e4_3_one_past_due_defect_without_follow_up_fails_however_many_others_are_fine() -> None:
    tables = good_company()
    for i, r in enumerate(tables["workplace_inspection"][:12]):
        r.update({"Deficiencies": f"Guard loose {i}", "Closed": r["Timestamp"][:10]})
    tables["corrective_actions"] = tables["corrective_actions"][:1]  # the failed pre-start loses its action
    result = run("E4.3", tables)
    assert result.status == "Fail" and "past due" in result.detail


def test_e4_3_a_recent_defect_not_yet_due_only_warns() -> None:
    tables = good_company()
    for i, r in enumerate(tables["workplace_inspection"][:12]):
        r.update({"Deficiencies": f"Guard loose {i}", "Closed": r["Timestamp"][:10]})
    tables["workplace_inspection"].append({**tables["workplace_inspection"][-1], "Timestamp": "2026-10-29 08:00:00",
                                           "Deficiencies": "Spill kit low", "Closed": None})
    result = run("E4.3", tables)
    assert result.status == "Warn" and "past due" not in result.detail
