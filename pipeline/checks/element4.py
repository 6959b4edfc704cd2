"""Element 4: Ongoing Inspections."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..normalise.links import linked_records
from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result
from .common import (
    FORM_DATE_COLUMNS,
    affirmed,
    graded,
    in_window,
    judged_periods,
    keys,
    missing_table,
    plural,
    pre_start_defect,
    refs,
    reports_defect,
    window_words,
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


@dataclass(frozen=True)
class ItemCoverage:
    """One Inspection Schedule item over a range: of ``expected`` periods of its frequency that had work,
    ``done`` held an inspection naming the item."""

    item: str
    frequency: str
    type: str | None  # "Equipment", "Workplace", or None (blank Type: either)
    row: int  # Inspection Schedule sheet row
    done: int
    expected: int


def _work_in(ctx: AuditContext, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Dates of every form record from start to end, both included: the days the company was working."""
    parts = []
    for key, column in FORM_DATE_COLUMNS.items():
        dates = ctx.data.table(key)[column]
        parts.append(dates[(dates >= start) & (dates <= end)])
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="datetime64[us]")


def inspection_coverage(ctx: AuditContext, start: pd.Timestamp, end: pd.Timestamp) -> list[ItemCoverage]:
    """Per Inspection Schedule item (sheet order), how many periods of its frequency with work from start to end
    (both included; end no later than as_of) held an inspection naming the item.

    A period counts when it had work in the range (any form record; for Daily: each work day), so a week
    straddling ``start`` or ``end`` counts, and it is done when an inspection naming the item falls anywhere in
    it on or before as_of: a pre-start whose Unit names it (Equipment) or a workplace inspection whose Site or
    Area does (Workplace; blank Type: either), by whole words. The period holding as_of is expected only once
    done. An Annually item is expected once when the range had work and is done when inspected in the
    look-back window (lookback_months) ending at ``end``, whatever the calendar year. Items with nothing
    expected are listed with expected 0. Pure: E4.2 calls it over its window, the monthly pack over the month.
    """
    schedule = ctx.data.table("inspection_schedule") if ctx.data.has("inspection_schedule") else None
    if schedule is None or schedule.empty:
        return []
    start, end = pd.Timestamp(start), min(pd.Timestamp(end), ctx.as_of_ts)
    found = _inspection_keys(ctx)
    work = _work_in(ctx, start, end)
    # Periods with work that are over by as_of; the one in progress is expected only once it is done.
    over = {f: set(judged_periods(ctx, work.dt.to_period(p).unique(), set())) for f, p in PERIODS.items()}
    running = {f: set(work.dt.to_period(p).unique()) - over[f] for f, p in PERIODS.items()}
    by_kind = {kind: pd.concat([f for t, f in found.items() if kind in (t, None)], ignore_index=True)
               for kind in ("Equipment", "Workplace", None)}
    year_start = min(start, end - pd.DateOffset(months=ctx.settings.audit.lookback_months) + pd.Timedelta(days=1))
    out = []
    for _, item in schedule.iterrows():
        freq = item["frequency"]
        kind = item["type"] if isinstance(item["type"], str) else None
        hits = by_kind[kind if kind in by_kind else None]
        item_key = keys(pd.Series([item["item"]])).iloc[0]
        matching = [k for k in hits["key"].unique() if _names_item(item_key, k)]
        dates = hits.loc[hits["key"].isin(matching), "date"]
        if freq == "Annually":  # once in the look-back window is enough, whatever the calendar year
            expected_n = 1 if len(work) else 0
            done_n = int(bool(((dates >= year_start) & (dates <= end)).any())) if expected_n else 0
        else:
            done = set(dates.dt.to_period(PERIODS[freq]).unique())
            extra = len(done & running[freq])
            expected_n, done_n = len(over[freq]) + extra, len(done & over[freq]) + extra
        out.append(ItemCoverage(str(item["item"]), str(freq), kind, int(item["row"]), done_n, expected_n))
    return out


