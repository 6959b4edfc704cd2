"""The action plan, computed once from the findings: every distinct thing to do, ranked by what it costs at audit.

Record-level actions come first (a ticket, a deficiency, an incident); a check that does not pass settles into
the record actions that clear it when they cover every record it names, else it gets one action of its own.
Each action's tier is the costliest check it clears (see model.TIER_NAMES); the plan is sorted by tier, then
by date (overdue first), then by how many checks an action clears. Pure.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from ..checks.audit import Findings
from ..checks.base import CERTIFICATE, FAIL, PASS, CheckResult
from ..checks.certificate import AuditCalendar
from ..normalise.dataset import Dataset
from ..settings import Settings
from . import people
from .checks import check_actions
from .model import (
    CERTIFICATE_TIER,
    DEDUCTED_TIER,
    FAIL_TIER,
    PASS_RULE_TIER,
    SOON_TIER,
    TICKET,
    ActionPlan,
    PlanAction,
)
from .records import deficiency_actions, incident_actions, ticket_actions

CERTIFICATE_CHECKS = frozenset({"S.1", "S.2"})  # the certificate itself: over the limit, or an audit due
_KIND_ORDER = {TICKET: 0}


def _ref(text: str) -> str:
    return "".join(text.split()).casefold()


def check_tiers(findings: Findings) -> dict[str, int]:
    """The tier of every check that does not pass: certificate, pass rule, fail, or deducted (a Warn)."""
    readiness = {e.element: e.readiness for e in findings.elements}
    overall_low = findings.overall < findings.pass_overall
    tiers = {}
    for c in findings.checks:
        if c.status == PASS:
            continue
        if c.id in CERTIFICATE_CHECKS:
            tiers[c.id] = CERTIFICATE_TIER
        elif c.element != CERTIFICATE and readiness.get(c.element, 1.0) < findings.pass_element:
            tiers[c.id] = PASS_RULE_TIER  # its element is under the pass rule's floor
        elif overall_low and c.status == FAIL:
            tiers[c.id] = PASS_RULE_TIER  # each Fail lifted raises the overall figure most
        else:
            tiers[c.id] = FAIL_TIER if c.status == FAIL else DEDUCTED_TIER
    return tiers


def _lifts(action: PlanAction, check: CheckResult) -> bool:
    """Whether doing the action can lift the check: E5.2 lists expiring tickets too, but one expiring ticket
    only makes it Warn, so renewing it cannot lift a Fail."""
    expiring = action.kind == TICKET and any(r.endswith("(Expiring)") for r in action.records)
    return not (expiring and check.id == "E5.2" and check.status == FAIL)


def _with_clears(actions: list[PlanAction], open_checks: list[CheckResult]) -> list[PlanAction]:
    """Each record action also clears every open check that names one of its records (and that it can lift)."""
    by_ref: dict[str, list[CheckResult]] = {}
    for c in open_checks:
        for r in c.records:
            by_ref.setdefault(_ref(r), []).append(c)
    out = []
    for a in actions:
        ids = list(a.clears) + [c.id for r in a.records for c in by_ref.get(_ref(r), []) if _lifts(a, c)]
        out.append(dataclasses.replace(a, clears=tuple(dict.fromkeys(ids))))
    return out


def _settled(actions: list[PlanAction], open_checks: list[CheckResult]) -> set[str]:
    """Checks the record actions settle whole: every record they name has an action, or (a check naming no
    records) an action says it clears it."""
    covered = {_ref(r) for a in actions for r in a.records}
    cleared = {c for a in actions for c in a.clears}
    done = set()
    for c in open_checks:
        if (c.records and all(_ref(r) in covered for r in c.records)) or (not c.records and c.id in cleared):
            done.add(c.id)
    return done


def _merge(actions: list[PlanAction]) -> list[PlanAction]:
    """The same thing found twice is one action: checks and records joined, the earliest date kept."""
    merged: dict[str, PlanAction] = {}
    for a in actions:
        b = merged.get(a.key)
        if b is None:
            merged[a.key] = a
            continue
        dues = [d for d in (a.due, b.due) if d is not None]
        merged[a.key] = dataclasses.replace(
            b, clears=tuple(dict.fromkeys(b.clears + a.clears)), records=tuple(dict.fromkeys(b.records + a.records)),
            due=min(dues) if dues else None, tier=min(a.tier, b.tier))
    return list(merged.values())


def rank_key(action: PlanAction) -> tuple[object, ...]:
    """Tier first; then overdue and soonest first (no date last); then the action clearing most checks."""
    return (action.tier, action.due is None, action.due or date.max, -len(action.clears),
            _KIND_ORDER.get(action.kind, 1), action.what)


def action_plan(findings: Findings, data: Dataset, settings: Settings, as_of: date,
                calendar: AuditCalendar | None = None) -> ActionPlan:
    """Every distinct thing to do as of a date, once, with who, by when, where and what it clears. Pure."""
    lead = people.safety_lead(data, settings.audit, as_of)
    open_checks = [c for c in findings.checks if c.status != PASS]
    records = _with_clears(
        ticket_actions(findings, data, settings, as_of)
        + deficiency_actions(findings, data, settings, as_of, lead)
        + incident_actions(findings, data, settings, as_of, lead), open_checks)
    settled = _settled(records, open_checks)
    checks = check_actions(findings, data, settings, as_of, lead, calendar, settled)
    tiers = check_tiers(findings)
    tiered = [dataclasses.replace(a, tier=min((tiers[c] for c in a.clears if c in tiers), default=SOON_TIER))
              for a in _merge(records + checks)]
    ranked = sorted(tiered, key=rank_key)
    return ActionPlan(as_of, tuple(dataclasses.replace(a, rank=i) for i, a in enumerate(ranked, 1)))
