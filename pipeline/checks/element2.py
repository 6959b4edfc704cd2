"""Element 2: Hazard Identification and Assessment."""

from __future__ import annotations

import pandas as pd

from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result
from .common import (
    active_workers,
    affirmed,
    document_check,
    graded,
    in_window,
    judged_periods,
    keys,
    mentions,
    missing_table,
    months_of,
    on_or_before,
    plural,
    refs,
    text_key,
    window_words,
    work_dates,
)
from .registry import check


def _flhas_in_window(ctx: AuditContext) -> pd.DataFrame:
    flha = ctx.data.table("flha")
    return flha[in_window(ctx, flha["date"])]


@check("E2.1", 2, "Written hazard identification procedure")
def hazard_procedure(ctx: AuditContext) -> CheckResult:
    """A dated Program row for the hazard identification procedure (hazard identification/assessment, FLHA)."""
    return document_check("E2.1", ctx, "Hazard Identification Procedure")


@check("E2.2", 2, "FLHAs on file and recent: none missing for a month with work")
def flhas_on_file(ctx: AuditContext) -> CheckResult:
    """FLHAs dated in the window, and one in every month that had work (any form record). The month in
    progress counts once it has one."""
    missing = missing_table("E2.2", ctx.data, "flha")
    if missing:
        return missing
    flha = _flhas_in_window(ctx)
    if flha.empty:
        return result("E2.2", FAIL, f"no FLHAs {window_words(ctx)}")
    done = months_of(flha["date"])
    months = judged_periods(ctx, months_of(work_dates(ctx.data, ctx)), done)
    gaps = [m for m in months if m not in done]
    latest = flha["date"].max().date().isoformat()
    detail = f"{plural(len(flha), 'FLHA')} {window_words(ctx)} (latest {latest}); "
    if gaps:
        detail += (f"none in {len(gaps)} of {plural(len(months), 'month')} with work: "
                   + ", ".join(str(m) for m in gaps))
    else:
        detail += f"every one of {plural(len(months), 'month')} with work has FLHAs"
    status = graded(len(gaps), len(months), ctx.settings.audit.shortfall_warn_share)
    return result("E2.2", status, detail, [str(m) for m in gaps])


@check("E2.3", 2, "FLHAs signed and reviewed")
def flhas_signed(ctx: AuditContext) -> CheckResult:
    """Each FLHA in the window has a Worker Signature and a Supervisor Review (a 'no' or 'n/a' is neither)."""
    missing = missing_table("E2.3", ctx.data, "flha")
    if missing:
        return missing
    flha = _flhas_in_window(ctx)
    if flha.empty:
        return result("E2.3", FAIL, f"no FLHAs {window_words(ctx)} to show signatures")
    unsigned = ~affirmed(flha["worker_signature"])
    unreviewed = ~affirmed(flha["supervisor_review"])
    bad = unsigned | unreviewed
    detail = (f"{int(unsigned.sum())} of {plural(len(flha), 'FLHA')} {window_words(ctx)} unsigned, "
              f"{int(unreviewed.sum())} not reviewed by a supervisor")
    return result("E2.3", graded(int(bad.sum()), len(flha), ctx.settings.audit.shortfall_warn_share), detail,
                  refs(flha[bad], "flha"))


