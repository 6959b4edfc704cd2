"""The forms-style demo (a real office's Drive) through the CLI: every table found, the planted findings out.

The same company and seed as tests/test_end_to_end.py's template style, so every check must give the
same status on both: the pipeline reads the office's own files as well as its own templates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jobs.sync import SyncResult, run_sync
from pipeline.cli import main
from pipeline.demo import DemoCompany, generate_demo
from pipeline.settings import SourceSettings, load_settings

END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> DemoCompany:
    folder = tmp_path_factory.mktemp("forms")
    result = CliRunner().invoke(main, ["demo", "--style", "forms", "--out", str(folder), "--end", END.isoformat()])
    assert result.exit_code == 0, result.output
    # The CLI wrote it; the same call gives the planted list (and rewrites the same cells).
    return generate_demo(folder, end=END, style="forms")


@pytest.fixture(scope="module")
def forms_run(forms: DemoCompany, tmp_path_factory: pytest.TempPathFactory) -> SyncResult:
    return _sync(forms, tmp_path_factory.mktemp("forms-out"))


@pytest.fixture(scope="module")
def template_run(tmp_path_factory: pytest.TempPathFactory) -> SyncResult:
    company = generate_demo(tmp_path_factory.mktemp("template"), end=END)
    return _sync(company, tmp_path_factory.mktemp("template-out"))


def _sync(company: DemoCompany, out: Path) -> SyncResult:
    settings = load_settings(company.config).replace(source=SourceSettings(path=str(company.folder)),
                                                     output=str(out))
    return run_sync(settings, as_of=company.end)


def test_doctor_finds_every_table_with_the_office_managers_config(forms: DemoCompany) -> None:
    result = CliRunner().invoke(main, ["doctor", "--source", str(forms.folder), "--config", str(forms.config)])
    assert result.exit_code == 0, result.output
    assert result.output.count("\nok ") == 14 and "MISSING" not in result.output
    assert "Form Responses 1 (FLHA (Responses).xlsx) (as configured)" in result.output
    assert "Form Responses 1 (Toolbox Talk (Responses).xlsx)" in result.output  # found without a pin


def test_cli_sync_writes_the_dashboard_and_an_actionable_summary(forms: DemoCompany, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sync", "--source", str(forms.folder), "--config", str(forms.config),
                                       "--out", str(tmp_path), "--as-of", forms.end.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Element 5" in result.output and "Renew Ravi Sandhu's H2S Alive (expired" in result.output
    book = openpyxl.load_workbook(tmp_path / "dashboard.xlsx")
    ws = book["Dashboard - Deficiencies"]
    assert ws["B3"].value == "Overdue" and ws["A3"].value.startswith("PS-")  # below the sentence and the header


def test_every_check_gives_its_planted_status_for_the_planted_records(forms: DemoCompany,
                                                                      forms_run: SyncResult) -> None:
    findings = forms_run.findings
    assert len(findings.checks) == 29
    wrong = []
    for planted in forms.planted:
        got = findings.check(planted.check_id)
        if got.status != planted.status:
            wrong.append(f"{planted.check_id}: {got.status} ({got.detail}); planted {planted.status}")
            continue
        if planted.records and not [r for r in planted.records if r in got.records or r in got.detail]:
            wrong.append(f"{planted.check_id} names none of {planted.records}: {got.records}")
    assert not wrong, "\n".join(wrong)


def test_check_statuses_match_the_template_styles_run_of_the_same_seed(forms_run: SyncResult,
                                                                       template_run: SyncResult) -> None:
    def statuses(run: SyncResult) -> dict[str, str]:
        return {c.id: c.status for c in run.findings.checks}
    assert statuses(forms_run) == statuses(template_run)


def test_planted_tickets_are_on_the_certifications_list(forms: DemoCompany, forms_run: SyncResult) -> None:
    certs = forms_run.findings.certifications
    for t in forms.tickets:
        row = certs[(certs["worker"] == t.worker) & (certs["ticket"] == t.ticket)].iloc[0]
        assert row["status"] == t.status
        if t.days_left:
            assert t.days_left[0] <= row["days_left"] <= t.days_left[1]
    assert list(certs["status"][:2]) == ["Expired", "Missing"]


def test_messy_cells_reach_data_issues_with_their_sheet_row(forms: DemoCompany, forms_run: SyncResult) -> None:
    issues = forms_run.findings.issues
    for m in forms.messy:
        if not m.problem:
            continue
        hit = issues[(issues["table"] == m.table) & (issues["row"] == m.row)]
        assert any(m.problem in p for p in hit["problem"]), f"{m}: {list(hit['problem'])}"


def test_every_row_of_every_form_and_office_tab_is_accounted(forms: DemoCompany, forms_run: SyncResult) -> None:
    for status in forms_run.dataset.status.values():
        if status.title in ("Training Matrix", "Training Records"):
            continue  # the grid: one row per worker feeds both tables
        assert status.rows_read == status.rows_used + status.rows_rejected == forms.rows[status.title], status


def test_no_choice_wording_left_unmapped(forms_run: SyncResult) -> None:
    issues = forms_run.findings.issues
    unknown = issues[issues["problem"].str.contains("is not one of", regex=False)]
    assert unknown.empty, list(unknown["value"].drop_duplicates())
