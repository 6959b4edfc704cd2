"""Findings + Dataset + month -> everything the pack's templates show. Pure: no I/O, no clock.

Every value handed to the templates is plain text (already formatted and truncated)
or a tuple of such; the templates escape it. Charts are SVG text drawn from the
same frames (evidence.py, with charts.py) and are the only markup that is not escaped.

This module assembles the context; the parts are built in values.py (display text),
model.py (the types), records.py (the month's rows), evidence.py (each element's
figures, charts and tables), actions.py (the action list) and appendix.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from ...checks.audit import SELF_ASSESSMENT_NOTE, Findings
from ...checks.base import CERTIFICATE, ELEMENTS, FAIL, PASS, WARN, AuditContext
from ...checks.element4 import inspection_coverage
from ...normalise.dataset import Dataset
from ...settings import Settings
from .actions import action_list, certificate_actions
from .appendix import appendix, issues_table
from .cover import next_audit
from .evidence import Evidence, element_evidence
from .model import Cover, ElementSection, PackContext, Stat, check_row
from .month import Month
from .records import in_month, month_records
from .values import chip_class, fmt_date, pct, text

# build_context and the public names this module had before it was split, so existing imports keep working.
__all__ = [
    "AUDITOR_LOOKS_FOR",
    "PackContext",
    "build_context",
    "chip_class",
    "element_status",
    "in_month",
]

# What an auditor looks for, per element: our own summary of the audit's expectations.
AUDITOR_LOOKS_FOR: dict[int, tuple[str, ...]] = {
    1: (
        "A safety policy signed and dated by the owner or a senior manager who still works here.",
        "Who is responsible for what, written down.",
        "Proof that management takes part: toolbox talks, site visits, incident reviews.",
        "Safety goals set for the current year.",
    ),
    2: (
        "A written procedure for spotting hazards: how and when an FLHA is done.",
        "Completed FLHAs that are signed, dated and specific to the site and the task.",
        "A hazard register listing hazards and their controls, kept up to date.",
        "Proof the crew has been shown how to do an FLHA.",
    ),
    3: (
        "A written process that takes a hazard from found, to controlled, to verified.",
        "Corrective actions that were finished, not only raised, and checked afterwards.",
        "Safe work procedures for every high-risk task.",
        "PPE requirements written down for each role.",
    ),
    4: (
        "A schedule of what gets inspected and how often.",
        "Completed equipment pre-starts and workplace inspections that follow that schedule.",
        "Every defect found is tracked until it is fixed.",
        "Proof that inspection findings led to action.",
    ),
    5: (
        "A training matrix that names the tickets each role needs (not \"as required\").",
        "Each worker's training records with completion dates, and current tickets on file.",
        "An orientation record, signed off, for every worker.",
        "Ongoing training such as toolbox talks, with topics that change.",
    ),
    6: (
        "A written investigation procedure with defined steps.",
        "Investigation records, near misses included: zero reports reads as nobody reporting.",
        "A root cause for each incident that goes beyond describing what happened.",
        "Corrective actions done and verified, and the lessons shared with the crew.",
    ),
}


def element_status(readiness: float, findings: Findings) -> str:
    """Pass / Warn / Fail of one element's readiness against the Certifying Partners' rule."""
    if readiness >= findings.pass_overall:
        return PASS
    return WARN if readiness >= findings.pass_element else FAIL


def _sections(findings: Findings, evidence: dict[int, Evidence]) -> tuple[ElementSection, ...]:
    """One section per SECOR element: its score, its checks and its evidence."""
    sections = []
    by_element = {e.element: e for e in findings.elements}
    for number, name in ELEMENTS.items():
        score = by_element.get(number)
        readiness = score.readiness if score else 0.0
        checks = tuple(check_row(c) for c in findings.checks if c.element == number)
        line = (f"{score.passed} pass, {score.warned} warn, {score.failed} fail of {score.checks} checks"
                if score else "no checks")
        ev = evidence[number]
        sections.append(ElementSection(
            number, name, f"element-{number}", pct(readiness), element_status(readiness, findings), line,
            AUDITOR_LOOKS_FOR[number], checks, ev.stats, ev.charts, ev.tables))
    return tuple(sections)


def _stat(counts: Mapping[str, int | None], unread: Mapping[str, tuple[str, ...]], keys: tuple[str, ...],
          label: str, tone_if_any: str, tone_if_none: str = "") -> Stat:
    """One headline figure: the sum of its counts, or 'not read' (never 0) when a table it needs was not read."""
    values = [counts.get(k) for k in keys]
    if any(v is None for v in values):
        titles = dict.fromkeys(t for k in keys for t in unread.get(k, ()))
        return Stat("not read", f"{label} (no {', '.join(titles) or 'table'})", "amber")
    n = sum(int(v) for v in values if v is not None)
    return Stat(str(n), label, tone_if_any if n else tone_if_none)


def _headline(findings: Findings) -> tuple[Stat, ...]:
    """The cover's headline numbers, from the findings' counts."""
    c, u = findings.counts, findings.unread
    return (
        _stat(c, u, ("expired_tickets", "missing_tickets"), "expired or missing tickets", "red", "green"),
        _stat(c, u, ("expiring_tickets",), "tickets expiring soon", "amber"),
        _stat(c, u, ("open_deficiencies",), "open deficiencies", "amber"),
        _stat(c, u, ("overdue_deficiencies",), "overdue deficiencies", "red", "green"),
        # Near misses are good news: none is red (check E6.2 fails on it).
        _stat(c, u, ("near_misses",), "near misses, 12 months", "green", "red"),
        _stat(c, u, ("data_issues",), "data issues listed", "amber", "green"),
    )


def build_context(findings: Findings, data: Dataset, month: Month, *, generated_at: datetime,
                  settings: Settings | None = None, engine: str = "weasyprint") -> PackContext:
    """The whole pack as plain values. Pure: the same inputs give the same context."""
    settings = settings or Settings()
    until = min(findings.as_of, month.last)
    records = month_records(data, month, until)
    engine_ctx = AuditContext(data, settings, findings.as_of, findings.certifications, findings.deficiencies)
    coverage = inspection_coverage(engine_ctx, pd.Timestamp(month.first), pd.Timestamp(until))
    evidence = element_evidence(findings, data, month, until, records, coverage, settings.audit)
    sections = _sections(findings, evidence)
    company = text(findings.company, 120) or "Company"
    cover = Cover(
        company=company, month=month.label, month_key=month.key, as_of=fmt_date(findings.as_of),
        generated_at=f"{generated_at:%Y-%m-%d %H:%M} {generated_at.tzname() or ''}".strip(),
        overall=pct(findings.overall), verdict="Meets" if findings.meets_pass_rule else "Below",
        rule=(f"Certifying Partners pass an audit at {pct(findings.pass_overall)} overall with at least "
              f"{pct(findings.pass_element)} in every element."),
        note=SELF_ASSESSMENT_NOTE, partial_month=findings.as_of < month.last, elements=sections,
        certificate=tuple(check_row(ch, detail_limit=300) for ch in findings.checks if ch.element == CERTIFICATE),
        stats=_headline(findings), next_audit=next_audit(engine_ctx),
        window=f"{settings.audit.lookback_months} months to {fmt_date(findings.as_of)}",
        certificate_actions=certificate_actions(findings.plan, findings.as_of))
    return PackContext(
        title=f"{company} SECOR audit pack {month.key}",
        author=company,
        subject=f"SECOR self-assessment and records for {month.label}, as of {fmt_date(findings.as_of)}",
        keywords="SECOR, audit pack, safety, Alberta",
        cover=cover, actions=action_list(findings.plan, findings.as_of), elements=sections,
        appendix=appendix(data, records, month, until),
        issues=issues_table(findings), engine=engine)
