"""When the jobs run: the daily sync, the monthly pack and its email, with catch-up, backoff and alerts.

Three layers:

* :func:`due_work` is pure: from the state, a time and the settings it says what is due.
* :func:`run_once` takes the lock, reloads the state from disk, runs what is due, records each
  outcome and saves the state after every step. ``secor run --once`` (cron, systemd) is this.
* :class:`Scheduler` (``secor run``) calls :func:`run_once` at start (catch-up) and then every
  minute through the ``schedule`` package. The minute tick, not ``schedule``'s ``.at(time, tz)``,
  decides the daily time: ``schedule`` 1.2.2 needs pytz for time zones and runs missed jobs only
  while it is running, whereas :func:`due_work` works in the company's zone with zoneinfo and
  catches up anything missed while the machine was off.

The job functions are injected (:class:`Jobs`), so tests can run a year in a second. Running one
job and keeping its failures, backoff and alerts (per job: the sync, each month's pack and mail)
is :mod:`jobs.runner`; logging and the folders are :mod:`jobs.logs`.
"""

from __future__ import annotations

import calendar
import logging
import signal
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline.errors import SecorError
from pipeline.outputs.files import recover_folders
from pipeline.settings import Settings

from .clock import Uptime, drop_future, real_uptime, trusted_time
from .logs import LOG_FILE, configure_logging, log_file, prepare_folders
from .runner import Job, Jobs, Outcome, Runner, RunReport, backoff, error_text
from .state import STATE_DIR, LockBusy, State, folder_error, job_lock, load_state, save_state, settle_attempts

__all__ = [  # the scheduler's interface; the parts live in runner.py, logs.py and state.py
    "LOG_FILE", "Job", "Jobs", "Outcome", "RunReport", "Scheduler", "backoff", "configure_logging", "due_work",
    "last_day", "local_now", "log_file", "month_of", "pack_time", "prepare_folders", "run_once", "sync_slot",
    "sync_time",
]

log = logging.getLogger("secor.jobs")


# --------------------------------------------------------------------------- time arithmetic