@check("E2.4", 2, "FLHAs site-specific, hazards not copy-pasted")
def flhas_site_specific(ctx: AuditContext) -> CheckResult:
    """Generic site: the Site (case/punctuation ignored) is blank or one of generic_site_words. Copy-paste:
    the same Hazards text (case/spacing/punctuation ignored) on FLHAs of >= copy_paste_min_sites different
    sites or >= copy_paste_min_days different days in the window. Warn while such FLHAs are at most
    generic_site_share of all, Fail beyond. A Hazards column fed by a checkbox question is not judged
    for copy-paste: its ticked boxes repeat by design; the site still is."""
    missing = missing_table("E2.4", ctx.data, "flha")
    if missing:
        return missing
    flha = _flhas_in_window(ctx)
    if flha.empty:
        return result("E2.4", FAIL, f"no FLHAs {window_words(ctx)} to judge")
    audit = ctx.settings.audit
    site = keys(flha["site"])
    generic = (site == "") | site.isin({text_key(w) for w in audit.generic_site_words} | {""})
    status = ctx.data.status.get("flha")
    checklist = status is not None and "hazards" in status.checklist_columns
    hazards = keys(flha["hazards"]) if not checklist else pd.Series("", index=flha.index)
    spread = (pd.DataFrame({"hazards": hazards, "site": site, "date": flha["date"]})[hazards != ""]
              .groupby("hazards").agg(sites=("site", "nunique"), days=("date", "nunique")))
    copied_texts = spread.index[(spread["sites"] >= audit.copy_paste_min_sites)
                                | (spread["days"] >= audit.copy_paste_min_days)]
    copied = hazards.isin(set(copied_texts))
    bad = generic | copied
    n_generic, n_copied = int(generic.sum()), int(copied.sum())
    detail = (f"{n_generic} of {plural(len(flha), 'FLHA')} {window_words(ctx)} "
              f"{'names' if n_generic == 1 else 'name'} a blank or generic site; {n_copied} "
              f"{'repeats' if n_copied == 1 else 'repeat'} hazard text used on {audit.copy_paste_min_sites}+ sites or "
              f"{audit.copy_paste_min_days}+ days ({plural(len(copied_texts), 'text')}, looks copy-pasted)")
    if checklist:
        detail = (f"{n_generic} of {plural(len(flha), 'FLHA')} {window_words(ctx)} "
                  f"{'names' if n_generic == 1 else 'name'} a blank or generic site; hazards are ticked on a "
                  "checklist (the same boxes on many FLHAs is not copy-paste), so only sites are judged")
    return result("E2.4", graded(int(bad.sum()), len(flha), audit.generic_site_share), detail,
                  refs(flha[bad], "flha"))


@check("E2.5", 2, "Hazard register present and reviewed in the window")
def hazard_register_reviewed(ctx: AuditContext) -> CheckResult:
    """Every hazard register row was reviewed (Reviewed, else Identified) within the window. Warn when only
    some were, Fail when none were or the register is empty."""
    missing = missing_table("E2.5", ctx.data, "hazard_register")
    if missing:
        return missing
    register = ctx.data.table("hazard_register")
    register = register[~(register["identified"] > ctx.as_of_ts)]
    if register.empty:
        return result("E2.5", FAIL, "the hazard register has no rows")
    reviewed = register["reviewed"].where(on_or_before(ctx, register["reviewed"]))
    last = reviewed.where(reviewed.notna(), register["identified"])
    current = last >= ctx.window_start
    stale = register[~current]
    detail = f"{int(current.sum())} of {plural(len(register), 'hazard')} reviewed {window_words(ctx)}"
    if stale.empty:
        status = PASS
    else:
        status = WARN if current.any() else FAIL
        detail += f"; {len(stale)} not reviewed since {ctx.window_start.date().isoformat()} or undated"
    return result("E2.5", status, detail, refs(stale, "hazard_register"))


@check("E2.6", 2, "Workers trained on the FLHA process")
def flha_training(ctx: AuditContext) -> CheckResult:
    """Each active worker has an orientation whose Topics mention the FLHA process, or a training record
    whose Ticket does (settings.audit.flha_training_words, e.g. 'FLHA', 'hazard assessment')."""
    missing = missing_table("E2.6", ctx.data, "workers")
    if missing:
        return missing
    if not ctx.data.has("orientation") and not ctx.data.has("training_records"):
        return result("E2.6", FAIL, "tables Orientation and Training Records not found; no record can show FLHA "
                                    "training")
    words = ctx.settings.audit.flha_training_words
    ori = ctx.data.table("orientation")
    ori = ori[on_or_before(ctx, ori["date"]) & mentions(ori["topics"], words)]
    tr = ctx.data.table("training_records")
    # A grid cell may give only the expiry: the ticket was held, whenever it was taken.
    held = on_or_before(ctx, tr["completed"]) | (tr["completed"].isna() & tr["expires"].notna())
    tr = tr[held & mentions(tr["ticket"], words)]
    trained = set(keys(ori["worker"])) | set(keys(tr["worker"]))
    workers = active_workers(ctx.data.table("workers"), ctx.as_of)
    if workers.empty:
        return result("E2.6", FAIL, "no active workers on Workers")
    untrained = workers[~workers["key"].isin(trained)]
    detail = f"{len(workers) - len(untrained)} of {plural(len(workers), 'active worker')} trained on the FLHA process"
    if not untrained.empty:
        detail += ("; no orientation topic or ticket mentions FLHAs for " + ", ".join(untrained["name"].head(10))
                   + (" …" if len(untrained) > 10 else ""))
    status = graded(len(untrained), len(workers), ctx.settings.audit.shortfall_warn_share)
    return result("E2.6", status, detail, refs(untrained, "workers"))
