"""The consultant's one-page portfolio PDF: landscape A4, 40 clients on one page, names never markup."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.outputs.portfolio import portfolio_html, render_portfolio_pdf
from pipeline.settings import Settings
from tests.fleet.portfolio_rows import AS_OF, FORMULA_NAME, many, mixed

pytest.importorskip("weasyprint")
GENERATED = datetime(2026, 12, 2, 7, 30)


def text_of(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode("utf-8")
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def render(tmp_path: Path, rows) -> bytes:
    path = render_portfolio_pdf(rows, tmp_path / "portfolio.pdf", AS_OF, Settings(), generated_at=GENERATED)
    return path.read_bytes()


def test_forty_clients_fit_one_landscape_a4_page(tmp_path: Path):
    pdf = render(tmp_path, many(40))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = text_of(pdf)
    assert all(f"client-{i:03d}" in text for i in range(40))


def test_more_clients_continue_on_a_second_page_with_the_header_again(tmp_path: Path):
    pdf = render(tmp_path, many(90))
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    assert all("Top action" in p for p in pages)


def test_the_page_lists_clients_most_at_risk_first_with_their_reasons(tmp_path: Path):
    text = text_of(render(tmp_path, mixed()))
    assert "SECOR portfolio as of 2026-12-02" in text
    positions = [text.index(name) for name in ("bigco", "prairie", "northfork", "ridgeline", "acme")]
    assert positions == sorted(positions)
    for reason in ("Over 10 workers: plan COR", "Audit due 2026-12-15", "Element 5 at 38% (< 50%)",
                   "Meets pass rule", "Last run failed"):
        assert reason in text
    assert "64%" in text and "38%" in text  # percentages shown as percents


def test_crew_and_company_text_is_never_markup():
    page = portfolio_html(mixed(), AS_OF, GENERATED)
    assert "<b>Dave</b>" not in page and "&lt;b&gt;Dave&lt;/b&gt;" in page
    assert "=HYPERLINK(&#34;http://evil" in page  # shown cut to one line, its quotes escaped
    assert FORMULA_NAME[:20] not in page


def test_the_file_is_replaced_whole(tmp_path: Path):
    (tmp_path / "portfolio.pdf").write_bytes(b"old")
    assert render(tmp_path, mixed()).startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["portfolio.pdf"]


def test_write_portfolio_pdf_uses_the_default_engine(tmp_path: Path):
    from pipeline.outputs.portfolio import write_portfolio_pdf

    path = write_portfolio_pdf(mixed(), tmp_path / "p.pdf", AS_OF)
    assert "Failed: spreadsheet" in text_of(path.read_bytes())  # the failed run's Last run cell


@pytest.mark.skipif(not shutil.which("wkhtmltopdf"), reason="wkhtmltopdf is installed by `make system-test`")
def test_the_wkhtmltopdf_engine_prints_the_portfolio_landscape_too(tmp_path: Path):
    import dataclasses

    from pipeline.settings import PackSettings

    settings = dataclasses.replace(Settings(), pack=PackSettings(engine="wkhtmltopdf"))
    path = render_portfolio_pdf(mixed(), tmp_path / "portfolio.pdf", AS_OF, settings, generated_at=GENERATED)
    box = PdfReader(io.BytesIO(path.read_bytes())).pages[0].mediabox
    assert float(box.width) > float(box.height)
