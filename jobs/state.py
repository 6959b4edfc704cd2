"""The scheduler's memory: what was packed, mailed and synced, and which jobs keep failing.

One small JSON file, ``<out>/state/secor-state.json``, written atomically (temporary file in
the same folder, fsync, ``os.replace``), so a crash or a power cut leaves either the old or the
new file, never half of one. A file that cannot be read is kept aside (``*.corrupt-<time>``)
and the scheduler starts afresh; packs already on disk are then taken as produced *and*
mailed, so nothing is sent twice (``secor send --month`` re-sends one by hand).

Failures are kept per job: ``"sync"``, ``"pack YYYY-MM"``, ``"mail YYYY-MM"`` (one month failing
never holds up another). Files written before that kept one entry per kind (``"pack"``,
``"mail"``); they are read and moved to the month their last error names.

``job_lock`` is the lock (``<out>/state/secor.lock``) a scheduler, a ``secor run --once``
from cron and a ``secor send`` take around their work, so two of them never do the same job.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from pipeline.errors import SecorError

log = logging.getLogger("secor.jobs")

STATE_DIR = "state"
STATE_FILE = "secor-state.json"
LOCK_FILE = "secor.lock"
VERSION = 1
JOB_KINDS = ("sync", "pack", "mail")
# A month's mail record goes "sending" (on disk before the message goes out) -> "sent", or -> "may have been
# sent" when the outcome is unknown (killed meanwhile, the answer to the message lost, the state not saved after).
SENDING, SENT, MAYBE_SENT = "sending", "sent", "may have been sent"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_OLD_ERROR = re.compile(r"^(pack|mail) (\d{4}-(?:0[1-9]|1[0-2])):")  # the month in an old per-kind entry


def job_kind(key: str) -> str:
    """``"mail 2026-10"`` -> ``"mail"``; ``"sync"`` -> ``"sync"``."""
    return key.partition(" ")[0]


def job_month(key: str) -> str | None:
    return key.partition(" ")[2] or None


def state_path(out_dir: str | Path) -> Path:
    return Path(out_dir) / STATE_DIR / STATE_FILE


def lock_path(out_dir: str | Path) -> Path:
    return Path(out_dir) / STATE_DIR / LOCK_FILE


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"time without a time zone: {value!r}")
    return parsed


@dataclass
class JobHealth:
    """Consecutive failures of one job (the sync, or one month's pack or mail) and its backoff."""

    failures: int = 0
    first_failed: datetime | None = None
    last_failed: datetime | None = None
    last_error: str | None = None
    retry_at: datetime | None = None  # no new attempt before this (backoff)
    last_ok: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "failures": self.failures, "first_failed": _iso(self.first_failed), "last_failed": _iso(self.last_failed),
            "last_error": self.last_error, "retry_at": _iso(self.retry_at), "last_ok": _iso(self.last_ok),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobHealth:
        failures = data.get("failures", 0)
        if not isinstance(failures, int) or failures < 0:
            raise ValueError(f"bad failure count {failures!r}")
        return cls(failures, _dt(data.get("first_failed")), _dt(data.get("last_failed")), data.get("last_error"),
                   _dt(data.get("retry_at")), _dt(data.get("last_ok")))


@dataclass
class State:
    """Everything the scheduler remembers between runs (and restarts)."""

    installed_month: str | None = None  # packs start with the month before this one
    installed_at: datetime | None = None
    packs: dict[str, dict[str, Any]] = field(default_factory=dict)  # month -> {at, pdf, files, pages, headline}
    mailed: dict[str, dict[str, Any]] = field(default_factory=dict)  # month -> {at, to, message_id} or {skipped}
    last_sync: dict[str, Any] = field(default_factory=dict)  # {started, finished, outcome, seconds, as_of, error}
    last_sync_ok: datetime | None = None
    jobs: dict[str, JobHealth] = field(default_factory=dict)  # "sync", "pack YYYY-MM", "mail YYYY-MM"
    alerts: dict[str, datetime] = field(default_factory=dict)  # kind -> when the office was told it keeps failing
    clock: dict[str, Any] = field(default_factory=dict)  # {boot_id, boot, wall} of the last run (jobs.clock)
    future: dict[str, dict[str, Any]] = field(default_factory=dict)  # "pack 2026-11" -> entry dated in the future
    # {"sent": {key text: day}, "outbox": {message id: {...}}, "last": day, "refused": [lines]} (jobs.remind)
    reminders: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what load_state had to repair, for the log
    migrated: bool = field(default=False, compare=False, repr=False)  # read from an older layout: save it again

    def health(self, key: str) -> JobHealth:
        """The health of one job: ``"sync"``, ``"pack YYYY-MM"`` or ``"mail YYYY-MM"``."""
        return self.jobs.setdefault(key, JobHealth())

    def failing(self, kind: str) -> list[str]:
        """The jobs of ``kind`` whose last attempt failed, oldest month first."""
        return sorted(k for k, h in self.jobs.items() if job_kind(k) == kind and h.failures)

    def forget_done(self) -> bool:
        """Drop failure records of months since packed or mailed (e.g. by `secor send`), and the alert of a
        kind with no failing job left. True when something changed."""
        done = [k for k in self.jobs if (job_kind(k) == "pack" and job_month(k) in self.packs)
                or (job_kind(k) == "mail" and job_month(k) in self.mailed)]
        for key in done:
            del self.jobs[key]
        cleared = [kind for kind in self.alerts if not self.failing(kind)]
        for kind in cleared:
            del self.alerts[kind]
        return bool(done or cleared)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "installed_month": self.installed_month,
            "installed_at": _iso(self.installed_at),
            "packs": self.packs,
            "mailed": self.mailed,
            "last_sync": self.last_sync,
            "last_sync_ok": _iso(self.last_sync_ok),
            "jobs": {k: v.to_dict() for k, v in sorted(self.jobs.items())},
            "alerts": {k: _iso(v) for k, v in sorted(self.alerts.items())},
            "clock": self.clock,
            "future": self.future,
            "reminders": self.reminders,
        }

    @classmethod
    def from_dict(cls, data: Any) -> State:
        """Raises ValueError/TypeError/KeyError when ``data`` is not a state this version understands."""
        if not isinstance(data, dict):
            raise TypeError("the state file is not a JSON object")
        if data.get("version") != VERSION:
            raise ValueError(f"unknown state version {data.get('version')!r}")
        installed = data.get("installed_month")
        if installed is not None and not _MONTH.match(str(installed)):
            raise ValueError(f"bad installed_month {installed!r}")
        packs, mailed = data.get("packs", {}), data.get("mailed", {})
        for name, table in (("packs", packs), ("mailed", mailed)):
            if not isinstance(table, dict) or not all(_MONTH.match(str(k)) and isinstance(v, dict)
                                                      for k, v in table.items()):
                raise ValueError(f"bad '{name}' table")
        last_sync = data.get("last_sync") or {}
        jobs = data.get("jobs") or {}
        alerts = data.get("alerts") or {}
        clock, future = data.get("clock") or {}, data.get("future") or {}
        reminders = data.get("reminders") or {}
        if not all(isinstance(x, dict) for x in (last_sync, jobs, alerts, clock, future, reminders)):
            raise TypeError("bad 'last_sync', 'jobs', 'alerts', 'clock' or 'future'")
        state = cls(
            installed_month=installed,
            installed_at=_dt(data.get("installed_at")),
            packs=dict(packs),
            mailed=dict(mailed),
            last_sync=dict(last_sync),
            last_sync_ok=_dt(data.get("last_sync_ok")),
            alerts={str(k): v for k, v in ((k, _dt(v)) for k, v in alerts.items()) if v is not None},
            clock=dict(clock),
            future={str(k): v for k, v in future.items() if isinstance(v, dict)},
            reminders=dict(reminders),
        )
        for key, entry in jobs.items():
            state._add_job(str(key), entry)
        return state

    def _add_job(self, key: str, entry: Any) -> None:
        """One ``jobs`` entry; an old per-kind ``"pack"``/``"mail"`` entry moves to the month its error names."""
        if not isinstance(entry, dict):
            raise TypeError(f"bad 'jobs' entry {key!r}")
        health = JobHealth.from_dict(entry)
        kind = job_kind(key)
        if entry.get("alert_sent"):  # old files: the alert was kept per kind in the job's entry
            self.alerts.setdefault(kind, _dt(entry["alert_sent"]))  # type: ignore[arg-type]
            self.migrated = True
        if key in ("pack", "mail"):
            self.migrated = True
            found = _OLD_ERROR.match(health.last_error or "")
            if not health.failures or not found or found.group(1) != key:
                log.info("state: dropped the old '%s' record (no failure of a known month in it)", key)
                return
            key = f"{key} {found.group(2)}"
            log.info("state: moved the old '%s' failure record to '%s'", kind, key)
        self.jobs[key] = health


