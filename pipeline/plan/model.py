"""The action plan: every distinct thing to do before the audit, once, with who, by when and where.

Computed once by :func:`pipeline.plan.build.action_plan` (pure, from the findings and the records);
the dashboard, the owner's email and the pack are three views of the same :class:`ActionPlan`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

# Tiers, most costly at audit first. An action's tier is the costliest check it settles.
CERTIFICATE_TIER = 0  # S.1 over the small-employer limit, S.2 a maintenance audit due or overdue
PASS_RULE_TIER = 1  # settles a check of an element under the pass rule (element < 50%, overall < 80%)
FAIL_TIER = 2  # settles a failed check
DEDUCTED_TIER = 3  # settles a Warn an auditor deducts points for (generic or unsigned FLHAs, repeated topics)
SOON_TIER = 4  # nothing fails yet: a ticket expiring, an item falling due, a review coming up
TIER_NAMES: dict[int, str] = {
    CERTIFICATE_TIER: "Certificate",
    PASS_RULE_TIER: "Pass rule",
    FAIL_TIER: "Fail",
    DEDUCTED_TIER: "Points deducted",
    SOON_TIER: "Coming up",
}

# Kinds of action (what the person does).
TICKET, DEFICIENCY, INCIDENT, DOCUMENT, RECORDS, CERTIFICATE_KIND = (
    "Ticket", "Deficiency", "Incident", "Program document", "Records", "Certificate")


@dataclass(frozen=True)
class PlanAction:
    """One thing to do: what, who, by when, where to do it, and every check and record it settles."""

    key: str  # stable identity, e.g. "ticket|ravi sandhu|h2s alive": the same thing found twice is one action
    tier: int  # see TIER_NAMES
    kind: str  # TICKET, DEFICIENCY, ...
    what: str  # "Renew Ravi Sandhu's H2S Alive"
    who: str | None  # a person's name from the records; None when nothing names anyone
    who_from: str  # why this person: "holds the ticket", "Assigned To", "Responsible on Inspection Schedule", ...
    decider: str  # when who is None: who should decide, "Dana Whitford (Safety Lead) decides who"
    due: date | None
    due_from: str  # "Due on the record", "[audit] plan_days_fail: 14 days from 2026-11-30"
    where: str  # "Training Records: Safety Office.xlsx / Training, row 12", or "add a row to Training Records"
    close: str  # how to close it: "write PS-261111-064455 in Source Ref of a Corrective Actions row"
    clears: tuple[str, ...] = ()  # check ids it settles, "E5.2", "S.3"
    records: tuple[str, ...] = ()  # record IDs or "Table row N" it settles
    element: int = 0  # the element it belongs to (0 = the certificate)
    rank: int = 0  # 1 = most urgent; set by the plan

    @property
    def tier_name(self) -> str:
        return TIER_NAMES[self.tier]

    @property
    def who_text(self) -> str:
        """The person, or 'Unassigned: <who decides>'."""
        return self.who if self.who else f"Unassigned: {self.decider}" if self.decider else "Unassigned"

    @property
    def clears_text(self) -> str:
        """'clears E5.2, S.3', or '' when it settles no check (a ticket expiring soon)."""
        return "clears " + ", ".join(self.clears) if self.clears else ""

    def due_text(self, as_of: date) -> str:
        """'by 2026-12-14', 'overdue since 2026-11-12', or 'no date'."""
        if self.due is None:
            return "no date"
        return f"overdue since {self.due.isoformat()}" if self.due < as_of else f"by {self.due.isoformat()}"

    def line(self, as_of: date) -> str:
        """One line for a terminal or a plain-text mail: what, who, by when, what it clears."""
        clears = f" ({self.clears_text})" if self.clears else ""
        return f"{self.what} \u2014 {self.who_text}, {self.due_text(as_of)}{clears}"

    def overdue(self, as_of: date) -> bool:
        """True when the action's date has passed."""
        return self.due is not None and self.due < as_of


@dataclass(frozen=True)
class ActionPlan:
    """The ranked plan as of a date. Empty when there is nothing to do."""

    as_of: date | None = None
    actions: tuple[PlanAction, ...] = ()

    def __iter__(self) -> Iterator[PlanAction]:
        return iter(self.actions)

    def __len__(self) -> int:
        return len(self.actions)

    def top(self, n: int) -> tuple[PlanAction, ...]:
        """The n most urgent actions."""
        return self.actions[:n]

    def for_person(self, name: str) -> tuple[PlanAction, ...]:
        """The actions a person (as named in the records, case-insensitive) is to do."""
        wanted = " ".join(name.split()).casefold()
        return tuple(a for a in self.actions if a.who and " ".join(a.who.split()).casefold() == wanted)

    def in_tier(self, tier: int) -> tuple[PlanAction, ...]:
        return tuple(a for a in self.actions if a.tier == tier)
