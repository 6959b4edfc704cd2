"""Reminders: which items are due, at which threshold, and who gets which (the pure core)."""

from __future__ import annotations

from datetime import date

from pipeline.checks.audit import audit
from pipeline.checks.reminders import (
    AUDIT,
    DEFICIENCY,
    DOCUMENT,
    OFFICE,
    OWNER,
    SUPERVISOR,
    TICKET,
    WORKER,
    Digest,
    Reminder,
    digests,
    due_reminders,
    latest_threshold,
    week_snapshot,
    weekly_changes,
    weekly_due,
)
from tests.builders import dataset
from tests.checks.reminder_company import (
    FOREMAN_MAIL,
    LABOURER,
    OFFICE_MAIL,
    OPERATOR,
    OPERATOR_MAIL,
    OWNER_MAIL,
    settings,
    tables,
)

DAY = date(2026, 12, 2)
JASON_H2S = f"{OPERATOR}|H2S Alive|2027-01-05"


def _due(day: date = DAY, sent: set = frozenset(), **kw: object) -> tuple[Reminder, ...]:
    s = settings()
    data = dataset(tables(**kw), s)  # type: ignore[arg-type]
    return due_reminders(audit(data, s, day), data, s, day, sent)


def _digests(day: date = DAY, **reminders: object) -> dict[str, Digest]:
    s = settings(**reminders)
    data = dataset(tables(), s)
    due = due_reminders(audit(data, s, day), data, s, day)
    return {d.address: d for d in digests(due, data.table("workers"), s)}


def test_latest_threshold_is_the_smallest_one_reached() -> None:
    assert latest_threshold(34, (60, 30, 7, 0)) == 60
    assert latest_threshold(30, (60, 30, 7, 0)) == 30
    assert latest_threshold(6, (60, 30, 7, 0)) == 7
    assert latest_threshold(-3, (60, 30, 7, 0)) == 0
    assert latest_threshold(61, (60, 30, 7, 0)) is None


def test_each_kind_of_item_is_found_with_its_date_in_its_identity() -> None:
    found = {r.kind: r for r in _due()}
    assert found[TICKET].key == (TICKET, JASON_H2S, 60)
    assert found[DEFICIENCY].key == (DEFICIENCY, "CA-8|2026-12-05", 7)  # due in 3 days; CA-7 (8 days) is not yet
    assert found[DOCUMENT].key == (DOCUMENT, "Safety Policy|2027-01-15", 60)  # signed 2026-01-15 + 12 months
    assert found[AUDIT].key == (AUDIT, "S.2|2027-03-01", 90)  # year-3 maintenance audit in 2027-03
    assert len(_due()) == 4


def test_a_sent_key_is_not_due_again_and_a_threshold_missed_while_off_is_caught_up_once() -> None:
    assert not [r for r in _due(sent={(TICKET, JASON_H2S, 60)}) if r.kind == TICKET]
    # Off from 2026-12-02 to 2026-12-30: 60 was sent, 30 was missed, 7 is now reached: only 7 is sent (30 is stale).
    late = [r for r in _due(date(2026, 12, 30), sent={(TICKET, JASON_H2S, 60)}) if r.person == OPERATOR]
    assert [r.threshold for r in late] == [7]


def test_an_overdue_deficiency_is_mentioned_once_more_as_overdue() -> None:
    overdue = [r for r in _due(date(2026, 12, 8)) if r.kind == DEFICIENCY and r.item.startswith("CA-8")]
    assert [(r.threshold, r.days_left) for r in overdue] == [(0, -3)]


def test_a_renewal_in_training_records_stops_the_old_item() -> None:
    renewed = _due(date(2027, 1, 3), renewed="2026-12-20")
    assert not [r for r in renewed if r.kind == TICKET and r.person == OPERATOR]


def test_recipients_per_rule() -> None:
    got = _digests()
    assert set(got) == {OPERATOR_MAIL, FOREMAN_MAIL, OWNER_MAIL, OFFICE_MAIL}
    assert got[OPERATOR_MAIL].roles == (WORKER,) and got[OPERATOR_MAIL].keys == ((TICKET, JASON_H2S, 60),)
    assert got[FOREMAN_MAIL].roles == (SUPERVISOR,) and got[FOREMAN_MAIL].keys == ((TICKET, JASON_H2S, 60),)
    assert got[OWNER_MAIL].roles == (OWNER,)
    assert {r.kind for r in got[OWNER_MAIL].reminders} == {DOCUMENT, AUDIT}
    assert got[OFFICE_MAIL].roles == (OFFICE,) and len(got[OFFICE_MAIL].reminders) == 4
    # Tyler has no email: his CA-8 is listed for the office instead
    assert got[OFFICE_MAIL].notes and got[OFFICE_MAIL].notes[0].startswith(f"{LABOURER} has no Email on Workers: CA-8")
    assert all(not d.notes for a, d in got.items() if a != OFFICE_MAIL)


