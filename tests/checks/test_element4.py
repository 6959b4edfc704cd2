"""Element 4: inspection schedule, inspections done as scheduled, defect follow-up."""

from __future__ import annotations

import pandas as pd

from pipeline.checks.element4 import ItemCoverage, inspection_coverage
from tests.checks.support import FAILED_PRE_START_TS, OWNER, context, good_company, run, without

OCTOBER = (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))


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


def test_inspection_coverage_over_the_window_is_what_e4_2_counts() -> None:
    ctx = context(good_company())
    covered = inspection_coverage(ctx, ctx.window_start, ctx.as_of_ts)
    assert [(c.item, c.frequency, c.type, c.row) for c in covered] == [
        ("Unit 12", "Daily", "Equipment", 2), ("Shop", "Monthly", "Workplace", 3)]
    assert (sum(c.done for c in covered), sum(c.expected for c in covered)) == (64, 65)
    assert covered[1] == ItemCoverage("Shop", "Monthly", "Workplace", 3, 12, 12)


def test_inspection_coverage_over_a_month_counts_its_work_days_and_its_month() -> None:
    covered = inspection_coverage(context(good_company()), *OCTOBER)
    # Four Mondays of work in October 2026, each with a pre-start of Unit 12; the shop on Monday 5th.
    assert [(c.item, c.done, c.expected) for c in covered] == [("Unit 12", 4, 4), ("Shop", 1, 1)]


def test_inspection_coverage_weekly_item_counts_a_week_spanning_the_month_start_and_not_the_week_running() -> None:
    tables = good_company()
    tables["inspection_schedule"][1]["Frequency"] = "Weekly"
    # Thursday 1 October is a work day of the week that began Monday 28 September, inspected on the Tuesday.
    tables["toolbox_talk"].append({"Timestamp": "2026-10-01 07:30:00", "Topic": "Ladders", "Presenter": OWNER,
                                   "Attendees": OWNER, "Management Present": "Yes"})
    tables["workplace_inspection"].append({"Timestamp": "2026-09-29 09:00:00", "Inspector": OWNER, "Site": "Shop"})
    shop = inspection_coverage(context(tables), *OCTOBER)[1]
    # Weeks with work: Sep 28 (done Sep 29), Oct 5 (done), Oct 12, Oct 19; the week of Oct 26 runs to Sunday
    # 1 November, so on Saturday 31 October it is in progress and expected only once done.
    assert (shop.done, shop.expected) == (2, 4)
    tables["workplace_inspection"].append({"Timestamp": "2026-10-27 09:00:00", "Inspector": OWNER, "Site": "Shop"})
    shop = inspection_coverage(context(tables), *OCTOBER)[1]
    assert (shop.done, shop.expected) == (3, 5)


def test_inspection_coverage_annual_item_is_done_when_inspected_in_the_look_back_window() -> None:
    tables = good_company()
    tables["inspection_schedule"][1]["Frequency"] = "Annually"
    tables["workplace_inspection"] = [{"Timestamp": "2025-11-03 09:00:00", "Inspector": OWNER, "Site": "Shop"}]
    ctx = context(tables)
    assert inspection_coverage(ctx, *OCTOBER)[1] == ItemCoverage("Shop", "Annually", "Workplace", 3, 1, 1)
    assert inspection_coverage(ctx, ctx.window_start, ctx.as_of_ts)[1].done == 1
    tables["workplace_inspection"][0]["Timestamp"] = "2025-10-27 09:00:00"  # 12 months and more ago
    assert inspection_coverage(context(tables), *OCTOBER)[1].done == 0


def test_inspection_coverage_without_a_schedule_is_empty() -> None:
    assert inspection_coverage(context(without("inspection_schedule")), *OCTOBER) == []


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


def test_e4_3_a_minor_defect_pre_start_needs_a_follow_up_record() -> None:
    tables = good_company()
    tables["pre_start"][-2].update({"Result": "Minor defect(s) - reported", "Defects": "Marker light out"})
    result = run("E4.3", tables)
    assert "1 of 2 defects" in result.detail and len(result.records) == 1
    tables["pre_start"][-2]["Action Taken"] = "Bulb replaced"
    assert run("E4.3", tables).status == "Pass"


def test_e4_3_defect_whose_row_names_its_action_has_a_follow_up() -> None:
    tables = good_company()
    tables["pre_start"][-1]["Defects"] = "Hydraulic leak, CA-2 raised"
    tables["corrective_actions"][1]["Source Ref"] = None
    assert run("E4.3", tables).status == "Pass"


def test_e4_3_with_no_defect_in_the_window_warns() -> None:
    tables = good_company()
    tables["pre_start"] = [r for r in tables["pre_start"] if r["Result"] == "Pass"]
    result = run("E4.3", tables)
    assert result.status == "Warn" and "reports a defect: no follow-up to judge" in result.detail
