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

The job functions are injected (:class:`Jobs`), so tests can run a year in a second.
"""

from __future__ import annotations

import calendar
import logging
import logging.handlers
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.errors import SecorError
from pipeline.settings import Settings

from .state import LockBusy, State, job_lock, load_state, save_state

log = logging.getLogger("secor.jobs")

LOG_FILE = Path("logs") / "secor.log"


# --------------------------------------------------------------------------- the job functions


def real_sync(settings: Settings, as_of: date) -> Any:
    from .sync import run_sync

    return run_sync(settings, as_of=as_of)


def real_pack(settings: Settings, month: str) -> Any:
    from .pack import run_pack  # written alongside; imported only when a pack is due

    return run_pack(settings, month)


def real_send(settings: Settings, message: EmailMessage) -> None:
    from pipeline.outputs.mail import send_message

    send_message(settings, message)


@dataclass(frozen=True)
class Jobs:
    """The functions the scheduler calls; the defaults are the real jobs.

    ``sync(settings, as_of)``; ``pack(settings, month)`` returns something with ``.pdf`` and
    ``.findings`` (a ``PackResult``); ``send(settings, message)`` raises SecorError on failure.
    """

    sync: Callable[[Settings, date], Any] = real_sync
    pack: Callable[[Settings, str], Any] = real_pack
    send: Callable[[Settings, EmailMessage], None] = real_send


class Job(NamedTuple):
    kind: str  # "sync" | "pack" | "mail"
    month: str | None = None  # pack and mail: "YYYY-MM"

    def __str__(self) -> str:
        return f"{self.kind} {self.month}" if self.month else self.kind


@dataclass(frozen=True)
class Outcome:
    job: Job
    ok: bool
    seconds: float = 0.0
    error: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RunReport:
    """What one :func:`run_once` did."""

    now: datetime
    busy: bool = False  # another process held the lock: nothing done
    outcomes: tuple[Outcome, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def lines(self) -> list[str]:
        if self.busy:
            return ["another secor run is doing the jobs now; nothing done."]
        out = list(self.notes)
        if not self.outcomes:
            out.append("nothing due.")
        for o in self.outcomes:
            status = "ok" if o.ok else "FAILED"
            extra = f": {o.error}" if o.error else (f" ({o.note})" if o.note else "")
            out.append(f"{o.job}: {status} in {o.seconds:.1f} s{extra}")
        return out


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


RETRY_MINUTES = 10  # first retry after a failure ...
RETRY_MAX_MINUTES = 240  # ... doubling per consecutive failure, up to 4 hours


def backoff(settings: Settings, failures: int) -> timedelta:
    """Wait before retrying after ``failures`` consecutive failures: 10, 20, 40 ... minutes, at most 4 hours."""
    return timedelta(minutes=min(RETRY_MINUTES * 2 ** min(max(failures - 1, 0), 20), RETRY_MAX_MINUTES))


# --------------------------------------------------------------------------- what is due


def first_pack_month(state: State, now: datetime) -> str:
    """Packs start with the month before the one the scheduler was installed in (no history backfill)."""
    return add_months(state.installed_month or month_of(now), -1)


def due_work(state: State, now: datetime, settings: Settings) -> list[Job]:
    """The jobs due at ``now``: the sync, then per month (oldest first) its pack and its email. Pure.

    * sync: no successful sync since the latest ``sync_at`` (company time);
    * pack: every month from the first since install whose pack time has passed and that has no pack;
    * mail: every packed month not yet mailed (listed after its pack, so it is tried once the pack exists);
    * a kind of job waiting out its backoff after a failure is left out until ``retry_at``.
    """
    now = local_now(settings, now)
    waiting = {kind for kind, h in state.jobs.items() if h.retry_at is not None and now < h.retry_at}
    work: list[Job] = []
    if "sync" not in waiting and (state.last_sync_ok is None or state.last_sync_ok < sync_slot(settings, now)):
        work.append(Job("sync"))
    month = first_pack_month(state, now)
    months = set(state.packs) | set(state.mailed)
    while pack_time(settings, month) <= now:
        months.add(month)
        month = add_months(month, 1)
    start = first_pack_month(state, now)
    for m in sorted(months):
        if m < start and m not in state.packs:
            continue
        if m not in state.packs and "pack" not in waiting and pack_time(settings, m) <= now:
            work.append(Job("pack", m))
        if m not in state.mailed and "mail" not in waiting:
            work.append(Job("mail", m))
    return work


# --------------------------------------------------------------------------- running it


def log_file(settings: Settings, out_dir: str | Path | None = None) -> Path:
    return Path(out_dir or settings.output) / LOG_FILE


def configure_logging(settings: Settings, out_dir: str | Path | None = None, level: int = logging.INFO) -> Path:
    """Job logs to stderr and to a rotating ``<out>/logs/secor.log`` (1 MB x 5). Safe to call twice."""
    path = log_file(settings, out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("secor")
    logger.setLevel(level)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in list(logger.handlers):
        if getattr(handler, "_secor", False):
            logger.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    stream_handler = logging.StreamHandler(sys.stderr)
    for handler in (file_handler, stream_handler):
        handler.setFormatter(fmt)
        handler._secor = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    return path


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, SecorError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


class _Runner:
    """One run_once: the state, the clock and the jobs, with the bookkeeping around each job."""

    def __init__(self, settings: Settings, state: State, now: datetime, jobs: Jobs, out: Path) -> None:
        self.settings, self.state, self.now, self.jobs, self.out = settings, state, now, jobs, out
        self.outcomes: list[Outcome] = []
        self.failed_kinds: set[str] = set()

    def save(self) -> None:
        save_state(self.out, self.state)

    def run(self, job: Job) -> None:
        if job.kind in self.failed_kinds:
            return  # one failure per kind per run: the rest waits for the retry
        if job.kind == "mail" and job.month not in self.state.packs:
            return  # its pack failed or is waiting: mail once the pack exists
        log.info("%s: started", job)
        started = self.now  # run_once's time (the injected clock in tests); durations are real
        t0 = time.perf_counter()
        try:
            note = getattr(self, f"_{job.kind}")(job, started)
        except Exception as exc:
            seconds = time.perf_counter() - t0
            error = _error_text(exc)
            if isinstance(exc, SecorError):
                log.error("%s: FAILED after %.1f s: %s", job, seconds, error)
            else:
                log.exception("%s: FAILED after %.1f s: %s", job, seconds, error)
            self._failed(job, started, seconds, error)
            self.outcomes.append(Outcome(job, False, seconds, error))
            return
        seconds = time.perf_counter() - t0
        log.info("%s: ok in %.1f s%s", job, seconds, f" ({note})" if note else "")
        self._succeeded(job, started, seconds)
        self.outcomes.append(Outcome(job, True, seconds, note=note))

    # each job returns a short note for the log

    def _sync(self, job: Job, started: datetime) -> str | None:
        as_of = self.now.date()
        result = self.jobs.sync(self.settings, as_of)
        written = getattr(result, "written", None)
        return f"as of {as_of.isoformat()}" + (f", wrote {', '.join(map(str, written))}" if written else "")

    def _pack(self, job: Job, started: datetime) -> str | None:
        from pipeline.outputs.mail import Headline

        assert job.month
        result = self.jobs.pack(self.settings, job.month)
        pdf = Path(result.pdf)
        record: dict[str, Any] = {"at": started.isoformat(), "pdf": str(pdf)}
        for name in ("pages", "seconds"):
            if isinstance(getattr(result, name, None), (int, float)):
                record[name] = getattr(result, name)
        if getattr(result, "files", None):
            record["files"] = [str(f) for f in result.files]
        try:
            record["headline"] = Headline.of(result.findings).to_dict()
        except (AttributeError, TypeError, ValueError) as exc:  # the email then reads findings.json
            log.warning("%s: no headline numbers kept (%s)", job, exc)
        self.state.packs[job.month] = record
        return str(pdf)

    def _mail(self, job: Job, started: datetime) -> str | None:
        from .mail import pack_message

        assert job.month
        if not self.settings.email.enabled:
            self.state.mailed[job.month] = {"at": started.isoformat(), "skipped": "[email] enabled = false"}
            return "not sent: [email] enabled = false"
        message = pack_message(self.settings, self.out, job.month, self.state)
        self.jobs.send(self.settings, message)
        self.state.mailed[job.month] = {"at": started.isoformat(), "to": list(self.settings.email.to),
                                        "message_id": message["Message-ID"], "subject": message["Subject"]}
        return f"to {', '.join(self.settings.email.to)}"

    # bookkeeping

    def _succeeded(self, job: Job, started: datetime, seconds: float) -> None:
        health = self.state.health(job.kind)
        if health.failures:
            log.info("%s: works again after %d failure(s)", job.kind, health.failures)
        health.failures, health.first_failed, health.retry_at, health.alert_sent = 0, None, None, None
        health.last_ok = started
        if job.kind == "sync":
            self.state.last_sync = {"started": started.isoformat(), "outcome": "ok", "seconds": round(seconds, 3),
                                    "as_of": self.now.date().isoformat()}
            self.state.last_sync_ok = self.now
        self.save()

    def _failed(self, job: Job, started: datetime, seconds: float, error: str) -> None:
        self.failed_kinds.add(job.kind)
        health = self.state.health(job.kind)
        health.failures += 1
        health.first_failed = health.first_failed or self.now
        health.last_failed = self.now
        health.last_error = f"{job}: {error}"
        health.retry_at = self.now + backoff(self.settings, health.failures)
        if job.kind == "sync":
            self.state.last_sync = {"started": started.isoformat(), "outcome": "failed", "seconds": round(seconds, 3),
                                    "as_of": self.now.date().isoformat(), "error": error}
        log.info("%s: next attempt not before %s", job.kind, health.retry_at.isoformat(timespec="minutes"))
        self.save()
        self._maybe_alert(job.kind)

    def _maybe_alert(self, kind: str) -> None:
        health = self.state.health(kind)
        threshold = self.settings.schedule.failure_alert_after
        if threshold <= 0 or health.failures < threshold or health.alert_sent is not None:
            return
        cfg = self.settings.email
        if not cfg.enabled or not (cfg.alerts_to or cfg.to):
            log.error("%s has failed %d times in a row (%s); no alert emailed: [email] is not enabled or has no "
                      "alerts_to/to.", kind, health.failures, health.last_error)
            health.alert_sent = self.now
            self.save()
            return
        from pipeline.outputs.mail import build_alert_message

        message = build_alert_message(self.settings, kind, health.failures, health.last_error or "",
                                      first_failed=health.first_failed, log_file=log_file(self.settings, self.out))
        try:
            self.jobs.send(self.settings, message)
        except Exception as exc:  # told next time the job fails
            log.error("%s: could not email the failure alert to %s: %s", kind, message["To"], _error_text(exc))
            return
        health.alert_sent = self.now
        log.warning("%s: failed %d times in a row; alert emailed to %s", kind, health.failures, message["To"])
        self.save()


def run_once(settings: Settings, now: datetime | None = None, jobs: Jobs | None = None, *,
             out_dir: str | Path | None = None, lock_timeout: float = 0.0) -> RunReport:
    """Run whatever is due now, under the lock; a second caller while one runs does nothing (``busy``).

    Never raises for a failing job: each outcome is logged, recorded in the state and returned.
    """
    jobs = jobs or Jobs()
    if out_dir is not None:  # the jobs write where the state lives
        settings = settings.replace(output=str(out_dir))
    out = Path(settings.output)
    now = local_now(settings, now)
    sync_time(settings)  # a bad sync_at is a config error, raised before anything runs
    try:
        with job_lock(out, timeout=lock_timeout):
            state = load_state(out, now=now)
            notes = tuple(state.notes)
            if state.installed_month is None:
                state.installed_month, state.installed_at = month_of(now), now
                log.info("first run: packs start with %s", first_pack_month(state, now))
                save_state(out, state)
            runner = _Runner(settings, state, now, jobs, out)
            for job in due_work(state, now, settings):
                runner.run(job)
            return RunReport(now, False, tuple(runner.outcomes), notes)
    except LockBusy:
        log.info("another secor run holds the lock; nothing done at %s", now.isoformat(timespec="minutes"))
        return RunReport(now, busy=True)


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

    def now(self) -> datetime:
        return local_now(self.settings, self.clock() if self.clock else None)

    def tick(self) -> RunReport | None:
        """One check; never raises (an unexpected error is logged and the next tick tries again)."""
        self.ticks += 1
        try:
            report = run_once(self.settings, self.now(), self.jobs, out_dir=self.out_dir)
        except Exception as exc:
            log.exception("scheduler tick failed: %s", _error_text(exc))
            return None
        self.reports.append(report)
        return report

    def stop(self, *_: Any) -> None:
        """Ask the loop to exit after the current job."""
        if not self._stop.is_set():
            log.info("stopping after the current job")
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, install_signals: bool = True) -> None:
        """Catch up now, then tick until :meth:`stop` (or SIGINT/SIGTERM)."""
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
        self.stop()
        signal.signal(signum, signal.SIG_DFL)  # a second Ctrl-C ends at once