def maybe_sent_text(month: str, why: str) -> str:
    """What the office is told, once, about a month whose email may have been sent."""
    return (f"the {month} pack email MAY HAVE BEEN SENT ({why}); it is not sent again by itself. "
            f"If the owner did not get it, send it again with `secor send --month {month}` "
            "(same Message-ID: a second copy shows as one message).")


def settle_attempts(state: State, now: datetime) -> list[str]:
    """Under the lock, a record still "sending" is an attempt whose process died or could not save after: it
    becomes "may have been sent". Returns the lines to tell the office, once per month (then marked told)."""
    told: list[str] = []
    for month, record in sorted(state.mailed.items()):
        status = record.get("status")
        if status == SENDING:
            record.update(status=MAYBE_SENT, error="interrupted after it started, or the result was not saved")
        if record.get("status") == MAYBE_SENT and not record.get("told"):
            record["told"] = now.isoformat()
            told.append(maybe_sent_text(month, str(record.get("error") or "outcome unknown")))
    return told


def packs_on_disk(out_dir: str | Path) -> dict[str, Path]:
    """Month -> pack PDF found under ``<out>/packs/YYYY-MM/``."""
    found: dict[str, Path] = {}
    root = Path(out_dir) / "packs"
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and _MONTH.match(folder.name):
            pdfs = sorted(folder.glob(f"*-audit-pack-{folder.name}.pdf")) or sorted(folder.glob("*.pdf"))
            if pdfs:
                found[folder.name] = pdfs[0]
    return found


