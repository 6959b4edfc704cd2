"""Sending the reminders: plan the day's digests, record them, then send each at most once.

The order (docs/reminders.md):

1. under the job lock, work out the day's reminders from the findings and the keys already in the state
   (:func:`pipeline.checks.reminders.due_reminders`) and group them per address (``digests``);
2. write each digest as an .eml file in ``OUT/reminders/outbox/`` and, in ONE atomic state save, mark its
   keys as sent and put it in the outbox as "pending". From here on no key is planned again;
3. for each pending digest: save it as "sending" (durably), send it, then drop it from the outbox.

A crash before 3 leaves "pending" digests: sent at the next run, never planned twice. A crash during 3
leaves "sending": the next run calls it "may have been sent", tells the office once, and never sends it
again by itself. A failure that certainly sent nothing (server down) leaves it "pending" and the job
fails, so the scheduler retries it with its usual backoff. A refused address is dropped and reported in
the next office digest.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from pipeline.checks.reminders import (
    Digest,
    Key,
    digests,
    due_reminders,
    key_text,
    office_addresses,
    week_snapshot,
    weekly_changes,
    weekly_due,
)
from pipeline.errors import SecorError
from pipeline.outputs.mail import MaybeSent, Refused, message_bytes, send_message
from pipeline.outputs.reminder_mail import build_reminder_message, build_weekly_message
from pipeline.settings import Settings

from .state import FOLDER_FIX, MAYBE_SENT, SENDING, State, folder_error, job_lock, load_state, save_state

log = logging.getLogger("secor.jobs")

PENDING = "pending"
GIVE_UP_DAYS = 7  # a digest still not sent after this many days is dropped (the office is told)
FORGET_DAYS = 400  # sent keys older than this are dropped from the state: their date has long passed


@dataclass(frozen=True)
class RemindReport:
    """What one reminder run planned and did."""

    as_of: date
    digests: tuple[Digest, ...]
    sent: tuple[str, ...] = ()  # addresses
    failed: tuple[str, ...] = ()  # "address: error" (retried)
    refused: tuple[str, ...] = ()
    maybe_sent: tuple[str, ...] = ()
    written: tuple[Path, ...] = ()  # dry run: the .eml files

    def lines(self) -> list[str]:
        out = []
        for d in self.digests:
            roles = "/".join(d.roles)
            out.append(f"{d.address} ({roles}): {len(d.reminders)} reminder(s)"
                       + (f", {len(d.notes)} note(s) for the office" if d.notes else ""))
            out += [f"    {r.line()}" for r in d.reminders]
            out += [f"    note: {n}" for n in d.notes]
        if not self.digests:
            out.append(f"no reminders due on {self.as_of.isoformat()}.")
        out += [f"could not send to {x}; retried later" for x in self.failed]
        out += [f"refused: {x}" for x in self.refused]
        out += [f"may have been sent: {x}" for x in self.maybe_sent]
        return out


def parse_key(text: str) -> Key:
    """``"ticket|Jason Whitford|H2S Alive|2027-01-05|30"`` -> ("ticket", "Jason Whitford|...|2027-01-05", 30)."""
    kind, _, rest = text.partition("|")
    item, _, threshold = rest.rpartition("|")
    return (kind, item, int(threshold))


def sent_keys(state: State) -> set[Key]:
    out = set()
    for text in state.reminders.get("sent", {}):
        try:
            out.add(parse_key(text))
        except ValueError:
            log.warning("reminders: ignored a key the state cannot read: %r", text)
    return out


def plan(settings: Settings, findings: Any, dataset: Any, as_of: date, state: State) -> tuple[Digest, ...]:
    """The day's digests (pure given the state): what is due and not sent, plus the office's pending notes."""
    due = due_reminders(findings, dataset, settings, as_of, sent_keys(state))
    notes = tuple(state.reminders.get("office_notes", ()))
    return digests(due, dataset.table("workers"), settings, notes)


def dry_run(settings: Settings, findings: Any, dataset: Any, as_of: date, out: Path) -> RemindReport:
    """Who would get what: each message as an .eml under ``OUT/reminders/dry-run/``; nothing recorded."""
    state = load_state(out)
    planned = plan(settings, findings, dataset, as_of, state)
    folder = out / "reminders" / "dry-run"
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.eml"):
            old.unlink()
        for d in planned:
            path = folder / f"{as_of.isoformat()}-{_safe(d.address)}.eml"
            path.write_bytes(message_bytes(build_reminder_message(settings, d, as_of)))
            written.append(path)
    except OSError as exc:
        raise folder_error(folder, "reminders folder", exc) from None
    return RemindReport(as_of, planned, written=tuple(written))


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", text)[:80]


class Delivery:
    """One reminder run on a state already loaded under the lock; ``save`` writes it atomically."""

    def __init__(self, settings: Settings, state: State, out: Path, now: datetime,
                 send: Callable[[Settings, EmailMessage], Any], save: Callable[[], Any]) -> None:
        self.settings, self.state, self.out, self.now, self.send, self.save = settings, state, out, now, send, save
        self.box = state.reminders

    @property
    def outbox(self) -> dict[str, dict[str, Any]]:
        return self.box.setdefault("outbox", {})

    def run(self, findings: Any, dataset: Any, as_of: date) -> RemindReport:
        """Settle what a killed run left, plan and record today's digests, send every pending one."""
        self._settle()
        planned: tuple[Digest, ...] = ()
        if findings is not None and self.box.get("last") != as_of.isoformat():
            planned = plan(self.settings, findings, dataset, as_of, self.state)
            if self.box.pop("assumed", None):  # the state was lost: what is due now may have been sent already
                return self._assume_sent(planned, as_of)
            self._record(planned, as_of, self._weekly(findings, as_of))
        return self._send_pending(as_of, planned)

    def _assume_sent(self, planned: tuple[Digest, ...], as_of: date) -> RemindReport:
        """After a corrupt state file: take today's reminders as sent (never twice), tell the office next time."""
        sent = self.box.setdefault("sent", {})
        for d in planned:
            for key in d.keys:
                sent.setdefault(key_text(key), as_of.isoformat())
        self.box["last"] = as_of.isoformat()
        self._note(f"the scheduler's state file could not be read; the {len(sent)} reminder(s) due on "
                   f"{as_of.isoformat()} were taken as sent and not sent again. Later thresholds are sent as usual.")
        self.save()
        return RemindReport(as_of, ())

    def _weekly(self, findings: Any, as_of: date) -> list[EmailMessage]:
        """On ``weekly_day``: the office's digest of what changed since the last one (kept with this run's save)."""
        week = self.box.get("week") or None
        if not weekly_due(as_of, self.settings, (week or {}).get("day")):
            return []
        changes = weekly_changes(week, findings)
        off = {x.strip().lower() for x in self.settings.reminders.off}
        self.box["week"] = {"day": as_of.isoformat(), "snapshot": week_snapshot(findings)}
        return [build_weekly_message(self.settings, changes, as_of, a)
                for a in office_addresses(self.settings) if a.strip().lower() not in off]

    def _note(self, line: str) -> None:
        notes = self.box.setdefault("office_notes", [])
        if line not in notes:
            notes.append(line)

    def _settle(self) -> None:
        for mid, entry in list(self.outbox.items()):
            if entry.get("status") == SENDING:  # the process died mid-send, or could not save after
                del self.outbox[mid]
                self._note(f"the reminder email to {entry.get('to')} of {entry.get('day')} MAY HAVE BEEN SENT "
                           "(interrupted while sending); it is not sent again by itself.")

    def _record(self, planned: tuple[Digest, ...], as_of: date, extra: list[EmailMessage]) -> None:
        folder = self.out / "reminders" / "outbox"
        sent = self.box.setdefault("sent", {})
        messages = [(build_reminder_message(self.settings, d, as_of), len(d.reminders)) for d in planned]
        messages += [(m, 0) for m in extra]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for message, items in messages:
                mid = str(message["Message-ID"])
                path = folder / f"{_safe(mid.strip('<>'))}.eml"
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(message_bytes(message))
                tmp.replace(path)
                self.outbox[mid] = {"to": str(message["To"]), "status": PENDING, "day": as_of.isoformat(),
                                    "eml": str(path), "items": items}
        except OSError as exc:
            raise folder_error(folder, "reminders outbox", exc) from None
        for d in planned:
            for key in d.keys:
                sent.setdefault(key_text(key), as_of.isoformat())
        if planned and any(d.notes for d in planned):
            self.box["office_notes"] = []  # they are in today's office digest
        forget = (as_of - timedelta(days=FORGET_DAYS)).isoformat()
        self.box["sent"] = {k: v for k, v in sent.items() if str(v) >= forget}
        self.box["last"] = as_of.isoformat()
        try:  # one atomic save: the keys are taken and the digests queued together
            self.save()
        except OSError as exc:
            raise SecorError(f"no reminder sent: they could not be recorded first in the state ({exc.strerror or exc})"
                             "; an email that cannot be recorded could be sent twice.", fix=FOLDER_FIX) from None

    def _send_pending(self, as_of: date, planned: tuple[Digest, ...]) -> RemindReport:
        sent, failed, refused, maybe = [], [], [], []
        give_up = (as_of - timedelta(days=GIVE_UP_DAYS)).isoformat()
        for mid, entry in sorted(self.outbox.items(), key=lambda kv: (kv[1].get("day", ""), kv[0])):
            to = str(entry.get("to"))
            if entry.get("status") != PENDING:
                continue
            if str(entry.get("day", "")) < give_up:
                del self.outbox[mid]
                self._note(f"the reminder email to {to} of {entry.get('day')} could not be sent for "
                           f"{GIVE_UP_DAYS} days ({entry.get('error')}); dropped.")
                self.save()
                continue
            try:
                message = email.message_from_bytes(Path(entry["eml"]).read_bytes(), policy=email.policy.default)
            except OSError as exc:
                del self.outbox[mid]
                self._note(f"the reminder email to {to} of {entry.get('day')} was lost ({exc.strerror or exc}).")
                self.save()
                continue
            entry["status"] = SENDING
            self.save()  # durable before the message goes out: never sent twice
            try:
                self.send(self.settings, message)  # type: ignore[arg-type]
            except Refused as exc:
                del self.outbox[mid]
                refused.append(to)
                self._note(f"{to} was refused by the mail server ({exc.message}); check that address on Workers "
                           "or in the config.")
            except MaybeSent as exc:
                del self.outbox[mid]
                maybe.append(to)
                self._note(f"the reminder email to {to} of {entry.get('day')} MAY HAVE BEEN SENT ({exc.problem}); "
                           "it is not sent again by itself.")
            except Exception as exc:  # certainly not sent: stays pending, retried with the job's backoff
                entry.update(status=PENDING, error=getattr(exc, "message", None) or str(exc))
                failed.append(f"{to}: {entry['error']}")
            else:
                del self.outbox[mid]
                sent.append(to)
                Path(entry["eml"]).unlink(missing_ok=True)
            self._save_after(to)
        report = RemindReport(as_of, planned, tuple(sent), tuple(failed), tuple(refused), tuple(maybe))
        if failed:
            raise RemindFailed(f"{len(failed)} reminder email(s) not sent: {failed[0]}",
                               fix="They stay queued and are retried by themselves.", report=report)
        return report

    def _save_after(self, to: str) -> None:
        try:
            self.save()
        except OSError as exc:  # the file still says "sending": reported as may have been sent, never re-sent
            log.error("reminder to %s: the state could not be updated (%s)", to, exc.strerror or exc)


class RemindFailed(SecorError):
    """Some digests could not be sent (they stay queued); carries the run's report."""

    def __init__(self, problem: str, fix: str = "", *, report: RemindReport) -> None:
        super().__init__(problem, fix=fix)
        self.report = report


def remind(settings: Settings, findings: Any, dataset: Any, as_of: date, *, out_dir: str | Path | None = None,
           send: Callable[[Settings, EmailMessage], Any] = send_message, now: datetime | None = None,
           lock_timeout: float = 60.0) -> RemindReport:
    """`secor remind`: send today's reminders now, under the job lock (never racing the scheduler)."""
    out = Path(out_dir or settings.output)
    now = now or datetime.now(settings.zone)
    with job_lock(out, timeout=lock_timeout):
        state = load_state(out, now=now)
        return Delivery(settings, state, out, now, send, lambda: save_state(out, state)).run(findings, dataset,
                                                                                             as_of)


__all__ = ["MAYBE_SENT", "Delivery", "RemindFailed", "RemindReport", "dry_run", "parse_key", "plan", "remind"]
