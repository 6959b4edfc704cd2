"""The certificate itself: small employer, maintenance audit calendar, Certifying Partner training."""

from __future__ import annotations

from datetime import date

from tests.checks.support import OPERATOR, OWNER, Tables, changed, good_company, run, settings


def with_staff(n: int, **extra: str) -> Tables:
    tables = good_company()
    tables["workers"] += [{"Name": f"Extra Hand {i}", "Role": "Labourer", "Start Date": "2026-04-01", **extra}
                          for i in range(n)]
    return tables


def test_s1_ten_people_at_once_is_still_a_small_employer() -> None:
    result = run("S.1", with_staff(7))
    assert result.status == "Pass" and "at most 10 people" in result.detail


def test_s1_eleven_people_at_once_fails_and_lists_them() -> None:
    result = run("S.1", with_staff(8))
    assert result.status == "Fail" and "COR" in result.detail and len(result.records) == 11


def test_s1_people_who_left_before_the_window_or_start_after_as_of_do_not_count() -> None:
    tables = with_staff(5, **{"End Date": "2025-10-31"})
    tables["workers"] += [{"Name": f"Future {i}", "Role": "Labourer", "Start Date": "2026-11-01"} for i in range(5)]
    assert "at most 3 people" in run("S.1", tables).detail


def test_s1_short_stints_that_never_overlap_are_not_added_up() -> None:
    tables = good_company()
    tables["workers"] += [{"Name": f"Seasonal {i}", "Role": "Labourer", "Start Date": f"2026-{i + 1:02d}-01",
                           "End Date": f"2026-{i + 1:02d}-20"} for i in range(10)]
    assert run("S.1", tables).status == "Pass"


def certificate(*rows: tuple[str, str]) -> Tables:
    tables = good_company()
    tables["program"] = [r for r in tables["program"] if "SECOR" not in r["Document"]]
    tables["program"] += [{"Document": d, "Signed Date": s} for d, s in rows]
    return tables


def test_s2_next_maintenance_audit_is_in_the_certificates_month_a_year_on() -> None:
    result = run("S.2", certificate(("SECOR Certificate", "2026-03-10")))
    assert result.status == "Pass" and "year-2 maintenance audit in 2027-03" in result.detail


def test_s2_warns_from_60_days_before_the_due_month() -> None:
    tables = certificate(("SECOR Certificate", "2025-12-15"))
    assert run("S.2", tables, as_of=date(2026, 10, 1)).status == "Pass"
    assert run("S.2", tables, as_of=date(2026, 10, 2)).status == "Warn"


def test_s2_fails_once_the_due_month_passed_without_a_newer_row_and_a_newer_row_clears_it() -> None:
    tables = certificate(("SECOR Certificate", "2025-09-15"))
    assert run("S.2", tables, as_of=date(2026, 9, 30)).status == "Warn"
    late = run("S.2", tables, as_of=date(2026, 10, 1))
    assert late.status == "Fail" and "due in 2026-09" in late.detail
    tables["program"].append({"Document": "SECOR maintenance audit", "Signed Date": "2026-09-20"})
    result = run("S.2", tables, as_of=date(2026, 10, 1))
    assert result.status == "Pass" and "year-3 maintenance audit in 2027-09" in result.detail


def test_s2_certificate_older_than_three_years_has_expired() -> None:
    tables = certificate(("SECOR Certificate", "2023-10-30"), ("SECOR maintenance audit", "2024-10-10"),
                         ("SECOR maintenance audit", "2025-10-10"))
    result = run("S.2", tables)
    assert result.status == "Fail" and "expired" in result.detail


def test_s2_no_certificate_row_warns() -> None:
    assert run("S.2", certificate()).status == "Warn"


def test_s3_owner_with_csts_and_first_aid_passes() -> None:
    result = run("S.3", good_company())
    assert result.status == "Pass" and f"{OWNER} holds all of" in result.detail


def test_s3_first_aid_expired_fails() -> None:
    tables = good_company()
    tables["training_records"][2]["Completed"] = "2023-06-01"  # + 36 months = 2026-06-01
    assert run("S.3", tables).status == "Fail"


def test_s3_tickets_held_by_two_different_people_do_not_count() -> None:
    tables = good_company()
    tables["training_records"] = [r for r in tables["training_records"]
                                  if not (r["Worker"] == OWNER and "First Aid" in r["Ticket"])]
    result = run("S.3", tables)
    assert result.status == "Fail" and f"Standard First Aid: {OPERATOR}" in result.detail


def test_s3_ticket_names_match_forgivingly_and_the_partner_list_is_configurable() -> None:
    tables = good_company()
    tables["training_records"] = [
        {"Worker": OPERATOR, "Ticket": "CSTS-2020", "Completed": "2025-01-01"},
        {"Worker": OPERATOR, "Ticket": "Standard First Aid & CPR/AED", "Completed": "2025-01-01"},
    ]
    assert run("S.3", tables).status == "Pass"
    assert run("S.3", tables, config=settings(partner_tickets=("CSTS", "H2S Alive"))).status == "Fail"


def test_s_1_with_nobody_on_workers_warns_instead_of_passing() -> None:
    result = run("S.1", changed(workers=[]))
    assert result.status == "Warn" and "no one on Workers" in result.detail
