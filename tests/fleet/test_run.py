"""`secor fleet run --once` and `secor fleet doctor`: each client by its own state and its own report."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.fleet.config import load_fleet
from pipeline.fleet.run import run_fleet
from tests.jobs.conftest import TABLES

from .support import demo_client


def _csv_company(root: Path, name: str, company: str) -> Path:
    """A small office's CSV downloads, its secor.toml beside them (clients_folder style)."""
    folder = root / "clients" / name
    folder.mkdir(parents=True)
    for table, text in TABLES.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    (folder / "secor.toml").write_text(f'company = "{company}"\n', encoding="utf-8")
    return folder


def _fleet(root: Path, extra: str = "") -> Path:
    path = root / "fleet.toml"
    path.write_text(f'clients_folder = "clients"\n[fleet]\nout = "out"\n{extra}', encoding="utf-8")
    return path


def test_run_once_keeps_each_clients_state_and_log_and_retries_the_failing_one_by_its_own(tmp_path: Path) -> None:
    _csv_company(tmp_path, "acme", "Acme Hydrovac Ltd.")
    gone = _csv_company(tmp_path, "gone", "Gone Welding Ltd.")
    (gone / "secor.toml").write_text('company = "Gone Welding Ltd."\n[source]\npath = "not-there"\n',
                                     encoding="utf-8")
    fleet = load_fleet(_fleet(tmp_path))
    first = run_fleet(fleet, "run")
    acme, failing = first.results
    assert acme.ok and acme.row.company == "Acme Hydrovac Ltd." and acme.row.last_sync is not None
    assert any(line.startswith("sync: ok") for line in acme.lines)
    assert not failing.ok and "sync" in failing.row.error and "not-there" in failing.row.error
    out = tmp_path / "out" / "clients"
    for name in ("acme", "gone"):
        state = json.loads((out / name / "state" / "secor-state.json").read_text(encoding="utf-8"))
        log = (out / name / "logs" / "secor.log").read_text(encoding="utf-8")
        other = "Gone Welding" if name == "acme" else "Acme Hydrovac"
        assert other not in log and other not in json.dumps(state)
    gone_state = json.loads((out / "gone" / "state" / "secor-state.json").read_text(encoding="utf-8"))
    assert gone_state["jobs"]["sync"]["failures"] == 1 and gone_state["jobs"]["sync"]["retry_at"]
    assert json.loads((out / "acme" / "state" / "secor-state.json").read_text())["jobs"]["sync"]["failures"] == 0

    again = run_fleet(fleet, "run")  # within the backoff: the failing sync waits, and its row still says so
    acme, failing = again.results
    assert acme.ok and not any(line.startswith("sync") for line in acme.lines)  # synced already today
    assert acme.row.overall is not None  # the row's figures are today's, read again
    assert "not-there" in failing.row.error and "retried after" in failing.row.error
    assert (tmp_path / "out" / "portfolio.xlsx").exists() and (tmp_path / "out" / "portfolio.pdf").exists()


def test_doctor_prints_one_line_per_client_and_exits_1_naming_who_is_not_ready(tmp_path: Path) -> None:
    demo_client(tmp_path, "ready", "Ready Rentals Ltd.", "o@ready.example", "Rae Ready", 4, False)
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "ready.toml").write_text(
        (tmp_path / "configs" / "ready" / "secor.toml").read_text(encoding="utf-8"), encoding="utf-8")
    _csv_company(tmp_path, "partial", "Partial Paving Ltd.")  # only four tables
    result = CliRunner().invoke(main, ["fleet", "doctor", "--fleet", str(_fleet(tmp_path))])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    partial = next(line for line in lines if line.startswith("partial"))
    assert "FAILED" in partial and "MISSING" in partial and "Hazard Register" in partial
    assert "ready (Ready Rentals Ltd.): OK" in result.output
    assert "1 ok, 1 failed (partial)" in lines[-1]
    assert not (tmp_path / "out" / "portfolio.xlsx").exists()  # the doctor changes nothing

    (tmp_path / "clients" / "partial" / "secor.toml").unlink()  # no longer a client
    ok = CliRunner().invoke(main, ["fleet", "doctor", "--fleet", str(_fleet(tmp_path)), "--details"])
    assert ok.exit_code == 0, ok.output
    assert "Source:" in ok.output and "1 ok, 0 failed." in ok.output


def test_every_fleet_command_has_help_from_its_docstring() -> None:
    group = main.commands["fleet"]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        result = CliRunner().invoke(main, ["fleet", name, "--help"])
        assert result.exit_code == 0 and command.help
        assert " ".join(command.help.split()[:6]) in " ".join(result.output.split())
        assert "--fleet" in result.output


def test_pack_needs_a_month(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["fleet", "pack", "--fleet", str(tmp_path / "fleet.toml")])
    assert result.exit_code == 2 and "--last-month" in result.output


def test_the_last_fleet_sync_stays_on_the_portfolio_after_a_fleet_pack(tmp_path: Path) -> None:
    import openpyxl

    from pipeline.outputs.portfolio import HEADER

    _csv_company(tmp_path, "acme", "Acme Ltd.")
    fleet = load_fleet(_fleet(tmp_path))

    def last_sync() -> object:
        sheet = openpyxl.load_workbook(tmp_path / "out" / "portfolio.xlsx").active
        return sheet.cell(row=2, column=HEADER.index("Last sync") + 1).value

    run_fleet(fleet, "sync")
    synced = last_sync()
    assert synced is not None
    run_fleet(fleet, "pack", month="2026-10")  # a pack reads the records again but is not a sync
    assert last_sync() == synced
