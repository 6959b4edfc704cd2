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
    assert result.exit_code == 1, result.output  # a source problem, as an unreadable file is
    assert "has no .xlsx or .csv file to read (it holds only: desktop.ini)" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # no 0% dashboard, no 0% pack


def office_records(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "Workers.csv").write_text("Name,Role,Start Date\r\nDale Kowalski,Owner,2019-03-01\r\n", encoding="utf-8")
    return folder


def dashboard_company(path: Path) -> str:
    import openpyxl

    ws = openpyxl.load_workbook(path)["Dashboard"]
    return next(str(r[1].value) for r in ws.iter_rows(min_row=2) if r[0].value == "Company")


def test_secor_toml_in_the_current_folder_is_read_without_config(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    office_records(tmp_path / "records")
    (tmp_path / "secor.toml").write_text('company = "Kowalski Oilfield"\noutput = "out"\n'
                                         '[source]\npath = "records"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["sync", "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert dashboard_company(tmp_path / "out" / "dashboard.xlsx") == "Kowalski Oilfield"
    assert "(settings from ./secor.toml: no --config given)" in result.stderr  # never a surprise


def test_relative_paths_in_a_config_are_read_from_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As under systemd: the config in /etc/secor, the command started from /opt/secor.
    etc, opt = tmp_path / "etc" / "secor", tmp_path / "opt" / "secor"
    office_records(etc / "records")
    opt.mkdir(parents=True)
    etc.joinpath("secor.toml").write_text('company = "Kowalski Oilfield"\noutput = "outputs"\n'
                                          '[source]\npath = "records"\n', encoding="utf-8")
    (opt / "secor.toml").write_text('company = "Not this one"\n', encoding="utf-8")  # --config wins
    monkeypatch.chdir(opt)
    result = CliRunner().invoke(main, ["sync", "--config", "../../etc/secor/secor.toml", "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert dashboard_company(etc / "outputs" / "dashboard.xlsx") == "Kowalski Oilfield"
    assert not (opt / "outputs").exists()
    # --source and --out are command-line paths: relative to the current folder.
    office_records(opt / "here")
    result = CliRunner().invoke(main, ["sync", "--config", str(etc / "secor.toml"), "--source", "here", "--out",
                                       "mine", "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert (opt / "mine" / "dashboard.xlsx").is_file()


def test_path_settings_resolve_against_the_config_folder_and_home(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli.common import settings_for

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = tmp_path / "conf" / "secor.toml"
    config.parent.mkdir()
    config.write_text('[source]\nbackend = "google"\ncredentials = "keys/sa.json"\n'
                      '[email]\nca_file = "~/relay-ca.pem"\n', encoding="utf-8")
    s = settings_for(str(config))
    assert s.source.credentials == str(tmp_path / "conf" / "keys" / "sa.json")
    assert s.email.ca_file == str(tmp_path / "home" / "relay-ca.pem")
    assert s.output == "outputs" and s.source.path == "demo"  # not set in the file: defaults, as before


def test_config_help_says_where_it_is_looked_for_and_how_paths_are_read() -> None:
    result = CliRunner().invoke(main, ["sync", "--help"])
    text = " ".join(result.output.split())
    assert "./secor.toml" in text and "read from the config file's folder" in text


def no_space(*args: object, **kwargs: object) -> None:
    import errno
    import os

    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as write() raises it: no file name


def test_a_full_disk_while_writing_the_dashboard_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    src, out = office_records(tmp_path / "records"), tmp_path / "out"
    args = ["sync", "--source", str(src), "--out", str(out), "--as-of", "2026-11-21"]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = (out / "dashboard.xlsx").read_bytes()

    def partial_then_full(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half")
        no_space()

    monkeypatch.setattr(openpyxl.Workbook, "save", partial_then_full)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"error: the disk holding '{out}' is full, so 'dashboard.xlsx' was not written (the previous one, if any, "
        "is left as it was). Free some space there (or raise the quota), then run again."]
    assert (out / "dashboard.xlsx").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["dashboard.xlsx"]  # no temporary file left


def test_a_full_disk_while_writing_the_pack_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.outputs.files.os.fsync", no_space)
    src, out = office_records(tmp_path / "records"), tmp_path / "out"
    result = CliRunner().invoke(main, ["pack", "--month", "2026-10", "--source", str(src), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "is full, so 'demo-company-audit-pack-2026-10.pdf' was not written" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_full_disk_anywhere_else_is_one_line_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    def log_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/var/lib/secor/outputs/logs/secor.log")

    monkeypatch.setattr("jobs.sync.run_sync", log_full)
    result = CliRunner().invoke(main, ["sync", "--source", str(office_records(tmp_path / "records"))])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip() == ("error: the disk is full while writing '/var/lib/secor/outputs/logs/secor.log' "
                                     "(No space left on device). Free some space on the output drive, then run again.")
