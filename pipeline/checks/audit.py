"""Run the whole engine: certifications, deficiencies, every check, readiness."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from ..normalise.dataset import Dataset
from ..normalise.links import action_links
from ..plan.model import ActionPlan

if TYPE_CHECKING:
    from .certificate import AuditCalendar
from ..schema import BY_KEY
from ..settings import Settings
from .base import CERTIFICATE, ELEMENTS, FAIL, PASS, WARN, AuditContext, CheckResult

SELF_ASSESSMENT_NOTE = (
    "Self-assessment aid computed from your records, not the Certifying Partner's audit score."
)

# The tables each headline count is computed from: it needs every table of the first tuple and at least one
# of the second. Without them the count is unknown (None, shown "not read: no ..."), never 0.
_TICKETS = (("workers", "training_matrix", "training_records"), ())
_FINDINGS = ((), ("pre_start", "workplace_inspection", "hazard_register", "incident", "corrective_actions"))
COUNT_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "expired_tickets": _TICKETS, "missing_tickets": _TICKETS, "expiring_tickets": _TICKETS,
    "open_deficiencies": _FINDINGS, "overdue_deficiencies": _FINDINGS,
    "near_misses": (("incident",), ()),
    "data_issues": ((), ()),
}


def unread_tables(data: Dataset) -> dict[str, tuple[str, ...]]:
    """Per headline count that cannot be known, the titles of the tables not read that it needs."""
    out: dict[str, tuple[str, ...]] = {}
    for key, (every, any_of) in COUNT_TABLES.items():
        lacking = [k for k in every if not data.has(k)]
        if any_of and not any(data.has(k) for k in any_of):
            lacking += list(any_of)
        if lacking:
            out[key] = tuple(BY_KEY[k].title for k in lacking)
    return out


def count_text(counts: Mapping[str, int | None], unread: Mapping[str, Sequence[str]], key: str) -> str:
    """A headline count as a person reads it: '3', or 'not read: no Training Records' when it is unknown."""
    value = counts.get(key)
    if value is None:
        titles = list(unread.get(key, ())) or ["its table"]
        return "not read: no " + ", ".join(titles)
    return str(int(value))


def overall_readiness(readiness: Sequence[float]) -> float:
    """Overall readiness: the mean of the element figures."""
    return sum(readiness) / len(readiness) if readiness else 0.0


def meets_pass_rule(readiness: Sequence[float], pass_overall: float, pass_element: float) -> bool:
    """The Certifying Partners' rule over element readiness figures (default 80% overall, 50% each)."""
    return overall_readiness(readiness) >= pass_overall and all(r >= pass_element for r in readiness)


@dataclass(frozen=True)
class ElementScore:
    """Readiness of one element: share of its checks that pass (Warn counts half)."""

    element: int
    name: str
    checks: int
    passed: int
    warned: int
    failed: int

    @property
    def readiness(self) -> float:
        return (self.passed + 0.5 * self.warned) / self.checks if self.checks else 0.0


@dataclass(frozen=True)
class Findings:
    """Everything the engine found as of a date; the dashboards and the pack read only this."""

    company: str
    as_of: date
    certifications: pd.DataFrame
    deficiencies: pd.DataFrame
    checks: tuple[CheckResult, ...]
    elements: tuple[ElementScore, ...]
    issues: pd.DataFrame
    counts: Mapping[str, int | None]  # None: a table it needs was not read (see unread)
    pass_overall: float
    pass_element: float
    unread: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # count -> titles of unread tables
    # Who does what by when: computed once by audit() (pipeline.plan.build); every view reads this one.
    plan: ActionPlan = field(default_factory=ActionPlan)
    # The certificate's audit calendar (certificate.audit_calendar, check S.2's); None without a certificate row.
    calendar: AuditCalendar | None = None

    @property
    def overall(self) -> float:
        """Mean of the element readiness figures."""
        return overall_readiness([e.readiness for e in self.elements])

    @property
    def meets_pass_rule(self) -> bool:
        """The Certifying Partners' rule: 80% overall and at least 50% in every element."""
        return meets_pass_rule([e.readiness for e in self.elements], self.pass_overall, self.pass_element)

    def shown(self, count_key: str) -> str:
        """A headline count as text: '3', or 'not read: no Training Records' (never 0 for an unread table)."""
        return count_text(self.counts, self.unread, count_key)

    def check(self, check_id: str) -> CheckResult:
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)


def score_elements(checks: tuple[CheckResult, ...]) -> tuple[ElementScore, ...]:
    """Readiness per SECOR element from its checks."""
    scores = []
    for element, name in ELEMENTS.items():
        mine = [c for c in checks if c.element == element]
        scores.append(ElementScore(
            element, name, len(mine),
            sum(c.status == PASS for c in mine), sum(c.status == WARN for c in mine),
            sum(c.status == FAIL for c in mine)))
    return tuple(scores)


def audit(data: Dataset, settings: Settings, as_of: date) -> Findings:
    """Compute everything SPEC.md lists under 'What it computes', as of a date. Pure."""
    from .certifications import certifications
    from .deficiencies import deficiencies
    from .registry import load_all

    certs = certifications(data, settings, as_of)
    links = action_links(data)  # several checks follow them: found once
    defs = deficiencies(data, settings, as_of, links)
    context = AuditContext(data, settings, as_of, certs, defs, links)
    results = tuple(check.run(context) for check in load_all().values())
    ordered = tuple(sorted(results, key=lambda c: (c.element == CERTIFICATE, c.element, _id_key(c.id))))
    findings = Findings(
        company=settings.company,
        as_of=as_of,
        certifications=certs,
        deficiencies=defs,
        checks=ordered,
        elements=score_elements(ordered),
        issues=data.issues,
        counts=headline_counts(context),
        pass_overall=settings.audit.pass_overall,
        pass_element=settings.audit.pass_element,
        unread=unread_tables(data),
    )
    from ..plan.build import action_plan
    from .certificate import audit_calendar

    calendar = audit_calendar(context)
    return dataclasses.replace(findings, calendar=calendar,
                               plan=action_plan(findings, data, settings, as_of, calendar))


def _id_key(check_id: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in check_id.lstrip("ES").split("."))


def headline_counts(context: AuditContext) -> dict[str, int | None]:
    """The numbers on the Dashboard summary and in the owner's email; None where a table it needs was not
    read (see COUNT_TABLES). The near-miss count is check E6.2's own."""
    from .element6 import near_misses_in_window

    certs, defs = context.certifications, context.deficiencies
    counts: dict[str, int | None] = {
        "expired_tickets": int((certs["status"] == "Expired").sum()),
        "missing_tickets": int((certs["status"] == "Missing").sum()),
        "expiring_tickets": int((certs["status"] == "Expiring").sum()),
        "open_deficiencies": len(defs),
        "overdue_deficiencies": int((defs["status"] == "Overdue").sum()),
        "near_misses": len(near_misses_in_window(context)),
        "data_issues": len(context.data.issues),
    }
    for key in unread_tables(context.data):
        counts[key] = None
    return counts
