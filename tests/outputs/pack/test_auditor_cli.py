"""`secor pack --for auditor`: the auditor's copy written under OUT/packs/auditor/, for the month or 12 months."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from jobs.pack import auditor_pdf_name, file_safe, run_pack
from pipeline.cli import main
from pipeline.demo import generate_demo
from pipeline.outputs.pack import Month
from pipeline.outputs.pack.auditor import audit_period
from pipeline.settings import Settings

from .conftest import FakeSource, pdf_text
from .fixtures import company_records

TODAY = "2026-12-02 12:00:00-07:00"  # Edmonton: last month is November 2026


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return generate_demo(tmp_path_factory.mktemp("demo"), end=date(2026, 11, 30))


def _secor(company, out: Path, *args: str):  # type: ignore[no-untyped-def]
    with time_machine.travel(TODAY, tick=False):
        return CliRunner().invoke(main, ["pack", "--source", str(company.folder), "--config", str(company.config),
                                         "--out", str(out), *args])


def test_last_month_with_the_12_month_window_writes_the_auditors_copy(company, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = _secor(company, out, "--for", "auditor", "--last-month", "--window", "12-months")
    assert result.exit_code == 0, result.output
    pdf = out / "packs" / "auditor" / "Kowalski Oilfield Services Ltd. SECOR evidence 2025-12..2026-11.pdf"
    assert result.output.splitlines()[-1] == str(pdf)
    assert "auditor's copy for 2025-12..2026-11 as of 2026-11-30" in result.output and "not mailed" in result.output
    assert sorted(p.name for p in pdf.parent.iterdir()) == [pdf.name]  # no temporary file left
    assert not (out / "packs" / "2026-11").exists()  # the owner's pack is a different run
    text = " ".join(pdf_text(pdf.read_bytes()).split())
    assert "December 2025 to November 2026" in text and "Action list" not in text and "readiness" not in text


def test_the_month_by_default_and_run_again_replaces_it(company, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    for _ in range(2):
        result = _secor(company, out, "--for", "auditor", "--month", "2026-11")
        assert result.exit_code == 0, result.output
    folder = out / "packs" / "auditor"
    assert [p.name for p in folder.iterdir()] == ["Kowalski Oilfield Services Ltd. SECOR evidence 2026-11.pdf"]
    text = pdf_text((folder / "Kowalski Oilfield Services Ltd. SECOR evidence 2026-11.pdf").read_bytes())
    assert "November 2026" in text and "December 2025" not in text


def test_a_monthly_pack_leaves_the_auditors_copy_alone(tmp_path: Path) -> None:
    settings = Settings(company="Prairie Hydrovac Ltd.", output=str(tmp_path))
    copy = tmp_path / "packs" / "auditor" / "Prairie Hydrovac Ltd. SECOR evidence 2026-10.pdf"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"%PDF-1.7 earlier copy")
    run_pack(settings, "2026-10", source=FakeSource(company_records()))
    assert copy.read_bytes() == b"%PDF-1.7 earlier copy"


def test_window_without_for_auditor_is_refused(company, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _secor(company, tmp_path, "--month", "2026-11", "--window", "12-months")
    assert result.exit_code == 2 and "--for auditor" in result.output
    result = _secor(company, tmp_path, "--for", "auditor", "--month", "2026-11", "--window", "year")
    assert result.exit_code == 2 and "12-months" in result.output
    assert not (tmp_path / "packs").exists()


def test_help_documents_the_auditors_copy() -> None:
    result = CliRunner().invoke(main, ["pack", "--help"])
    flat = " ".join(result.output.split())
    assert "--for [owner|auditor]" in flat and "--window [month|12-months]" in flat
    assert "OUT/packs/auditor/<Company> SECOR evidence YYYY-MM..YYYY-MM.pdf" in flat and "not mailed" in flat


def test_file_names_are_safe_on_any_system() -> None:
    assert file_safe("Kowalski Oilfield Services Ltd.") == "Kowalski Oilfield Services Ltd."
    assert file_safe("A/B: Hydro*Vac?") == "A B Hydro Vac"
    assert file_safe("..hidden") == "hidden" and file_safe("///") == "Company"
    assert file_safe("Énergie Côte") == "Energie Cote"
    year = audit_period(Month(2026, 11), "12-months")
    assert auditor_pdf_name("A/B", year) == "A B SECOR evidence 2025-12..2026-11.pdf"
