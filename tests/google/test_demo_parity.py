"""The demo company synced in Google mode finds exactly what local mode finds, in 2 requests per spreadsheet + 2."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from jobs.sync import SyncResult, run_sync
from pipeline.demo import DemoCompany, generate_demo
from pipeline.settings import Settings, SourceSettings, load_settings

from .data import FORMS_KEY, OFFICE_KEY, upload

AS_OF = END = date(2026, 10, 31)
ISSUE_KEY = ["table", "row", "column", "problem"]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> DemoCompany:
    return generate_demo(tmp_path_factory.mktemp("demo"), end=END)


@pytest.fixture
def both(company: DemoCompany, emulator, make_settings, tmp_path: Path) -> tuple[SyncResult, SyncResult]:
    """(local, google) syncs of the demo company as of 2026-10-31; the emulator's log holds Google's requests."""
    demo = load_settings(company.config)
    local_settings = replace(demo, source=SourceSettings(backend="local", path=str(company.folder)),
                             output=str(tmp_path / "out"))
    local = run_sync(local_settings, as_of=AS_OF)

    upload(emulator, company.office, OFFICE_KEY)  # Sheets keeps the dates as serial numbers
    upload(emulator, company.forms, FORMS_KEY)
    emulator.clear_log()
    google_settings: Settings = make_settings([OFFICE_KEY, FORMS_KEY], company=demo.company, timezone=demo.timezone,
                                              date_order=demo.date_order, timeout_seconds=30.0,
                                              max_retry_seconds=120.0)
    google = run_sync(google_settings, as_of=AS_OF)
    return local, google


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The same handling for both modes: a fresh index; dtypes are compared as they are."""
    return frame.reset_index(drop=True)


def test_google_mode_finds_what_local_mode_finds_on_the_demo_company(both, emulator):
    local, google = both
    assert local.problems == () and google.problems == ()

    assert [(c.id, c.status, c.detail) for c in google.findings.checks] == \
        [(c.id, c.status, c.detail) for c in local.findings.checks]
    assert [c.records for c in google.findings.checks] == [c.records for c in local.findings.checks]
    pd.testing.assert_frame_equal(_frame(google.findings.certifications), _frame(local.findings.certifications))
    pd.testing.assert_frame_equal(_frame(google.findings.deficiencies), _frame(local.findings.deficiencies))
    assert len(local.findings.deficiencies) > 0 and len(local.findings.certifications) > 0

    issues = {mode: [tuple(r) for r in result.dataset.issues[ISSUE_KEY].astype(object).itertuples(index=False)]
              for mode, result in (("local", local), ("google", google))}
    assert issues["google"] == issues["local"]
    problems = " | ".join(p for *_, p in issues["local"])  # the demo's planted mess, reported in both modes alike
    assert "blank row" in problems and "did you mean Dale Kowalski?" in problems and "not a real date" in problems

    assert [(e.element, e.readiness) for e in google.findings.elements] == \
        [(e.element, e.readiness) for e in local.findings.elements]
    assert dict(google.findings.counts) == dict(local.findings.counts)

    calls = [(c["method"], c["path"].rsplit("/", 1)[-1]) for c in emulator.api_requests()]
    assert calls == [("GET", OFFICE_KEY), ("GET", "values:batchGet"), ("GET", FORMS_KEY), ("GET", "values:batchGet"),
                     ("GET", OFFICE_KEY), ("POST", f"{OFFICE_KEY}:batchUpdate")]
    assert len(google.written) == 6  # the Dashboard tabs
