"""Running the jobs: the job functions, the outcome of each, and the bookkeeping around them.

Failures, backoff and retries are kept per job: the sync, and each month's pack and mail
(``"pack 2027-01"``), so one month that keeps failing (a message the mail server refuses for
good, a pack that cannot be made) never holds up the other months. The office alert is per
kind of job: one email once a job of that kind has failed ``failure_alert_after`` times in a
row, and no other for that kind until every job of the kind has worked again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.errors import SecorError
from pipeline.settings import Settings

from .logs import log_file
from .state import MAYBE_SENT, SENDING, SENT, State, maybe_sent_text, save_state, state_path

log = logging.getLogger("secor.jobs")


# --------------------------------------------------------------------------- the job functions


def real_sync(settings: Settings, as_of: date) -> Any:
    from .sync import run_sync

    return run_sync(settings, as_of=as_of, remember=True)  # a source smaller than last time is incomplete


def real_pack(settings: Settings, month: str) -> Any:
    from .pack import run_pack  # imported only when a pack is due

    return run_pack(settings, month, remember=True)


def real_audit(settings: Settings, as_of: date) -> Any:
    from .sync import read_and_audit

    return read_and_audit(settings, as_of, seen_in=settings.output)


def real_send(settings: Settings, message: EmailMessage) -> None:
    from pipeline.outputs.mail import send_message

    send_message(settings, message)


@dataclass(frozen=True)
class Jobs:
    """The functions the scheduler calls; the defaults are the real jobs.

    ``sync(settings, as_of)`` returns something with ``.written`` and ``.problems`` (a ``SyncResult``);
    ``pack(settings, month)`` returns something with ``.pdf`` and ``.findings`` (a ``PackResult``);
    ``send(settings, message)`` raises SecorError on failure.
    """

    sync: Callable[[Settings, date], Any] = real_sync
    pack: Callable[[Settings, str], Any] = real_pack
    send: Callable[[Settings, EmailMessage], None] = real_send
    audit: Callable[[Settings, date], Any] = real_audit  # (dataset, findings) for reminders without a sync


class Job(NamedTuple):
    kind: str  # "sync" | "remind" | "pack" | "mail"
    month: str | None = None  # pack and mail: "YYYY-MM"

    def __str__(self) -> str:
        """Also the job's key in the state's failure records: "sync", "pack 2026-10"."""
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
    """What one ``run_once`` did."""

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


RETRY_MINUTES = 10  # first retry after a failure ...
RETRY_MAX_MINUTES = 240  # ... doubling per consecutive failure, up to 4 hours


def backoff(settings: Settings, failures: int) -> timedelta:
    """Wait before retrying after ``failures`` consecutive failures: 10, 20, 40 ... minutes, at most 4 hours."""
    return timedelta(minutes=min(RETRY_MINUTES * 2 ** min(max(failures - 1, 0), 20), RETRY_MAX_MINUTES))


def error_text(exc: BaseException) -> str:
    if isinstance(exc, SecorError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


class Runner:
    """One run_once: the state, the clock and the jobs, with the bookkeeping around each job."""

    def __init__(self, settings: Settings, state: State, now: datetime, jobs: Jobs, out: Path) -> None:
        self.settings, self.state, self.now, self.jobs, self.out = settings, state, now, jobs, out
        self.outcomes: list[Outcome] = []
        self.synced: Any = None  # this pass's sync result: the reminders use its findings

    def save(self) -> None:
        save_state(self.out, self.state)

    def run(self, job: Job) -> None:
        """Run one job; a failure is recorded for that job alone (its month), so the other months go on."""
        from pipeline.outputs.mail import MaybeSent

        if job.kind == "mail" and job.month not in self.state.packs:
            return  # its pack failed or is waiting: mail once the pack exists
        log.info("%s: started", job)
        started = self.now  # run_once's time (the injected clock in tests); durations are real
        t0 = time.perf_counter()
        try:
            note = getattr(self, f"_{job.kind}")(job, started)
        except MaybeSent as exc:  # not a failure to retry: the office decides (`secor send --month`)
            seconds = time.perf_counter() - t0
            error = maybe_sent_text(str(job.month), exc.problem)
            log.warning("%s: %s", job, error)
            self.outcomes.append(Outcome(job, False, seconds, error))
            return
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # also a BaseException from native code (pyo3's PanicException): recorded
            seconds = time.perf_counter() - t0
            error = error_text(exc)
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
        self.synced = result
        written = ", ".join(map(str, getattr(result, "written", None) or ()))
        problems = tuple(getattr(result, "problems", None) or ())
        if problems:  # the dashboards are up, but from part of the records: a failure, retried and alerted
            where = f" ({written})" if written else ""
            raise SecorError(f"dashboards refreshed{where} but part of the records could not be read: "
                             + " ".join(map(str, problems)), fix="Fix that; the sync is retried by itself.")
        return f"as of {as_of.isoformat()}" + (f", wrote {written}" if written else "")

    def _remind(self, job: Job, started: datetime) -> str | None:
        """Today's reminders from this pass's sync (or a fresh read): record, then send (jobs.remind)."""
        from .remind import Delivery

        as_of = self.now.date()
        synced = self.synced
        if self.state.reminders.get("last") == as_of.isoformat():  # planned already today: send what is queued
            dataset = findings = None
        elif getattr(synced, "findings", None) is None or getattr(synced, "dataset", None) is None:
            if any(o.job.kind == "sync" and not o.ok for o in self.outcomes):
                return "not run: the sync failed; done after the next good sync"
            dataset, findings = self.jobs.audit(self.settings, as_of)
        else:
            dataset, findings = synced.dataset, synced.findings
        report = Delivery(self.settings, self.state, self.out, self.now, self.jobs.send, self.save).run(
            findings, dataset, as_of)
        extra = (f", {len(report.refused)} refused" if report.refused else "") + (
            f", {len(report.maybe_sent)} may have been sent" if report.maybe_sent else "")
        return f"{len(report.sent)} reminder email(s) sent{extra}"

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
        from pipeline.outputs.mail import MaybeSent

        message = pack_message(self.settings, self.out, job.month, self.state)
        record = {"at": started.isoformat(), "to": list(self.settings.email.to),
                  "message_id": message["Message-ID"], "subject": message["Subject"], "status": SENDING}
        # At most once: the attempt is on disk before the message goes out. Whatever happens next (a kill, a
        # lost answer, a full disk), the month is never mailed again by itself.
        self.state.mailed[job.month] = record
        try:
            self.save()
        except OSError as exc:
            del self.state.mailed[job.month]
            raise SecorError(f"not sent: the attempt could not be recorded first in {state_path(self.out)} "
                             f"({exc.strerror or exc}); an email that cannot be recorded could be sent twice.",
                             fix="Free space or fix the permissions of the state folder; it is retried.") from None
        try:
            self.jobs.send(self.settings, message)
        except MaybeSent as exc:
            record.update(status=MAYBE_SENT, error=exc.problem, told=self.now.isoformat())
            self._save_quietly(job)
            raise
        except Exception:  # certainly not sent (refused before the end of the message): retried
            del self.state.mailed[job.month]
            raise
        # KeyboardInterrupt/SystemExit mid-send: the record stays "sending" -> "may have been sent" next run
        record["status"] = SENT
        self._save_quietly(job)
        return f"to {', '.join(self.settings.email.to)}"

    def _save_quietly(self, job: Job) -> None:
        """Save after the send; on failure the file still says "sending": never re-sent, reported once."""
        try:
            self.save()
        except OSError as exc:
            log.error("%s: sent, but the state could not be updated (%s); it will not be sent again and will "
                      "be reported as 'may have been sent'", job, exc.strerror or exc)

    # bookkeeping

    def _succeeded(self, job: Job, started: datetime, seconds: float) -> None:
        key = str(job)
        health = self.state.health(key)
        if health.failures:
            log.info("%s: works again after %d failure(s)", job, health.failures)
        if job.kind == "sync":
            health.failures, health.first_failed, health.retry_at = 0, None, None
            health.last_ok = started
            self.state.last_sync = {"started": started.isoformat(), "outcome": "ok", "seconds": round(seconds, 3),
                                    "as_of": self.now.date().isoformat()}
            self.state.last_sync_ok = self.now
        else:  # the month's record in packs/mailed says when; no need to keep its health
            del self.state.jobs[key]
        if job.kind in self.state.alerts and not self.state.failing(job.kind):
            log.info("%s: every job of this kind works again; the next failures will alert again", job.kind)
            del self.state.alerts[job.kind]
        self.save()

    def _failed(self, job: Job, started: datetime, seconds: float, error: str) -> None:
        health = self.state.health(str(job))
        health.failures += 1
        health.first_failed = health.first_failed or self.now
        health.last_failed = self.now
        health.last_error = f"{job}: {error}"
        health.retry_at = self.now + backoff(self.settings, health.failures)
        if job.kind == "sync":
            self.state.last_sync = {"started": started.isoformat(), "outcome": "failed", "seconds": round(seconds, 3),
                                    "as_of": self.now.date().isoformat(), "error": error}
        log.info("%s: next attempt not before %s", job, health.retry_at.isoformat(timespec="minutes"))
        self.save()
        self._maybe_alert(job)

    def _maybe_alert(self, job: Job) -> None:
        """Once per run of failures per kind: the first job of the kind to reach the threshold alerts; the kind
        alerts again only after every one of its jobs has worked (or its month was packed/mailed otherwise)."""
        health = self.state.health(str(job))
        threshold = self.settings.schedule.failure_alert_after
        if threshold <= 0 or health.failures < threshold or job.kind in self.state.alerts:
            return
        cfg = self.settings.email
        if not cfg.enabled or not (cfg.alerts_to or cfg.to):
            log.error("%s has failed %d times in a row (%s); no alert emailed: [email] is not enabled or has no "
                      "alerts_to/to.", job, health.failures, health.last_error)
            self.state.alerts[job.kind] = self.now
            self.save()
            return
        from pipeline.outputs.mail import build_alert_message

        error = health.last_error or ""
        others = [k for k in self.state.failing(job.kind) if k != str(job)]
        if others:
            error += f" (also failing: {', '.join(others)})"
        message = build_alert_message(self.settings, str(job), health.failures, error,
                                      first_failed=health.first_failed, log_file=log_file(self.settings, self.out))
        try:
            self.jobs.send(self.settings, message)
        except Exception as exc:  # told next time a job of this kind fails
            log.error("%s: could not email the failure alert to %s: %s", job, message["To"], error_text(exc))
            return
        self.state.alerts[job.kind] = self.now
        log.warning("%s: failed %d times in a row; alert emailed to %s", job, health.failures, message["To"])
        self.save()
