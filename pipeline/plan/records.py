"""Actions on single records: a ticket to renew, a deficiency to close or verify, an incident to finish."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..checks.audit import Findings
from ..checks.base import PASS
from ..checks.common import text_key
from ..normalise.dataset import Dataset
from ..settings import Settings
from . import people, places
from .model import DEFICIENCY, INCIDENT, SOON_TIER, TICKET, PlanAction

_DUE_DEFAULT = "Due on the record, or [audit] due_days_default / due_days_out_of_service after it was found"


def _day(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def _text(value: object, limit: int = 200) -> str:
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def ticket_actions(findings: Findings, data: Dataset, settings: Settings, as_of: date) -> list[PlanAction]:
    """One action per expired, missing or expiring ticket: the worker holding (or needing) it renews it."""
    certs = findings.certifications
    audit = settings.audit
    partner = {text_key(t) for t in audit.partner_tickets}
    s3_open = any(c.id == "S.3" and c.status != PASS for c in findings.checks)
    grid = places.is_grid(data, "training_records")
    tab = places.tab_of(data, "training_records")
    out = []
    for c in certs[certs["status"].isin(["Expired", "Missing", "Expiring"])].itertuples(index=False):
        worker, ticket, status = str(c.worker), str(c.ticket), str(c.status)
        expires = _day(c.expires)
        if status == "Missing":
            what = f"Get {worker} the {ticket} ({_text(c.role, 60)} needs it; none on file)"
            due = as_of + timedelta(days=audit.action_days_fail)
            due_from = f"[audit] action_days_fail: {audit.action_days_fail} days"
            where = f"{worker}'s row of {tab}" if grid else places.add_row(data, "training_records")
        else:
            verb = "expired" if status == "Expired" else "expires"
            what = f"Renew {worker}'s {ticket} ({verb} {expires.isoformat() if expires else '?'})"
            due, due_from = expires, "the ticket's expiry"
            where = places.at_row(data, "training_records", c.record_row)
        extra = ("S.3",) if s3_open and any(f" {p}" in f" {text_key(ticket)}" for p in partner) else ()
        out.append(PlanAction(
            key=f"ticket|{text_key(worker)}|{text_key(ticket)}", tier=SOON_TIER, kind=TICKET, what=what,
            who=worker, who_from="holds the ticket", decider="", due=due, due_from=due_from, where=where,
            close=(f"type the new date in the {ticket} column of {worker}'s row" if grid else
                   f"add a Training Records row for {worker}, {ticket}, with the new Completed and Expires dates"),
            clears=extra, records=(f"{worker}: {ticket} ({status})",), element=5))
    return out


def deficiency_actions(findings: Findings, data: Dataset, settings: Settings, as_of: date,
                       lead: tuple[str | None, str]) -> list[PlanAction]:
    """One action per open, overdue or unverified deficiency, to the person the records name."""
    out = []
    ca_tab = places.tab_of(data, "corrective_actions")
    for d in findings.deficiencies.itertuples(index=False):
        rid, source = str(d.id), str(d.source)
        place = _text(d.unit_or_site, 80)
        desc = _text(d.description, 160) + (f" ({place})" if place else "")
        table_key = places.table_key(str(d.table))
        where = places.at_row(data, table_key, d.row) if table_key else str(d.table)
        if str(d.status) == "Awaiting Verification":
            who, why = people.lead_who(*lead)
            who_from = f"verifies completed work: {why}" if who else why
            what = f"Verify {rid} is fixed: {desc}"
            close = f"fill Verified By and Verified on the Corrective Actions row for {rid} ({ca_tab})"
        else:
            who, who_from = _deficiency_owner(data, d, source)
            verb = "Complete" if source == "Corrective Action" else "Close"
            what = f"{verb} {rid}: {desc}"
            close = ("fill Completed on its row, then Verified By and Verified" if source == "Corrective Action"
                     else f"add a row to {ca_tab} with Source Ref {rid} and Completed; or fill Closed on its own row")
        out.append(PlanAction(
            key=f"record|{text_key(rid)}", tier=SOON_TIER, kind=DEFICIENCY, what=what, who=who,
            who_from=who_from, decider="" if who else people.decider(*lead), due=_day(d.due),
            due_from=_DUE_DEFAULT, where=where, close=close, records=(rid,),
            element=6 if source == "Incident" else 3))
    return out


def _deficiency_owner(data: Dataset, d: object, source: str) -> tuple[str | None, str]:
    assigned = people.named(getattr(d, "assigned_to", None))
    if assigned:
        return assigned, "Assigned To"
    responsible = people.responsible_for(data, getattr(d, "unit_or_site", None))
    if responsible:
        return responsible, "Responsible on the Inspection Schedule"
    if source == "Incident":
        investigator = _investigator(data, str(getattr(d, "id", "")))
        if investigator:
            return investigator, "Investigated By"
    return None, "nobody is named on the record"


def _investigator(data: Dataset, incident_id: str) -> str | None:
    incidents = data.table("incident")
    hit = incidents[incidents["id"] == incident_id]
    return people.named(hit.iloc[0]["investigated_by"]) if not hit.empty else None


def incident_actions(findings: Findings, data: Dataset, settings: Settings, as_of: date,
                     lead: tuple[str | None, str]) -> list[PlanAction]:
    """Incidents E6.3 flags (no real root cause) and E6.5 flags (not told to the crew): the investigator."""
    work = {"E6.3": ("root", "Record a real root cause (why it happened, not what happened) for {rid}",
                     "write the root cause in Root Cause on its row"),
            "E6.5": ("crew", "Tell the crew about {rid} and record it",
                     "answer Communicated to Crew on its row (e.g. Yes, at the toolbox talk of <date>)")}
    incidents = data.table("incident")
    days = settings.audit.action_days_fail
    out = []
    for check in findings.checks:
        if check.id not in work or check.status == PASS:
            continue
        tag, template, close = work[check.id]
        for rid in check.records:
            hit = incidents[incidents["id"] == rid]
            if hit.empty:
                continue
            row = hit.iloc[0]
            who = people.named(row["investigated_by"])
            out.append(PlanAction(
                key=f"{tag}|{text_key(rid)}", tier=SOON_TIER, kind=INCIDENT,
                what=template.format(rid=rid) + f": {_text(row['type'], 30)} on "
                     f"{_day(row['incident_date'])}, \u201c{_text(row['description'], 120)}\u201d",
                who=who, who_from="Investigated By" if who else "no investigator on the record",
                decider="" if who else people.decider(*lead),
                due=as_of + timedelta(days=days), due_from=f"[audit] action_days_fail: {days} days",
                where=places.at_row(data, "incident", row["row"]), close=close, records=(rid,), element=6))
    return out
