"""Element 6: Incident Investigation."""

from __future__ import annotations

import difflib

import pandas as pd

from ..normalise.links import linked_records, record_key
from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result
from .common import (
    affirmed,
    document_check,
    filled,
    graded,
    in_window,
    keys,
    missing_table,
    plural,
    refs,
    text_key,
    window_words,
)
from .deficiencies import AWAITING, OVERDUE, ref_key
from .registry import check


def _incidents_in_window(ctx: AuditContext) -> pd.DataFrame:
    inc = ctx.data.table("incident")
    return inc[in_window(ctx, inc["incident_date"])]


@check("E6.1", 6, "Written incident investigation procedure")
def investigation_procedure(ctx: AuditContext) -> CheckResult:
    """A dated Program row for the incident investigation procedure ('investigation', 'incident reporting')."""
    return document_check("E6.1", ctx, "Incident Investigation Procedure")


def near_misses_in_window(ctx: AuditContext) -> pd.DataFrame:
    """Near Miss incidents in the look-back window: check E6.2 and the headline count both use this."""
    inc = _incidents_in_window(ctx)
    return inc[inc["type"] == "Near Miss"]


@check("E6.2", 6, "Near misses reported in the window")
def near_misses(ctx: AuditContext) -> CheckResult:
    """At least near_misses_min Near Miss reports in the window: zero looks like nobody reports."""
    missing = missing_table("E6.2", ctx.data, "incident")
    if missing:
        return missing
    inc = _incidents_in_window(ctx)
    nm = near_misses_in_window(ctx)
    detail = (f"{plural(len(nm), 'near miss', 'near misses')} reported {window_words(ctx)} "
              f"(of {plural(len(inc), 'incident')})")
    if len(nm) < ctx.settings.audit.near_misses_min:
        detail += "; zero near misses looks like nobody reports them"
        return result("E6.2", FAIL, detail)
    return result("E6.2", PASS, detail, refs(nm, "incident"))


def root_cause_problem(root: str, description: str, vague: set[str], similarity: float) -> str | None:
    """Why a root cause (text_key) explains nothing beyond the description (text_key); None when it does."""
    if not root:
        return "blank"
    if root in vague:
        return "vague"
    if root == description or f" {root} " in f" {description} ":
        return "repeats the description"
    if difflib.SequenceMatcher(None, root, description, autojunk=False).ratio() >= similarity:
        return "repeats the description"
    return None


@check("E6.3", 6, "Every incident has a root cause that is more than its description")
def root_causes(ctx: AuditContext) -> CheckResult:
    """Each incident in the window (near misses too) has a Root Cause that is not blank, not a vague phrase
    (vague_root_causes, e.g. 'human error') and not a repeat of its Description: the same words, a part of it,
    or notes_similarity alike."""
    missing = missing_table("E6.3", ctx.data, "incident")
    if missing:
        return missing
    inc = _incidents_in_window(ctx)
    if inc.empty:
        return result("E6.3", WARN, f"no incidents {window_words(ctx)}: no root cause to judge")
    vague = {text_key(v) for v in ctx.settings.audit.vague_root_causes} | {""}
    problems = [root_cause_problem(r, d, vague, ctx.settings.audit.notes_similarity)
                for r, d in zip(keys(inc["root_cause"]), keys(inc["description"]), strict=True)]
    bad = pd.Series([p is not None for p in problems], index=inc.index)
    counts = pd.Series([p for p in problems if p]).value_counts()
    n_bad = int(bad.sum())
    detail = (f"{n_bad} of {plural(len(inc), 'incident')} {window_words(ctx)} {'lacks' if n_bad == 1 else 'lack'} "
              "a real root cause")
    if len(counts):
        detail += " (" + ", ".join(f"{n} {why}" for why, n in counts.items()) + ")"
    return result("E6.3", graded(int(bad.sum()), len(inc), ctx.settings.audit.shortfall_warn_share), detail,
                  refs(inc[bad], "incident"))


@check("E6.4", 6, "Incident corrective actions implemented and verified")
def incident_actions(ctx: AuditContext) -> CheckResult:
    """Incidents in the window and their corrective actions (Corrective Actions text on the incident, or
    Corrective Actions rows linked to it either way, or with Source Incident): Fail when one is overdue; Warn
    when one is open, awaiting verification, or an incident has no corrective action at all, and when there
    is no incident nor incident action in the window (nothing to judge); Pass otherwise."""
    missing = missing_table("E6.4", ctx.data, "incident", "corrective_actions")
    if missing:
        return missing
    inc = _incidents_in_window(ctx)
    ca = ctx.data.table("corrective_actions")
    ca = ca[ca["raised"] <= ctx.as_of_ts]
    links = ctx.action_links()
    has_action = filled(inc["corrective_actions"]) | ref_key(inc["id"]).isin(linked_records(links, ca["row"]))
    incident_cas = ca[(ca["source"] == "Incident") & in_window(ctx, ca["raised"])]
    if inc.empty and incident_cas.empty:
        return result("E6.4", WARN, f"no incidents {window_words(ctx)}: no corrective action to judge")
    ids = set(inc["id"]) | set(incident_cas["action_id"])
    defs = ctx.deficiencies
    outstanding = defs[defs["id"].isin(ids)]
    overdue = outstanding[outstanding["status"] == OVERDUE]
    awaiting = outstanding[outstanding["status"] == AWAITING]
    without = inc[~has_action]
    # Actions raised from an incident but not linked to one of this window's incidents count on their own.
    window_keys = set(ref_key(inc["id"]))
    linked_rows = set(links.loc[links["record_id"].map(record_key).isin(window_keys), "action_row"])
    unlinked_cas = incident_cas[~incident_cas["row"].isin(linked_rows)]
    total = int(has_action.sum()) + len(unlinked_cas)
    detail = (f"{plural(total, 'incident corrective action')} {window_words(ctx)}: {len(overdue)} overdue, "
              f"{len(outstanding) - len(overdue) - len(awaiting)} open, {len(awaiting)} awaiting verification; "
              f"{len(without)} of {plural(len(inc), 'incident')} with no corrective action")
    status = FAIL if len(overdue) else WARN if len(outstanding) or len(without) else PASS
    return result("E6.4", status, detail, [*outstanding["id"], *refs(without, "incident")])


@check("E6.5", 6, "Incident findings communicated to the crew")
def communicated(ctx: AuditContext) -> CheckResult:
    """Each incident in the window has Communicated To Crew answered (not 'no'/'pending'), or its ID appears
    in a toolbox talk's topic or notes."""
    missing = missing_table("E6.5", ctx.data, "incident")
    if missing:
        return missing
    inc = _incidents_in_window(ctx)
    if inc.empty:
        return result("E6.5", WARN, f"no incidents {window_words(ctx)}: nothing to show as communicated")
    talks = ctx.data.table("toolbox_talk")
    talk_text = " ".join(str(t).casefold() for t in pd.concat([talks["topic"], talks["notes"]]).dropna())
    told = affirmed(inc["communicated_to_crew"]) | inc["id"].map(lambda i: str(i).casefold() in talk_text)
    untold = inc[~told.astype(bool)]
    detail = (f"{len(untold)} of {plural(len(inc), 'incident')} {window_words(ctx)} not shown as communicated "
              "to the crew")
    return result("E6.5", graded(len(untold), len(inc), ctx.settings.audit.shortfall_warn_share), detail,
                  refs(untold, "incident"))
