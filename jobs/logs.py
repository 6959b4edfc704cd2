"""Where the jobs log, and the folders they need.

``configure_logging`` sends the records of the ``secor``, ``pipeline`` and ``jobs`` loggers
(and their children: ``secor.jobs``, ``pipeline.sources.google`` ...) to stderr and to a
rotating ``<out>/logs/secor.log``, each line once, with times in the company's time zone.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from datetime import datetime, tzinfo
from pathlib import Path

from pipeline.settings import Settings

from .state import STATE_DIR, ensure_folder, folder_error

LOG_FILE = Path("logs") / "secor.log"
LOGGERS = ("secor", "pipeline", "jobs")  # none is another's ancestor: a record reaches the handlers once
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_file(settings: Settings, out_dir: str | Path | None = None) -> Path:
    return Path(out_dir or settings.output) / LOG_FILE


def prepare_folders(settings: Settings, out_dir: str | Path | None = None) -> Path:
    """Create the output, state and log folders and check they can be written; SecorError naming the folder."""
    out = Path(out_dir or settings.output)
    ensure_folder(out, "output folder")
    ensure_folder(out / STATE_DIR, "state folder")
    ensure_folder(log_file(settings, out).parent, "log folder")
    return out


class ZoneFormatter(logging.Formatter):
    """Log times in the company's time zone (with its UTC offset), whatever the machine's zone is."""

    def __init__(self, fmt: str, zone: tzinfo) -> None:
        super().__init__(fmt)
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        when = datetime.fromtimestamp(record.created, self.zone)
        if datefmt:
            return when.strftime(datefmt)
        return f"{when:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d} {when:%z}"


def remove_handlers() -> None:
    """Detach and close the handlers :func:`configure_logging` attached."""
    closing: list[logging.Handler] = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if getattr(handler, "_secor", False):
                logger.removeHandler(handler)
                if handler not in closing:
                    closing.append(handler)
    for handler in closing:
        handler.close()


def configure_logging(settings: Settings, out_dir: str | Path | None = None, level: int = logging.INFO) -> Path:
    """Job logs to stderr and to a rotating ``<out>/logs/secor.log`` (1 MB x 5). Safe to call twice."""
    path = log_file(settings, out_dir)
    ensure_folder(path.parent, "log folder")
    remove_handlers()
    fmt = ZoneFormatter(FORMAT, settings.zone)
    try:
        file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5,
                                                            encoding="utf-8")
    except OSError as exc:
        raise folder_error(path.parent, "log folder", exc) from None
    stream_handler = logging.StreamHandler(sys.stderr)
    for handler in (file_handler, stream_handler):
        handler.setFormatter(fmt)
        handler._secor = True  # type: ignore[attr-defined]
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        for handler in (file_handler, stream_handler):
            logger.addHandler(handler)
    return path