@check("E4.2", 4, "Inspections done as scheduled")
def inspections_as_scheduled(ctx: AuditContext) -> CheckResult:
    """Per schedule item, the periods of its frequency that had work in the window must each hold an inspection
    naming the item (see inspection_coverage). An item Passes at inspection_pass_ratio of its periods, Warns at
    inspection_warn_ratio; the check takes the worst item."""
    missing = missing_table("E4.2", ctx.data, "inspection_schedule")
    if missing:
        return missing
    if ctx.data.table("inspection_schedule").empty:
        return result("E4.2", FAIL, "the Inspection Schedule has no rows to check inspections against")
    audit = ctx.settings.audit
    rank = {PASS: 0, WARN: 1, FAIL: 2}
    worst, behind, done_total, expected_total = PASS, [], 0, 0
    for cover in inspection_coverage(ctx, ctx.window_start, ctx.as_of_ts):
        if not cover.expected:
            continue
        done_total, expected_total = done_total + cover.done, expected_total + cover.expected
        ratio = cover.done / cover.expected
        status = PASS if ratio >= audit.inspection_pass_ratio else WARN if ratio >= audit.inspection_warn_ratio \
            else FAIL
        if status != PASS:
            behind.append(cover)
        worst = max(worst, status, key=rank.__getitem__)
    if expected_total == 0:
        return result("E4.2", WARN, f"no work on record {window_words(ctx)} to expect inspections in")
    detail = (f"{done_total} of {plural(expected_total, 'scheduled inspection')} done {window_words(ctx)} "
              f"({round(100 * done_total / expected_total)}%)")
    if behind:
        detail += "; behind: " + ", ".join(
            f"{c.item} ({c.frequency}) {c.done} of {c.expected} {PERIOD_WORDS[c.frequency]}" for c in behind[:8])
    return result("E4.2", worst, detail, [f"Inspection Schedule row {c.row}" for c in behind])


def _no_defects(ctx: AuditContext) -> str:
    """Why E4.3 has nothing to judge: no records at all, or records none of which reports a defect."""
    ps, ins = ctx.data.table("pre_start"), ctx.data.table("workplace_inspection")
    n = int(in_window(ctx, ps["date"]).sum()) + int(in_window(ctx, ins["date"]).sum())
    if n == 0:
        return f"no pre-starts or workplace inspections {window_words(ctx)}: no defect follow-up to judge"
    return (f"none of {plural(n, 'pre-start and inspection', 'pre-starts and inspections')} {window_words(ctx)} "
            "reports a defect: no follow-up to judge")


@check("E4.3", 4, "Every pre-start or inspection defect has a follow-up record")
def defects_followed_up(ctx: AuditContext) -> CheckResult:
    """Each failed/defect pre-start and each inspection with Deficiencies in the window has a follow-up: a
    Corrective Actions row linked to it either way (its Source Ref is the record's ID, or the row names the
    Action ID), a Closed date, or Action Taken / Corrective Action written on the row itself. No defect in the
    window is nothing to judge: Warn."""
    if not ctx.data.has("pre_start") and not ctx.data.has("workplace_inspection"):
        return result("E4.3", FAIL, "tables Pre-Start and Workplace Inspection not found")
    ca = ctx.data.table("corrective_actions")
    linked = linked_records(ctx.action_links(), ca.loc[ca["raised"] <= ctx.as_of_ts, "row"])
    ps = ctx.data.table("pre_start")
    ps = ps[in_window(ctx, ps["date"]) & pre_start_defect(ps)]
    ps_ok = ref_key(ps["id"]).isin(linked) | (ps["closed"] <= ctx.as_of_ts) | affirmed(ps["action_taken"])
    ins = ctx.data.table("workplace_inspection")
    ins = ins[in_window(ctx, ins["date"]) & reports_defect(ins["deficiencies"])]
    ins_ok = (ref_key(ins["id"]).isin(linked) | (ins["closed"] <= ctx.as_of_ts)
              | affirmed(ins["corrective_action"]))
    total = len(ps) + len(ins)
    if total == 0:
        return result("E4.3", WARN, _no_defects(ctx))
    without = [*refs(ps[~ps_ok], "pre_start"), *refs(ins[~ins_ok], "workplace_inspection")]
    verb = "has" if len(without) == 1 else "have"
    detail = (f"{len(without)} of {plural(total, 'defect')} {window_words(ctx)} ({len(ps)} pre-start, "
              f"{len(ins)} inspection) {verb} no follow-up record "
              "(corrective action, Closed date or action taken)")
    # A defect still within its due period may not have a follow-up yet; one past due without any is the
    # point loss auditors name ("defects have no follow-up records"), however few there are.
    defs = ctx.deficiencies
    overdue = set(ref_key(defs.loc[defs["status"] == "Overdue", "id"]))
    missing_ids = set(ref_key(pd.concat([ps.loc[~ps_ok, "id"], ins.loc[~ins_ok, "id"]])))
    past_due = len(missing_ids & overdue)
    if past_due:
        return result("E4.3", FAIL, f"{detail}; {past_due} of them past due", without)
    return result("E4.3", graded(len(without), total, ctx.settings.audit.shortfall_warn_share), detail, without)
