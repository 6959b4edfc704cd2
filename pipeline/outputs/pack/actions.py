"""The action list: the pack's view of the one action plan (``findings.plan``, see pipeline.plan.model).

A view only: one row per PlanAction in the plan's order, never re-ranked, regrouped or de-duplicated here, so
the pack, the dashboard and the email say the same thing. A long plan is cut at ACTIONS_SHOWN rows with a line
saying where the rest are.
"""

from __future__ import annotations

from datetime import date

from ...plan.model import CERTIFICATE_TIER, ActionPlan, PlanAction
from .model import ActionList, ActionRow
from .values import fmt_date, text

ACTIONS_SHOWN = 25  # rows of the plan printed before "and N more"
ACTIONS_TAB = "Dashboard - Actions"  # where the whole plan is


def action_row(action: PlanAction, as_of: date) -> ActionRow:
    """One plan action as display text; ``overdue`` when its date is before ``as_of``."""
    return ActionRow(
        rank=str(action.rank) if action.rank else "",
        priority=action.tier_name,
        tier=action.tier,
        what=text(action.what, 300),
        who=text(action.who_text, 120),
        who_from=text(action.who_from, 120) if action.who else "",
        due=fmt_date(action.due),
        overdue=action.overdue(as_of),
        clears=text(action.clears_text, 200),
        where=text(action.where, 200),
        close=text(action.close, 240),
    )


def action_list(plan: ActionPlan, as_of: date, shown: int = ACTIONS_SHOWN) -> ActionList:
    """The plan's first ``shown`` actions, in its order, and how many it has. ``as_of`` (the findings' date)
    is used when the plan carries none."""
    when = plan.as_of or as_of
    rows = tuple(action_row(a, when) for a in plan.top(shown))
    return ActionList(fmt_date(when), rows, len(plan), ACTIONS_TAB)


def certificate_actions(plan: ActionPlan, as_of: date) -> tuple[ActionRow, ...]:
    """The plan's certificate-tier actions (the cover names them), in the plan's order."""
    when = plan.as_of or as_of
    return tuple(action_row(a, when) for a in plan.in_tier(CERTIFICATE_TIER))
