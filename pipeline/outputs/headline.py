"""The headline numbers of a month's pack: the small, JSON-able copy of ``Findings`` the owner's email is made from.

The scheduler keeps one per packed month in its state file (and a pack's findings.json has the same numbers),
so a pack made while the mail server was down is mailed later without recomputing anything. It carries the
plan's first actions in the words the email shows them; a headline kept before the plan existed has none
(``plan`` None) and is still mailed, without the actions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..checks.audit import count_text, meets_pass_rule, overall_readiness

log = logging.getLogger("secor.mail")


@dataclass(frozen=True)
class ElementLine:
    element: int
    name: str
    readiness: float


TOP_ACTIONS = 5  # how many of the plan's actions the email lists
ACTIONS_TAB = "Dashboard - Actions"  # the dashboard's tab with the whole plan


@dataclass(frozen=True)
class TopAction:
    """One of the plan's most urgent actions, in the words the email shows: a JSON-able copy of a PlanAction."""

    rank: int
    what: str
    who_text: str
    due: date | None
    clears_text: str = ""
    tier_name: str = ""

    @classmethod
    def of(cls, action: Any, rank: int) -> TopAction:
        """From a :class:`pipeline.plan.model.PlanAction`; ``rank`` when the action has none (0)."""
        return cls(rank=int(action.rank or rank), what=str(action.what), who_text=str(action.who_text),
                   due=action.due, clears_text=str(action.clears_text), tier_name=str(action.tier_name))

    def when_text(self, as_of: date) -> str:
        """'By when: 2026-11-14', '... today, 2026-10-31', '... overdue since 2026-10-15' or '... no date set'."""
        if self.due is None:
            return "By when: no date set"
        if self.due < as_of:
            return f"By when: overdue since {self.due.isoformat()}"
        return f"By when: {'today, ' if self.due == as_of else ''}{self.due.isoformat()}"

    def why_text(self) -> str:
        """'Why: Fail (clears E5.2, S.3)': the tier that ranks it, and the checks it settles."""
        clears = f" ({self.clears_text})" if self.clears_text else ""
        return f"Why: {self.tier_name or 'on the plan'}{clears}"

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "what": self.what, "who_text": self.who_text,
                "due": self.due.isoformat() if self.due else None, "clears_text": self.clears_text,
                "tier_name": self.tier_name}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], rank: int) -> TopAction:
        """From :meth:`to_dict`, or a PlanAction's fields as JSON (who/decider, clears as a list, tier as a number)."""
        from ..plan.model import TIER_NAMES

        who = data.get("who_text") or data.get("who") or (
            f"Unassigned: {data['decider']}" if data.get("decider") else "Unassigned")
        clears = data.get("clears_text")
        if clears is None and data.get("clears"):
            clears = "clears " + ", ".join(str(c) for c in data["clears"])
        tier = data.get("tier_name") or TIER_NAMES.get(data.get("tier"), "")  # type: ignore[arg-type]
        due = data.get("due")
        return cls(rank=int(data.get("rank") or rank), what=str(data["what"]), who_text=str(who),
                   due=due if isinstance(due, date) or due is None else date.fromisoformat(str(due)[:10]),
                   clears_text=str(clears or ""), tier_name=str(tier))


@dataclass(frozen=True)
class PlanTop:
    """The plan as the email needs it: its first actions and how many there are in all."""

    total: int
    top: tuple[TopAction, ...] = ()

    @classmethod
    def of(cls, plan: Any, n: int = TOP_ACTIONS) -> PlanTop:
        """From an :class:`pipeline.plan.model.ActionPlan`: shown as ranked, never re-ranked here."""
        return cls(len(plan), tuple(TopAction.of(a, i) for i, a in enumerate(plan.top(n), start=1)))

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "top": [a.to_dict() for a in self.top]}

    @classmethod
    def from_data(cls, data: Any, n: int = TOP_ACTIONS) -> PlanTop:
        """From :meth:`to_dict`, or a plan written as ``{"actions": [...]}`` or a list of actions."""
        if isinstance(data, Mapping) and "top" in data:
            actions, total = list(data["top"]), int(data.get("total", len(data["top"])))
        else:
            actions = list(data["actions"] if isinstance(data, Mapping) else data)
            total = len(actions)
        return cls(total, tuple(TopAction.from_dict(a, i) for i, a in enumerate(actions[:n], start=1)))


