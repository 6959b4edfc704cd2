"""What the cover says about the certificate itself: the next audit on its calendar, and what puts it at risk."""

from __future__ import annotations

import pandas as pd

from ...checks.base import AuditContext
from ...checks.certificate import audit_calendar
from .model import NextAudit
from .values import fmt_date


def _month_words(ts: pd.Timestamp) -> str:
    return f"{ts:%B %Y}"


def next_audit(ctx: AuditContext) -> NextAudit:
    """The next audit on the certificate's calendar (the calendar check S.2 reads), as one headline and a detail.

    Without a 'SECOR Certificate' row on Program the date is unknown, and the cover says how to make it known."""
    cal = audit_calendar(ctx) if ctx.data.has("program") else None
    if cal is None:
        return NextAudit("Next audit date unknown",
                         "No 'SECOR Certificate' row with a Signed Date (the issue date) on the Program tab: add it "
                         "and the pack names the maintenance audits and the expiry (check S.2).", "amber")
    as_of = ctx.as_of_ts
    base = f"Certificate issued {fmt_date(cal.issued)}, expires {fmt_date(cal.expiry)}."
    warn = pd.Timedelta(days=ctx.settings.audit.maintenance_warn_days)
    if as_of >= cal.expiry:
        return NextAudit(f"Certificate expired on {fmt_date(cal.expiry)}",
                         f"A new certification audit is needed. {base}", "red")
    if cal.next_title.endswith("maintenance audit"):
        title = cal.next_title[0].upper() + cal.next_title[1:]
        window = f"between {fmt_date(cal.next_start)} and {fmt_date(cal.next_end)}"
        if as_of > cal.next_end:
            return NextAudit(f"{title} overdue: it was due in {_month_words(cal.next_start)}",
                             f"It was due {window}; no newer SECOR row is on the Program tab. {base}", "red")
        tone = "amber" if as_of >= cal.next_start - warn else ""
        return NextAudit(f"{title} due in {_month_words(cal.next_start)}", f"Hold it {window}. {base}", tone)
    tone = "amber" if as_of >= cal.expiry - warn else ""
    return NextAudit(f"Recertification audit due by {fmt_date(cal.expiry)}",
                     f"Both maintenance audits are on file. {base}", tone)
