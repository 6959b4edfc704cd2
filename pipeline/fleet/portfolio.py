"""One row per client company for the consultant's portfolio, sorted by risk. Pure.

The fleet runner builds a :class:`ClientRow` for each client in that client's own process (from its
Findings and its job state) and hands the rows, never the records, to the portfolio outputs.

The portfolio's order (:func:`portfolio_rows`) puts the clients that need the consultant first, in
four groups (:func:`risk_group`):

1. **Certificate**: over the small-employer limit (S.1: SECOR no longer applies), then a maintenance
   audit or recertification overdue or due within the warn window (S.2), soonest date first.
2. **Failed or unknown**: the last run failed, or no figures were ever read. Nobody knows such a
   client's state, so it sits right after certificate risk rather than hiding at the bottom; the oldest last
   successful sync first. A failed run goes here even when the row still carries figures (say the
   owner's mail was refused): someone must act on it. Only certificate risk outranks it; the failure
   shows in the Last run column either way.
3. **Below the pass rule**: worst element first (its readiness), then overall readiness.
4. **The rest**: overall readiness ascending (closest to the pass line first).

Ties are broken by the client's name, so the order is the same on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

CERTIFICATE, UNKNOWN, BELOW, REST = 0, 1, 2, 3
GROUP_NAMES = {CERTIFICATE: "Certificate", UNKNOWN: "Failed or unknown", BELOW: "Below pass rule",
               REST: "Meets pass rule"}
WARN_DAYS = 60  # S.2's default warn window ([audit] maintenance_warn_days)


@dataclass(frozen=True)
class ClientRow:
    """What the consultant sees of one client. ``None`` means not known (not read, or the run failed)."""

    client: str  # the fleet entry's name
    company: str  # the company name from its config
    overall: float | None = None  # overall readiness 0..1
    worst_element: int | None = None
    worst_readiness: float | None = None
    meets_pass_rule: bool | None = None
    over_small_employer_limit: bool | None = None  # S.1 failed
    next_audit: date | None = None  # S.2's next maintenance audit
    audit_status: str = ""  # S.2's status (Pass/Warn/Fail)
    expired_tickets: int | None = None
    missing_tickets: int | None = None
    overdue_deficiencies: int | None = None
    data_issues: int | None = None
    top_action: str = ""  # the plan's first action, "who: what by when"
    last_sync: datetime | None = None  # last successful sync
    error: str = ""  # the last run's failure for this client, "" when it went well
    dashboard: str = ""  # path or URL of the client's dashboard
    pack: str = ""  # path of the client's latest pack
    # Added for the portfolio's wording; the client's own [audit] settings, defaults as SPEC.md's.
    pass_overall: float = 0.80
    pass_element: float = 0.50
    small_employer_limit: int = 10
    maintenance_warn_days: int = WARN_DAYS


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _known(row: ClientRow) -> bool:
    """True when the row carries figures from a read (overall readiness is the one every read gives)."""
    return row.overall is not None


def audit_due_soon(row: ClientRow, as_of: date) -> bool:
    """S.2 risk: the next audit is overdue or due within the client's warn window, or S.2 failed."""
    if row.next_audit is not None and row.next_audit <= as_of + timedelta(days=row.maintenance_warn_days):
        return True
    return row.audit_status == "Fail"


def below_pass_rule(row: ClientRow) -> bool:
    """The client's figures do not meet the pass rule (unknown figures are not 'below': they are unknown)."""
    if row.meets_pass_rule is not None:
        return not row.meets_pass_rule
    if not _known(row):
        return False
    worst_low = row.worst_readiness is not None and row.worst_readiness < row.pass_element
    return worst_low or (row.overall is not None and row.overall < row.pass_overall)


def risk_group(row: ClientRow, as_of: date) -> int:
    """Which of the four groups of the module docstring the row belongs to (0 = most urgent)."""
    if row.over_small_employer_limit or audit_due_soon(row, as_of):
        return CERTIFICATE
    if row.error or not _known(row):
        return UNKNOWN
    if below_pass_rule(row):
        return BELOW
    return REST


def _low(x: float | None) -> float:
    """Unknown readiness sorts before every known one: nobody can say it is fine."""
    return -1.0 if x is None else x


def sort_key(row: ClientRow, as_of: date) -> tuple[object, ...]:
    """The portfolio's order: group, then the group's own urgency, then the client's name."""
    group = risk_group(row, as_of)
    if group == CERTIFICATE:
        inner: tuple[object, ...] = (0 if row.over_small_employer_limit else 1,
                                     row.next_audit or date.max, _low(row.overall))
    elif group == UNKNOWN:
        inner = (row.last_sync or datetime.min,)
    elif group == BELOW:
        inner = (_low(row.worst_readiness), _low(row.overall))
    else:
        inner = (_low(row.overall),)
    return (group, *inner, row.client.casefold(), row.client)


def portfolio_rows(rows: Iterable[ClientRow], as_of: date) -> tuple[ClientRow, ...]:
    """The rows most at risk first (see the module docstring); the input is not changed."""
    return tuple(sorted(rows, key=lambda r: sort_key(r, as_of)))


def _first_line(text: str, limit: int = 120) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def risk(row: ClientRow, as_of: date) -> str:
    """The short reason for the row's place: "Over 10 workers: plan COR", "Audit due 2026-12-15", ..."""
    group = risk_group(row, as_of)
    if group == CERTIFICATE:
        if row.over_small_employer_limit:
            return f"Over {row.small_employer_limit} workers: plan COR"
        if row.next_audit is None:
            return "Audit overdue or expired"  # S.2 failed; its date did not reach the row
        if row.next_audit < as_of:
            return f"Audit overdue {row.next_audit.isoformat()}"  # short: one line on the PDF
        return f"Audit due {row.next_audit.isoformat()}"
    if group == UNKNOWN:
        if row.error:
            return f"Last run failed: {_first_line(row.error)}"
        return "No figures yet: not synced"
    if group == BELOW:
        if row.worst_readiness is not None and row.worst_readiness < row.pass_element:
            return (f"Element {row.worst_element} at {_pct(row.worst_readiness)} "
                    f"(< {_pct(row.pass_element)})")
        if row.overall is not None and row.overall < row.pass_overall:
            return f"Overall {_pct(row.overall)} (< {_pct(row.pass_overall)})"
        return "Below pass rule"
    if row.next_audit is None and row.audit_status == "Warn":
        return "Meets rule; no audit date"  # S.2 found no certificate row to count from
    return "Meets pass rule"
