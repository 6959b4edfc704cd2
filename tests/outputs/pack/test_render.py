"""The pack PDF read back: sections, page numbers, outline, metadata, escaping, odd months, engines."""

from __future__ import annotations

import io
import re
import shutil
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from pipeline.checks.base import ELEMENTS, FAIL
from pipeline.outputs.pack import Month, build_context, page_count, render, render_html, render_pdf
from pipeline.outputs.pack.render import data_only_fetcher, wkhtmltopdf_options
from tests.builders import dataset

from .conftest import outline_titles, page_texts, pdf_text
from .fixtures import OCTOBER, company_dataset, company_records, hand_findings

GENERATED = datetime(2026, 11, 1, 6, 0, tzinfo=ZoneInfo("America/Edmonton"))


def _render(data, findings, month=OCTOBER, engine="weasyprint", fetcher=None):  # type: ignore[no-untyped-def]
    context = build_context(findings, data, month, generated_at=GENERATED, engine=engine)
    html = render_html(context)
    return context, html, render_pdf(html, engine, title=context.title, fetcher=fetcher)


@pytest.fixture(scope="module")
def october() -> tuple[object, str, bytes]:
    data = company_dataset()
    return _render(data, hand_findings(data, OCTOBER.last))


def test_sections_present_in_order(october) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf = october
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    order = ["Prairie Hydrovac Ltd.", "Audit readiness at a glance", "Contents",
             "Action list", *ELEMENTS.values(), "Appendix A: the month's records", "Appendix B: data issues"]
    upper = flat.upper()  # the cover's eyebrow is set in capitals by CSS
    positions = [upper.find(" ".join(s.upper().split())) for s in order]
    assert all(p >= 0 for p in positions), [s for s, p in zip(order, positions, strict=True) if p < 0]
    assert "What an auditor looks for".upper() in flat.upper().replace(" ", "").replace("WHATANAUDITORLOOKSFOR",
                                                                                       "WHAT AN AUDITOR LOOKS FOR")
    assert "not the Certifying Partner's audit score" in flat
    for title in ("FLHAs (66)", "Toolbox talks (4)", "Incidents and near misses (2)", "Workplace inspections (4)"):
        assert title in flat


def test_page_x_of_y_on_every_page(october) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf = october
    texts = page_texts(pdf)
    n = len(texts)
    assert n > 10
    for i, t in enumerate(texts, start=1):
        assert f"Page {i} of {n}" in t, f"page {i}"
    # The running header (company and month) is on every page but the cover.
    for t in texts[1:]:
        assert "Prairie Hydrovac Ltd." in t and "October 2026" in t


def test_table_of_contents_has_page_numbers(october) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf = october
    texts = page_texts(pdf)
    contents = next(t for t in texts if "Contents" in t and "Appendix A" in t)
    for number in range(1, 7):
        match = re.search(rf"Element {number}.*?(\d+)\s*$", contents, re.M)
        assert match, f"Element {number} without a page number"
        page = int(match[1])
        assert ELEMENTS[number].split()[0] in texts[page - 1]


def test_outline_has_the_six_elements(october) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf = october
    outline = outline_titles(pdf)
    top = [t for level, t in outline if level == 1]
    for number, name in ELEMENTS.items():
        assert f"Element {number}: {name}" in top
    assert top == ["Action list", *(f"Element {n}: {name}" for n, name in ELEMENTS.items()),
                   "Appendix A: the month's records", "Appendix B: data issues"]
    assert any(level == 2 and t.startswith("FLHAs") for level, t in outline)


def test_metadata_title_and_author(october) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf = october
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.title == "Prairie Hydrovac Ltd. SECOR audit pack 2026-10"
    assert meta.author == "Prairie Hydrovac Ltd."


def test_table_headers_repeat_on_continued_pages(october) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf = october
    flha_pages = [t for t in page_texts(pdf) if "FLHA-26" in t and "Hazards" in t and "Controls" in t]
    assert len(flha_pages) >= 2  # 66 FLHAs span pages, each with the header row


