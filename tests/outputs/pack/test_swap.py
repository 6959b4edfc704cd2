"""A month's pack is replaced whole: a crash mid-swap leaves the old pack or the new one, never a mix."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.pack import run_pack
from jobs.scheduler import run_once
from pipeline.outputs import files
from pipeline.settings import Settings
from tests.jobs.helpers import FakeJobs

from .conftest import FakeSource
from .fixtures import company_records

DEAD_PID = 99_999_999  # above any pid_max: no such process, so its folders are leftovers


def _snapshot(folder: Path) -> dict[str, str]:
    """File name -> content hash: what a reader of the month's folder sees."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _hidden(packs: Path) -> list[str]:
    return sorted(p.name for p in packs.iterdir() if p.name.startswith("."))


@pytest.fixture()
def packed(tmp_path: Path):  # type: ignore[no-untyped-def]
    """One pack for October on disk (the 'old' pack), and a source whose records changed since."""
    settings = Settings(company="Prairie Hydrovac Ltd.", output=str(tmp_path))
    run_pack(settings, "2026-10", source=FakeSource(company_records()))
    changed = company_records(flha_per_day=4)  # another month's worth: every file of the pack differs
    return settings, tmp_path / "packs" / "2026-10", FakeSource(changed)


def test_a_crash_after_the_first_rename_leaves_the_old_pack_whole(packed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings, folder, source = packed
    old = _snapshot(folder)
    real = {"rename": os.rename, "replace": os.replace}
    calls: list[str] = []

    def crashing(kind: str):  # type: ignore[no-untyped-def]
        def move(src: object, dst: object) -> None:
            touches = any(Path(str(p)) == folder or folder in Path(str(p)).parents for p in (src, dst))
            if touches:
                calls.append(f"{src} -> {dst}")
                if len(calls) == 2:  # the second rename that changes the month's folder fails
                    raise OSError(5, "Input/output error")
            real[kind](src, dst)
        return move

    monkeypatch.setattr(files.os, "rename", crashing("rename"))
    monkeypatch.setattr(files.os, "replace", crashing("replace"))
    with pytest.raises(OSError):
        run_pack(settings, "2026-10", source=source)
    monkeypatch.undo()
    assert len(calls) >= 2
    assert _snapshot(folder) == old  # put back at once, every file as it was
    assert _hidden(folder.parent) == []


def test_killed_between_the_renames_the_old_pack_is_restored_at_the_next_start(packed) -> None:  # type: ignore[no-untyped-def]
    _, folder, _ = packed
    old = _snapshot(folder)
    # What `kill -9` between the two renames leaves: the old folder set aside, the new one half-built.
    folder.rename(folder.parent / f".2026-10.old-{DEAD_PID}")
    half = folder.parent / f".2026-10.tmp-{DEAD_PID + 1}"
    half.mkdir()
    (half / "prairie-hydrovac-ltd-audit-pack-2026-10.pdf").write_bytes(b"%PDF-1.7 new, alone")
    from pipeline.outputs.files import recover_folders

    lines = recover_folders(folder.parent)
    assert _snapshot(folder) == old and _hidden(folder.parent) == []
    assert any("restored '2026-10'" in line for line in lines)


def test_the_next_pack_run_builds_the_new_pack_whole(packed) -> None:  # type: ignore[no-untyped-def]
    settings, folder, source = packed
    old = _snapshot(folder)
    stale = folder.parent / f".2026-10.tmp-{DEAD_PID}"  # a killed run's half-built folder
    stale.mkdir()
    (stale / "findings.json").write_text("{}", encoding="utf-8")
    result = run_pack(settings, "2026-10", source=source)
    new = _snapshot(folder)
    assert _hidden(folder.parent) == []  # the stale folder is gone, and no folder of this run is left
    assert set(new) == set(old) == {p.name for p in result.files}
    pdf = "prairie-hydrovac-ltd-audit-pack-2026-10.pdf"
    assert new[pdf] != old[pdf] and new["findings.json"] != old["findings.json"]
    flha_rows = (folder / "records-flha.csv").read_text(encoding="utf-8").count("\n") - 1
    assert flha_rows == len(source.tables["flha"])  # the CSVs are this run's too


def test_a_folder_of_a_running_process_is_left_alone(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    (packs / "2026-10").mkdir(parents=True)
    busy = packs / f".2026-10.tmp-{os.getppid()}"  # the parent process is alive: its build is in progress
    busy.mkdir()
    from pipeline.outputs.files import recover_folders

    assert recover_folders(packs) == [] and busy.is_dir()


def test_the_scheduler_tidies_a_half_swapped_pack_before_anything_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    packs = out / "packs"
    aside = packs / f".2026-09.old-{DEAD_PID}"
    aside.mkdir(parents=True)
    (aside / "acme-audit-pack-2026-09.pdf").write_bytes(b"%PDF-1.7 old")
    (packs / f".2026-10.tmp-{DEAD_PID}").mkdir()
    settings = Settings(company="Acme", output=str(out))
    now = datetime(2026, 11, 15, 6, 5, tzinfo=ZoneInfo("America/Edmonton"))
    report = run_once(settings, now, FakeJobs(out).jobs())
    assert report.outcomes  # and the run went on
    assert (packs / "2026-09" / "acme-audit-pack-2026-09.pdf").read_bytes() == b"%PDF-1.7 old"
    assert _hidden(packs) == []
