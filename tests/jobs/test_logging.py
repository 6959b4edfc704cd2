"""The jobs' log: every part of the pipeline reaches stderr and logs/secor.log once, in company time."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobs.scheduler import configure_logging
from pipeline.settings import Settings


@pytest.fixture
def detach() -> Iterator[None]:
    """Take the handlers configure_logging attached off again, so other tests are not affected."""
    names = ("secor", "pipeline", "jobs")
    before = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level) for n in names}
    yield
    for name, (handlers, level) in before.items():
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)


def test_pipeline_and_jobs_records_reach_the_log_file_and_stderr_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], detach: None) -> None:
    settings = Settings(output=str(tmp_path / "out"))
    path = configure_logging(settings)
    configure_logging(settings)  # twice: still one line per record
    logging.getLogger("pipeline.sources.google").warning("Sheets API busy; retrying in 2 s")
    logging.getLogger("pipeline.settings").warning("key file is readable by others")
    logging.getLogger("jobs.sync").info("read 7 tables")
    logging.getLogger("secor.jobs").info("sync: ok in 1.0 s")
    for name in ("secor", "pipeline", "jobs"):
        for handler in logging.getLogger(name).handlers:
            handler.flush()
    text = path.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    for line in ("WARNING pipeline.sources.google: Sheets API busy; retrying in 2 s",
                 "WARNING pipeline.settings: key file is readable by others",
                 "INFO jobs.sync: read 7 tables", "INFO secor.jobs: sync: ok in 1.0 s"):
        assert text.count(line) == 1, text
        assert err.count(line) == 1, err
    assert len(text.splitlines()) == 4


def test_log_times_are_in_the_company_time_zone_not_the_machines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, detach: None) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        settings = Settings(output=str(tmp_path / "out"), timezone="America/Edmonton")
        configure_logging(settings)
        [handler, *_] = [h for h in logging.getLogger("secor").handlers if getattr(h, "_secor", False)]
        assert handler.formatter is not None
        record = logging.LogRecord("secor.jobs", logging.INFO, __file__, 1, "sync: started", None, None)
        record.created = datetime(2027, 1, 15, 13, 5, 0, tzinfo=UTC).timestamp()  # 06:05 in Edmonton (MST)
        record.msecs = 250
        line = handler.formatter.format(record)
        assert line.startswith("2027-01-15 06:05:00,250 -0700 INFO secor.jobs: sync: started"), line
        record.created = datetime(2027, 7, 15, 12, 5, 0, tzinfo=UTC).timestamp()  # 06:05 MDT
        assert handler.formatter.format(record).startswith("2027-07-15 06:05:00,250 -0600")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
