"""Element 2: hazard identification procedure, FLHAs, hazard register, FLHA training."""

from __future__ import annotations

from tests.checks.support import LABOURER, OPERATOR, changed, good_company, run, settings, without


def test_e2_1_hazard_identification_procedure_missing_fails_and_flha_procedure_counts() -> None:
    program = [r for r in good_company()["program"] if "Hazard" not in r["Document"]]
    assert run("E2.1", changed(program=program)).status == "Fail"
    flha_doc = [*program, {"Document": "FLHA procedure (how and when)", "Signed Date": "2026-02-01"}]
    assert run("E2.1", changed(program=flha_doc)).status == "Pass"


def test_e2_2_no_flhas_in_the_window_fails() -> None:
    old = {**good_company()["flha"][0], "Timestamp": "2025-10-31 07:00:00"}
    result = run("E2.2", changed(flha=[old]))
    assert result.status == "Fail" and "no FLHAs" in result.detail


def test_e2_2_months_with_work_but_no_flha_are_listed() -> None:
    tables = good_company()
    tables["flha"] = [r for r in tables["flha"] if not r["Timestamp"].startswith(("2026-03", "2026-04"))]
    result = run("E2.2", tables)
    assert result.status == "Fail" and result.records == ("2026-03", "2026-04")


def test_e2_2_one_month_missing_of_twelve_warns() -> None:
    tables = good_company()
    tables["flha"] = [r for r in tables["flha"] if not r["Timestamp"].startswith("2026-03")]
    assert run("E2.2", tables).status == "Warn"


def test_e2_3_unsigned_and_unreviewed_flhas_are_counted_and_listed() -> None:
    tables = good_company()
    for r in tables["flha"][:3]:
        r["Worker Signature"] = None
    for r in tables["flha"][3:10]:
        r["Supervisor Review"] = "no"
    result = run("E2.3", tables)
    assert result.status == "Fail" and len(result.records) == 10
    assert result.detail.startswith("3 of 52 FLHAs in the last 12 months unsigned, 7 not reviewed")


def test_e2_3_a_few_unsigned_flhas_warn() -> None:
    tables = good_company()
    tables["flha"][0]["Worker Signature"] = None
    assert run("E2.3", tables).status == "Warn"


def test_e2_4_generic_sites_are_flagged() -> None:
    tables = good_company()
    for r in tables["flha"][:20]:
        r["Site"] = "Various"
    result = run("E2.4", tables)
    assert result.status == "Fail" and "20 of 52 FLHAs" in result.detail and len(result.records) == 20


def test_e2_4_same_hazard_text_on_three_sites_is_copy_paste() -> None:
    tables = good_company()
    for r in tables["flha"][:3]:
        r["Hazards"] = "Overhead lines, traffic"
    result = run("E2.4", tables)
    assert result.status == "Warn" and "3 repeat hazard text" in result.detail
    assert run("E2.4", tables, config=settings(copy_paste_min_sites=4)).status == "Pass"


def test_e2_4_same_hazard_text_on_five_days_at_one_site_is_copy_paste() -> None:
    tables = good_company()
    for r in tables["flha"][:5]:
        r["Hazards"] = "overhead LINES,  traffic"
        r["Site"] = "LSD 01-12-045-05W5"
    assert "5 repeat hazard text" in run("E2.4", tables).detail


def test_e2_4_ticked_boxes_of_a_checkbox_hazards_question_are_not_copy_paste() -> None:
    tables = good_company()
    for i, r in enumerate(tables["flha"]):
        text = r.pop("Hazards")
        r["Hazards (check all that apply)"] = "Overhead lines, Slips, trips and falls" if i < 10 else text
    result = run("E2.4", tables)
    assert result.status == "Pass" and "ticked on a checklist" in result.detail


def test_e2_4_answers_joined_with_semicolons_are_a_checkbox_question_too() -> None:
    tables = good_company()
    for r in tables["flha"][:15]:  # a Forms CSV download: two boxes ticked; one box alone has no ';'
        r["Hazards"] = "Overhead lines;Slips, trips and falls"
    assert run("E2.4", tables).status == "Pass"


def test_e2_5_register_not_reviewed_in_the_window_fails_and_partly_reviewed_warns() -> None:
    tables = good_company()
    for r in tables["hazard_register"]:
        r["Reviewed"] = "2025-06-01"
    assert run("E2.5", tables).status == "Fail"
    tables["hazard_register"][0]["Reviewed"] = "2026-02-01"
    result = run("E2.5", tables)
    assert result.status == "Warn" and result.records == ("Hazard Register row 3",)


def test_e2_5_missing_register_fails() -> None:
    assert "not found" in run("E2.5", without("hazard_register")).detail


def test_e2_6_worker_without_flha_orientation_or_ticket_is_listed() -> None:
    tables = good_company()
    tables["orientation"][1]["Topics"] = "PPE, emergency plan"
    result = run("E2.6", tables)
    assert result.status == "Fail" and OPERATOR in result.detail
    tables["training_records"].append({"Worker": OPERATOR, "Ticket": "FLHA Training", "Completed": "2025-01-01"})
    assert run("E2.6", tables).status == "Pass"


def test_e2_6_a_ticket_known_only_by_its_expiry_counts_as_flha_training() -> None:
    """A training matrix kept as a grid often gives only the expiry date of a ticket."""
    tables = good_company()
    tables["orientation"][1]["Topics"] = "PPE, emergency plan"
    del tables["training_records"]
    tables["training_matrix"] = [  # expiry dates in the cells: no validity in the column titles
        {"Name": OPERATOR, "H2S Alive": "2027-06-01", "Standard First Aid": "2027-06-01", "FLHA Training": None},
        {"Name": LABOURER, "H2S Alive": "2027-06-01", "Standard First Aid": "N/A", "FLHA Training": "2027-01-01"},
    ]
    assert OPERATOR in run("E2.6", tables).detail
    tables["training_matrix"][0]["FLHA Training"] = "2027-01-01"
    assert OPERATOR not in run("E2.6", tables).detail
