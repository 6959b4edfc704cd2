"""One row per client company for the consultant's portfolio, sorted by risk. Pure.

The fleet runner builds a :class:`ClientRow` for each client in that client's own process (from its
Findings and its job state) and hands the rows, never the records, to the portfolio outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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
