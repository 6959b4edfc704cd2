"""Fixtures shared by the jobs tests."""

from __future__ import annotations

from pathlib import Path

import pytest

# A small company as CSV files: what the real sync, pack and mail jobs read.
TABLES = {
    "Workers": "Name,Role,Start Date,End Date\nDale Kowalski,Owner,2024-01-01,\nPat Singh,Labourer,2025-03-01,\n",
    "Training Matrix": "Role,Ticket,Valid For Months\nLabourer,Standard First Aid,36\nOwner,CSTS,\n",
    "Training Records": "Worker,Ticket,Completed,Expires\nDale Kowalski,CSTS,2023-05-01,\n"
                        "Pat Singh,Standard First Aid,2023-01-10,\n",
    "Incident": "Timestamp,Incident Date,Reporter,Type,Description,Root Cause\n"
                "2026-10-03 10:00:00,2026-10-03,Pat Singh,Near Miss,Ladder slipped on wet floor,No ladder feet\n",
}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    for name, text in TABLES.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder
