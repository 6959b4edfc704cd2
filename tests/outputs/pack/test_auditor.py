"""The auditor's copy read back from its PDF: every element's evidence with counts equal to the records dated in
the period (counted here from the dataset, not from the copy), references, no internal figures, crew text literal."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from pipeline.checks.audit import Findings, audit
from pipeline.checks.base import ELEMENTS
from pipeline.demo import generate_demo
from pipeline.normalise import normalise
from pipeline.normalise.dataset import Dataset
from pipeline.outputs.pack import Month
from pipeline.outputs.pack.auditor import (
    NOT_READ,
    AuditorContext,
    audit_period,
    build_auditor_context,
    element_counts,
)
from pipeline.outputs.pack.render import render, render_template
from pipeline.settings import Settings, load_settings
from pipeline.sources.local import LocalSource
from tests.builders import dataset

from .conftest import pdf_text

GENERATED = datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("America/Edmonton"))
NOVEMBER = Month(2026, 11)
YEAR = (date(2025, 12, 1), date(2026, 11, 30))
MARKUP = "<b>Lockout</b> & tagout"  # crew text that looks like markup


@dataclasses.dataclass(frozen=True)
class Copy:
    context: AuditorContext
    html: str
    pdf: bytes
    text: str  # pdftotext -layout: a table row's first line is one text line
    flat: str  # pdftotext -raw, whitespace joined: each cell's text in one piece


@dataclasses.dataclass(frozen=True)
class Demo:
    data: Dataset
    settings: Settings
    findings: Findings


def _with_markup_topic(data: Dataset) -> Dataset:
    """The demo, with the last toolbox talk's Topic written as markup (a copy: the dataset is not changed)."""
    talks = data.table("toolbox_talk").copy()
    talks.loc[talks["date"].idxmax(), "topic"] = MARKUP
    return dataclasses.replace(data, tables={**data.tables, "toolbox_talk": talks})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    company = generate_demo(tmp_path_factory.mktemp("demo"), end=date(2026, 11, 30))
    settings = load_settings(company.config)
    data = _with_markup_topic(normalise(LocalSource(company.folder).read(), settings))
    return Demo(data, settings, audit(data, settings, date(2026, 11, 30)))


def _copy(demo: Demo, window: str) -> Copy:
    context = build_auditor_context(demo.findings, demo.data, audit_period(NOVEMBER, window), generated_at=GENERATED,
                                    settings=demo.settings)
    html = render_template("auditor.html", copy=context)
    pdf = render(html, title=context.title).pdf
    return Copy(context, html, pdf, pdf_text(pdf), " ".join(raw_text(pdf).split()))


@pytest.fixture(scope="module")
def year(demo: Demo) -> Copy:
    return _copy(demo, "12-months")


@pytest.fixture(scope="module")
def month(demo: Demo) -> Copy:
    return _copy(demo, "month")


