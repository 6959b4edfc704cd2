"""The pack's action list is the action plan (findings.plan) as it is: its order, its who, its dates, once each."""

from __future__ import annotations

import re
from html import unescape

from pipeline.outputs.pack import render_html
from pipeline.outputs.pack.actions import ACTIONS_SHOWN, ACTIONS_TAB, action_list

from .conftest import page_texts
from .planned import (
    AS_OF,
    CLOSE_DEFECT,
    FIRST_FOUR,
    LONG_PLAN,
    RENEW_H2S,
    SIGN_FLHAS,
    context_for,
    long_plan_pack,
    plan_of,
    soon,
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _action_pages() -> str:
    """The text of the pages from the action list's heading to the first element's, white space collapsed."""
    _, _, pdf = long_plan_pack()
    text = _flat(" ".join(page_texts(pdf)))
    start = text.index("Action list What to do before the audit")
    return text[start:text.index("What an auditor looks for".upper(), start)]


def test_one_row_per_plan_action_in_the_plans_order() -> None:
    shown = long_plan_pack()[0].actions
    assert [r.what for r in shown.rows] == [a.what for a in LONG_PLAN.top(ACTIONS_SHOWN)]
    assert [r.rank for r in shown.rows] == [str(i) for i in range(1, ACTIONS_SHOWN + 1)]
    assert [r.priority for r in shown.rows[:5]] == ["Certificate", "Pass rule", "Fail", "Points deducted",
                                                     "Coming up"]


def test_the_pdf_lists_the_actions_in_order_each_with_who_and_due() -> None:
    text = _action_pages()
    positions = [text.find(_flat(a.what)) for a in LONG_PLAN.top(ACTIONS_SHOWN)]
    assert -1 not in positions and positions == sorted(positions)
    # Each row carries its own who and due, between its what and the next row's.
    for a, here, nxt in zip(LONG_PLAN.top(4), positions, positions[1:], strict=False):
        row = text[here:nxt]
        assert _flat(a.who_text) in row and a.due.isoformat() in row, row
    defect = text[positions[2]:positions[3]]
    assert "Unassigned: Dale Kowalski (Owner) decides who" in defect
    assert "clears E3.2, E4.3" in defect and "write PS-261006-063000 in Source Ref" in defect


def test_an_action_that_clears_several_checks_appears_once() -> None:
    _, _, pdf = long_plan_pack()
    whole = _flat(" ".join(page_texts(pdf)))
    for action in (CLOSE_DEFECT, RENEW_H2S, SIGN_FLHAS):
        assert whole.count(_flat(action.what)) == 1, action.what


def test_an_action_whose_date_has_passed_says_overdue() -> None:
    rows = {r.what: r for r in long_plan_pack()[0].actions.rows}
    assert rows[RENEW_H2S.what].overdue  # due 2026-10-20, as of 2026-10-31
    assert not rows[CLOSE_DEFECT.what].overdue  # due 2026-11-14
    row = _action_pages()
    here = row.index(RENEW_H2S.what)
    assert "2026-10-20 overdue" in row[here:row.index(CLOSE_DEFECT.what)]


def test_a_long_plan_shows_25_rows_then_says_where_the_rest_are() -> None:
    shown = long_plan_pack()[0].actions
    assert len(shown.rows) == ACTIONS_SHOWN and shown.total == len(LONG_PLAN) == 30 and shown.more == 5
    text = _action_pages()
    assert f"… and 5 more: see {ACTIONS_TAB}." in text
    assert soon(21).what in text and soon(22).what not in text  # the 25th action shown, the 26th not


def test_a_short_plan_has_no_more_line() -> None:
    shown = action_list(plan_of(FIRST_FOUR), AS_OF)
    assert len(shown.rows) == 4 and shown.more == 0
    html = render_html(context_for(plan_of(FIRST_FOUR)))
    assert "more: see" not in html


def test_the_view_never_reorders_or_merges_what_the_plan_gives() -> None:
    # Deliberately out of tier order, and the same what twice: the plan decides, the pack shows it as it is.
    odd = plan_of([soon(1), CLOSE_DEFECT, soon(1)])
    shown = action_list(odd, AS_OF)
    assert [r.what for r in shown.rows] == [soon(1).what, CLOSE_DEFECT.what, soon(1).what]


def test_an_empty_plan_says_there_is_nothing_to_do_as_of_the_date() -> None:
    html = render_html(context_for(plan_of([])))
    section = html[html.index('id="actions"'):html.index("</section>", html.index('id="actions"'))]
    assert "Nothing to do as of 2026-10-31." in unescape(re.sub(r"<[^>]+>", " ", section))
    assert "<table" not in section
