"""The CLI is a thin shell: every command has help, and user errors are messages, not tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main


def test_every_command_has_help_from_its_docstring() -> None:
    runner = CliRunner()
    assert main.commands, "no commands registered"
    for name, command in main.commands.items():
        assert command.help and len(command.help.strip()) > 20, f"{name} has no help"
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, result.output
        first_words = " ".join(command.help.split()[:6])
        assert first_words in " ".join(result.output.split())


def test_core_commands_are_there() -> None:
    assert {"sync", "doctor"} <= set(main.commands)


def test_a_user_error_is_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sync", "--source", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "error: source folder" in result.output and "Traceback" not in result.output


def test_bad_as_of_date_is_explained(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sync", "--source", str(tmp_path), "--as-of", "31/10/2026"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_bad_config_key_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "secor.toml"
    config.write_text('[audit]\nexpiry_warn_days = 30\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["doctor", "--source", str(tmp_path), "--config", str(config)])
    assert result.exit_code == 2 and "audit.expiry_warn_days" in result.output


def test_an_output_folder_that_cannot_be_written_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Goals.csv").write_text("Year,Goal\n2026,Zero LTI\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["sync", "--source", str(tmp_path / "src"), "--out", str(blocker / "out")])
    assert result.exit_code == 2
    assert "Check the folder exists" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", [["sync"], ["pack", "--month", "2026-10"], ["doctor"]])
def test_an_empty_source_folder_is_an_error_not_a_0_percent_run(tmp_path: Path, command: list[str]) -> None:
    # A share not mounted, a cloud folder not yet synced: only Excel's lock file and a desktop.ini are there.
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "~$office.xlsx").write_bytes(b"\x00lock")
    (tmp_path / "src" / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    out = tmp_path / "out"
    args = [*command, "--source", str(tmp_path / "src")] + (["--out", str(out)] if command != ["doctor"] else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "has no .xlsx or .csv file to read (it holds only: desktop.ini)" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # no 0% dashboard, no 0% pack
