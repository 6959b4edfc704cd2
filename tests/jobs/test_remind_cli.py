"""`secor remind`: --dry-run over a real workbook prints who gets what, writes .eml files, records nothing."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from jobs.state import state_path
from pipeline.cli import main
from pipeline.schema import BY_KEY
from tests.builders import write_xlsx
from tests.checks import reminder_company as co

CONFIG = """company = "Acme Oilfield"
[email]
enabled = true
to = ["dale@acme.example"]
alerts_to = ["office@acme.example"]
sender = "secor@acme.example"
[reminders]
enabled = true
off = ["Priya Sandhu"]
"""


def _source(folder: Path) -> Path:
    folder.mkdir()
    tabs = {}
    for key, records in co.tables().items():
        header = list(dict.fromkeys(h for r in records for h in r))
        tabs[BY_KEY[key].title] = [header, *[[r.get(h) for h in header] for r in records]]
    write_xlsx(folder / "office.xlsx", tabs)
    return folder


def test_dry_run_prints_who_gets_what_and_records_nothing(tmp_path: Path) -> None:
    config = tmp_path / "secor.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["remind", "--config", str(config), "--source", str(_source(tmp_path / "src")),
                                       "--out", str(out), "--as-of", "2026-12-02", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "jason@acme.example (worker): 1 reminder(s)" in result.output
    assert "priya@acme.example" not in result.output  # turned off
    assert "office@acme.example (office): 4 reminder(s), 1 note(s) for the office" in result.output
    assert len(list((out / "reminders" / "dry-run").glob("*.eml"))) == 3
    assert not state_path(out).exists()
