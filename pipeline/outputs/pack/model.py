"""The template context's types: frozen dataclasses of display text, and the builders that format values into them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...checks.base import CheckResult
from .values import DATE_HEADERS, RECORDS_SHOWN, TEXT_LIMIT, chip_class, text


@dataclass(frozen=True)
class Table:
    """A table as the pack prints it: header, formatted rows, which column is a status chip."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    status_column: int | None = None
    total: int = 0  # rows before any cap; > len(rows) when capped
    note: str = ""  # shown under the table (e.g. where the full list is)
    empty: str = "None this month."
    widths: tuple[str, ...] = ()  # CSS widths per column, e.g. ("12%", "", ...)
    mono: tuple[int, ...] = (0,)  # columns set in the ID style
    dates: tuple[int, ...] = ()  # columns that hold dates (never wrapped)

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


@dataclass(frozen=True)
class Stat:
    """A key figure: big number, label, optional chip colour, and the period it counts."""

    value: str
    label: str
    tone: str = ""  # "red" | "amber" | "green" | ""
    scope: str = ""  # what it counts over: "November 2026", "on 2026-11-30", "last 12 months"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # inline SVG markup made by charts.py
    caption: str = ""


@dataclass(frozen=True)
class CheckRow:
    id: str
    name: str
    status: str
    detail: str
    records: tuple[str, ...]
    more_records: int


@dataclass(frozen=True)
class ElementSection:
    number: int
    name: str
    anchor: str
    readiness: str
    status: str  # Pass / Warn / Fail against the Partners' rule
    score_line: str
    looks_for: tuple[str, ...]
    checks: tuple[CheckRow, ...]
    stats: tuple[Stat, ...]
    charts: tuple[Chart, ...]
    tables: tuple[Table, ...]

    @property
    def chip(self) -> str:
        return chip_class(self.status)


@dataclass(frozen=True)
class ActionRow:
    """One action of the plan (pipeline.plan) as display text, in the plan's order."""

    rank: str  # "1"
    priority: str  # the tier's name: "Certificate", "Pass rule", "Fail", ...
    tier: int
    what: str
    who: str  # the person, or "Unassigned: <who decides>"
    who_from: str  # why this person ("holds the ticket", "Assigned To", ...)
    due: str  # "2026-12-14", "" when the plan gives none
    overdue: bool  # the date has passed on the plan's as-of date
    clears: str  # "clears E3.2, E4.3", "" when it settles no check
    where: str
    close: str  # how to close it


@dataclass(frozen=True)
class ActionList:
    """The pack's view of the plan: the first rows, how many there are, and where the rest are."""

    as_of: str
    rows: tuple[ActionRow, ...]
    total: int
    rest_at: str = ""  # where the whole plan is, for "and N more: see ..."

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


@dataclass(frozen=True)
class NextAudit:
    """The certificate's next audit on its calendar (check S.2's), as the cover says it."""

    headline: str  # "Year-2 maintenance audit due in January 2027"
    detail: str  # "between 2027-01-01 and 2027-01-31; certificate issued ..., expires ..."
    tone: str = ""  # "red" overdue or expired, "amber" within the warning window, "" otherwise


@dataclass(frozen=True)
class Cover:
    company: str
    month: str  # "October 2026"
    month_key: str  # "2026-10"
    as_of: str
    generated_at: str
    overall: str
    verdict: str  # Meets | Below
    rule: str
    note: str
    partial_month: bool
    elements: tuple[ElementSection, ...]
    certificate: tuple[CheckRow, ...]
    stats: tuple[Stat, ...]
    next_audit: NextAudit | None = None
    window: str = "last 12 months"  # the checks' look-back window: "12 months to 2026-11-30"
    certificate_actions: tuple[ActionRow, ...] = ()  # the plan's certificate-tier actions


@dataclass(frozen=True)
class PackContext:
    """Everything the templates read."""

    title: str
    author: str
    subject: str
    keywords: str
    cover: Cover
    actions: ActionList
    elements: tuple[ElementSection, ...]
    appendix: tuple[Table, ...]
    issues: Table
    engine: str = "weasyprint"

    @property
    def action_count(self) -> int:
        return self.actions.total


def check_row(c: CheckResult, detail_limit: int = 600) -> CheckRow:
    """A check's verdict as display text, its record IDs capped at RECORDS_SHOWN."""
    records = tuple(text(r, 60) for r in c.records[:RECORDS_SHOWN])
    return CheckRow(c.id, text(c.name, 120), c.status, text(c.detail, detail_limit), records,
                    max(0, len(c.records) - RECORDS_SHOWN))


def make_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], *, status: int | None = None,
               cap: int | None = None, note: str = "", empty: str = "None this month.", widths: Sequence[str] = (),
               mono: Sequence[int] = (0,), limit: int = TEXT_LIMIT, total: int | None = None) -> Table:
    """A Table of display text: the first ``cap`` rows formatted, ``total`` counting them all.

    ``total`` is given when ``rows`` is already only the first part of a longer list.
    """
    all_rows = list(rows)
    shown = all_rows if cap is None else all_rows[:cap]
    formatted = tuple(tuple(text(v, limit) for v in r) for r in shown)
    dates = tuple(i for i, c in enumerate(columns) if c in DATE_HEADERS)
    return Table(title, tuple(columns), formatted, status, len(all_rows) if total is None else total, note, empty,
                 tuple(widths), tuple(mono), dates)
