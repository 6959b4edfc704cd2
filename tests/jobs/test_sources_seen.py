"""A source that comes back smaller at a scheduled run (a file not synced yet, a table gone) is incomplete:
the dashboards say so, no pack is made or mailed until it is back, and `secor forget` confirms a removal."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from jobs.scheduler import Jobs, run_once
from jobs.seen import load_seen
from jobs.state import load_state
from pipeline.cli import main
from pipeline.settings import SourceSettings
from tests.jobs.helpers import FakeJobs, smtp_server

EDM = ZoneInfo("America/Edmonton")
NOV = datetime(2026, 11, 21, 6, 5, tzinfo=EDM)
DEC = datetime(2026, 12, 1, 6, 5, tzinfo=EDM)




def _records_read(out: Path) -> tuple[str, str]:
    ws = openpyxl.load_workbook(out / "dashboard.xlsx")["Dashboard"]
    items = {r[0].value: (r[1].value, r[3].value) for r in ws.iter_rows(min_row=2) if r[0].value}
    return items.get("Records read", ("", ""))


def test_a_file_missing_since_the_last_sync_makes_no_pack_until_it_is_back(tmp_path: Path, source: Path) -> None:
    pytest.importorskip("jobs.pack")
    out = tmp_path / "out"
    fake = FakeJobs(out)
    jobs = Jobs(send=fake.send)  # the real sync and pack
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path).replace(source=SourceSettings(backend="local", path=str(source)))
        assert run_once(settings, NOV, jobs).ok
        assert "incident" in load_seen(out)["tables"] and "Incident.csv" in load_seen(out)["files"]
        kept = (source / "Incident.csv").read_bytes()
        (source / "Incident.csv").unlink()  # the cloud folder has not synced it yet

        report = run_once(settings, DEC, jobs)
        outcomes = {str(o.job): o for o in report.outcomes}
        assert not outcomes["sync"].ok and "Incident.csv" in (outcomes["sync"].error or "")
        value, detail = _records_read(out)
        assert value == "INCOMPLETE" and "Incident" in detail  # the dashboards were written, and say so
        assert not outcomes["pack 2026-11"].ok and "2026-11" not in load_state(out).packs
        assert [str(m["Subject"]).rsplit(" ", 1)[-1] for m in fake.sent] == ["2026-10"]

        (source / "Incident.csv").write_bytes(kept)  # back
        report = run_once(settings, DEC + timedelta(hours=5), jobs)
        assert report.ok, report.lines()
    assert [str(m["Subject"]).rsplit(" ", 1)[-1] for m in fake.sent] == ["2026-10", "2026-11"]
    assert _records_read(out)[0] != "INCOMPLETE"


def test_doctor_shows_what_is_expected_and_forget_confirms_a_removal(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "out"
    fake = FakeJobs(out)
    with smtp_server(tmp_path) as server:
        settings = server.settings(tmp_path).replace(source=SourceSettings(backend="local", path=str(source)))
        assert run_once(settings, NOV, Jobs(pack=fake.pack, send=fake.send)).ok
        (source / "Incident.csv").unlink()  # the office stopped using it
        doctor = CliRunner().invoke(main, ["doctor", "--source", str(source), "--out", str(out)])
        assert "Scheduled runs expect" in doctor.output
        assert "MISSING  table Incident was read at the last complete sync" in doctor.output
        assert "secor forget" in doctor.output

        bad = CliRunner().invoke(main, ["forget", "Incidents", "--out", str(out)])
        assert bad.exit_code != 0 and "'Incident'" in bad.output and "'Incident.csv'" in bad.output
        for name in ("incident", "Incident.csv"):
            done = CliRunner().invoke(main, ["forget", name, "--out", str(out)])
            assert done.exit_code == 0 and "no longer expect" in done.output, done.output
        report = run_once(settings, NOV + timedelta(days=1), Jobs(pack=fake.pack, send=fake.send))
    assert report.ok, report.lines()
    assert "incident" not in load_seen(out)["tables"]
