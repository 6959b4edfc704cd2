"""The action plan: one action per thing to do, who does it, by when, where, ranked by what it costs at audit."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from pipeline.plan.model import CERTIFICATE_TIER, DEDUCTED_TIER, FAIL_TIER, PASS_RULE_TIER, SOON_TIER
from tests.checks.support import (
    AS_OF,
    FAILED_PRE_START_ID,
    FAILED_PRE_START_TS,
    INCIDENT_ID,
    LABOURER,
    OPERATOR,
    OWNER,
    findings,
    good_company,
    settings,
)


def plan_of(tables, **audit):
    return findings(tables, config=settings(**audit) if audit else None).plan


def test_a_company_that_passes_everything_has_nothing_to_do():
    f = findings(good_company())
    assert all(c.status == "Pass" for c in f.checks), [c.title for c in f.checks if c.status != "Pass"]
    assert len(f.plan) == 0


def _expired_h2s(tables):
    for r in tables["training_records"]:
        if r["Worker"] == OPERATOR and r["Ticket"] == "H2S Alive":
            r["Completed"], r["Expires"] = "2023-06-01", "2026-10-01"
    return tables


def test_an_expired_ticket_is_renewed_by_its_holder_by_its_expiry():
    plan = plan_of(_expired_h2s(good_company()))
    [action] = [a for a in plan if a.kind == "Ticket"]
    assert action.what == f"Renew {OPERATOR}'s H2S Alive (expired 2026-10-01)"
    assert (action.who, action.who_from) == (OPERATOR, "holds the ticket")
    assert action.due == date(2026, 10, 1) and action.overdue(AS_OF)
    assert "E5.2" in action.clears
    assert action.where.startswith("Training Records") and action.where.endswith("row 5")


def test_a_missing_ticket_is_due_the_fail_rule_of_days_after_the_as_of_date():
    tables = good_company()
    tables["training_records"] = [r for r in tables["training_records"]
                                  if not (r["Worker"] == LABOURER and r["Ticket"] == "H2S Alive")]
    [action] = [a for a in plan_of(tables, action_days_fail=5) if a.kind == "Ticket"]
    assert action.who == LABOURER and action.where.startswith("add a row to Training Records")
    assert action.due == AS_OF + timedelta(days=5) and "action_days_fail" in action.due_from


def _open_defect(tables, **ca):
    """The failed pre-start of Unit 12 with no follow-up (its corrective action removed)."""
    tables["corrective_actions"] = [r for r in tables["corrective_actions"] if r["Action ID"] != "CA-2"]
    return tables


def test_an_open_defect_is_one_action_that_clears_every_check_it_fails():
    plan = plan_of(_open_defect(good_company()))
    defects = [a for a in plan if FAILED_PRE_START_ID in a.records]
    assert len(defects) == 1
    assert {"E3.2", "E4.3"} <= set(defects[0].clears)
    assert not [a for a in plan if a.key in ("check|E3.2", "check|E4.3")]  # settled by the record action


def test_a_defect_goes_to_the_inspection_schedule_responsible_when_nobody_is_assigned():
    tables = _open_defect(good_company())
    tables["inspection_schedule"][0]["Responsible"] = OPERATOR
    [action] = [a for a in plan_of(tables) if FAILED_PRE_START_ID in a.records]
    assert (action.who, action.who_from) == (OPERATOR, "Responsible on the Inspection Schedule")


def test_a_defect_nobody_is_named_for_is_unassigned_and_says_who_decides():
    [action] = [a for a in plan_of(_open_defect(good_company())) if FAILED_PRE_START_ID in a.records]
    assert action.who is None
    assert action.who_text == f"Unassigned: {OWNER} (Owner) decides who"


def test_assigned_to_on_a_corrective_action_names_who_completes_it():
    tables = good_company()
    tables["corrective_actions"].append(
        {"Action ID": "CA-3", "Source": "Inspection", "Description": "Fix the shop door", "Assigned To": LABOURER,
         "Raised": "2026-10-20", "Due": "2026-11-20"})
    [action] = [a for a in plan_of(tables) if "CA-3" in a.records]
    assert (action.who, action.who_from, action.due) == (LABOURER, "Assigned To", date(2026, 11, 20))
    assert action.tier == SOON_TIER  # open within its date: nothing fails yet


def test_an_incident_without_a_root_cause_goes_to_its_investigator():
    tables = good_company()
    tables["incident"][0]["Root Cause"] = ""
    [action] = [a for a in plan_of(tables) if a.key.startswith("root|")]
    assert action.records == (INCIDENT_ID,) and action.clears == ("E6.3",)
    assert (action.who, action.who_from) == (OWNER, "Investigated By")


def test_an_incident_without_an_investigator_is_unassigned():
    tables = good_company()
    tables["incident"][0]["Root Cause"] = ""
    tables["incident"][0]["Investigated By"] = ""
    [action] = [a for a in plan_of(tables) if a.key.startswith("root|")]
    assert action.who is None and "decides who" in action.who_text


def test_a_program_document_goes_to_its_signer_while_they_are_active():
    tables = good_company()
    tables["program"][0]["Signed Date"] = "2024-01-15"  # policy older than 12 months: E1.1 fails
    [action] = [a for a in plan_of(tables) if a.key == "check|E1.1"]
    assert (action.who, action.who_from) == (OWNER, "signed the document")


def test_a_program_document_signed_by_someone_who_left_goes_to_the_most_senior_manager():
    tables = good_company()
    tables["workers"].append({"Name": "Gord Mitchell", "Role": "Operations Manager", "Start Date": "2015-01-01",
                              "End Date": "2026-07-01"})
    tables["program"][0]["Signed By"] = "Gord Mitchell"
    [action] = [a for a in plan_of(tables) if a.key == "check|E1.1"]
    assert action.who == OWNER and action.who_from == "most senior active manager (Owner)"


def test_over_the_small_employer_limit_comes_first():
    tables = _expired_h2s(good_company())
    tables["workers"] += [{"Name": f"Hand {i}", "Role": "Labourer", "Start Date": "2026-06-01"} for i in range(9)]
    plan = plan_of(tables)
    first = plan.actions[0]
    assert first.key == "check|S.1" and first.tier == CERTIFICATE_TIER and first.rank == 1
    assert "COR" in first.what


def test_a_maintenance_audit_coming_due_is_a_certificate_action_dated_by_the_calendar():
    tables = good_company()
    tables["program"][-1]["Signed Date"] = "2025-11-20"  # year-2 audit due in 2026-11
    [action] = [a for a in plan_of(tables) if a.key == "check|S.2"]
    assert action.tier == CERTIFICATE_TIER and action.due == date(2026, 11, 1)
    assert "year-2 maintenance audit" in action.due_from


def test_a_fail_ranks_before_a_warn_and_an_element_under_half_before_both():
    tables = good_company()
    # E2.3 Warn: one unsigned FLHA; E5.1, E5.2 and E5.3 Fail: element 5 at 25%.
    tables["flha"][0]["Worker Signature"] = ""
    tables = _expired_h2s(tables)
    tables["orientation"] = tables["orientation"][:1]
    tables["training_matrix"].append({"Role": "Labourer", "Ticket": "As required"})
    plan = plan_of(tables)
    tiers = {a.key: a.tier for a in plan}
    assert tiers["check|E2.3"] == DEDUCTED_TIER
    assert tiers[f"ticket|{OPERATOR.lower()}|h2s alive"] == PASS_RULE_TIER
    ranks = {a.key: a.rank for a in plan}
    assert ranks[f"ticket|{OPERATOR.lower()}|h2s alive"] < ranks["check|E2.3"]


def test_a_fail_in_an_element_still_over_half_is_a_fail_not_the_pass_rule():
    plan = plan_of(_expired_h2s(good_company()))
    [ticket] = [a for a in plan if a.kind == "Ticket"]
    assert ticket.tier == FAIL_TIER  # element 5 at 75%, overall over 80%


def test_renewing_an_expiring_ticket_does_not_claim_to_lift_a_failed_e52():
    tables = _expired_h2s(good_company())
    for r in tables["training_records"]:
        if r["Worker"] == OWNER and r["Ticket"] == "Standard First Aid":
            r["Expires"] = "2026-11-20"
    plan = plan_of(tables)
    expiring = next(a for a in plan if "Standard First Aid" in a.what)
    assert "E5.2" not in expiring.clears and expiring.tier == SOON_TIER


def test_the_plan_is_pure_and_the_same_twice():
    tables = _open_defect(_expired_h2s(good_company()))
    before = copy.deepcopy(tables)
    assert findings(tables).plan == findings(tables).plan
    assert tables == before


def test_every_action_has_who_or_who_decides_a_date_and_a_place():
    tables = _open_defect(_expired_h2s(good_company()))
    tables["incident"][0]["Root Cause"] = ""
    plan = plan_of(tables)
    assert [a.rank for a in plan] == list(range(1, len(plan) + 1))
    for a in plan:
        assert a.who or "decides who" in a.decider, a
        assert a.due is not None and a.where and a.close, a
    assert FAILED_PRE_START_TS  # the fixture's failed pre-start is the defect above


def test_a_table_not_read_is_one_action_for_every_check_that_needs_it():
    from tests.checks.support import without

    plan = plan_of(without("training_records"))
    tables = [a for a in plan if a.key.startswith("table|")]
    assert len(tables) == 1 and "Training Records" in tables[0].what
    assert {"E5.2", "S.3"} <= set(tables[0].clears)
    assert not [a for a in plan if a.key in ("check|E5.2", "check|S.3")]


def test_at_the_small_employer_limit_there_is_no_certificate_action():
    tables = good_company()
    tables["workers"] += [{"Name": f"Hand {i}", "Role": "Labourer", "Start Date": "2026-06-01"} for i in range(7)]
    plan = plan_of(tables)  # 3 + 7 = 10 people: at the limit, not over it
    assert not [a for a in plan if a.key == "check|S.1"]


def test_a_maintenance_audit_months_away_is_not_an_action():
    assert not [a for a in plan_of(good_company()) if a.key == "check|S.2"]  # certificate 2026-03: due 2027-03


def test_a_fail_lifted_while_the_overall_figure_is_under_the_rule_is_a_pass_rule_action():
    import dataclasses

    from pipeline.checks.audit import ElementScore
    from pipeline.plan.build import check_tiers

    f = findings(_expired_h2s(good_company()))
    assert check_tiers(f)["E5.2"] == FAIL_TIER  # overall over 80%: a plain Fail
    low = tuple(ElementScore(e.element, e.name, 4, 3, 0, 1) for e in f.elements)  # every element at 75%
    assert check_tiers(dataclasses.replace(f, elements=low))["E5.2"] == PASS_RULE_TIER


def test_an_overdue_corrective_action_is_no_longer_coming_up():
    tables = good_company()
    tables["corrective_actions"].append(
        {"Action ID": "CA-3", "Source": "Inspection", "Description": "Fix the shop door", "Assigned To": LABOURER,
         "Raised": "2026-09-01", "Due": "2026-10-01"})
    [action] = [a for a in plan_of(tables) if "CA-3" in a.records]
    assert action.overdue(AS_OF) and "E3.2" in action.clears and action.tier < SOON_TIER


def _unsigned_flhas(tables, *workers):
    for i, w in enumerate(workers):
        tables["flha"][i]["Worker"] = w
        tables["flha"][i]["Worker Signature"] = ""
    return tables


def test_unsigned_flhas_go_to_the_one_supervisor_of_the_workers_who_wrote_them():
    tables = good_company()
    for w in tables["workers"][1:]:
        w["Supervisor"] = OWNER
    tables = _unsigned_flhas(tables, OPERATOR, LABOURER)
    [action] = [a for a in plan_of(tables) if a.key == "check|E2.3"]
    assert (action.who, action.who_from) == (OWNER, "supervises the workers of these FLHAs")


def test_unsigned_flhas_of_workers_with_different_supervisors_go_to_the_most_senior_manager():
    tables = good_company()
    tables["workers"].append({"Name": "Marc Tremblay", "Role": "Supervisor", "Start Date": "2020-01-01"})
    tables["workers"][1]["Supervisor"] = OWNER
    tables["workers"][2]["Supervisor"] = "Marc Tremblay"
    tables = _unsigned_flhas(tables, OPERATOR, LABOURER)
    [action] = [a for a in plan_of(tables) if a.key == "check|E2.3"]
    assert (action.who, action.who_from) == (OWNER, "most senior active manager (Owner)")
