"""The certificate itself (S.1-S.3): small employer, maintenance audit calendar, Partner training."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .base import CERTIFICATE, FAIL, PASS, WARN, AuditContext, CheckResult, result
from .certifications import add_months, latest_records
from .common import active_workers, documents, keys, missing_table, refs, text_key, window_words
from .registry import check


@check("S.1", CERTIFICATE, "Still a small employer")
def small_employer(ctx: AuditContext) -> CheckResult:
    """No more than small_employer_limit people (everyone on Workers: owners, office, part-time) active on any
    day of the window; a person on Workers twice counts once. Over it, the company must move to COR."""
    missing = missing_table("S.1", ctx.data, "workers")
    if missing:
        return missing
    workers = ctx.data.table("workers")
    if workers.empty:
        return result("S.1", WARN, "no one on Workers: no headcount to judge")
    workers = workers.assign(key=keys(workers["name"]))
    # Headcount only rises on a start date, so the peak is on the window's first day or a start in it.
    in_range = (workers["start_date"] > ctx.window_start) & (workers["start_date"] <= ctx.as_of_ts)
    starts = workers.loc[in_range, "start_date"]
    days = sorted({ctx.window_start, *starts})
    peak_day, peak = ctx.window_start, pd.DataFrame(columns=workers.columns)
    for day in days:
        on = workers[(workers["start_date"] <= day) & (workers["end_date"].isna() | (workers["end_date"] > day))]
        on = on.drop_duplicates("key")
        if len(on) > len(peak):
            peak_day, peak = day, on
    limit = ctx.settings.audit.small_employer_limit
    detail = (f"at most {len(peak)} people active at once {window_words(ctx)} "
              f"(peak on {pd.Timestamp(peak_day).date().isoformat()}; limit {limit})")
    if len(peak) > limit:
        return result("S.1", FAIL, detail + "; over the limit SECOR no longer applies: plan the move to COR",
                      refs(peak, "workers"))
    return result("S.1", PASS, detail)


def _month_label(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m")


@dataclass(frozen=True)
class AuditCalendar:
    """The certificate's audit calendar as the Program tab gives it (see check S.2)."""

    issued: pd.Timestamp
    expiry: pd.Timestamp
    row: int  # Program row of the certificate
    maintenance_done: int
    next_title: str  # "year-2 maintenance audit", "year-3 maintenance audit" or "recertification audit"
    next_start: pd.Timestamp  # first day of the month it is due in (the expiry for recertification)
    next_end: pd.Timestamp  # last day it may be held


def audit_calendar(ctx: AuditContext) -> AuditCalendar | None:
    """From the latest Program row naming the SECOR certificate (not a maintenance audit) with a Signed Date
    (= issue date): maintenance audits are due in the certificate's month in years 2 and 3, and it expires after
    3 years. Each later 'SECOR' row (e.g. 'SECOR Maintenance Audit 2026') counts as one maintenance audit done.
    None without such a row (or without the Program table)."""
    if not ctx.data.has("program"):
        return None
    rows = documents(ctx.data.table("program"), "SECOR Certificate", ctx)
    rows = rows[rows["signed_date"].notna()].sort_values(["signed_date", "row"])
    if rows.empty:
        return None
    is_maintenance = rows["key"].map(lambda k: "maintenance" in k or "annual" in k).astype(bool)
    anchors = rows[~is_maintenance]
    anchor = (anchors if not anchors.empty else rows).iloc[-1]
    issued = anchor["signed_date"]
    done = int((rows["signed_date"] > issued).sum())
    expiry = issued + pd.DateOffset(years=3)
    for year in (1, 2):
        if done < year:
            start = (issued + pd.DateOffset(years=year)).to_period("M").start_time
            return AuditCalendar(issued, expiry, int(anchor["row"]), done, f"year-{year + 1} maintenance audit",
                                 start, start + pd.offsets.MonthEnd(0))
    return AuditCalendar(issued, expiry, int(anchor["row"]), done, "recertification audit", expiry, expiry)


