"""Element 1: Management Leadership and Organizational Commitment."""

from __future__ import annotations

import pandas as pd

from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result
from .common import (
    active_workers,
    document_check,
    documents,
    filled,
    graded,
    in_window,
    judged_periods,
    keys,
    management_names,
    missing_table,
    months_of,
    plural,
    refs,
    work_dates,
)
from .registry import check


@check("E1.1", 1, "Safety Policy on file, signed and dated within 12 months by an active worker")
def safety_policy(ctx: AuditContext) -> CheckResult:
    """The latest Safety Policy row must be signed by someone, dated within the window, and the signer must
    still be an active worker (a policy signed by someone who left is a common point loss)."""
    missing = missing_table("E1.1", ctx.data, "program", "workers")
    if missing:
        return missing
    policies = documents(ctx.data.table("program"), "Safety Policy", ctx)
    if policies.empty:
        return result("E1.1", FAIL, "no Safety Policy on the Program tab (a Document like 'Safety Policy' or "
                                    "'Health and Safety Policy')")
    latest = policies.sort_values(["signed_date", "row"], na_position="first").iloc[-1]
    where = [f"Program row {int(latest['row'])}"]
    problems = []
    if not filled(pd.Series([latest["signed_by"]])).iloc[0]:
        problems.append("not signed (Signed By blank)")
    if pd.isna(latest["signed_date"]):
        problems.append("not dated (Signed Date blank)")
    elif latest["signed_date"] < ctx.window_start:
        problems.append(f"signed {latest['signed_date'].date().isoformat()}, more than "
                        f"{ctx.settings.audit.lookback_months} months ago; have it re-signed")
    if filled(pd.Series([latest["signed_by"]])).iloc[0]:
        active = set(active_workers(ctx.data.table("workers"), ctx.as_of)["key"])
        if keys(pd.Series([latest["signed_by"]])).iloc[0] not in active:
            problems.append(f"signed by {latest['signed_by']}, who is not an active worker")
    if problems:
        return result("E1.1", FAIL, f"Safety Policy '{latest['document']}': " + "; ".join(problems), where)
    return result("E1.1", PASS, f"Safety Policy signed by {latest['signed_by']} on "
                                f"{latest['signed_date'].date().isoformat()}, an active worker", where)


@check("E1.2", 1, "Responsibilities assigned in writing")
def responsibilities(ctx: AuditContext) -> CheckResult:
    """A dated Program row for safety responsibilities ('Responsibilities', 'Roles and Responsibilities')."""
    return document_check("E1.2", ctx, "Responsibilities")


def _management_dates(ctx: AuditContext, managers: set[str]) -> pd.Series:
    """Dates in the window of management activity: toolbox talks with management present (or presented by a
    manager), incidents investigated by a manager, workplace inspections by a manager."""
    data = ctx.data
    talks = data.table("toolbox_talk")
    talk_hit = talks["management_present"].eq(True) | keys(talks["presenter"]).isin(managers)
    inc = data.table("incident")
    inc_hit = keys(inc["investigated_by"]).isin(managers)
    inc_dates = inc["investigation_date"].where(inc["investigation_date"].notna(), inc["incident_date"])
    ins = data.table("workplace_inspection")
    ins_hit = keys(ins["inspector"]).isin(managers)
    dates = pd.concat([talks["date"][talk_hit], inc_dates[inc_hit], ins["date"][ins_hit]], ignore_index=True)
    return dates[in_window(ctx, dates)]


@check("E1.3", 1, "Management takes part in safety activities at least monthly")
def management_participation(ctx: AuditContext) -> CheckResult:
    """Every month of the window that had work (any form record) needs a management activity. Management =
    people whose Workers role contains a management_roles word. The month in progress counts once done."""
    missing = missing_table("E1.3", ctx.data, "workers")
    if missing:
        return missing
    if not any(ctx.data.has(k) for k in ("toolbox_talk", "incident", "workplace_inspection")):
        return result("E1.3", FAIL, "tables Toolbox Talk, Incident and Workplace Inspection not found; no "
                                    "record can show management taking part")
    managers = management_names(ctx.data, ctx.settings)
    if not managers:
        return result("E1.3", FAIL, "no worker has a management role on Workers (owner, supervisor, manager...)")
    active = months_of(_management_dates(ctx, managers))
    months = judged_periods(ctx, months_of(work_dates(ctx.data, ctx)), active)
    if not months:
        return result("E1.3", WARN, "no months with work on record in the window to judge")
    gaps = [m for m in months if m not in active]
    status = PASS if 1 - len(gaps) / len(months) >= ctx.settings.audit.management_months_required else \
        graded(len(gaps), len(months), ctx.settings.audit.shortfall_warn_share)
    detail = (f"management took part in {len(months) - len(gaps)} of {plural(len(months), 'month')} with work "
              "(toolbox talk with management present, or an investigation or inspection by a manager)")
    if gaps:
        detail += "; none in " + ", ".join(str(m) for m in gaps)
    return result("E1.3", status, detail, [str(m) for m in gaps])


@check("E1.4", 1, "Safety goals recorded for the current year")
def safety_goals(ctx: AuditContext) -> CheckResult:
    """At least one Goals row for the as-of year; Warn when none of them has a Target (not measurable)."""
    missing = missing_table("E1.4", ctx.data, "goals")
    if missing:
        return missing
    goals = ctx.data.table("goals")
    year = ctx.as_of.year
    current = goals[goals["year"] == year]
    if current.empty:
        years = sorted({int(y) for y in goals["year"].dropna()})
        seen = f" (goals found for {', '.join(map(str, years))})" if years else ""
        return result("E1.4", FAIL, f"no safety goals for {year}{seen}")
    with_target = current[filled(current["target"])]
    if with_target.empty:
        return result("E1.4", WARN, f"{plural(len(current), 'goal')} for {year} but none has a Target; "
                                    "give each a measurable target", refs(current, "goals"))
    return result("E1.4", PASS, f"{plural(len(current), 'goal')} for {year}, {len(with_target)} with a target",
                  refs(current, "goals"))
