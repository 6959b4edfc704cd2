"""Element 4's "Inspections done vs scheduled" chart counts as check E4.2 does, and the pack judges root causes
with the company's settings."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from pipeline.checks.audit import Findings, audit
from pipeline.checks.base import AuditContext
from pipeline.checks.element4 import ItemCoverage, inspection_coverage
from pipeline.demo import generate_demo
from pipeline.normalise import normalise
from pipeline.normalise.dataset import Dataset
from pipeline.outputs.pack import Month, build_context, charts
from pipeline.outputs.pack.evidence import INCIDENTS_TITLE
from pipeline.settings import Settings, load_settings
from pipeline.sources.local import LocalSource
from tests.builders import dataset

from .fixtures import OCTOBER, company_records, hand_findings

GENERATED = datetime(2026, 11, 1, 6, 0, tzinfo=ZoneInfo("America/Edmonton"))
UNITS = {"Daily": "work days", "Weekly": "weeks", "Monthly": "month", "Quarterly": "quarter", "Annually": "year"}


@dataclasses.dataclass(frozen=True)
class Demo:
    data: Dataset
    settings: Settings
    findings: Findings


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    company = generate_demo(tmp_path_factory.mktemp("demo"), end=date(2026, 10, 31))
    settings = load_settings(company.config)
    data = normalise(LocalSource(company.folder).read(), settings)
    return Demo(data, settings, audit(data, settings, date(2026, 10, 31)))


def _drawn_rows(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[Any, ...]], Any]:
    """The rows the Element 4 chart is drawn from, and the Element 4 section."""
    drawn: list[list[tuple[Any, ...]]] = []
    real = charts.inspections_done

    def spy(rows: Any, *args: Any, **kwargs: Any) -> str:
        drawn.append(list(rows))
        return real(rows, *args, **kwargs)

    monkeypatch.setattr(charts, "inspections_done", spy)
    context = build_context(demo.findings, demo.data, Month(2026, 10), generated_at=GENERATED,
                            settings=demo.settings)
    assert len(drawn) == 1
    return drawn[0], next(e for e in context.elements if e.number == 4)


def _coverage(demo: Demo, start: pd.Timestamp, end: pd.Timestamp) -> list[ItemCoverage]:
    f = demo.findings
    return inspection_coverage(AuditContext(demo.data, demo.settings, f.as_of, f.certifications, f.deficiencies),
                               start, end)


def test_demo_chart_counts_what_inspection_coverage_counts_over_october(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    rows, section = _drawn_rows(demo, monkeypatch)
    october = _coverage(demo, pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))
    assert october and all(c.expected for c in october)
    assert [(r[0], r[1], r[2]) for r in rows] == [(c.item, c.done, c.expected) for c in october]
    (chart,) = section.charts
    assert chart.title == "Inspections done vs scheduled in October 2026"
    assert "check E4.2" in chart.caption and "Monday-Sunday weeks" in chart.caption
    for c in october:  # the figures printed beside the bars
        assert escape(f"{c.done} of {c.expected} {UNITS[c.frequency]}") in chart.svg


def test_demo_item_e4_2_counts_fully_inspected_is_not_shown_short(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    rows, section = _drawn_rows(demo, monkeypatch)
    f = demo.findings
    window = _coverage(demo, pd.Timestamp(f.as_of) - pd.DateOffset(months=12) + pd.Timedelta(days=1),
                       pd.Timestamp(f.as_of))
    full = {c.item for c in window if c.expected and c.done == c.expected}
    assert "Edson yard (shop)" in full  # the weekly item the pack used to show "4 of 5" on ISO weeks
    shown = {r[0]: (r[1], r[2]) for r in rows}
    assert full <= set(shown)
    short = {item: shown[item] for item in full if shown[item][0] < shown[item][1]}
    assert not short
    e4_2 = next(c for c in section.checks if c.id == "E4.2")
    assert e4_2.status == "Pass" and "(100%)" in e4_2.detail


def test_an_item_with_nothing_due_this_month_is_left_out_and_the_caption_says_so() -> None:
    data = dataset(company_records())
    context = build_context(hand_findings(data, OCTOBER.last), data, OCTOBER, generated_at=GENERATED)
    (chart,) = next(e for e in context.elements if e.number == 4).charts
    # Fire extinguishers are quarterly and not inspected yet: the quarter that began on October 1st is still
    # running on the 31st, so (as in E4.2) it is not due until done.
    assert "Fire extinguishers" not in chart.svg and "Nisku Yard Bay 3" in chart.svg
    assert "Not shown: 1 item with nothing due this month." in chart.caption


def test_root_causes_are_judged_with_the_company_vague_root_causes() -> None:
    records = company_records()
    october_near_miss = next(r for r in records["incident"] if r["Incident Date"] == "2026-10-10")
    october_near_miss["Root Cause"] = "Bad weather"
    data = dataset(records)
    findings = hand_findings(data, OCTOBER.last)
    company = Settings(audit=dataclasses.replace(Settings().audit, vague_root_causes=("Bad  Weather!",)))

    def judged(settings: Settings | None) -> tuple[str, ...]:
        context = build_context(findings, data, OCTOBER, generated_at=GENERATED, settings=settings)
        table = next(t for t in next(e for e in context.elements if e.number == 6).tables
                     if t.title == INCIDENTS_TITLE.format(month=OCTOBER.label))
        return next(r for r in table.rows if r[4] == "Bad weather")

    assert judged(None)[5] == "Investigated"
    assert judged(company)[5] == "No root cause"
