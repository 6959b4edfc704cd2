"""Element 4: Ongoing Inspections."""

from __future__ import annotations

import pandas as pd

from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result
from .common import (
    affirmed,
    graded,
    in_window,
    judged_periods,
    keys,
    missing_table,
    plural,
    refs,
    reports_defect,
    window_words,
    work_dates,
)
from .deficiencies import ref_key
from .registry import check

# Inspection Schedule frequency -> pandas period of one inspection.
PERIODS = {"Daily": "D", "Weekly": "W-SUN", "Monthly": "M", "Quarterly": "Q", "Annually": "Y"}
PERIOD_WORDS = {"Daily": "work days", "Weekly": "weeks", "Monthly": "months", "Quarterly": "quarters",
                "Annually": "years"}


@check("E4.1", 4, "Inspection schedule documented")
def inspection_schedule(ctx: AuditContext) -> CheckResult:
    """The Inspection Schedule tab lists at least one item with its frequency."""
    missing = missing_table("E4.1", ctx.data, "inspection_schedule")
    if missing:
        return missing
    schedule = ctx.data.table("inspection_schedule")
    if schedule.empty:
        return result("E4.1", FAIL, "the Inspection Schedule has no rows: list what gets inspected and how often")
    counts = schedule["frequency"].value_counts()
    parts = ", ".join(f"{int(counts[f])} {f.lower()}" for f in PERIODS if f in counts)
    return result("E4.1", PASS, f"{plural(len(schedule), 'item')} scheduled ({parts})")


def _inspection_keys(ctx: AuditContext) -> dict[str, pd.DataFrame]:
    """Per schedule Type, the (key, date) pairs of inspections on/before as_of: pre-start units for
    Equipment, workplace inspection sites and areas for Workplace."""
    ps = ctx.data.table("pre_start")
    ps = ps[ps["date"] <= ctx.as_of_ts]
    ins = ctx.data.table("workplace_inspection")
    ins = ins[ins["date"] <= ctx.as_of_ts]
    equipment = pd.DataFrame({"key": keys(ps["unit"]), "date": ps["date"]})
    workplace = pd.concat([pd.DataFrame({"key": keys(ins["site"]), "date": ins["date"]}),
                           pd.DataFrame({"key": keys(ins["area"]), "date": ins["date"]})], ignore_index=True)
    return {k: f[f["key"] != ""].drop_duplicates() for k, f in (("Equipment", equipment), ("Workplace", workplace))}


def _names_item(item: str, key: str) -> bool:
    """A record names a schedule item when one, as whole words, holds the other ('unit 12' ~ 'unit 12 f350')."""
    return f" {item} " in f" {key} " or f" {key} " in f" {item} "


