"""docs/google.md's own example passes its own `secor doctor`: one response spreadsheet per form,
each tab "Form Responses 1", no [tables] mapping."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.demo import generate_demo
from pipeline.schema import BY_KEY, FORM_TABLES

from .data import OFFICE_KEY, upload, xlsx_rows

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "google.md"


def guide_config() -> dict:
    """The TOML block of section 6 of the guide, parsed."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## 6. Configure"):]
    block = re.search(r"```toml\n(.*?)```", section, re.S)
    assert block, "the guide's configuration example is gone"
    return tomllib.loads(block.group(1))


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


@pytest.fixture
def guide_setup(emulator, key_file, tmp_path: Path) -> Path:
    """The guide's config pointed at the emulator; the demo company as the office and one spreadsheet per form."""
    company = generate_demo(tmp_path / "demo", end=date(2026, 10, 31))
    upload(emulator, company.office, OFFICE_KEY)
    keys = [OFFICE_KEY]
    for i, (tab, rows) in enumerate(xlsx_rows(company.forms).items()):
        key = f"1Form{i}Key" + "C" * 36
        emulator.add_spreadsheet(key, f"{tab} (Responses)", {"Form Responses 1": rows})
        keys.append(key)
    config = guide_config()
    assert "tables" not in config  # the guide needs no mapping for Forms' tab names
    config["source"].update(spreadsheets=keys, credentials=str(key_file))
    config["google"]["api_endpoint"] = emulator.url
    lines = [f"{k} = {_toml(v)}" for k, v in config.items() if not isinstance(v, dict)]
    for section, values in config.items():
        if isinstance(values, dict):
            lines.append(f"[{section}]")
            lines.extend(f"{k} = {_toml(v)}" for k, v in values.items())
    path = tmp_path / "google.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_guides_example_passes_its_own_doctor(guide_setup: Path) -> None:
    result = CliRunner().invoke(main, ["doctor", "--config", str(guide_setup)])
    assert result.exit_code == 0, result.output
    assert "MISSING" not in result.output and "is in both" not in result.output
    for key in FORM_TABLES:
        title = BY_KEY[key].title
        assert re.search(rf"^ok +{re.escape(title)} in Form Responses 1 \(", result.output, re.M), title
    assert "  [tables]\n  flha = [\"FLHA (Responses) / Form Responses 1\"]" in result.output