def test_a_worker_never_sees_another_workers_ticket() -> None:
    s = settings()
    data = dataset(tables(), s)
    for day in (date(2026, 12, 15), date(2027, 1, 1), date(2027, 2, 5)):
        due = due_reminders(audit(data, s, day), data, s, day)
        for d in digests(due, data.table("workers"), s):
            if d.roles == (WORKER,):
                assert {r.person for r in d.reminders} <= {OPERATOR}, d


def test_a_person_turned_off_gets_nothing_and_the_office_still_does() -> None:
    got = _digests(off=(OPERATOR, FOREMAN_MAIL.upper()))
    assert OPERATOR_MAIL not in got and FOREMAN_MAIL not in got
    assert (TICKET, JASON_H2S, 60) in got[OFFICE_MAIL].keys


def test_the_office_list_and_the_owner_share_one_digest_when_the_same_address() -> None:
    got = _digests(office=(OWNER_MAIL,))
    assert OFFICE_MAIL not in got
    assert got[OWNER_MAIL].roles == (OWNER, OFFICE) and len(got[OWNER_MAIL].reminders) == 4


# --------------------------------------------------------------------------- the weekly office digest


def _findings(day: date, **changes: object) -> object:
    s = settings()
    t = tables()
    if changes.get("resolve_ca8"):
        t["corrective_actions"][1].update({"Completed": "2026-12-12", "Verified By": "Dale Kowalski",
                                           "Verified": "2026-12-13"})
    if changes.get("bad_row"):
        t["workers"].append({"Employee Name": "Mike Ross", "Position": "Labourer", "Hire Date": "next spring"})
    return audit(dataset(t, s), s, day)


def test_weekly_day_is_the_configured_weekday_once() -> None:
    s = settings()
    assert weekly_due(date(2026, 11, 30), s, None)  # a Monday
    assert not weekly_due(date(2026, 11, 30), s, "2026-11-30")
    assert not weekly_due(date(2026, 12, 1), s, None)
    assert weekly_due(date(2026, 12, 4), settings(weekly_day="friday"), None)
    assert not weekly_due(date(2026, 11, 30), settings(weekly_day=""), None)


def test_weekly_changes_list_newly_overdue_newly_resolved_and_new_data_issues() -> None:
    first = weekly_changes(None, _findings(date(2026, 11, 30)))  # type: ignore[arg-type]
    assert first.since is None and first.newly_overdue == () and first.open == 2
    week1 = {"day": "2026-11-30", "snapshot": week_snapshot(_findings(date(2026, 11, 30)))}  # type: ignore[arg-type]
    week2 = weekly_changes(week1, _findings(date(2026, 12, 7)))  # type: ignore[arg-type]
    assert [x.split(":")[0] for x in week2.newly_overdue] == ["CA-8"] and week2.newly_resolved == ()
    snap2 = {"day": "2026-12-07", "snapshot": week_snapshot(_findings(date(2026, 12, 7)))}  # type: ignore[arg-type]
    week3 = weekly_changes(snap2, _findings(date(2026, 12, 14), resolve_ca8=True, bad_row=True))  # type: ignore[arg-type]
    assert [x.split(":")[0] for x in week3.newly_overdue] == ["CA-7"]
    assert [x.split(":")[0] for x in week3.newly_resolved] == ["CA-8"]
    assert len(week3.new_issues) == 1 and week3.new_issues[0].startswith("Workers row 6, Start Date: 'next spring'")
    assert week3.since == "2026-12-07"


def test_an_email_cell_with_two_addresses_uses_the_first_and_a_blank_one_is_no_email() -> None:
    import pandas as pd

    from pipeline.checks.reminders import directory

    workers = pd.DataFrame({"row": [2, 3], "name": ["Jason Whitford", "Tyler Brandt"],
                            "email": ["Jason <jason@acme.example>; jwhit@gmail.com", "n/a"],
                            "supervisor": ["Priya Sandhu", None]})
    assert directory(workers) == {"jason whitford": ("Jason Whitford", "jason@acme.example", "Priya Sandhu"),
                                  "tyler brandt": ("Tyler Brandt", "", "")}
