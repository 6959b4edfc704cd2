"""The state file: atomic, survives restarts, and a corrupt one is kept aside without re-sending anything."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jobs.state import JobHealth, LockBusy, State, job_lock, load_state, save_state, state_path

NOW = datetime(2026, 11, 21, 6, 5, tzinfo=ZoneInfo("America/Edmonton"))


def test_missing_file_is_a_fresh_state(tmp_path: Path) -> None:
    state = load_state(tmp_path)
    assert state == State() and not state_path(tmp_path).exists()


def test_round_trip_and_no_temp_files_left(tmp_path: Path) -> None:
    state = State(installed_month="2026-11", installed_at=NOW, packs={"2026-10": {"pdf": "p.pdf"}},
                  mailed={"2026-10": {"at": NOW.isoformat()}}, last_sync_ok=NOW)
    state.jobs["sync"] = JobHealth(failures=2, first_failed=NOW, retry_at=NOW, last_error="boom")
    save_state(tmp_path, state)
    again = load_state(tmp_path)
    assert again == state
    assert [p.name for p in state_path(tmp_path).parent.iterdir()] == ["secor-state.json"]
    assert json.loads(state_path(tmp_path).read_text())["version"] == 1


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_state(tmp_path, State(installed_month="2026-10"))
    before = state_path(tmp_path).read_bytes()

    def broken_replace(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("jobs.state.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_state(tmp_path, State(installed_month="2026-11"))
    assert state_path(tmp_path).read_bytes() == before
    assert [p.name for p in state_path(tmp_path).parent.iterdir()] == ["secor-state.json"]


@pytest.mark.parametrize("content", ["{not json", "[]", '{"version": 99}', '{"version": 1, "packs": {"x": 1}}',
                                     '{"version": 1, "last_sync_ok": "yesterday"}', ""])
def test_corrupt_file_is_kept_aside_and_packs_on_disk_are_not_resent(
        tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    pdf = tmp_path / "packs" / "2026-09" / "acme-audit-pack-2026-09.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4")
    with caplog.at_level(logging.WARNING, logger="secor.jobs"):
        state = load_state(tmp_path, now=NOW)
    aside = path.with_name("secor-state.json.corrupt-20261121T060500")
    assert aside.read_text(encoding="utf-8") == content
    assert set(state.packs) == {"2026-09"} and set(state.mailed) == {"2026-09"}
    assert state.installed_month == "2026-10"  # packs resume after the newest one on disk
    assert "could not be read" in caplog.text and "secor send --month" in caplog.text


def test_the_lock_keeps_a_second_holder_out(tmp_path: Path) -> None:
    results: list[str] = []
    with job_lock(tmp_path):
        def other() -> None:
            try:
                with job_lock(tmp_path):
                    results.append("got it")
            except LockBusy as exc:
                results.append(str(exc))

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert len(results) == 1 and "another secor run holds" in results[0]
    with job_lock(tmp_path):  # released
        pass


def test_a_state_file_of_invalid_utf8_is_kept_aside_like_a_corrupt_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe{garbage")
    with caplog.at_level(logging.WARNING, logger="secor.jobs"):
        state = load_state(tmp_path, now=NOW)
    assert state.installed_month is None and state.notes and "UnicodeDecodeError" in state.notes[0]
    assert path.with_name("secor-state.json.corrupt-20261121T060500").read_bytes() == b"\xff\xfe{garbage"
    assert "could not be read" in caplog.text


def test_a_state_file_that_cannot_be_read_is_kept_aside_like_a_corrupt_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_state(tmp_path, State(installed_month="2026-10"))
    path = state_path(tmp_path)

    def denied(real: Any) -> Any:
        def read(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)
        return read

    monkeypatch.setattr(Path, "read_bytes", denied(Path.read_bytes))
    monkeypatch.setattr(Path, "read_text", denied(Path.read_text))
    state = load_state(tmp_path, now=NOW)
    assert state == State(notes=state.notes) and "Permission denied" in state.notes[0]
    assert path.with_name("secor-state.json.corrupt-20261121T060500").is_file()


def test_a_deeply_nested_state_file_is_kept_aside_instead_of_crashing_every_run(tmp_path: Path) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")  # RecursionError in json.loads
    state = load_state(tmp_path, now=NOW)
    assert state.packs == {} and any("could not be read" in n for n in state.notes)
    assert list(path.parent.glob("secor-state.json.corrupt-*"))
