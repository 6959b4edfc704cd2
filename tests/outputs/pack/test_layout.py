"""The pack as read back: the cover's certificate lines, the note once, type sizes, the month's figures labelled,
a partial last week marked."""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
from pypdf import PdfReader

from pipeline.checks.audit import SELF_ASSESSMENT_NOTE
from pipeline.checks.base import AuditContext
from pipeline.outputs.pack import charts
from pipeline.outputs.pack.cover import next_audit
from pipeline.settings import Settings
from tests.builders import dataset

from .conftest import page_texts
from .fixtures import OCTOBER, company_records
from .planned import BOOK_AUDIT, long_plan_pack, october_data, records_with_certificate

CSS = Path(__file__).parents[3] / "pipeline" / "outputs" / "pack" / "templates" / "pack.css"


def _flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- cover


def test_cover_names_the_next_maintenance_audit_and_the_certificates_actions() -> None:
    _, _, pdf = long_plan_pack()
    cover = _flat(page_texts(pdf)[0])
    assert "Next audit Year-2 maintenance audit due in December 2026" in cover.replace("NEXT AUDIT", "Next audit")
    assert "between 2026-12-01 and 2026-12-31" in cover and "Certificate issued 2025-12-05, expires 2028-12-05" in cover
    assert f"To do {BOOK_AUDIT.what} · Dale Kowalski · by 2026-11-15 · clears S.2" in cover


def _calendar(records: dict, as_of: date) -> tuple[str, str, str]:
    data = dataset(records)
    found = next_audit(AuditContext(data, Settings(), as_of, pd.DataFrame(), pd.DataFrame()))
    return found.headline, found.detail, found.tone


def test_next_audit_overdue_expired_and_unknown() -> None:
    records = records_with_certificate()
    assert _calendar(records, date(2026, 10, 31))[2] == "amber"  # within 60 days of its month
    assert _calendar(records, date(2026, 6, 30))[2] == ""
    headline, _, tone = _calendar(records, date(2027, 1, 10))
    assert headline == "Year-2 maintenance audit overdue: it was due in December 2026" and tone == "red"
    headline, detail, tone = _calendar(records, date(2029, 1, 10))
    assert headline == "Certificate expired on 2028-12-05" and "new certification audit" in detail and tone == "red"
    headline, detail, tone = _calendar(company_records(), date(2026, 10, 31))  # no SECOR Certificate row
    assert headline == "Next audit date unknown" and "'SECOR Certificate' row" in detail and tone == "amber"


def test_the_note_appears_once_on_the_cover_and_once_in_each_footer() -> None:
    _, html, pdf = long_plan_pack()
    pages = [_flat(t) for t in page_texts(pdf)]
    assert pages[0].count(SELF_ASSESSMENT_NOTE) == 2  # the cover's body, and its footer
    assert all(p.count(SELF_ASSESSMENT_NOTE) == 1 for p in pages[1:])  # the footer only
    cover = html[html.index('id="cover"'):html.index("</section>")]
    assert cover.count("Self-assessment") == 1 and "decides the score" not in cover


# --------------------------------------------------------------------------- type sizes


def _sizes(pdf: bytes) -> list[tuple[str, float]]:
    """(text, size in pt) of every piece of text drawn in the PDF."""
    out: list[tuple[str, float]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
            if text.strip():
                # The text matrix times the page's: its vertical axis's length is the scale (rotated text too).
                c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
                out.append((text, round(size * math.hypot(c, d), 1)))
        page.extract_text(visitor_text=visit)
    return out


def test_no_text_smaller_than_8pt_and_table_text_at_9pt() -> None:
    _, _, pdf = long_plan_pack()
    sizes = _sizes(pdf)
    assert min(s for _, s in sizes) >= 8.0
    by_size = Counter()
    for t, s in sizes:
        by_size[s] += len(t.strip())
    # 8pt is for footnote-like text: running header and footer, captions, record lists under a check, chips.
    assert sum(n for s, n in by_size.items() if s >= 9.0) > 0.7 * sum(by_size.values())
    # The action list's rows and an appendix row are body text.
    for needle in ("Program, row 8", "call-before-dig"):  # an action row (its where); an FLHA row of the appendix
        hits = [s for t, s in sizes if needle in t]
        assert hits and min(hits) >= 9.0, needle


def _font_sizes(css: str) -> dict[str, float]:
    """selector -> its font-size in pt (the stylesheet writes every size in pt)."""
    out = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        size = re.search(r"font-size:\s*([\d.]+)pt", body)
        if size:
            for s in selectors.split(","):
                out[" ".join(s.split())] = float(size[1])
    return out


def test_the_stylesheet_sets_body_and_table_text_at_9pt_or_more() -> None:
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    sizes = _font_sizes(css)
    assert not re.search(r"font-size:\s*[\d.]+(px|em|rem|%)", css)  # pt only, so the sizes below are all of them
    assert min(sizes.values()) >= 8.0, sorted(sizes.items(), key=lambda kv: kv[1])[:3]
    for body in ("html", "table.data", "table.data th", "table.readiness", ".stat-label", ".overall-text"):
        assert sizes[body] >= 9.0, body
    assert "table.data td" not in sizes  # cells inherit table.data's size


# --------------------------------------------------------------------------- the month's figures


def test_each_month_figure_names_its_month_and_sits_apart_from_the_checks() -> None:
    context, html, pdf = long_plan_pack()
    flha = next(e for e in context.elements if e.number == 2)
    assert {(s.scope, s.label) for s in flha.stats} >= {("October 2026", "FLHAs")}
    assert all(s.scope for e in context.elements for s in e.stats)  # every figure says what it counts over
    incidents = {s.label: s.scope for s in next(e for e in context.elements if e.number == 6).stats}
    assert incidents["near misses"] == "last 12 months" and incidents["incidents and near misses"] == "October 2026"
    section = html[html.index('id="element-2"'):]
    checks, box = section.index("Checks over the 12 months to 2026-10-31"), section.index('class="month-box"')
    assert checks < box < section.index('<div class="stat-scope">October 2026</div><div class="stat-value">')
    assert "October 2026 The month's evidence" in _flat(" ".join(page_texts(pdf)))


# --------------------------------------------------------------------------- partial week


def test_a_last_week_running_past_the_month_is_drawn_and_captioned_partial() -> None:
    flha = october_data().table("flha")
    october = charts.flha_per_week(flha, OCTOBER.first, OCTOBER.last)  # Saturday 31st: the week of the 26th
    assert october.partial and october.partial_from == date(2026, 10, 26)
    assert "partial" in october.svg
    context, _, _ = long_plan_pack()
    (chart,) = next(e for e in context.elements if e.number == 2).charts
    assert "The last week is partial (lighter, hatched): it counts 2026-10-26 to 2026-10-31, 6 of its 7 days" \
        in chart.caption


def test_a_month_in_progress_marks_the_week_still_running() -> None:
    running = charts.flha_per_week(october_data().table("flha"), OCTOBER.first, date(2026, 10, 14))  # a Wednesday
    assert running.partial and running.partial_from == date(2026, 10, 12)


def test_a_month_ending_on_a_sunday_has_no_partial_week() -> None:
    may = charts.flha_per_week(october_data().table("flha"), date(2026, 5, 1), date(2026, 5, 31))
    assert not may.partial and may.partial_from is None and "partial" not in may.svg
