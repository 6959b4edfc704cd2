"""A file that cannot be read: the sync says the figures are incomplete, the pack is not made from part of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jobs.pack import run_pack
from pipeline.cli import main
from pipeline.demo import generate_demo
from pipeline.errors import SecorError
from pipeline.settings import SourceSettings, load_settings

END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def broken_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    demo = generate_demo(tmp_path_factory.mktemp("demo"), end=END)
    (demo.folder / "form-responses.xlsx").write_bytes(b"PK\x03\x04 truncated by a sync client")
    return demo.folder


def test_sync_still_writes_dashboards_but_says_incomplete_and_exits_1(broken_demo: Path, tmp_path: Path) -> None:
    config = str(broken_demo / "secor.toml")
    result = CliRunner().invoke(main, ["sync", "--source", str(broken_demo), "--config", config,
                                       "--out", str(tmp_path), "--as-of", END.isoformat()])
    assert result.exit_code == 1
    assert "INCOMPLETE" in result.output and "form-responses.xlsx" in result.output
    ws = openpyxl.load_workbook(tmp_path / "dashboard.xlsx")["Dashboard"]
    items = {r[0].value: (r[1].value, r[3].value) for r in ws.iter_rows(min_row=2) if r[0].value}
    value, detail = items["Records read"]
    assert value == "INCOMPLETE" and "form-responses.xlsx" in detail


def test_pack_is_not_made_from_part_of_the_records(broken_demo: Path, tmp_path: Path) -> None:
    settings = load_settings(broken_demo / "secor.toml").replace(
        source=SourceSettings(path=str(broken_demo)), output=str(tmp_path))
    with pytest.raises(SecorError, match="not made because part of the records could not be read"):
        run_pack(settings, "2026-10")
    assert not (tmp_path / "packs").exists()
