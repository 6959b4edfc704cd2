"""The action list: what to fix before an audit, grouped by kind, each line naming who acts and the record."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ...checks.audit import Findings
from ...checks.base import CERTIFICATE, FAIL
from ...normalise.dataset import Dataset
from ...settings import AuditSettings
from .model import Action, ActionGroup
from .records import flagged_by, root_cause_missing
from .values import ACTIONS_PER_GROUP, blank, fmt_date, norm, text


def safety_lead(data: Dataset, audit: AuditSettings, as_of: date) -> str:
    """Who fixes program-level gaps: the first active worker in a management role (owner first)."""
    workers = data.table("workers")
    if workers.empty:
        return "Owner"
    end = pd.to_datetime(workers["end_date"], errors="coerce")
    active = workers[end.isna() | (end > pd.Timestamp(as_of))]
    for role in audit.management_roles:
        hit = active[active["role"].map(norm) == role]
        if not hit.empty:
            return text(hit.iloc[0]["name"], 80)
    return "Owner"


def _ticket_actions(findings: Findings) -> list[Action]:
    certs = findings.certifications
    overdue = certs[certs["status"].isin(["Expired", "Missing"])] if not certs.empty else certs
    actions = []
    for _, c in overdue.iterrows():
        if c["status"] == "Expired":
            what = f"{text(c['ticket'], 80)} expired {fmt_date(c['expires'])}: renew it and file the new certificate."
            record = f"Training Records row {text(c['record_row'])}" if not blank(c.get("record_row")) else "—"
        else:
            what = f"{text(c['ticket'], 80)} required for {text(c['role'], 60)}: no usable record on file."
            record = "Add a row to Training Records, or fix its row listed under Data issues"
        actions.append(Action("Ticket", str(c["status"]), what, text(c["worker"], 80), record, "Element 5"))
    return actions


def _deficiency_actions(findings: Findings) -> list[Action]:
    defs = findings.deficiencies
    late = defs[defs["status"] == "Overdue"] if not defs.empty else defs
    if not late.empty:
        late = late.sort_values("age_days", ascending=False, kind="stable")
    actions = []
    for _, d in late.iterrows():
        where = text(d["unit_or_site"], 60)
        what = (f"{text(d['source'], 30)} deficiency{' on ' + where if where else ''}: {text(d['description'], 160)} "
                f"(found {fmt_date(d['found'])}, due {fmt_date(d['due'])}, {text(d['age_days'])} days old)")
        actions.append(Action("Deficiency", "Overdue", what, text(d["assigned_to"], 80) or "Unassigned",
                              text(d["id"], 40), "Element 3" if d["source"] != "Incident" else "Element 6"))
    return actions


def _incident_actions(findings: Findings, data: Dataset, as_of: date, audit: AuditSettings) -> list[Action]:
    """Incidents of the audit's look-back window (not only the month) whose root cause is missing."""
    incidents = data.table("incident")
    start = pd.Timestamp(as_of) - pd.DateOffset(months=audit.lookback_months) + pd.Timedelta(days=1)
    dates = pd.to_datetime(incidents["incident_date"], errors="coerce")
    window = incidents[(dates >= start) & (dates <= pd.Timestamp(as_of))].sort_values("incident_date", kind="stable")
    flagged = flagged_by(findings, "E6.3")
    actions = []
    for _, r in window.iterrows():
        if root_cause_missing(r, flagged, audit):
            who = text(r["investigated_by"], 80) or f"Unassigned (reported by {text(r['reporter'], 60)})"
            what = (f"{text(r['type'], 30)} on {fmt_date(r['incident_date'])}: record a root cause that explains why "
                    f"it happened, not what happened. \u201c{text(r['description'], 120)}\u201d")
            actions.append(Action("Incident", "No root cause", what, who, text(r["id"], 40), "Element 6"))
    return actions


def _check_actions(findings: Findings, lead: str) -> list[Action]:
    actions = []
    for c in findings.checks:
        if c.status == FAIL:
            record = ", ".join(text(r, 40) for r in c.records[:3]) + (" …" if len(c.records) > 3 else "")
            where = "Certificate" if c.element == CERTIFICATE else f"Element {c.element}"
            actions.append(Action("Check", FAIL, f"{c.title}: {text(c.detail, 300)}", lead, record or "—", where))
    return actions


def _group(title: str, actions: list[Action]) -> ActionGroup:
    return ActionGroup(title, tuple(actions[:ACTIONS_PER_GROUP]), len(actions))


def action_groups(findings: Findings, data: Dataset, lead: str, as_of: date,
                  audit: AuditSettings) -> tuple[ActionGroup, ...]:
    """The action list, most urgent kind first; ``lead`` answers for the failed checks; ``audit`` is the
    company's audit settings (look-back window, vague root causes)."""
    return (
        _group("Expired or missing tickets", _ticket_actions(findings)),
        _group("Overdue deficiencies", _deficiency_actions(findings)),
        _group("Incidents without a root cause", _incident_actions(findings, data, as_of, audit)),
        _group("Failed checks", _check_actions(findings, lead)),
    )
