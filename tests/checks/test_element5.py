"""Element 5: training matrix, tickets, orientations, toolbox talks."""

from __future__ import annotations

from tests.checks.support import LABOURER, OPERATOR, Tables, changed, good_company, rid, run, without


def test_e5_1_vague_tickets_fail() -> None:
    tables = good_company()
    tables["training_matrix"] += [{"Role": "Labourer", "Ticket": "As required"},
                                  {"Role": "Labourer", "Ticket": "First aid - TBD"}]
    result = run("E5.1", tables)
    assert result.status == "Fail" and "'As required'" in result.detail and len(result.records) == 2


def test_e5_1_blank_ticket_row_is_counted_from_the_data_issues() -> None:
    tables = good_company()
    tables["training_matrix"].append({"Role": "Labourer", "Ticket": None, "Valid For Months": 12})
    result = run("E5.1", tables)
    assert result.status == "Fail" and "Training Matrix row 7" in result.records


def test_e5_1_role_with_no_matrix_row_warns() -> None:
    tables = good_company()
    tables["workers"].append({"Name": "Ann Bell", "Role": "Bookkeeper", "Start Date": "2024-01-01"})
    result = run("E5.1", tables)
    assert result.status == "Warn" and "Bookkeeper" in result.detail


def test_e5_2_expired_ticket_fails_and_expiring_ticket_warns() -> None:
    tables = good_company()
    tables["training_records"][3]["Expires"] = "2026-10-30"
    result = run("E5.2", tables)
    assert result.status == "Fail" and result.records == (f"{OPERATOR}: H2S Alive (Expired)",)
    tables["training_records"][3]["Expires"] = "2026-12-01"
    assert run("E5.2", tables).status == "Warn"


def test_e5_2_missing_ticket_fails() -> None:
    tables = good_company()
    tables["training_records"] = [r for r in tables["training_records"] if r["Worker"] != LABOURER]
    result = run("E5.2", tables)
    assert result.status == "Fail" and "1 missing" in result.detail


def test_e5_2_missing_training_records_table_fails_naming_it() -> None:
    assert "table Training Records not found" in run("E5.2", without("training_records")).detail


def test_e5_3_worker_without_signed_orientation_is_listed() -> None:
    tables = good_company()
    tables["orientation"][2]["Worker Signature"] = None
    result = run("E5.3", tables)
    assert result.status == "Fail" and LABOURER in result.detail and "1 of them has one without" in result.detail
    assert result.records == ("Workers row 4",)


def test_e5_3_worker_who_left_yesterday_needs_no_orientation() -> None:
    tables = good_company()
    tables["workers"].append({"Name": "Ann Bell", "Role": "Labourer", "Start Date": "2024-01-01",
                              "End Date": "2026-10-30"})
    assert run("E5.3", tables).status == "Pass"


def test_e5_4_no_toolbox_talks_in_the_window_fails() -> None:
    talks = [{**good_company()["toolbox_talk"][0], "Timestamp": "2025-10-01 07:30:00"}]
    assert run("E5.4", changed(toolbox_talk=talks)).status == "Fail"


def test_e5_4_talks_every_three_weeks_warn_and_a_two_month_gap_fails() -> None:
    talks = good_company()["toolbox_talk"]
    every_third_week = run("E5.4", changed(toolbox_talk=talks[::3]))
    assert every_third_week.status == "Warn" and "over 14 days (longest 21)" in every_third_week.detail
    gap = [t for t in talks if not t["Timestamp"].startswith(("2026-03", "2026-04"))]
    assert run("E5.4", changed(toolbox_talk=gap)).status == "Fail"


def test_e5_4_same_topic_every_week_looks_copy_pasted() -> None:
    tables = good_company()
    for t in tables["toolbox_talk"]:
        t["Topic"] = "Slips, trips and falls"
    result = run("E5.4", tables)
    assert result.status == "Fail" and "51 repeat" in result.detail


def test_e5_4_topic_repeated_after_eight_weeks_is_fine_but_within_is_a_repeat() -> None:
    tables = good_company()
    talks = tables["toolbox_talk"]
    talks[0]["Topic"] = talks[9]["Topic"] = "Ladders"  # 9 weeks apart
    assert run("E5.4", tables).status == "Pass"
    talks[8]["Topic"] = "ladders "  # 8 weeks after the first
    result = run("E5.4", tables)
    assert result.status == "Warn" and result.records == (tables_id(tables, 8), tables_id(tables, 9))


def test_e5_4_near_identical_notes_under_new_topics_are_a_repeat() -> None:
    tables = good_company()
    notes = "Reviewed the spill kit location, how to use absorbent pads and who to call for a big spill."
    tables["toolbox_talk"][4]["Notes"] = notes
    tables["toolbox_talk"][6]["Notes"] = notes.replace("big", "large")
    result = run("E5.4", tables)
    assert result.status == "Warn" and result.records == (tables_id(tables, 6),)


def test_e5_4_same_topic_the_same_day_for_two_crews_is_not_a_repeat() -> None:
    tables = good_company()
    tables["toolbox_talk"].append({**tables["toolbox_talk"][5], "Timestamp": tables["toolbox_talk"][5]["Timestamp"]
                                   .replace("07:30", "12:30"), "Presenter": OPERATOR})
    assert run("E5.4", tables).status == "Pass"


def tables_id(tables: Tables, index: int) -> str:
    """The record ID of the index-th toolbox talk."""
    t = tables["toolbox_talk"][index]
    return rid("TBT", t["Timestamp"], t["Presenter"], t["Topic"])
