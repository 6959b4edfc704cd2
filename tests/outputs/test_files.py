"""Output files: replaced whole or not at all, and readable by the office as a normal file would be."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.outputs.files import replacing, write_atomic


def test_written_file_gets_the_usual_permissions_not_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "pack.pdf", b"%PDF-1.7")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_bytes() == b"%PDF-1.7"


def test_a_failure_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "dashboard.xlsx", b"old")
    with pytest.raises(RuntimeError), replacing(path) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["dashboard.xlsx"]
