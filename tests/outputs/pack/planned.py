"""The October pack of the fixture company with an action plan made by hand (the plan's computation is not the
pack's business: the pack shows whatever ``findings.plan`` holds), rendered once per test session."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.checks.audit import Findings
from pipeline.normalise.dataset import Dataset
from pipeline.outputs.pack import PackContext, build_context, render_html, render_pdf
from pipeline.plan.model import (
    CERTIFICATE_KIND,
    CERTIFICATE_TIER,
    DEDUCTED_TIER,
    DEFICIENCY,
    FAIL_TIER,
    PASS_RULE_TIER,
    SOON_TIER,
    TICKET,
    ActionPlan,
    PlanAction,
)
from tests.builders import dataset

from .fixtures import OCTOBER, company_records, hand_findings

GENERATED = datetime(2026, 11, 1, 6, 0, tzinfo=ZoneInfo("America/Edmonton"))
AS_OF = OCTOBER.last  # 2026-10-31
CERTIFICATE_SIGNED = "2025-12-05"  # the year-2 maintenance audit falls in December 2026

BOOK_AUDIT = PlanAction(
    "certificate|s.2", CERTIFICATE_TIER, CERTIFICATE_KIND, "Book the year-2 maintenance audit with ACSA",
    "Dale Kowalski", "owner, holds the certificate", "", date(2026, 11, 15), "[audit] 30 days before the due month",
    "Program: Safety Office.xlsx / Program, row 8", "add a row 'SECOR Maintenance Audit 2026' with its Signed Date",
    ("S.2",), ("Program row 8",), 0)
RENEW_H2S = PlanAction(
    "ticket|priya sandhu|h2s alive", PASS_RULE_TIER, TICKET, "Renew Priya Sandhu's H2S Alive", "Priya Sandhu",
    "holds the ticket", "", date(2026, 10, 20), "Expired on the record",
    "Training Records: Safety Office.xlsx / Training, row 12", "add a row with the new Completed date",
    ("E5.2", "S.3"), ("Training Records row 12",), 5)
CLOSE_DEFECT = PlanAction(
    "deficiency|ps-261006-063000", FAIL_TIER, DEFICIENCY, "Close PS-261006-063000: cracked windshield on Unit 12",
    None, "", "Dale Kowalski (Owner) decides who", date(2026, 11, 14), "[audit] plan_days_fail: 14 days",
    "Corrective Actions: Safety Office.xlsx / Corrective Actions: add a row",
    "write PS-261006-063000 in Source Ref of a Corrective Actions row", ("E3.2", "E4.3"),
    ("PS-261006-063000",), 3)
SIGN_FLHAS = PlanAction(
    "records|flha unsigned", DEDUCTED_TIER, "Records", "Have the crew sign their FLHAs: 7 of 66 unsigned",
    "Priya Sandhu", "Supervisor of the crews", "", date(2026, 11, 30), "[audit] plan_days_warn: 30 days",
    "FLHA form", "", ("E2.3",), (), 2)


def soon(i: int) -> PlanAction:
    """A 'coming up' action, numbered so its place in the list can be told."""
    return PlanAction(f"ticket|soon|{i}", SOON_TIER, TICKET, f"Book WHMIS refresher number {i:02d}", "Kyle Friesen",
                      "holds the ticket", "", date(2026, 12, 1) + timedelta(days=i), "Expires on the record",
                      "Training Records, row 30", "", (), (), 5)


def plan_of(actions: list[PlanAction], as_of: date = AS_OF) -> ActionPlan:
    """A plan of these actions in this order, ranked 1, 2, ... as the plan's builder ranks them."""
    return ActionPlan(as_of, tuple(dataclasses.replace(a, rank=i) for i, a in enumerate(actions, start=1)))


FIRST_FOUR = [BOOK_AUDIT, RENEW_H2S, CLOSE_DEFECT, SIGN_FLHAS]
LONG_PLAN = plan_of(FIRST_FOUR + [soon(i) for i in range(1, 27)])  # 30 actions: more than the 25 printed


def records_with_certificate() -> dict[str, list[dict[str, Any]]]:
    """The fixture company's records with its SECOR certificate on the Program tab, as an office writes it."""
    records = company_records()
    records["program"].append({"Document": "SECOR Certificate", "Signed By": "ACSA",
                               "Signed Date": CERTIFICATE_SIGNED})
    return records


@lru_cache(maxsize=1)
def october_data() -> Dataset:
    return dataset(records_with_certificate())


def with_plan(plan: ActionPlan) -> tuple[Dataset, Findings]:
    data = october_data()
    return data, dataclasses.replace(hand_findings(data, AS_OF), plan=plan)


def context_for(plan: ActionPlan) -> PackContext:
    data, findings = with_plan(plan)
    return build_context(findings, data, OCTOBER, generated_at=GENERATED)


@lru_cache(maxsize=1)
def long_plan_pack() -> tuple[PackContext, str, bytes]:
    """The October pack with LONG_PLAN: context, HTML and PDF (rendered once)."""
    context = context_for(LONG_PLAN)
    html = render_html(context)
    return context, html, render_pdf(html, title=context.title)
