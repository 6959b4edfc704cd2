"""The scheduler with the real job functions (sync, pack, SMTP send) on a small CSV source folder."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.scheduler import Jobs, run_once
from jobs.state import load_state
from pipeline.settings import SourceSettings
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, FakeJobs, smtp_server

EDM = ZoneInfo("America/Edmonton")
NOW = datetime(2026, 11, 21, 6, 5, tzinfo=EDM)





def test_run_once_with_the_real_sync(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "out"
    fake = FakeJobs(out)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path).replace(source=SourceSettings(backend="local", path=str(source)))
        report = run_once(settings, NOW, Jobs(pack=fake.pack, send=fake.send))
    assert report.ok, report.lines()
    assert (out / "dashboard.xlsx").is_file()
    assert load_state(out).last_sync["outcome"] == "ok"


def test_the_real_pack_is_produced_and_mailed_once(tmp_path: Path, source: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("jobs.pack")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    out = tmp_path / "out"
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path).replace(source=SourceSettings(backend="local", path=str(source)))
        report = run_once(settings, NOW)  # the real sync, pack and send
        assert report.ok, report.lines()
        assert [str(o.job) for o in report.outcomes] == ["sync", "pack 2026-10", "mail 2026-10"]
        again = run_once(settings, NOW.replace(hour=12))
        assert again.outcomes == ()
        assert len(server.handler.messages) == 1
        envelope = server.handler.messages[0]
    state = load_state(out)
    pdf = Path(state.packs["2026-10"]["pdf"])
    assert pdf.parent == out / "packs" / "2026-10" and pdf.name.endswith("-audit-pack-2026-10.pdf")
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_filename() == pdf.name and attachment.get_content() == pdf.read_bytes()
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Expired tickets" in body and "October 2026" in body


def test_a_source_file_that_cannot_be_read_fails_the_sync_and_makes_no_pack(tmp_path: Path, source: Path) -> None:
    pytest.importorskip("jobs.pack")
    (source / "FLHA.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    out = tmp_path / "out"
    fake = FakeJobs(out)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path).replace(source=SourceSettings(backend="local", path=str(source)))
        report = run_once(settings, NOW, Jobs(send=fake.send))  # the real sync and pack
    outcomes = {str(o.job): o for o in report.outcomes}
    assert not outcomes["sync"].ok and "part of the records could not be read" in (outcomes["sync"].error or "")
    assert "FLHA.xlsx" in (outcomes["sync"].error or "")
    assert (out / "dashboard.xlsx").is_file()  # the dashboards were written all the same
    assert not outcomes["pack 2026-10"].ok and "mail 2026-10" not in outcomes and not fake.sent
    state = load_state(out)
    assert state.last_sync["outcome"] == "failed" and state.health("sync").failures == 1
    assert "2026-10" not in state.packs and state.health("pack 2026-10").failures == 1
