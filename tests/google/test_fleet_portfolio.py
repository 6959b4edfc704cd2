"""`[fleet] portfolio_spreadsheet`: the fleet writes the Portfolio tab of the consultant's own spreadsheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pipeline.fleet.config import fleet_from_dict
from pipeline.fleet.portfolio import ClientRow
from pipeline.fleet.run import write_portfolio
from pipeline.outputs.portfolio import HEADER

KEY = "1ConsultantFleetKeyDDDDDDDDDDDDDDDDDDDDDDDDDD"
ROWS = [ClientRow("acme", "Acme Ltd.", overall=0.9, meets_pass_rule=True),
        ClientRow("bad", "", error="source folder 'records/bad' does not exist")]


def _fleet(tmp_path: Path, emulator: Any, key_file: Path, spreadsheet: str) -> Any:
    data = {"fleet": {"out": "out", "portfolio_spreadsheet": spreadsheet},
            "google": {"credentials": str(key_file), "api_endpoint": emulator.url, "max_attempts": 1,
                       "requests_per_minute": 0},
            "client": [{"name": "acme", "config": "a.toml"}]}
    return fleet_from_dict(data, tmp_path / "fleet.toml")


def test_the_fleet_writes_the_portfolio_tab_in_the_consultants_spreadsheet(tmp_path, emulator, key_file):
    book = emulator.add_spreadsheet(KEY, "Consultant clients", {"Notes": [["Client", "Note"]]})
    written, notes, _ = write_portfolio(_fleet(tmp_path, emulator, key_file, KEY), ROWS, date(2026, 11, 30))
    assert [p.name for p in written] == ["portfolio.xlsx", "portfolio.pdf"]
    assert any(n.startswith("Portfolio in 'Consultant clients'") for n in notes), notes
    rows = book.tab("Portfolio").rows()
    assert rows[0][:len(HEADER)] == list(HEADER)
    assert [r[HEADER.index("Client")] for r in rows[1:]] == ["bad", "acme"]
    assert book.tab("Notes").rows() == [["Client", "Note"]]  # the consultant's own tab is left alone


def test_a_spreadsheet_not_shared_is_said_and_the_local_portfolio_is_still_written(tmp_path, emulator, key_file):
    written, notes, _ = write_portfolio(_fleet(tmp_path, emulator, key_file, "1NotSharedKeyEEEEEEEEEEEEEEEEEEEE"),
                                        ROWS, date(2026, 11, 30))
    assert all(p.exists() for p in written)
    assert [n for n in notes if n.startswith("Portfolio tab not written:")], notes


def test_a_portfolio_spreadsheet_without_credentials_is_refused_with_the_fix(tmp_path):
    import pytest

    from pipeline.errors import SecorError

    with pytest.raises(SecorError, match=r"\[google\] has no 'credentials'"):
        fleet_from_dict({"fleet": {"portfolio_spreadsheet": KEY}, "client": [{"name": "a", "config": "a.toml"}]},
                        tmp_path / "fleet.toml")
