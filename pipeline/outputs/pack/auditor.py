"""The auditor's copy: Findings + Dataset + a period -> a neutral index of the evidence, by SECOR element.

For the owner to hand over at audit time. Per element, what the auditor asks to see, how many records of
it fall in the period, and where they are: record IDs and dates, the tab and file that hold them, and the
program documents with their signature and review dates. It states what is on file and nothing else: no
self-assessment figures, no check verdicts, no to-do list, no data issues (those stay in the owner's pack).

Pure: no I/O, no clock. Every value handed to the template is plain text (the template escapes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ...checks.audit import Findings
from ...normalise.dataset import Dataset
from ...schema import BY_KEY
from ...settings import Settings
from .auditor_elements import element_sections
from .auditor_lines import NOT_READ, AuditorElement, EvidenceLine, dated, id_refs, where
from .model import Table, make_table
from .month import Month
from .values import fmt_date, text

__all__ = ["NOT_READ", "WINDOWS", "AuditorContext", "AuditorElement", "EvidenceLine", "Period", "audit_period",
           "build_auditor_context", "element_counts"]

WINDOWS = ("month", "12-months")  # --window: the pack's month, or the audit's 12 months ending with it


@dataclass(frozen=True)
class Period:
    """The calendar months the copy covers: one month, or the 12 ending with it."""

    start: Month
    end: Month

    @property
    def first(self) -> date:
        return self.start.first

    @property
    def last(self) -> date:
        return self.end.last

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def key(self) -> str:
        """``2026-10`` or ``2025-12..2026-11``: file names."""
        return self.end.key if self.start == self.end else f"{self.start.key}..{self.end.key}"

    @property
    def label(self) -> str:
        """``October 2026`` or ``December 2025 to November 2026``: what people read."""
        return self.end.label if self.start == self.end else f"{self.start.label} to {self.end.label}"


def audit_period(month: Month, window: str = "month") -> Period:
    """The period of ``--window`` ending with ``month``: the month itself, or the 12 months up to it."""
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}")
    return Period(month if window == "month" else month.shift(-11), month)


@dataclass(frozen=True)
class AuditorContext:
    """Everything templates/auditor.html reads."""

    title: str
    author: str
    subject: str
    keywords: str
    company: str
    period: str  # "December 2025 to November 2026"
    period_key: str
    as_of: str
    generated_at: str
    partial: bool  # the period ends after the as-of date (month in progress)
    summary: Table  # the period's records per form, for the cover
    documents: Table
    sources: Table
    elements: tuple[AuditorElement, ...]
    by_month: Table
    id_ranges: Table
    engine: str = "weasyprint"


def documents_table(data: Dataset, until: date) -> Table:
    """Every program document on file by ``until`` with who signed it, when (the version on file), its review date
    and where it is kept."""
    program = data.table("program")
    program = program[~(program["signed_date"] > pd.Timestamp(until))]  # signed later: not on file yet
    rows = []
    for _, r in program.sort_values(["element", "row"], na_position="last").iterrows():
        el = pd.to_numeric(pd.Series([r["element"]]), errors="coerce").iloc[0]
        rows.append((text(r["document"], 120), f"{int(el)}" if pd.notna(el) else "—", r["signed_by"],
                     r["signed_date"], r["review_date"], r["link"], int(r["row"])))
    empty = "Program was not found in the records read." if not data.has("program") else "No program documents listed."
    return make_table("Program documents", ("Document", "Element", "Signed by", "Signed", "Review date", "Kept at",
                                            "Row"), rows, mono=(), empty=empty,
                      widths=("26%", "8%", "14%", "10%", "10%", "26%", "6%"))


# --------------------------------------------------------------------------- the whole copy

_FORMS = (("flha", "date", "FLHAs"), ("pre_start", "date", "Pre-starts"),
          ("workplace_inspection", "date", "Workplace inspections"), ("toolbox_talk", "date", "Toolbox talks"),
          ("orientation", "date", "Orientations"), ("incident", "incident_date", "Incidents"))


def _by_month(data: Dataset, period: Period, until: date) -> tuple[Table, Table]:
    """Records per form per month, and each month's first and last record ID per form."""
    months = [period.start.shift(i) for i in range(period.months)]
    counts, ranges = [], []
    for m in months:
        last = min(m.last, until)
        row: list[object] = [m.key]
        for key, column, title in _FORMS:
            recs = dated(data.table(key), column, m.first, last) if m.first <= until else data.table(key).iloc[0:0]
            row.append(str(len(recs)) if data.has(key) else NOT_READ)
            if len(recs):
                ranges.append((title, m.key, len(recs), id_refs(recs, column)))
        counts.append(row)
    totals: list[object] = ["Total"]
    for key, column, _ in _FORMS:  # the whole period: the counts the element sections give
        totals.append(str(len(dated(data.table(key), column, period.first, until))) if data.has(key) else NOT_READ)
    counts.append(totals)
    by_month = make_table("Records per month", ("Month", *(t for _, _, t in _FORMS)), counts, mono=(),
                          widths=("13%", "14%", "14%", "17%", "14%", "14%", "14%"))
    id_table = make_table("Record IDs per month", ("Form", "Month", "Records", "IDs and dates"), ranges, mono=(3,),
                          empty="No form records in the period.", widths=("18%", "10%", "9%", "63%"))
    return by_month, id_table