@check("E4.2", 4, "Inspections done as scheduled")
def inspections_as_scheduled(ctx: AuditContext) -> CheckResult:
    """Per schedule item, the periods of its frequency that had work (any form record; for Daily: each work
    day) must each hold an inspection naming the item: a pre-start whose Unit names it (Equipment) or a
    workplace inspection whose Site or Area does (Workplace; blank Type: either). The period in progress counts
    once done. An item Passes at inspection_pass_ratio of its periods, Warns at inspection_warn_ratio; the
    check takes the worst item."""
    missing = missing_table("E4.2", ctx.data, "inspection_schedule")
    if missing:
        return missing
    schedule = ctx.data.table("inspection_schedule")
    if schedule.empty:
        return result("E4.2", FAIL, "the Inspection Schedule has no rows to check inspections against")
    audit = ctx.settings.audit
    found = _inspection_keys(ctx)
    work = work_dates(ctx.data, ctx)
    # Periods with work that are over by as_of; the one in progress is expected only once it is done.
    over = {f: set(judged_periods(ctx, work.dt.to_period(p).unique(), set())) for f, p in PERIODS.items()}
    running = {f: set(work.dt.to_period(p).unique()) - over[f] for f, p in PERIODS.items()}
    by_kind = {kind: pd.concat([f for t, f in found.items() if kind in (t, None)], ignore_index=True)
                for kind in ("Equipment", "Workplace", None)}
    rank = {PASS: 0, WARN: 1, FAIL: 2}
    worst, behind, done_total, expected_total = PASS, [], 0, 0
    for _, item in schedule.iterrows():
        freq = item["frequency"]
        kind = item["type"] if isinstance(item["type"], str) else None
        hits = by_kind[kind if kind in by_kind else None]
        item_key = keys(pd.Series([item["item"]])).iloc[0]
        matching = [k for k in hits["key"].unique() if _names_item(item_key, k)]
        dates = hits.loc[hits["key"].isin(matching), "date"]
        if freq == "Annually":  # once in the window is enough, whatever the calendar year
            expected_n = 1 if len(work) else 0
            done_n = int(bool(in_window(ctx, dates).any())) if expected_n else 0
        else:
            done = set(dates.dt.to_period(PERIODS[freq]).unique())
            extra = len(done & running[freq])
            expected_n, done_n = len(over[freq]) + extra, len(done & over[freq]) + extra
        if not expected_n:
            continue
        done_total, expected_total = done_total + done_n, expected_total + expected_n
        ratio = done_n / expected_n
        status = PASS if ratio >= audit.inspection_pass_ratio else WARN if ratio >= audit.inspection_warn_ratio \
            else FAIL
        if status != PASS:
            behind.append((item, done_n, expected_n))
        worst = max(worst, status, key=rank.__getitem__)
    if expected_total == 0:
        return result("E4.2", WARN, f"no work on record {window_words(ctx)} to expect inspections in")
    detail = (f"{done_total} of {expected_total} scheduled inspections done {window_words(ctx)} "
              f"({round(100 * done_total / expected_total)}%)")
    if behind:
        detail += "; behind: " + ", ".join(
            f"{i['item']} ({i['frequency']}) {d} of {n} {PERIOD_WORDS[i['frequency']]}" for i, d, n in behind[:8])
    return result("E4.2", worst, detail, [f"Inspection Schedule row {int(i['row'])}" for i, _, _ in behind])


@check("E4.3", 4, "Every pre-start or inspection defect has a follow-up record")
def defects_followed_up(ctx: AuditContext) -> CheckResult:
    """Each failed/defect pre-start and each inspection with Deficiencies in the window has a follow-up: a
    Corrective Actions row whose Source Ref is its ID, a Closed date, or Action Taken / Corrective Action
    written on the row itself."""
    if not ctx.data.has("pre_start") and not ctx.data.has("workplace_inspection"):
        return result("E4.3", FAIL, "tables Pre-Start and Workplace Inspection not found")
    ca = ctx.data.table("corrective_actions")
    linked = set(ref_key(ca.loc[ca["raised"] <= ctx.as_of_ts, "source_ref"])) - {""}
    ps = ctx.data.table("pre_start")
    ps = ps[in_window(ctx, ps["date"]) & ((ps["result"] == "Fail") | reports_defect(ps["defects"]))]
    ps_ok = ref_key(ps["id"]).isin(linked) | (ps["closed"] <= ctx.as_of_ts) | affirmed(ps["action_taken"])
    ins = ctx.data.table("workplace_inspection")
    ins = ins[in_window(ctx, ins["date"]) & reports_defect(ins["deficiencies"])]
    ins_ok = (ref_key(ins["id"]).isin(linked) | (ins["closed"] <= ctx.as_of_ts)
              | affirmed(ins["corrective_action"]))
    total = len(ps) + len(ins)
    if total == 0:
        return result("E4.3", PASS, f"no pre-start or inspection defects {window_words(ctx)}")
    without = [*refs(ps[~ps_ok], "pre_start"), *refs(ins[~ins_ok], "workplace_inspection")]
    detail = (f"{len(without)} of {plural(total, 'defect')} {window_words(ctx)} ({len(ps)} pre-start, "
              f"{len(ins)} inspection) have no follow-up record (corrective action, Closed date or action taken)")
    # A defect still within its due period may not have a follow-up yet; one past due without any is the
    # point loss auditors name ("defects have no follow-up records"), however few there are.
    defs = ctx.deficiencies
    overdue = set(ref_key(defs.loc[defs["status"] == "Overdue", "id"]))
    missing_ids = set(ref_key(pd.concat([ps.loc[~ps_ok, "id"], ins.loc[~ins_ok, "id"]])))
    past_due = len(missing_ids & overdue)
    if past_due:
        return result("E4.3", FAIL, f"{detail}; {past_due} of them past due", without)
    return result("E4.3", graded(len(without), total, ctx.settings.audit.shortfall_warn_share), detail, without)
