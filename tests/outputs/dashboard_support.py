"""Findings for the dashboard tests: a small company as the engine sees it, and an action plan built by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from pipeline.checks.audit import Findings, score_elements
from pipeline.checks.base import CheckResult
from pipeline.normalise.dataset import REJECTED, TABLE
from pipeline.plan.model import (
    DEFICIENCY,
    FAIL_TIER,
    PASS_RULE_TIER,
    SOON_TIER,
    TICKET,
    ActionPlan,
    PlanAction,
)
from tests.builders import dataset

AS_OF = date(2026, 11, 21)
DOUBLE_SUBMIT = ("same answers as row 14 (FLHA-261102-070536) submitted 20 s apart: a double submit; "
                 "row not used.")
MISSING_COLUMN = ("required column 'Hazards' not found in tab 'FLHA' of Form responses.xlsx (40 rows not used); "
                  "add the column or map its header in the config.")


def plan(n: int = 3) -> ActionPlan:
    """``n`` actions, ranked 1..n, as the plan would hand them over (most urgent first)."""
    base = [
        PlanAction("ticket|ravi sandhu|h2s alive", PASS_RULE_TIER, TICKET, "Renew Ravi Sandhu's H2S Alive",
                   "Ravi Sandhu", "holds the ticket", "", date(2026, 11, 28), "[audit] plan_days_fail: 7 days",
                   "Training Records: Safety Office.xlsx / Training, row 12",
                   "add a row to Training Records with the new Completed date", ("E5.2", "S.3"),
                   ("Training Records row 12",), 5),
        PlanAction("deficiency|ps-261111-064455", FAIL_TIER, DEFICIENCY, "Close PS-261111-064455 (brake light out)",
                   None, "nothing names anyone", "Dana Whitford (Safety Lead) decides who", date(2026, 11, 18),
                   "Due on the record", "Pre-Start: Form responses.xlsx / Pre-Start, row 1217",
                   "write PS-261111-064455 in Source Ref of a Corrective Actions row", ("E3.2", "E4.3"),
                   ("PS-261111-064455",), 3),
        PlanAction("ticket|shawna cardinal|first aid", SOON_TIER, TICKET, "Book Shawna Cardinal's Standard First Aid",
                   "Shawna Cardinal", "holds the ticket", "", date(2027, 1, 6), "the ticket's expiry",
                   "Training Records: Safety Office.xlsx / Training, row 20", "add a row to Training Records", (),
                   ("Training Records row 20",), 5),
    ]
    actions = [replace(base[i % len(base)], key=f"{base[i % len(base)].key}|{i}", rank=i + 1) for i in range(n)]
    return ActionPlan(AS_OF, tuple(actions))


def findings_with(description: str = "Brake light out", the_plan: ActionPlan | None = None,
                  extra_issues: pd.DataFrame | None = None) -> Findings:
    """The small company: one expired ticket, one overdue deficiency, three checks, two data issues."""
    certs = pd.DataFrame({
        "worker": ["Priya Sandhu", "Dale Kowalski"], "role": ["Operator", "Owner"], "ticket": ["H2S Alive", "CSTS"],
        "status": ["Expired", "Current"], "completed": pd.to_datetime(["2023-01-10", "2024-02-01"]),
        "expires": pd.to_datetime(["2026-01-10", None]), "days_left": pd.array([-314, pd.NA], dtype="Int64"),
        "record_row": [4, 5]})
    defs = pd.DataFrame({
        "id": ["PS-261101-AB12C"], "source": ["Pre-Start"], "found": pd.to_datetime(["2026-11-01"]),
        "description": [description], "unit_or_site": ["T-101"], "assigned_to": [None],
        "due": pd.to_datetime(["2026-11-08"]), "age_days": [20], "status": ["Overdue"],
        "awaiting_verification": [False], "table": ["Pre-Start"], "row": [7]})
    checks = (CheckResult("E1.1", 1, "Safety Policy signed", "Fail", "not signed", ("Program row 2",)),
              CheckResult("E2.2", 2, "FLHAs on file", "Pass", "41 FLHAs"),
              CheckResult("S.1", 0, "Still a small employer", "Warn", "11 people in March"))
    ds = dataset({"workers": [{"Name": "Dale Kowalski", "Role": "Owner", "Start Date": "2019-01-01"},
                              {"Name": "", "Role": "Owner", "Start Date": "2019-01-01"}]})
    issues = ds.issues if extra_issues is None else pd.concat([ds.issues, extra_issues], ignore_index=True)
    f = Findings("Kowalski Oilfield", AS_OF, certs, defs, checks, score_elements(checks), issues,
                 {"expired_tickets": 1, "missing_tickets": 0, "expiring_tickets": 0, "open_deficiencies": 1,
                  "overdue_deficiencies": 1, "near_misses": 0, "data_issues": len(issues)}, 0.8, 0.5)
    return f if the_plan is None else replace(f, plan=the_plan)


def issues(*lines: tuple[str, int | None, str, str, str, str]) -> pd.DataFrame:
    """Data Issues lines (table, row, column, value, problem, severity) as normalise lists them."""
    frame = pd.DataFrame(list(lines), columns=["table", "row", "column", "value", "problem", "severity"])
    frame["row"] = frame["row"].astype("Int64")
    return frame


OFFICE_ISSUES = issues(("FLHA", 15, "Timestamp", "2026-11-02 07:05:56", DOUBLE_SUBMIT, REJECTED),
                       ("FLHA", None, "Hazards", "Timestamp, Worker", MISSING_COLUMN, TABLE))