def _summary(data: Dataset, first: date, until: date) -> Table:
    """What the period holds, per form and for the corrective actions and program documents: the cover's table."""
    rows: list[tuple[object, ...]] = []
    for key, column, title in _FORMS:
        recs = dated(data.table(key), column, first, until)
        rows.append((title, str(len(recs)) if data.has(key) else NOT_READ, where(data, key)))
    ca = data.table("corrective_actions")
    raised = dated(ca, "raised", first, until)
    rows.append(("Corrective actions raised", str(len(raised)) if data.has("corrective_actions") else NOT_READ,
                 where(data, "corrective_actions")))
    return make_table("Records dated in the period", ("Records", "In the period", "Tab (file)"), rows, mono=(),
                      widths=("34%", "16%", "50%"))


def _sources(data: Dataset) -> Table:
    rows = [(t.title, where(data, t.key), str(len(data.table(t.key))) if data.has(t.key) else "—")
            for t in BY_KEY.values()]
    return make_table("Where the records are kept", ("Table", "Tab (file)", "Rows used"), rows, mono=(),
                      widths=("28%", "56%", "16%"))


def build_auditor_context(findings: Findings, data: Dataset, period: Period, *, generated_at: datetime,
                          settings: Settings | None = None, engine: str = "weasyprint") -> AuditorContext:
    """The auditor's copy as plain values. Pure: the same inputs give the same context."""
    settings = settings or Settings()
    until = min(findings.as_of, period.last)
    company = text(findings.company, 120) or "Company"
    by_month, id_table = _by_month(data, period, until)
    return AuditorContext(
        title=f"{company} SECOR evidence {period.key}",
        author=company,
        subject=f"Index of {company}'s health and safety records by SECOR element, {period.label}",
        keywords="SECOR, evidence, records, safety, Alberta",
        company=company, period=period.label, period_key=period.key, as_of=fmt_date(until),
        generated_at=f"{generated_at:%Y-%m-%d %H:%M} {generated_at.tzname() or ''}".strip(),
        partial=until < period.last, summary=_summary(data, period.first, until),
        documents=documents_table(data, until), sources=_sources(data),
        elements=element_sections(findings, data, settings, period.first, until), by_month=by_month,
        id_ranges=id_table,
        engine=engine)


def element_counts(context: AuditorContext) -> dict[int, tuple[tuple[str, str], ...]]:
    """(what is asked, count) per element: what a reader of the copy sees, for tests and summaries."""
    return {e.number: tuple((line.asks, line.count) for line in e.lines) for e in context.elements}
