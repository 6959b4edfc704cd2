"""The demo company through the whole local pipeline: the planted findings come out, by name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jobs.sync import run_sync
from pipeline.cli import main
from pipeline.demo import DemoCompany, generate_demo
from pipeline.settings import SourceSettings, load_settings


@pytest.fixture(scope="module", params=[date(2026, 10, 31), date(2028, 2, 29)], ids=str)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DemoCompany:
    return generate_demo(tmp_path_factory.mktemp("demo"), end=request.param)


def sync(demo: DemoCompany, out: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(demo.config).replace(source=SourceSettings(path=str(demo.folder)), output=str(out))
    return run_sync(settings, as_of=demo.end)


def test_every_check_gives_its_planted_status_for_the_planted_records(demo: DemoCompany, tmp_path: Path) -> None:
    findings = sync(demo, tmp_path).findings
    assert len(findings.checks) == 29
    for planted in demo.planted:
        got = findings.check(planted.check_id)
        assert got.status == planted.status, f"{planted.check_id}: {got.detail} (planted: {planted.planted})"
        if planted.records:
            named = [r for r in planted.records if r in got.records or r in got.detail]
            assert named, f"{planted.check_id} names none of {planted.records}: {got.records}"


def test_planted_tickets_are_on_the_certifications_list(demo: DemoCompany, tmp_path: Path) -> None:
    certs = sync(demo, tmp_path).findings.certifications
    for t in demo.tickets:
        row = certs[(certs["worker"] == t.worker) & (certs["ticket"] == t.ticket)].iloc[0]
        assert row["status"] == t.status
        if t.days_left:
            assert t.days_left[0] <= row["days_left"] <= t.days_left[1]
    assert list(certs["status"][:2]) == ["Expired", "Missing"]  # most urgent first


def test_messy_cells_reach_data_issues_with_their_sheet_row(demo: DemoCompany, tmp_path: Path) -> None:
    issues = sync(demo, tmp_path).findings.issues
    for m in demo.messy:
        if not m.problem:
            continue
        hit = issues[(issues["table"] == m.table) & (issues["row"] == m.row)]
        assert any(m.problem in p for p in hit["problem"]), f"{m}: {list(hit['problem'])}"


def test_sync_writes_the_dashboard_with_the_overdue_pre_start_first(demo: DemoCompany, tmp_path: Path) -> None:
    result = sync(demo, tmp_path)
    book = openpyxl.load_workbook(result.written[0])
    ws = book["Dashboard - Deficiencies"]
    assert ws["B3"].value == "Overdue" and ws["A3"].value.startswith("PS-")  # below the sentence and the header
    assert book["Dashboard"]["B2"].value == "Kowalski Oilfield Services Ltd."
    rows_read = sum(s.rows_read for s in result.dataset.status.values())
    assert rows_read == sum(demo.rows.values())


def test_same_answer_every_time_whatever_day_it_runs(demo: DemoCompany, tmp_path: Path) -> None:
    a = sync(demo, tmp_path / "a").findings
    b = sync(demo, tmp_path / "b").findings
    assert a.checks == b.checks
    assert a.certifications.equals(b.certifications) and a.deficiencies.equals(b.deficiencies)


def test_cli_sync_prints_an_actionable_summary(demo: DemoCompany, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sync", "--source", str(demo.folder), "--config", str(demo.config),
                                       "--out", str(tmp_path), "--as-of", demo.end.isoformat()])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Element 5" in out and "Most urgent (" in out and "Renew Ravi Sandhu's H2S Alive (expired" in out
    assert str(tmp_path / "dashboard.xlsx") in out


def test_doctor_reports_every_table_found(demo: DemoCompany) -> None:
    result = CliRunner().invoke(main, ["doctor", "--source", str(demo.folder)])
    assert result.exit_code == 0, result.output
    assert result.output.count("\nok ") == 14 and "MISSING" not in result.output


def test_doctor_exits_non_zero_and_names_what_is_missing(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Workers"
    book.active.append(["Name", "Start Date"])
    book.save(tmp_path / "office.xlsx")
    result = CliRunner().invoke(main, ["doctor", "--source", str(tmp_path)])
    assert result.exit_code == 1
    assert "required column(s) Role not found; headers seen: Name, Start Date" in result.output
    assert "MISSING  FLHA" in result.output


def test_sync_path_does_not_import_pdf_templating_or_google(demo: DemoCompany, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom datetime import date\nfrom jobs.sync import run_sync\n"
        "from pipeline.settings import Settings, SourceSettings\n"
        f"run_sync(Settings(source=SourceSettings(path={str(demo.folder)!r}), output={str(tmp_path)!r}), "
        f"as_of=date.fromisoformat({demo.end.isoformat()!r}))\n"
        "print(sorted(m for m in ('weasyprint', 'matplotlib', 'gspread', 'google.auth', 'jinja2', 'pdfkit') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
