"""The portfolio's order and each row's short reason: certificate, unknown, below the pass rule, the rest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from pipeline.fleet.portfolio import (
    BELOW,
    CERTIFICATE,
    REST,
    UNKNOWN,
    ClientRow,
    portfolio_rows,
    risk,
    risk_group,
)

AS_OF = date(2026, 12, 2)


def healthy(client: str, overall: float = 0.9, **changes: object) -> ClientRow:
    """A client that read well and meets the pass rule, its next audit far away."""
    row = ClientRow(client=client, company=f"{client.title()} Ltd", overall=overall, worst_element=3,
                    worst_readiness=0.7, meets_pass_rule=True, over_small_employer_limit=False,
                    next_audit=date(2027, 9, 1), audit_status="Pass", expired_tickets=0, missing_tickets=0,
                    overdue_deficiencies=0, data_issues=0, last_sync=datetime(2026, 12, 2, 6, 0))
    return replace(row, **changes)


def names(rows: tuple[ClientRow, ...]) -> list[str]:
    return [r.client for r in rows]


# --------------------------------------------------------------------------- certificate: S.1


def test_over_the_small_employer_limit_is_certificate_risk_and_says_plan_cor():
    row = healthy("bigco", over_small_employer_limit=True)
    assert risk_group(row, AS_OF) == CERTIFICATE
    assert risk(row, AS_OF) == "Over 10 workers: plan COR"
    assert risk(replace(row, small_employer_limit=15), AS_OF) == "Over 15 workers: plan COR"


def test_within_the_limit_is_not_certificate_risk():
    row = healthy("smallco", over_small_employer_limit=False)
    assert risk_group(row, AS_OF) == REST
    assert risk(row, AS_OF) == "Meets pass rule"


# --------------------------------------------------------------------------- certificate: S.2


def test_an_audit_due_within_the_warn_window_is_certificate_risk_with_its_date():
    row = healthy("soon", next_audit=date(2026, 12, 15), audit_status="Warn")
    assert risk_group(row, AS_OF) == CERTIFICATE
    assert risk(row, AS_OF) == "Audit due 2026-12-15"


def test_the_warn_window_is_the_clients_own():
    row = healthy("soon", next_audit=date(2027, 1, 20))  # 49 days out
    assert risk_group(row, AS_OF) == CERTIFICATE
    assert risk_group(replace(row, maintenance_warn_days=30), AS_OF) == REST


def test_an_overdue_audit_says_overdue_with_its_due_date():
    row = healthy("late", next_audit=date(2026, 10, 1), audit_status="Fail")
    assert risk_group(row, AS_OF) == CERTIFICATE
    assert risk(row, AS_OF) == "Audit overdue 2026-10-01"


def test_an_audit_beyond_the_warn_window_is_not_certificate_risk():
    row = healthy("later", next_audit=date(2027, 3, 1), audit_status="Pass")
    assert risk_group(row, AS_OF) == REST


def test_s2_failed_without_a_date_is_still_certificate_risk():
    row = healthy("expired", next_audit=None, audit_status="Fail")
    assert risk_group(row, AS_OF) == CERTIFICATE
    assert risk(row, AS_OF) == "Audit overdue or expired"


def test_certificate_risk_orders_over_the_limit_first_then_audits_soonest_first():
    rows = [healthy("dec-20", next_audit=date(2026, 12, 20)), healthy("fine"),
            healthy("overdue", next_audit=date(2026, 11, 1)), healthy("big", over_small_employer_limit=True),
            healthy("dec-10", next_audit=date(2026, 12, 10))]
    assert names(portfolio_rows(rows, AS_OF)) == ["big", "overdue", "dec-10", "dec-20", "fine"]


# --------------------------------------------------------------------------- unknown: failed or never read


def test_a_failed_run_with_unknown_figures_goes_right_after_certificate_risk():
    failed = ClientRow(client="broken", company="Broken Co", error="spreadsheet 'Broken records' is not shared")
    rows = [healthy("fine"), healthy("low", overall=0.4, worst_readiness=0.2, meets_pass_rule=False), failed,
            healthy("big", over_small_employer_limit=True)]
    assert names(portfolio_rows(rows, AS_OF)) == ["big", "broken", "low", "fine"]
    assert risk_group(failed, AS_OF) == UNKNOWN
    assert risk(failed, AS_OF) == "Last run failed: spreadsheet 'Broken records' is not shared"


def test_a_run_that_went_well_is_not_in_the_unknown_group():
    assert risk_group(healthy("fine", error=""), AS_OF) == REST


def test_a_failed_run_keeps_certificate_risk_when_its_figures_show_it():
    row = healthy("big", over_small_employer_limit=True, error="SMTP refused the owner's address")
    assert risk_group(row, AS_OF) == CERTIFICATE


def test_a_failed_run_with_figures_still_comes_before_clients_below_the_rule():
    mailed = healthy("mailed", overall=0.95, error="the mail server refused the owner's address")
    low = healthy("low", worst_readiness=0.2, meets_pass_rule=False)
    assert names(portfolio_rows([low, mailed], AS_OF)) == ["mailed", "low"]
    assert risk(mailed, AS_OF) == "Last run failed: the mail server refused the owner's address"


def test_a_client_never_read_is_unknown_not_healthy():
    row = ClientRow(client="new", company="New Co")
    assert risk_group(row, AS_OF) == UNKNOWN
    assert risk(row, AS_OF) == "No figures yet: not synced"


def test_unknown_clients_order_by_oldest_successful_sync_never_synced_first():
    rows = [ClientRow("b", "B", error="x", last_sync=datetime(2026, 11, 30)),
            ClientRow("a", "A", error="x", last_sync=datetime(2026, 12, 1)),
            ClientRow("c", "C", error="x")]
    assert names(portfolio_rows(rows, AS_OF)) == ["c", "b", "a"]


def test_a_long_error_is_cut_to_one_short_line():
    row = ClientRow("a", "A", error="line one\nline two " + "x" * 300)
    reason = risk(row, AS_OF)
    assert "\n" not in reason and reason.endswith("…") and len(reason) < 160


# --------------------------------------------------------------------------- below the pass rule


def test_an_element_under_the_element_floor_is_named_with_its_readiness():
    row = healthy("low", overall=0.82, worst_element=5, worst_readiness=0.38, meets_pass_rule=False)
    assert risk_group(row, AS_OF) == BELOW
    assert risk(row, AS_OF) == "Element 5 at 38% (< 50%)"


def test_overall_under_the_pass_line_is_named_when_every_element_clears_the_floor():
    row = healthy("meh", overall=0.72, worst_readiness=0.55, meets_pass_rule=False)
    assert risk(row, AS_OF) == "Overall 72% (< 80%)"


def test_meeting_the_pass_rule_is_not_below():
    row = healthy("ok", overall=0.85, worst_readiness=0.55, meets_pass_rule=True)
    assert risk_group(row, AS_OF) == REST


def test_the_pass_rule_is_judged_from_the_figures_when_the_verdict_is_missing():
    row = healthy("low", overall=0.85, worst_readiness=0.4, meets_pass_rule=None)
    assert risk_group(row, AS_OF) == BELOW
    assert risk_group(replace(row, worst_readiness=0.6), AS_OF) == REST


def test_below_the_pass_rule_orders_worst_element_first_then_overall():
    rows = [healthy("e40-o70", overall=0.7, worst_readiness=0.4, meets_pass_rule=False),
            healthy("e20", overall=0.9, worst_readiness=0.2, meets_pass_rule=False),
            healthy("e40-o60", overall=0.6, worst_readiness=0.4, meets_pass_rule=False)]
    assert names(portfolio_rows(rows, AS_OF)) == ["e20", "e40-o60", "e40-o70"]


# --------------------------------------------------------------------------- the rest


def test_meeting_the_rule_without_an_audit_date_says_so():
    row = healthy("nocert", next_audit=None, audit_status="Warn")
    assert risk_group(row, AS_OF) == REST
    assert risk(row, AS_OF) == "Meets rule; no audit date"


def test_the_rest_orders_by_overall_ascending_and_names_break_ties():
    rows = [healthy("b", overall=0.95), healthy("c", overall=0.85), healthy("a", overall=0.95)]
    assert names(portfolio_rows(rows, AS_OF)) == ["c", "a", "b"]


def test_the_four_groups_come_in_order_and_the_input_is_not_changed():
    rows = (healthy("rest"), healthy("below", worst_readiness=0.1, meets_pass_rule=False),
            ClientRow("unknown", "U", error="boom"), healthy("cert", next_audit=date(2026, 12, 3)))
    before = rows
    assert names(portfolio_rows(rows, AS_OF)) == ["cert", "unknown", "below", "rest"]
    assert rows == before and names(rows)[0] == "rest"