def month_of(d: date | datetime) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def add_months(month: str, n: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_day(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


def sync_time(settings: Settings) -> tuple[int, int]:
    """``[schedule] sync_at`` as (hour, minute)."""
    text = settings.schedule.sync_at.strip()
    try:
        hour, minute = (int(p) for p in text.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise SecorError(f"[schedule] sync_at '{text}' is not a time of day.", fix='Write it as "HH:MM", e.g. "06:00".'
                         ) from None
    return hour, minute


def local_now(settings: Settings, now: datetime | None = None) -> datetime:
    """``now`` (default: the clock) in the company's time zone; a naive time is taken as company time."""
    zone = settings.zone
    if now is None:
        return datetime.now(zone)
    return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)


def sync_slot(settings: Settings, now: datetime) -> datetime:
    """The latest daily sync time (``sync_at``, company time) at or before ``now``."""
    now = local_now(settings, now)
    hour, minute = sync_time(settings)
    slot = datetime(now.year, now.month, now.day, hour, minute, tzinfo=settings.zone)
    if slot > now:
        day = now.date() - timedelta(days=1)
        slot = datetime(day.year, day.month, day.day, hour, minute, tzinfo=settings.zone)
    return slot


def pack_time(settings: Settings, month: str) -> datetime:
    """When the pack for ``month`` is due: ``pack_day`` of the next month at ``sync_at`` (company time)."""
    nxt = add_months(month, 1)
    year, mon = int(nxt[:4]), int(nxt[5:7])
    day = min(max(settings.schedule.pack_day, 1), calendar.monthrange(year, mon)[1])
    hour, minute = sync_time(settings)
    return datetime(year, mon, day, hour, minute, tzinfo=settings.zone)


# --------------------------------------------------------------------------- what is due


def first_pack_month(state: State, now: datetime) -> str:
    """Packs start with the month before the one the scheduler was installed in (no history backfill)."""
    return add_months(state.installed_month or month_of(now), -1)


def due_work(state: State, now: datetime, settings: Settings, trusted: datetime | None = None) -> list[Job]:
    """The jobs due at ``now``: the sync, then per month (oldest first) its pack and its email. Pure.

    ``trusted`` (default ``now``) is the time packs are judged by: earlier than ``now`` when the clock jumped
    forward (:mod:`jobs.clock`), so no pack is made for a month that has not ended by then plus the offset.

    * sync: no successful sync since the latest ``sync_at`` (company time);
    * remind (``[reminders] enabled`` and ``[email] enabled``): after the day's sync, once a day, and again
      while digests are queued;
    * pack: every month from the first since install whose pack time has passed and that has no pack;
    * mail: every month not yet mailed that is packed or being packed in this pass (listed after its pack,
      so it is tried once the pack exists);
    * a job waiting out its backoff after a failure (the sync, or one month's pack or mail) is left out
      until its ``retry_at``; the other months are due as usual.
    """
    now = local_now(settings, now)
    packs_by = min(now, local_now(settings, trusted)) if trusted is not None else now
    waiting = {key for key, h in state.jobs.items() if h.retry_at is not None and now < h.retry_at}
    work: list[Job] = []
    if "sync" not in waiting and (state.last_sync_ok is None or state.last_sync_ok < sync_slot(settings, now)):
        work.append(Job("sync"))
    if _reminders_due(state, now, settings, waiting, syncing=bool(work)):
        work.append(Job("remind"))
    month = first_pack_month(state, now)
    months = set(state.packs) | set(state.mailed)  # months done: a set, never a watermark
    while pack_time(settings, month) <= packs_by:
        months.add(month)
        month = add_months(month, 1)
    start = first_pack_month(state, now)
    for m in sorted(months):
        if m < start and m not in state.packs:
            continue
        if m not in state.packs and f"pack {m}" not in waiting and pack_time(settings, m) <= packs_by:
            work.append(Job("pack", m))
        if m not in state.mailed and f"mail {m}" not in waiting and (m in state.packs or Job("pack", m) in work):
            work.append(Job("mail", m))
    return work


def _reminders_due(state: State, now: datetime, settings: Settings, waiting: set[str], *, syncing: bool) -> bool:
    """After the day's sync (in this pass, or done already today): once a day, and while digests are queued."""
    if not (settings.reminders.enabled and settings.email.enabled) or "remind" in waiting:
        return False
    synced = syncing or (state.last_sync_ok is not None and state.last_sync_ok >= sync_slot(settings, now))
    box = state.reminders
    queued = any(e.get("status") == "pending" for e in (box.get("outbox") or {}).values())
    return synced and (box.get("last") != now.date().isoformat() or queued)


# --------------------------------------------------------------------------- running it


def run_once(settings: Settings, now: datetime | None = None, jobs: Jobs | None = None, *,
             out_dir: str | Path | None = None, lock_timeout: float = 0.0, uptime: Uptime | None = None,
             stop: Callable[[Job | None], bool] | None = None) -> RunReport:
    """Run whatever is due now, under the lock; a second caller while one runs does nothing (``busy``).

    Never raises for a failing job: each outcome is logged, recorded in the state and returned. A state
    folder that cannot be created or written is a SecorError naming it. ``uptime`` (default: the machine's
    when ``now`` is the real clock) detects a clock that jumped forward (:mod:`jobs.clock`). ``stop`` is asked
    before each job: when it says so, the jobs not started are left for the next run and listed.
    """
    jobs = jobs or Jobs()
    if uptime is None and now is None:
        uptime = real_uptime
    if out_dir is not None:  # the jobs write where the state lives
        settings = settings.replace(output=str(out_dir))
    out = Path(settings.output)
    now = local_now(settings, now)
    sync_time(settings)  # a bad sync_at is a config error, raised before anything runs
    try:
        with job_lock(out, timeout=lock_timeout):
            state = load_state(out, now=now)
            for line in recover_folders(out / "packs"):  # a month's pack a killed run left half-swapped
                log.warning(line)
            # written while the clock was ahead: set aside, told once
            told = drop_future(state, now, lambda m: pack_time(settings, m) <= now)
            told += settle_attempts(state, now)  # an attempt a killed run left "sending"
            trusted, jump = trusted_time(state, now, uptime() if uptime else None)
            told += [jump] if jump else []
            for line in told:
                log.warning(line)
            notes = (*state.notes, *told)
            changed = state.forget_done() or state.migrated or bool(told)  # done meanwhile; old layout; told
            if state.installed_month is None:
                state.installed_month, state.installed_at = month_of(now), now
                log.info("first run: packs start with %s", first_pack_month(state, now))
                changed = True
            if changed:
                save_state(out, state)
            runner = Runner(settings, state, now, jobs, out)
            work = due_work(state, now, settings, trusted)
            for i, job in enumerate(work):
                if stop is not None and stop(job):
                    left = ", ".join(map(str, work[i:]))
                    line = f"stopped before starting: {left}; done at the next start."
                    log.warning(line)
                    notes = (*notes, line)
                    break
                runner.run(job)
            if stop is not None:
                stop(None)  # no job running any more
            return RunReport(now, False, tuple(runner.outcomes), notes)
    except LockBusy:
        log.info("another secor run holds the lock; nothing done at %s", now.isoformat(timespec="minutes"))
        return RunReport(now, busy=True)
    except OSError as exc:  # the jobs' own errors are caught by the runner: this is the state file or folder
        raise folder_error(out / STATE_DIR, "state folder", exc) from None


# --------------------------------------------------------------------------- the long-running scheduler


@dataclass
class Scheduler:
    """``secor run``: catch up at start, then check every ``tick_seconds`` what is due, until stopped.

    ``clock`` returns the current time (injected by tests). A failing job never stops the loop
    and is retried only after its backoff; SIGINT/SIGTERM let the current job finish, then exit.
    """

    settings: Settings
    jobs: Jobs = field(default_factory=Jobs)
    clock: Callable[[], datetime] | None = None
    out_dir: str | Path | None = None
    tick_seconds: float = 60.0
    reports: deque[RunReport] = field(default_factory=lambda: deque(maxlen=100), repr=False)  # the latest ticks

    def __post_init__(self) -> None:
        import schedule

        self._stop = threading.Event()
        self._schedule = schedule.Scheduler()
        self.ticks = 0
        self.current: Job | None = None  # the job running now, for the messages on Ctrl-C

    def now(self) -> datetime:
        return local_now(self.settings, self.clock() if self.clock else None)

    def tick(self) -> RunReport | None:
        """One check; never raises (an unexpected error is logged and the next tick tries again)."""
        self.ticks += 1
        try:
            report = run_once(self.settings, self.now(), self.jobs, out_dir=self.out_dir,
                              uptime=real_uptime if self.clock is None else None, stop=self._before_job)
        except SecorError as exc:
            log.error("scheduler tick failed: %s", exc.message)
            return None
        except Exception as exc:
            log.exception("scheduler tick failed: %s", error_text(exc))
            return None
        self.reports.append(report)
        return report

    def _before_job(self, job: Job | None) -> bool:
        """Asked by run_once before each job: True once a stop was asked (nothing new is started)."""
        self.current = None if self._stop.is_set() else job
        return self._stop.is_set()

    def stop(self, *_: Any) -> None:
        """Ask the loop to exit after the current job; no job is started after this."""
        if not self._stop.is_set():
            doing = f" ({self.current})" if self.current else ""
            log.info("stopping after the current job%s; nothing new is started (press Ctrl-C again to stop now)",
                     doing)
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, install_signals: bool = True) -> None:
        """Catch up now, then tick until :meth:`stop` (or SIGINT/SIGTERM).

        Raises SecorError before starting when the output, state or log folder cannot be created or written.
        """
        prepare_folders(self.settings, self.out_dir)
        previous: dict[int, Any] = {}
        if install_signals and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, self._on_signal)
        hour, minute = sync_time(self.settings)
        log.info("scheduler started for %s: sync daily at %02d:%02d %s, pack on day %d; output %s",
                 self.settings.company, hour, minute, self.settings.timezone, self.settings.schedule.pack_day,
                 Path(self.out_dir or self.settings.output).resolve())
        try:
            self.tick()  # catch up whatever was missed while the machine was off
            self._schedule.clear()
            self._schedule.every(self.tick_seconds).seconds.do(self.tick)
            while not self._stop.is_set():
                try:
                    self._schedule.run_pending()
                except Exception as exc:  # pragma: no cover - tick() does not raise; belt and braces
                    log.exception("scheduler loop error: %s", exc)
                idle = self._schedule.idle_seconds
                self._stop.wait(min(max(idle if idle is not None else self.tick_seconds, 0.01), self.tick_seconds))
        finally:
            self._schedule.clear()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            log.info("scheduler stopped")

    def _on_signal(self, signum: int, _frame: Any) -> None:
        log.info("received %s", signal.Signals(signum).name)
        if self._stop.is_set():  # the second one: stop now
            job = self.current
            sends = job is not None and job.kind in ("mail", "remind")
            redo = (f"{job} is abandoned; it is reported as 'may have been sent' and not sent again by itself"
                    if sends else f"{job} is abandoned and redone at the next start" if job else "no job was running")
            log.warning("stopping now: %s", redo)
            raise KeyboardInterrupt
        self.stop()
