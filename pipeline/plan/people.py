"""Who does an action, from the records: a person named there, else the most senior active manager."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..checks.common import active_workers, text_key
from ..normalise.dataset import Dataset
from ..settings import AuditSettings


def _name(value: object) -> str | None:
    """A person's name as written, or None for a blank cell."""
    if not isinstance(value, str):
        return None
    name = " ".join(value.split())
    return name or None


def active_names(data: Dataset, as_of: date) -> dict[str, str]:
    """Active workers by text key -> name as written on Workers."""
    if not data.has("workers"):
        return {}
    active = active_workers(data.table("workers"), as_of)
    return {text_key(n): " ".join(str(n).split()) for n in active["name"] if _name(n)}


def safety_lead(data: Dataset, audit: AuditSettings, as_of: date) -> tuple[str | None, str]:
    """The most senior active manager (the first of ``[audit] management_roles`` held by an active worker), and
    their role; (None, "") when Workers names no active manager."""
    if not data.has("workers"):
        return None, ""
    active = active_workers(data.table("workers"), as_of)
    roles = active["role"].map(lambda r: text_key(r) if isinstance(r, str) else "")
    for role in audit.management_roles:
        hit = active[roles == text_key(role)]
        if not hit.empty:
            return _name(hit.iloc[0]["name"]), " ".join(str(hit.iloc[0]["role"]).split())
    return None, ""


def decider(lead: str | None, lead_role: str) -> str:
    """Who should decide when the records name nobody."""
    if lead:
        return f"{lead} ({lead_role}) decides who"
    return "the owner decides who (no active manager on Workers)"


def lead_who(lead: str | None, lead_role: str) -> tuple[str | None, str]:
    """(who, why) for a program-level action."""
    if lead:
        return lead, f"most senior active manager ({lead_role})"
    return None, "no active manager on Workers"


def named(value: object) -> str | None:
    """A person named in a record cell (Assigned To, Investigated By), or None."""
    return _name(value)


def responsible_for(data: Dataset, place: object) -> str | None:
    """The inspection schedule's Responsible for the unit or site a finding names: the schedule item that the
    finding's Unit / Site starts with or contains (longest item first, so 'T-201 Kenworth' beats 'T-20')."""
    if not data.has("inspection_schedule") or not isinstance(place, str):
        return None
    wanted = text_key(place)
    if not wanted:
        return None
    schedule = data.table("inspection_schedule")
    items = sorted(((text_key(i), r) for i, r in zip(schedule["item"], schedule["responsible"], strict=True)
                    if isinstance(i, str) and text_key(i)), key=lambda p: -len(p[0]))
    for item, responsible in items:
        if f" {item} " in f" {wanted} " and _name(responsible):
            return _name(responsible)
    return None


def supervisor_of(data: Dataset, names: pd.Series, as_of: date) -> str | None:
    """The one active supervisor (Workers' Supervisor column) of all these workers, or None when they have
    several or none."""
    if not data.has("workers") or names.empty:
        return None
    active = active_workers(data.table("workers"), as_of)
    sup = dict(zip(active["name"].map(text_key), active["supervisor"], strict=True))
    found = {_name(sup.get(text_key(n))) for n in names if isinstance(n, str)}
    found.discard(None)
    if len(found) != 1:
        return None
    person = found.pop()
    return person if text_key(person) in active_names(data, as_of) else None