@dataclass(frozen=True)
class Headline:
    """The numbers the owner's email shows: a small, JSON-able copy of what matters in ``Findings``.

    The scheduler keeps one per packed month in its state file, so a pack produced while the
    mail server was down can be mailed on a later run without recomputing anything.
    """

    company: str
    as_of: date
    elements: tuple[ElementLine, ...]
    counts: Mapping[str, int | None] = field(default_factory=dict)  # None: its table was not read
    pass_overall: float = 0.80
    pass_element: float = 0.50
    unread: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # count -> titles of unread tables
    plan: PlanTop | None = None  # None: not known (a headline kept before the plan existed): no actions shown

    @property
    def weakest(self) -> tuple[ElementLine, ...]:
        """The element(s) with the lowest readiness (all of them when tied)."""
        low = min((e.readiness for e in self.elements), default=None)
        return tuple(e for e in self.elements if e.readiness == low)

    def shown(self, key: str) -> str:
        """A count as text: '3', or 'not read: no Training Records'."""
        return count_text(self.counts, self.unread, key)

    @property
    def overall(self) -> float:
        return overall_readiness([e.readiness for e in self.elements])

    @property
    def meets_pass_rule(self) -> bool:
        return meets_pass_rule([e.readiness for e in self.elements], self.pass_overall, self.pass_element)

    @classmethod
    def of(cls, findings: Any) -> Headline:
        """From ``Findings`` (or anything with the same attributes, or a Headline)."""
        if isinstance(findings, Headline):
            return findings
        return cls(
            company=str(findings.company),
            as_of=findings.as_of,
            elements=tuple(ElementLine(int(e.element), str(e.name), float(e.readiness)) for e in findings.elements),
            counts=_counts(findings.counts),
            pass_overall=float(getattr(findings, "pass_overall", 0.80)),
            pass_element=float(getattr(findings, "pass_element", 0.50)),
            unread=_unread(getattr(findings, "unread", {})),
            plan=None if getattr(findings, "plan", None) is None else PlanTop.of(findings.plan),
        )

    def to_dict(self) -> dict[str, Any]:
        plan = {} if self.plan is None else {"plan": self.plan.to_dict()}
        return {
            "company": self.company,
            "as_of": self.as_of.isoformat(),
            "elements": [{"element": e.element, "name": e.name, "readiness": e.readiness} for e in self.elements],
            "counts": dict(self.counts),
            "pass_overall": self.pass_overall,
            "pass_element": self.pass_element,
            "unread": {k: list(v) for k, v in self.unread.items()},
            **plan,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Headline:
        """From :meth:`to_dict` output, or a pack's findings.json when it has the same top-level keys.

        Raises ``ValueError``/``KeyError``/``TypeError`` when ``data`` does not have that shape.
        """
        summary = data.get("summary") if isinstance(data.get("summary"), Mapping) else None
        src: Mapping[str, Any] = data if "elements" in data else (summary or data)
        elements = []
        for e in src["elements"]:
            readiness = e["readiness"]
            if isinstance(readiness, str):
                readiness = float(readiness.strip().rstrip("%")) / 100
            elements.append(ElementLine(int(e["element"]), str(e["name"]), float(readiness)))
        as_of = src.get("as_of") or data.get("as_of")
        counts = src.get("counts") or data.get("counts") or {}
        rule = src.get("pass_rule") if isinstance(src.get("pass_rule"), Mapping) else {}  # the pack's findings.json
        return cls(
            company=str(src.get("company") or data.get("company") or ""),
            as_of=as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)[:10]),
            elements=tuple(elements),
            counts=_counts(counts),
            pass_overall=float(src.get("pass_overall", rule.get("overall", 0.80))),
            pass_element=float(src.get("pass_element", rule.get("every_element", 0.50))),
            unread=_unread(src.get("unread") or data.get("unread") or {}),
            plan=_plan(src.get("plan", data.get("plan"))),
        )


def _plan(data: Any) -> PlanTop | None:
    """The kept plan, or None (no actions shown) when there is none or it cannot be read: the numbers still go."""
    if data is None:
        return None
    try:
        return PlanTop.from_data(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        log.warning("the action plan kept with the headline numbers is unusable (%s); the email lists no actions",
                    exc)
        return None


def _counts(counts: Mapping[str, Any]) -> dict[str, int | None]:
    """Counts as ints, an unknown one (its table not read) kept as None, never turned into 0."""
    return {str(k): None if v is None else int(v) for k, v in dict(counts).items()}


def _unread(unread: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(t) for t in v) for k, v in dict(unread).items()}