def load_state(out_dir: str | Path, *, now: datetime | None = None) -> State:
    """The state under ``out_dir``; a fresh one when missing; a corrupt file is kept aside, logged and replaced."""
    path = state_path(out_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return State()
    except OSError as exc:  # unreadable (permissions, a folder in its place ...): as if corrupt
        return _start_afresh(out_dir, path, now, exc)
    try:
        return State.from_dict(json.loads(raw.decode("utf-8")))
    # UnicodeDecodeError is a ValueError; deeply nested JSON raises RecursionError
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        return _start_afresh(out_dir, path, now, exc)


def _start_afresh(out_dir: str | Path, path: Path, now: datetime | None, exc: Exception) -> State:
    """A fresh state after ``path`` could not be read: keep the file aside, take packs on disk as mailed."""
    stamp = (now or datetime.now().astimezone()).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        shutil.copy2(path, aside)
        kept = f"kept a copy as {aside.name}"
    except OSError:
        try:
            os.replace(path, aside)  # cannot be read, but can be moved out of the way
            kept = f"moved it to {aside.name}"
        except OSError as move_exc:
            kept = f"could not keep a copy ({move_exc.strerror or move_exc})"
    state = State()
    recovered = packs_on_disk(out_dir)
    when = _iso(now or datetime.now().astimezone())
    for month, pdf in recovered.items():
        state.packs[month] = {"at": when, "pdf": str(pdf), "recovered": True}
        state.mailed[month] = {"at": when, "assumed": "state file was corrupt; not re-sent"}
    if recovered:
        state.installed_month = _next_month(max(recovered))
    if (Path(out_dir) / "reminders").is_dir():  # which reminders were sent is lost: none is sent twice (jobs.remind)
        state.reminders = {"assumed": "state file was corrupt"}
    reason = str(exc) if not isinstance(exc, OSError) else (exc.strerror or str(exc))
    note = (f"state file {path} could not be read ({type(exc).__name__}: {reason}); {kept} and started afresh"
            + (f"; packs on disk taken as produced and mailed: {', '.join(recovered)}"
               " (use `secor send --month` to re-send one)" if recovered else ""))
    log.warning(note)
    state.notes.append(note)
    return state


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"


def save_state(out_dir: str | Path, state: State) -> Path:
    """Write the state atomically (temp file + fsync + os.replace)."""
    path = state_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(state.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


FOLDER_FIX = ("Set `output` in the config (or --out) to a folder the user running secor can create and write to, "
              "e.g. /var/lib/secor/outputs, or create that folder and give the user write access "
              "(docs/scheduling.md).")


def folder_error(folder: str | Path, what: str, exc: OSError) -> SecorError:
    """An OSError creating or writing one of secor's folders, as a SecorError naming the folder."""
    reason = exc.strerror or str(exc)
    culprit = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(folder) else ""
    return SecorError(f"cannot use the {what} '{folder}': {reason}{culprit}.", fix=FOLDER_FIX)


def ensure_folder(folder: str | Path, what: str) -> Path:
    """Create ``folder`` if needed and check a file can be written in it; a SecorError naming it otherwise."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".secor-write-check-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise folder_error(folder, what, exc) from None
    return folder


class LockBusy(SecorError):
    """Another scheduler, cron run or `secor send` is doing the jobs right now."""


@contextlib.contextmanager
def job_lock(out_dir: str | Path, timeout: float = 0.0) -> Iterator[Path]:
    """Hold ``<out>/state/secor.lock`` for the block; LockBusy when another process holds it past ``timeout``."""
    path = lock_path(out_dir)
    lock = FileLock(str(path), timeout=timeout)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=timeout, blocking=timeout > 0)
    except Timeout:
        raise LockBusy(f"another secor run holds {path}.",
                       fix="Wait for it to finish (a scheduler and a cron job must not run the same jobs at once).",
                       ) from None
    except OSError as exc:
        raise folder_error(path.parent, "state folder", exc) from None
    try:
        yield path
    finally:
        lock.release()