def raw_text(pdf: bytes) -> str:
    """The PDF's text in content order (pdftotext -raw): a wrapped cell's lines stay together."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


# --------------------------------------------------------------------------- counted here, from the dataset


def _dated(frame: pd.DataFrame, column: str, first: date, last: date) -> pd.DataFrame:
    d = frame[column]
    return frame[(d >= pd.Timestamp(first)) & (d <= pd.Timestamp(last))]


def expected(data: Dataset, first: date, last: date) -> dict[str, int]:
    """What each form and the corrective actions hold in the period, counted straight from the tables."""
    forms = {key: len(_dated(data.table(key), "incident_date" if key == "incident" else "date", first, last))
             for key in ("flha", "pre_start", "workplace_inspection", "toolbox_talk", "orientation", "incident")}
    ca = data.table("corrective_actions")
    raised_or_done = _dated(ca, "raised", first, last)["row"].tolist() + _dated(ca, "completed", first, last)[
        "row"].tolist()
    return {**forms, "corrective_actions": len(set(raised_or_done)), "hazard_register": len(
        data.table("hazard_register")), "training_matrix": len(data.table("training_matrix")),
        "training_records": len(data.table("training_records")),
        "inspection_schedule": len(data.table("inspection_schedule"))}


# What each evidence line counts, by the start of what it asks to see.
COUNTED = {
    "Completed FLHAs": "flha", "Hazard register": "hazard_register",
    "Corrective actions completed": "corrective_actions",
    "Documented inspection schedule": "inspection_schedule", "Completed equipment pre-start": "pre_start",
    "Completed workplace inspections": "workplace_inspection", "Training matrix": "training_matrix",
    "Worker training records": "training_records", "New worker orientation": "orientation",
    "Ongoing safety training": "toolbox_talk", "Incident and near-miss reports": "incident",
}


def _section(text: str, number: int) -> str:
    """The PDF text of one element's section (from its eyebrow to the next section's)."""
    start = text.index(f"ELEMENT {number}\n")
    ends = [text.find(mark, start + 1) for mark in (f"ELEMENT {number + 1}\n", "Records per month\nForm")]
    return text[start:min(e for e in ends if e > 0)]


def _line_with(section: str, words: str) -> str:
    """The first text line of the section where an evidence line's first words stand (its row's first line)."""
    first = " ".join(words.split()[:2])
    for line in section.splitlines():
        if first in " ".join(line.split()):
            return " ".join(line.split())
    raise AssertionError(f"'{first}' not found")


def test_every_element_has_its_section_with_the_counts_of_the_records_in_the_window(demo: Demo, year: Copy) -> None:
    want = expected(demo.data, *YEAR)
    counts = element_counts(year.context)
    assert sorted(counts) == list(ELEMENTS)
    seen = set()
    for number, name in ELEMENTS.items():
        section = _section(year.text, number)
        assert " ".join(name.split()[:2]) in " ".join(section.split())
        for asks, count in counts[number]:
            line = _line_with(section, asks)
            assert re.search(rf"(?<!\S){re.escape(count.split()[0])}(?!\S)", line), (asks, count, line)
            key = next((k for prefix, k in COUNTED.items() if asks.startswith(prefix)), None)
            if key:
                assert count == str(want[key]), (asks, count, want[key])
                seen.add(key)
    assert seen == set(COUNTED.values())
    assert want["flha"] > 1000 and want["incident"] >= 2  # the demo has something to count


def test_records_per_month_and_the_total_row_match_the_dataset(demo: Demo, year: Copy) -> None:
    lines = {" ".join(line.split()) for line in year.text.splitlines()}
    order = ("flha", "pre_start", "workplace_inspection", "toolbox_talk", "orientation", "incident")
    for i in range(12):
        m = Month(2025, 12).shift(i)
        want = expected(demo.data, m.first, m.last)
        assert " ".join([m.key, *(str(want[k]) for k in order)]) in lines, m.key
    total = expected(demo.data, *YEAR)
    assert " ".join(["Total", *(str(total[k]) for k in order)]) in lines
    cover = year.text.split("Contents")[0]  # the cover's table says the same
    assert f"FLHAs {total['flha']} FLHA (form-responses.xlsx)" in " ".join(cover.split())
    assert f"Incidents {total['incident']} Incident (form-responses.xlsx)" in " ".join(cover.split())


def test_references_name_record_ids_dates_and_the_tabs_they_live_in(demo: Demo, year: Copy) -> None:
    flha = _dated(demo.data.table("flha"), "date", *YEAR).sort_values(["date", "id"])
    flat = year.flat
    assert f"{flha['id'].iloc[0]} to {flha['id'].iloc[-1]}, dated 2025-12-01 to 2026-11-30" in flat
    for tab in ("FLHA (form-responses.xlsx)", "Pre-Start (form-responses.xlsx)", "Incident (form-responses.xlsx)",
                "Corrective Actions (secor-records.xlsx)", "Program (secor-records.xlsx)"):
        assert tab in flat, tab
    for inc in _dated(demo.data.table("incident"), "incident_date", *YEAR)["id"]:
        assert inc in flat
    # Program documents with who signed the version on file, when, and its review date.
    policy = demo.data.table("program").iloc[0]
    assert policy["document"] == "Safety Policy"
    assert re.search(r"Safety Policy 1 Gord Mitchell 2026-04-04 2026-04-04", flat)


def test_no_readiness_verdicts_action_list_or_data_issues(year: Copy, month: Copy) -> None:
    for copy in (year, month):
        flat = copy.flat
        for word in (r"\bFail", r"\bWarn", r"\bPass\b", "Action list", "Action plan", "What to fix"):
            assert not re.search(word, flat), word
        for word in ("readiness", "data issue", "self-assessment", "chip-"):  # crew text may say "overdue"
            assert word not in flat.casefold(), word
        assert "chip" not in copy.html.split("</style>", 1)[1]  # no status chips in the body


def test_the_12_month_window_counts_more_than_the_month(demo: Demo, year: Copy, month: Copy) -> None:
    y, m = dict(element_counts(year.context)[2]), dict(element_counts(month.context)[2])
    flhas = next(k for k in y if k.startswith("Completed FLHAs"))
    assert int(m[flhas]) == expected(demo.data, NOVEMBER.first, NOVEMBER.last)["flha"] < int(y[flhas])
    assert "December 2025 to November 2026" in year.text and year.context.period_key == "2025-12..2026-11"
    assert month.context.period_key == "2026-11" and "November 2026" in month.text
    assert "Records per month" in month.text and "2025-12" not in _section(month.text, 2)


def test_crew_text_that_looks_like_markup_prints_literally(year: Copy) -> None:
    assert MARKUP in year.flat
    assert "<b>Lockout" not in year.html and "&lt;b&gt;Lockout&lt;/b&gt; &amp; tagout" in year.html


def test_a_table_not_read_is_said_so_never_zero(demo: Demo) -> None:
    tables = {k: v for k, v in demo.data.tables.items() if k != "incident"}
    data = dataclasses.replace(demo.data, tables=tables)
    context = build_auditor_context(demo.findings, data, audit_period(NOVEMBER, "12-months"), generated_at=GENERATED,
                                    settings=demo.settings)
    incident = next(e for e in context.elements if e.number == 6)
    reports = next(line for line in incident.lines if line.asks.startswith("Incident and near-miss"))
    assert reports.count == NOT_READ and reports.refs == () and "Incident: not found" in reports.where
    assert context.by_month.rows[0][-1] == NOT_READ


def test_the_period_of_each_window() -> None:
    assert audit_period(NOVEMBER).key == "2026-11" and audit_period(NOVEMBER).months == 1
    year = audit_period(NOVEMBER, "12-months")
    assert (year.first, year.last, year.months, year.label) == (date(2025, 12, 1), date(2026, 11, 30), 12,
                                                                "December 2025 to November 2026")
    with pytest.raises(ValueError):
        audit_period(NOVEMBER, "year")


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm not installed")
def test_every_page_renders(year: Copy, tmp_path: Path) -> None:
    (tmp_path / "copy.pdf").write_bytes(year.pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "copy.pdf"), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == len(re.findall(r"Page \d+ of", year.text)) > 8


# --------------------------------------------------------------------------- small office records


def _office(extra: dict[str, list[dict[str, object]]] | None = None) -> Dataset:
    """Two workers, three pre-starts in November 2026 (two with a defect), one workplace inspection."""
    tables: dict[str, list[dict[str, object]]] = {
        "workers": [{"Name": "Dale Kowalski", "Role": "Owner", "Start Date": "2020-01-06"},
                    {"Name": "Ravi Sandhu", "Role": "Operator", "Start Date": "2022-04-01"}],
        "pre_start": [
            {"Timestamp": "11/03/2026 06:30:00", "Operator": "Ravi Sandhu", "Unit": "T-101 F-350", "Result": "Fail",
             "Defects": "Cracked windshield"},
            {"Timestamp": "11/04/2026 06:31:00", "Operator": "Ravi Sandhu", "Unit": "T-101 F-350", "Result": "Pass"},
            {"Timestamp": "11/05/2026 06:32:00", "Operator": "Ravi Sandhu", "Unit": "T-101 F-350",
             "Result": "Minor defect(s) - reported", "Defects": "Wiper blade worn"},
        ],
        "workplace_inspection": [
            {"Timestamp": "11/09/2026 16:10:00", "Inspector": "Dale Kowalski", "Site": "Edson yard",
             "Deficiencies": "Extension cord across walkway", "Closed": "11/10/2026"},
        ],
        "toolbox_talk": [{"Timestamp": "11/02/2026 07:00:00", "Topic": "Cold stress", "Presenter": "Dale Kowalski",
                          "Attendees": "Ravi Sandhu", "Management Present": "Yes"}],
    }
    return dataset({**tables, **(extra or {})})


def _element(data: Dataset, number: int):  # type: ignore[no-untyped-def]
    findings = audit(data, Settings(), date(2026, 11, 30))
    context = build_auditor_context(findings, data, audit_period(NOVEMBER), generated_at=GENERATED)
    return next(e for e in context.elements if e.number == number)


def test_a_defect_counts_as_followed_up_by_a_linked_action_or_a_closed_date() -> None:
    first = _office().table("pre_start").sort_values("date")["id"].iloc[0]
    data = _office({"corrective_actions": [{"Action ID": "CA-030", "Source": "Pre-Start", "Source Ref": first,
                                            "Description": "Replace windshield", "Raised": "2026-11-03"}]})
    inspections = _element(data, 4)
    defects = next(line for line in inspections.lines if line.asks.startswith("Defects identified"))
    assert defects.count == "3" and defects.detail.startswith("2 with a follow-up record")
    table = next(t for t in inspections.tables if t.title.startswith("Defects found"))
    follow = {row[0]: (row[5], row[6]) for row in table.rows}
    assert follow[first] == ("CA-030", "")
    assert sorted(follow.values())[0] == ("CA-030", "") and ("—", "2026-11-10") in follow.values()
    assert ("—", "") in follow.values()  # the wiper blade: nothing recorded yet, shown as it is


def test_management_taking_part_names_the_managers_and_counts_their_records() -> None:
    leadership = _element(_office(), 1)
    line = next(line for line in leadership.lines if line.asks.startswith("Management taking part"))
    assert line.count == "2"  # the toolbox talk with management present and Dale's workplace inspection
    assert "(Dale Kowalski)" in line.detail and "in 1 month of the period" in line.detail
    assert line.detail.endswith("(not read: Incident)")  # what could add to it was not read: said, not counted
    assert any(r.startswith("TBT-261102-070000, dated 2026-11-02") for r in line.refs)
    assert any(r.startswith("INS-261109-161000, dated 2026-11-09") for r in line.refs)


def test_a_line_any_of_whose_tables_would_do_is_not_read_only_when_none_was() -> None:
    hazards = _element(_office(), 2)  # neither Orientation nor Training Records
    trained = next(line for line in hazards.lines if line.asks.startswith("Workers trained on the FLHA"))
    assert trained.count == NOT_READ and trained.detail == "" and "Orientation: not found" in trained.where
    with_orientation = _office({"orientation": [{"Timestamp": "11/02/2026 08:00:00", "Worker": "Ravi Sandhu",
                                                 "Conducted By": "Dale Kowalski", "Topics": "FLHA, PPE",
                                                 "Worker Signature": "Ravi Sandhu"}]})
    trained = next(line for line in _element(with_orientation, 2).lines if line.asks.startswith("Workers trained"))
    assert trained.count == "1" and trained.detail.endswith("(not read: Training Records)")


def test_a_month_in_progress_counts_up_to_the_as_of_date_and_says_so() -> None:
    data = _office()
    findings = audit(data, Settings(), date(2026, 11, 4))
    context = build_auditor_context(findings, data, audit_period(NOVEMBER), generated_at=GENERATED)
    assert context.partial and context.as_of == "2026-11-04"
    pre = next(line for line in context.elements[3].lines if line.asks.startswith("Completed equipment pre-start"))
    assert pre.count == "2"  # the pre-start of 5 November is after the as-of date
    assert "up to 2026-11-04" in render_template("auditor.html", copy=context)
