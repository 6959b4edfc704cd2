"""The whole engine: every check present, statuses valid, a well-kept company passes, inputs untouched."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.checks.audit import Findings, audit
from pipeline.checks.base import FAIL, PASS, STATUSES, WARN
from pipeline.checks.registry import load_all
from pipeline.settings import Settings
from tests.builders import dataset
from tests.checks.support import AS_OF, findings, good_company, without

ALL_IDS = [
    "E1.1", "E1.2", "E1.3", "E1.4", "E2.1", "E2.2", "E2.3", "E2.4", "E2.5", "E2.6", "E3.1", "E3.2", "E3.3", "E3.4",
    "E4.1", "E4.2", "E4.3", "E5.1", "E5.2", "E5.3", "E5.4", "E6.1", "E6.2", "E6.3", "E6.4", "E6.5",
    "S.1", "S.2", "S.3",
]


def test_registry_holds_exactly_the_29_checks_of_the_spec() -> None:
    assert sorted(load_all()) == sorted(ALL_IDS)


def test_audit_returns_every_check_once_with_a_valid_status_and_one_line_detail() -> None:
    result = findings(good_company())
    assert [c.id for c in result.checks] == ALL_IDS
    for c in result.checks:
        assert c.status in STATUSES
        assert c.detail and "\n" not in c.detail


def test_audit_of_an_empty_workbook_fails_each_check_without_crashing() -> None:
    result = findings({})
    assert sorted(c.id for c in result.checks) == sorted(ALL_IDS)
    assert all(c.status in (PASS, WARN, FAIL) for c in result.checks)
    assert result.check("E2.2").status == FAIL and "table FLHA not found" in result.check("E2.2").detail


@pytest.fixture(scope="module")
def well_kept() -> Findings:
    return findings(good_company())


@pytest.mark.parametrize("check_id", ALL_IDS)
def test_well_kept_company_passes_every_check(well_kept: Findings, check_id: str) -> None:
    check = well_kept.check(check_id)
    assert check.status == PASS, check.detail


def test_well_kept_company_meets_the_partners_pass_rule_and_has_nothing_open(well_kept: Findings) -> None:
    result = well_kept
    assert result.meets_pass_rule and result.overall == 1.0
    assert result.deficiencies.empty
    assert set(result.certifications["status"]) == {"Current"}


def test_audit_never_changes_its_input_frames() -> None:
    data = dataset(good_company())
    before = {k: v.copy() for k, v in data.tables.items()}
    audit(data, Settings(), AS_OF)
    for key, frame in data.tables.items():
        pd.testing.assert_frame_equal(frame, before[key])


def test_counts_from_unread_tables_are_none_and_say_which_table_never_zero() -> None:
    result = findings(without("training_records", "incident"))
    assert result.counts["expired_tickets"] is None and result.counts["missing_tickets"] is None
    assert result.counts["near_misses"] is None
    assert result.shown("expired_tickets") == "not read: no Training Records"
    assert result.shown("near_misses") == "not read: no Incident"
    assert result.counts["open_deficiencies"] == 0 and result.shown("open_deficiencies") == "0"


def test_deficiency_counts_need_at_least_one_finding_table() -> None:
    result = findings(without("pre_start", "workplace_inspection", "hazard_register", "incident",
                              "corrective_actions"))
    assert result.counts["open_deficiencies"] is None and result.counts["overdue_deficiencies"] is None
    assert result.shown("open_deficiencies").startswith("not read: no Pre-Start, Workplace Inspection")
    assert result.counts["data_issues"] == len(result.issues)


def test_an_empty_workbook_reports_no_count_as_zero_but_data_issues() -> None:
    result = findings({})
    assert {k for k, v in result.counts.items() if v is not None} == {"data_issues"}


def test_the_near_miss_count_is_check_e6_2s_own() -> None:
    tables = good_company()
    tables["incident"].append({**tables["incident"][0], "Timestamp": "2025-10-30 10:00",
                               "Incident Date": "2025-10-30"})  # a day before the window: not counted
    tables["incident"].append({**tables["incident"][0], "Timestamp": "2026-07-01 10:00",
                               "Incident Date": "2026-07-01", "Type": "Near miss (no injury or damage)"})
    result = findings(tables)
    e62 = result.check("E6.2")
    assert len(e62.records) == result.counts["near_misses"]


@pytest.mark.parametrize("check_id", ["E3.2", "E3.3", "E4.3", "E5.2", "E6.3", "E6.4", "E6.5"])
def test_a_check_with_nothing_to_judge_is_never_pass(check_id: str) -> None:
    tables = good_company()
    tables.update(incident=[], corrective_actions=[], toolbox_talk=[], workplace_inspection=[],
                  pre_start=[r for r in tables["pre_start"] if r["Result"] == "Pass"],
                  hazard_register=[r for r in tables["hazard_register"] if r["Risk"] != "High"],
                  training_matrix=[])
    result = findings(tables).check(check_id)
    assert result.status == WARN, result.detail