def test_crew_text_is_escaped_and_nothing_is_fetched() -> None:
    calls: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            calls.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/x.png"
    try:
        records = company_records()
        records["flha"][0]["Hazards"] = "<script>alert('x')</script> slips"
        records["flha"][1]["Controls"] = f'<img src="{url}"> <img src="file:///etc/passwd">'
        records["toolbox_talk"][0]["Notes"] = f'<link rel="stylesheet" href="{url}">'
        data = dataset(records)
        fetcher = data_only_fetcher()
        _, html, pdf = _render(data, hand_findings(data, OCTOBER.last), fetcher=fetcher)
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html
        assert "<img src=" not in html
        # Cells wrap mid-string, at a space or not: compared without any white space.
        joined = "".join("".join(t.split()) for t in page_texts(pdf))
        assert "<script>alert('x')</script>slips" in joined
        assert f'<imgsrc="{url}"><imgsrc="file:///etc/passwd">' in joined
        assert fetcher.refused == []  # the escaped markup never reached the engine as markup
        assert all(len(page.images) == 0 for page in PdfReader(io.BytesIO(pdf)).pages)

        # And the engine itself refuses URLs even if one slipped into the markup.
        raw = (f'<html><body><p>x</p><img src="{url}"><img src="file:///etc/passwd">'
               f'<link rel="stylesheet" href="{url}"><div style="background: url({url})">y</div>'
               '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs="></body></html>')
        fetcher = data_only_fetcher()
        render_pdf(raw, "weasyprint", fetcher=fetcher)
        assert any(u.startswith("file:") for u in fetcher.refused)
        assert any(u.startswith("http:") for u in fetcher.refused)
        assert fetcher.served == 1  # the data: URL is allowed
        if shutil.which("wkhtmltopdf"):
            render_pdf(raw, "wkhtmltopdf", title="t")
        assert calls == []
    finally:
        server.shutdown()


def test_long_crew_text_is_truncated(october) -> None:  # type: ignore[no-untyped-def]
    records = company_records()
    records["flha"][0]["Hazards"] = "Z" * 40 + " word" * 1200
    data = dataset(records)
    context, _, _ = _render(data, hand_findings(data, OCTOBER.last))
    flha = context.appendix[0]
    cell = next(r[5] for r in flha.rows if r[5].startswith("Z" * 40))
    assert len(cell) == 401 and cell.endswith("…")


def test_empty_month_renders() -> None:
    data = dataset({})
    findings = hand_findings(data, OCTOBER.last, statuses={c: FAIL for c in ("E1.1",)})
    _, _, pdf = _render(data, findings)
    flat = " ".join(pdf_text(pdf).split())
    assert "No FLHAs this month." in flat
    assert page_count(pdf) >= 9


def test_one_worker_and_no_incidents() -> None:
    data = dataset(company_records(workers=1, incidents=False, flha_per_day=1))
    _, _, pdf = _render(data, hand_findings(data, OCTOBER.last))
    flat = " ".join(pdf_text(pdf).split())
    assert "No incidents or near misses reported in October 2026." in flat
    assert "No incidents or near misses reported in these 12 months." in flat  # the chart says so


def test_month_with_2000_records_renders() -> None:
    records = company_records(flha_per_day=88)  # 22 work days x 88 FLHAs, + pre-starts, inspections, talks ...
    for i, r in enumerate(records["flha"]):
        r["Task"] = f"{r['Task']} (job {i})"
    data = dataset(records)
    used = sum(len(data.table(k)) for k in ("flha", "pre_start", "workplace_inspection", "toolbox_talk",
                                            "incident", "orientation"))
    assert used >= 2000
    context, _, pdf = _render(data, hand_findings(data, OCTOBER.last))
    assert page_count(pdf) > 40
    assert context.appendix[0].total == len(data.table("flha"))


@pytest.mark.skipif(not shutil.which("wkhtmltopdf"), reason="wkhtmltopdf is not installed")
def test_wkhtmltopdf_engine_renders(october) -> None:  # type: ignore[no-untyped-def]
    data = company_dataset()
    _, html, pdf = _render(data, hand_findings(data, OCTOBER.last), engine="wkhtmltopdf")
    assert pdf.startswith(b"%PDF")
    flat = " ".join(pdf_text(pdf).split())
    assert "Action list" in flat and ELEMENTS[6] in flat
    assert "not available with this engine" in flat  # says what it cannot do
    assert render(html, "wkhtmltopdf").pages == page_count(pdf)  # counted without pypdf at run time


def test_wkhtmltopdf_options_block_files_and_network() -> None:
    options = wkhtmltopdf_options("t")
    for flag in ("--disable-local-file-access", "--disable-javascript", "--no-images", "--proxy"):
        assert flag in options
    assert "--enable-local-file-access" not in options


def test_unknown_engine_is_a_clear_error() -> None:
    from pipeline.errors import SecorError

    with pytest.raises(SecorError, match="unknown pack engine"):
        render_pdf("<p>x</p>", "chrome")


def test_month_parsing() -> None:
    from datetime import date

    from pipeline.errors import SecorError
    from pipeline.outputs.pack import parse_month, previous_month

    assert parse_month("2026-10") == Month(2026, 10)
    assert parse_month("2026-10").last == date(2026, 10, 31)
    assert parse_month("2024-02").last == date(2024, 2, 29)
    assert previous_month(date(2026, 1, 1)) == Month(2025, 12)
    for bad in ("2026-13", "Oct 2026", "2026/10", ""):
        with pytest.raises(SecorError):
            parse_month(bad)