@check("S.2", CERTIFICATE, "Maintenance audit calendar")
def maintenance_calendar(ctx: AuditContext) -> CheckResult:
    """The calendar of :func:`audit_calendar`. Warn from maintenance_warn_days before a due month (or the
    expiry), Fail once a due month has passed without it, or the certificate has expired."""
    missing = missing_table("S.2", ctx.data, "program")
    if missing:
        return missing
    cal = audit_calendar(ctx)
    if cal is None:
        return result("S.2", WARN, "no 'SECOR Certificate' row with a Signed Date (issue date) on the Program tab; "
                                   "add it to track the maintenance audits")
    warn = pd.Timedelta(days=ctx.settings.audit.maintenance_warn_days)
    where = [f"Program row {cal.row}"]
    base = f"certificate issued {cal.issued.date().isoformat()}, expires {cal.expiry.date().isoformat()}"
    as_of = ctx.as_of_ts
    if as_of >= cal.expiry:
        return result("S.2", FAIL, f"{base}: expired; a new certification audit is needed", where)
    if cal.next_title.endswith("maintenance audit"):
        label = _month_label(cal.next_start)
        if as_of > cal.next_end:
            return result("S.2", FAIL, f"{base}; the {cal.next_title} was due in {label} and no "
                                       "newer SECOR row is on the Program tab", where)
        status = WARN if as_of >= cal.next_start - warn else PASS
        return result("S.2", status, f"{base}; next due: {cal.next_title} in {label}", where)
    status = WARN if as_of >= cal.expiry - warn else PASS
    return result("S.2", status, f"{base}; both maintenance audits on file; next due: recertification audit "
                                 f"by {cal.expiry.date().isoformat()}", where)


@check("S.3", CERTIFICATE, "Certifying Partner training held by an active worker")
def partner_training(ctx: AuditContext) -> CheckResult:
    """At least one active worker holds every ticket of settings.audit.partner_tickets (ACSA: CSTS and Standard
    First Aid), current as of the date. Ticket names match at word starts, case and punctuation ignored
    ('CSTS-2020', 'Standard First Aid & CPR'); expiry is Expires, else Completed + the matrix's validity for a
    ticket of that name, else none."""
    missing = missing_table("S.3", ctx.data, "workers", "training_records")
    if missing:
        return missing
    audit = ctx.settings.audit
    active = active_workers(ctx.data.table("workers"), ctx.as_of)
    records = latest_records(ctx.data.table("training_records"), ctx.as_of_ts)
    matrix = ctx.data.table("training_matrix")
    months = (matrix.assign(ticket_key=keys(matrix["ticket"])).dropna(subset=["valid_for_months"])
              .drop_duplicates("ticket_key").set_index("ticket_key")["valid_for_months"])
    expiry = records["expires"].where(records["expires"].notna(),
                                      add_months(records["completed"], records["ticket_key"].map(months)))
    current = records[(expiry.isna() | (expiry >= ctx.as_of_ts)) & records["worker_key"].isin(set(active["key"]))]
    holders = {}
    for ticket in audit.partner_tickets:
        wanted = f" {text_key(ticket)}"
        holders[ticket] = set(current.loc[current["ticket_key"].map(lambda k, w=wanted: w in f" {k}")
                                          .astype(bool), "worker_key"])
    both = set.intersection(*holders.values()) if holders else set()
    names = dict(zip(active["key"], active["name"], strict=True))
    held = "; ".join(f"{t}: {', '.join(sorted(names[k] for k in ks)) or 'nobody'}" for t, ks in holders.items())
    rule = f"{audit.partner} requires one active worker holding {' and '.join(audit.partner_tickets)}"
    if both:
        verb = "holds" if len(both) == 1 else "hold"
        return result("S.3", PASS, f"{', '.join(sorted(names[k] for k in both))} {verb} all of "
                                   f"{', '.join(audit.partner_tickets)}, current ({rule})",
                      refs(active[active["key"].isin(both)], "workers"))
    return result("S.3", FAIL, f"no active worker holds all current: {held} ({rule})")
