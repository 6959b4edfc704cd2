"""`run_pack` and `secor pack` end to end, through the real engine (pipeline.checks.audit)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from jobs.pack import company_slug, pack_as_of, run_pack
from pipeline.checks.base import ELEMENTS
from pipeline.errors import SecorError
from pipeline.outputs.pack import Month
from pipeline.settings import Settings

from .conftest import FakeSource, outline_titles, pdf_text
from .fixtures import company_records

CSVS = ("certifications.csv", "deficiencies.csv", "readiness.csv", "data-issues.csv")
FORMS = ("flha", "pre-start-defects", "workplace-inspections", "toolbox-talks", "incidents", "orientations",
         "corrective-actions")
RECORDS = tuple(f"records-{form}.csv" for form in FORMS)


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("out")
    settings = Settings(company="Prairie Hydrovac Ltd.", output=str(out))
    records = company_records()
    records["incident"][0]["Description"] = "=HYPERLINK(\"http://x\")"
    return out, run_pack(settings, "2026-10", source=FakeSource(records))


def test_writes_the_pdf_and_machine_files(packed) -> None:  # type: ignore[no-untyped-def]
    out, result = packed
    folder = out / "packs" / "2026-10"
    assert result.pdf == folder / "prairie-hydrovac-ltd-audit-pack-2026-10.pdf"
    assert result.files[0] == result.pdf
    assert {p.name for p in result.files} == {result.pdf.name, "findings.json", *CSVS, *RECORDS}
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in result.files)  # no temp files left
    assert result.pdf.read_bytes().startswith(b"%PDF")
    assert result.pages > 10 and result.seconds > 0 and result.month == "2026-10"


def test_computed_as_of_the_months_last_day(packed) -> None:  # type: ignore[no-untyped-def]
    _, result = packed
    assert result.findings.as_of == date(2026, 10, 31)
    data = json.loads((result.pdf.parent / "findings.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-10-31" and data["month"] == "2026-10"
    assert data["company"] == "Prairie Hydrovac Ltd."
    assert [e["element"] for e in data["elements"]] == list(ELEMENTS)
    assert {c["id"] for c in data["checks"]} >= {"E1.1", "E2.3", "E6.5"}
    assert set(data["counts"]) >= {"expired_tickets", "open_deficiencies", "data_issues"}
    assert all(0 <= e["readiness"] <= 1 for e in data["elements"])


def test_csvs_have_the_dashboard_columns_and_no_formulas(packed) -> None:  # type: ignore[no-untyped-def]
    _, result = packed
    folder = result.pdf.parent
    with (folder / "readiness.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["ID", "Status", "Check", "Detail", "Records", "Element"]
    assert len(rows) == len(result.findings.checks)
    with (folder / "certifications.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["Worker", "Status", "Expires", "Ticket", "Days Left", "Role", "Completed"]
    for name in CSVS + RECORDS:
        for row in csv.reader((folder / name).open(encoding="utf-8")):
            assert not any(cell.startswith("=") for cell in row), (name, row)


def test_the_real_findings_reach_the_pdf(packed) -> None:  # type: ignore[no-untyped-def]
    _, result = packed
    pdf = result.pdf.read_bytes()
    flat = " ".join(pdf_text(pdf).split())
    for check in result.findings.checks:
        assert check.id in flat
    top = [t for level, t in outline_titles(pdf) if level == 1]
    assert sum(t.startswith("Element ") for t in top) == 6
    assert f"Page {result.pages} of {result.pages}" in flat


def test_cli_pack_prints_the_paths(tmp_path: Path) -> None:
    from pipeline.cli import main

    folder = tmp_path / "src"
    folder.mkdir()
    records = company_records(workers=3, flha_per_day=1)
    from pipeline.schema import BY_KEY

    for key, rows in records.items():
        header: dict[str, None] = {}
        for r in rows:
            header.update(dict.fromkeys(r))
        with (folder / f"{BY_KEY[key].title}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(header) or ["Name"])
            writer.writeheader()
            writer.writerows(rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["pack", "--source", str(folder), "--month", "2026-10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "audit pack for 2026-10 as of 2026-10-31" in lines[0]
    pdf = out / "packs" / "2026-10" / "demo-company-audit-pack-2026-10.pdf"
    assert str(pdf) in lines and (out / "packs" / "2026-10" / "findings.json").exists()

    with time_machine.travel("2026-11-21 12:00:00-07:00", tick=False):
        result = CliRunner().invoke(main, ["pack", "--source", str(folder), "--last-month", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "audit pack for 2026-10" in result.output

    result = CliRunner().invoke(main, ["pack", "--source", str(folder), "--out", str(out)])
    assert result.exit_code == 2 and "--month" in result.output
    result = CliRunner().invoke(main, ["pack", "--source", str(folder), "--month", "Oct", "--out", str(out)])
    assert result.exit_code == 2 and "YYYY-MM" in result.output


def test_last_month_uses_the_company_time_zone() -> None:
    from jobs.pack import last_month

    settings = Settings(timezone="America/Edmonton")
    # 03:00 UTC on 1 December is still 30 November in Edmonton.
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        assert last_month(settings) == Month(2026, 10)
    with time_machine.travel("2026-12-01 08:00:00+00:00", tick=False):
        assert last_month(settings) == Month(2026, 11)


def test_month_in_progress_and_future_month() -> None:
    assert pack_as_of(Month(2026, 11), date(2026, 11, 21)) == date(2026, 11, 21)
    assert pack_as_of(Month(2026, 10), date(2026, 11, 21)) == date(2026, 10, 31)
    with pytest.raises(SecorError, match="has not started"):
        pack_as_of(Month(2026, 12), date(2026, 11, 21))


def test_company_slug() -> None:
    assert company_slug("Prairie Hydrovac Ltd.") == "prairie-hydrovac-ltd"
    assert company_slug("Côté & Fils / ../etc") == "cote-fils-etc"
    assert company_slug("<script>") == "script"
    assert company_slug("💥") == "company"
