"""Reminders before things lapse: which items are due a reminder today, and who gets which (pure).

An item is one thing that lapses on one date: a worker's ticket with its expiry, a deficiency with its due
date, a program document with its next review, the next SECOR maintenance audit. Its identity includes the
date, so a renewal (a new Training Records row: a new expiry) is a new item and the old one, no longer in
the findings, is never reminded again. A reminder is keyed ``(kind, item, threshold)``; only the latest
threshold an item has reached is due, and only when that key was not sent before, so a threshold crossed
while the machine was off is caught up once and an earlier (stale) one is never sent. See docs/reminders.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from ..normalise.cells import text_key
from ..normalise.dataset import Dataset
from ..settings import Settings
from .audit import Findings
from .base import AuditContext
from .certificate import audit_calendar
from .common import DOCUMENT_RULES, keys, matches_document

TICKET, DEFICIENCY, DOCUMENT, AUDIT = "ticket", "deficiency", "document", "audit"
WORKER, SUPERVISOR, ASSIGNED, OFFICE, OWNER = "worker", "supervisor", "assigned", "office", "owner"
# The documents an owner re-signs or reviews, Safety Policy first (the certificate has its own calendar: S.2).
REVIEWED_DOCUMENTS = tuple(k for k in DOCUMENT_RULES if k != "SECOR Certificate")

Key = tuple[str, str, int]


@dataclass(frozen=True)
class Reminder:
    """One item at one threshold: ``person`` is whom it concerns (worker or assignee; "" for the owner's)."""

    kind: str
    item: str  # stable identity, with its date: "Jason Whitford|H2S Alive|2027-01-05"
    threshold: int  # days before the date (0: the day it lapses, or overdue)
    title: str  # the ticket, the deficiency's description, the document
    due: date
    days_left: int
    person: str = ""
    ref: str = ""  # where the office finds it: "CA-014", "Program row 3"

    @property
    def key(self) -> Key:
        return (self.kind, self.item, self.threshold)

    def line(self, *, own: bool = False) -> str:
        """One line of a digest; ``own``: written to the person it concerns."""
        when = _when(self.days_left, self.due)
        if self.kind == TICKET:
            whose = "Your" if own else f"{self.person}'s"
            verb = "expired" if self.days_left < 0 else "expires"
            return f"{whose} {self.title} {verb} {when}."
        if self.kind == DEFICIENCY:
            who = "" if own or not self.person else f" (assigned to {self.person})"
            verb = "was due" if self.days_left < 0 else "is due"
            return f"{self.ref}: {self.title}{who} {verb} {when}."
        if self.kind == DOCUMENT:
            return f"{self.title}: review and re-sign it {when}" + (f"; {self.ref}." if self.ref else ".")
        return f"{self.title} {when}."


def key_text(key: Key) -> str:
    """A key as the state file keeps it: ``"ticket|Jason Whitford|H2S Alive|2027-01-05|30"``."""
    return f"{key[0]}|{key[1]}|{key[2]}"


def _when(days: int, due: date) -> str:
    if days == 0:
        return f"today ({due.isoformat()})"
    if days < 0:
        return f"on {due.isoformat()} ({-days} day{'s' if days != -1 else ''} ago)"
    return f"on {due.isoformat()} (in {days} day{'s' if days != 1 else ''})"


def latest_threshold(days_left: int, thresholds: Iterable[int]) -> int | None:
    """The latest threshold reached ``days_left`` days before the date: the smallest one at or above it."""
    reached = [t for t in thresholds if days_left <= t]
    return min(reached) if reached else None


def _day(value: object) -> date:
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


# --------------------------------------------------------------------------- what is due


def due_reminders(findings: Findings, dataset: Dataset, settings: Settings, as_of: date,
                  sent: Iterable[Key] = ()) -> tuple[Reminder, ...]:
    """Every reminder due on ``as_of`` that was not sent before: per item only its latest threshold reached."""
    done = {tuple(k) for k in sent}
    found = [*_tickets(findings, settings, as_of), *_deficiencies(findings, settings, as_of),
             *_documents(dataset, settings, as_of), *_audit(findings, dataset, settings, as_of)]
    return tuple(r for r in found if r.key not in done)


def _tickets(findings: Findings, settings: Settings, as_of: date) -> list[Reminder]:
    certs = findings.certifications
    if certs.empty or "expires" not in certs.columns:
        return []
    out = []
    for row in certs[certs["expires"].notna()].itertuples(index=False):
        due = _day(row.expires)
        days = (due - as_of).days
        threshold = latest_threshold(days, settings.reminders.thresholds)
        if threshold is None:
            continue
        item = f"{row.worker}|{row.ticket}|{due.isoformat()}"
        out.append(Reminder(TICKET, item, threshold, str(row.ticket), due, days, str(row.worker)))
    return out


def _deficiencies(findings: Findings, settings: Settings, as_of: date) -> list[Reminder]:
    defs = findings.deficiencies
    if defs.empty or "due" not in defs.columns:
        return []
    soon = settings.reminders.due_soon_days
    out = []
    for row in defs[defs["due"].notna() & (defs["status"] != "Awaiting Verification")].itertuples(index=False):
        due = _day(row.due)
        days = (due - as_of).days
        if days > soon:
            continue
        threshold = 0 if days < 0 else soon  # "due soon" once, "overdue" once
        who = row.assigned_to if isinstance(row.assigned_to, str) else ""
        title = _describe(row)
        out.append(Reminder(DEFICIENCY, f"{row.id}|{due.isoformat()}", threshold, title, due, days, who,
                            str(row.id)))
    return out


def _describe(row: Any) -> str:
    """A deficiency's description on one line (its source when blank), at most 120 characters."""
    text = row.description if isinstance(row.description, str) and row.description.strip() else row.source
    return " ".join(str(text).split())[:120]


def _documents(dataset: Dataset, settings: Settings, as_of: date) -> list[Reminder]:
    """Each program document's next review: a future Review Date, else 12 months (lookback) after its
    latest Signed or Review Date; undated documents are the checks' business, not a reminder's."""
    if not dataset.has("program"):
        return []
    program = dataset.table("program")
    doc_keys = keys(program["document"])
    today = pd.Timestamp(as_of)
    out = []
    for kind in REVIEWED_DOCUMENTS:
        rows = program[doc_keys.map(lambda d, k=kind: matches_document(d, k)).astype(bool)]
        rows = rows[~(rows["signed_date"] > today)]
        if rows.empty:
            continue
        planned = rows["review_date"][rows["review_date"] > today]
        past = pd.concat([rows["signed_date"], rows["review_date"][rows["review_date"] <= today]]).dropna()
        if not planned.empty:
            due = _day(planned.min())
        elif not past.empty:
            due = _day(past.max() + pd.DateOffset(months=settings.audit.lookback_months))
        else:
            continue
        days = (due - as_of).days
        threshold = latest_threshold(days, settings.reminders.thresholds)
        if threshold is None:
            continue
        latest = rows.sort_values("row").iloc[-1]
        out.append(Reminder(DOCUMENT, f"{kind}|{due.isoformat()}", threshold, kind, due, days,
                            ref=f"Program row {int(latest['row'])}"))
    return out


def next_audit(findings: Findings, dataset: Dataset, settings: Settings, as_of: date) -> tuple[str, date] | None:
    """The next SECOR audit on the certificate's calendar (check S.2's): (title, the first day it is due), or None
    once it is past or without a certificate row."""
    ctx = AuditContext(dataset, settings, as_of, findings.certifications, findings.deficiencies)
    cal = audit_calendar(ctx)
    if cal is None or ctx.as_of_ts > cal.next_end:
        return None
    return _title(cal.next_title), cal.next_start.date()


def _title(next_title: str) -> str:
    """'year-2 maintenance audit' -> 'Year-2 SECOR maintenance audit'."""
    if next_title.startswith("year-"):
        year, rest = next_title.split(" ", 1)
        return f"{year.capitalize()} SECOR {rest}"
    return f"SECOR {next_title}"


def _audit(findings: Findings, dataset: Dataset, settings: Settings, as_of: date) -> list[Reminder]:
    found = next_audit(findings, dataset, settings, as_of)
    if found is None:
        return []
    title, due = found
    days = (due - as_of).days
    threshold = latest_threshold(days, settings.reminders.audit_thresholds)
    if threshold is None or days < 0:
        return []
    return [Reminder(AUDIT, f"S.2|{due.isoformat()}", threshold, f"{title} due", due, days, ref="S.2")]


# --------------------------------------------------------------------------- who gets what


@dataclass(frozen=True)
class Digest:
    """One email: everything one address gets today, and the lines only the office sees."""

    address: str
    name: str
    roles: tuple[str, ...]
    reminders: tuple[Reminder, ...]
    notes: tuple[str, ...] = ()
    own: frozenset[str] = field(default_factory=frozenset)  # text_keys of the recipient's own names

    @property
    def keys(self) -> tuple[Key, ...]:
        return tuple(r.key for r in self.reminders)


@dataclass
class _Box:
    name: str
    roles: list[str] = field(default_factory=list)
    items: dict[Key, Reminder] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    own: set[str] = field(default_factory=set)

    def add(self, role: str, reminder: Reminder) -> None:
        if role not in self.roles:
            self.roles.append(role)
        self.items.setdefault(reminder.key, reminder)


def directory(workers: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """text_key of a name -> (name, email, supervisor) from Workers; the last row with an email wins."""
    out: dict[str, tuple[str, str, str]] = {}
    if workers is None or workers.empty or "name" not in workers.columns:
        return out
    for row in workers.sort_values("row").itertuples(index=False):
        name = row.name if isinstance(row.name, str) else ""
        email = _address(getattr(row, "email", None))
        boss = getattr(row, "supervisor", None)
        boss = boss if isinstance(boss, str) else ""
        k = text_key(name)
        if k and (email or k not in out or not out[k][1]):
            out[k] = (name, email or (out[k][1] if k in out else ""), boss or (out[k][2] if k in out else ""))
    return out


def _address(cell: object) -> str:
    """The first address in an Email cell ("jason@x.ca; jwhit@gmail.com" -> "jason@x.ca"); "" when none."""
    if not isinstance(cell, str):
        return ""
    return next((w.strip("<>()\"'") for w in re.split(r"[\s,;]+", cell) if "@" in w), "")


def office_addresses(settings: Settings) -> tuple[str, ...]:
    """``[reminders] office``, else ``[email] alerts_to``, else ``[email] to``."""
    return settings.reminders.office or settings.email.alerts_to or settings.email.to


def digests(reminders: Sequence[Reminder], workers: pd.DataFrame, settings: Settings,
            office_notes: Sequence[str] = ()) -> tuple[Digest, ...]:
    """Group reminders per address. A worker gets only their own tickets and what is assigned to them; a
    supervisor (Workers -> Supervisor) their people's tickets and what is assigned to them; the owner
    (``[email] to``) the program reviews and the SECOR audit; the office everything, plus who has no email
    on file and ``office_notes`` (e.g. refused addresses). Names or addresses in ``[reminders] off`` get none."""
    people = directory(workers)
    off = {text_key(x) for x in settings.reminders.off} | {x.strip().lower() for x in settings.reminders.off}
    boxes: dict[str, _Box] = {}
    no_email: set[str] = set()

    def box(address: str, name: str) -> _Box | None:
        addr = address.strip()
        if not addr or addr.lower() in off or (name and text_key(name) in off):
            return None
        return boxes.setdefault(addr.lower(), _Box(name or addr))

    def to_person(name: str, role: str, reminder: Reminder, *, own: bool) -> None:
        if not name or text_key(name) in off:
            return
        entry = people.get(text_key(name))
        if entry is None or not entry[1]:
            if own:
                no_email.add(f"{name} has no Email on Workers: {reminder.line()}")
            return
        b = box(entry[1], entry[0])
        if b is not None:
            b.add(role, reminder)
            b.own.add(text_key(entry[0]))

    for r in reminders:
        if r.kind == TICKET:
            to_person(r.person, WORKER, r, own=True)
            entry = people.get(text_key(r.person))
            if entry and entry[2] and text_key(entry[2]) != text_key(r.person):
                to_person(entry[2], SUPERVISOR, r, own=False)
        elif r.kind == DEFICIENCY:
            to_person(r.person, ASSIGNED, r, own=True)
        else:
            for addr in settings.email.to:
                if (b := box(addr, "")) is not None:
                    b.add(OWNER, r)
        for addr in office_addresses(settings):
            if (b := box(addr, "")) is not None:
                b.add(OFFICE, r)
    notes = sorted(no_email) + list(office_notes)
    for addr in office_addresses(settings):
        if notes and (b := box(addr, "")) is not None:
            if OFFICE not in b.roles:
                b.roles.append(OFFICE)
            b.notes.extend(n for n in notes if n not in b.notes)
    out = []
    for addr, b in sorted(boxes.items()):
        items = tuple(sorted(b.items.values(), key=lambda r: (r.days_left, r.kind, r.item)))
        roles = tuple(r for r in (WORKER, SUPERVISOR, ASSIGNED, OWNER, OFFICE) if r in b.roles)
        out.append(Digest(addr, b.name, roles, items, tuple(b.notes), frozenset(b.own)))
    return tuple(out)


# --------------------------------------------------------------------------- the weekly office digest

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKLY_LINES = 25  # per section; the rest is counted


def weekly_due(as_of: date, settings: Settings, last: str | None) -> bool:
    """True on ``[reminders] weekly_day`` (blank: never) unless the weekly digest was made today already."""
    day = settings.reminders.weekly_day.strip().capitalize()
    return bool(day) and DAYS[as_of.weekday()] == day and last != as_of.isoformat()


def week_snapshot(findings: Findings) -> dict[str, dict[str, str]]:
    """What the next weekly digest compares with: open and overdue items and data issues, each with its line."""
    defs = findings.deficiencies
    items: dict[str, str] = {}
    overdue: dict[str, str] = {}
    if not defs.empty and "id" in defs.columns:
        for row in defs.itertuples(index=False):
            who = f" (assigned to {row.assigned_to})" if isinstance(row.assigned_to, str) and row.assigned_to else ""
            due = f", due {_day(row.due).isoformat()}" if pd.notna(row.due) else ""
            line = f"{row.id}: {_describe(row)}{who}{due}"
            items[str(row.id)] = line
            if row.status == "Overdue":
                overdue[str(row.id)] = line
    issues: dict[str, str] = {}
    frame = findings.issues
    if frame is not None and not frame.empty and "problem" in frame.columns:
        for row in frame.itertuples(index=False):
            where = f"{row.table}" + (f" row {int(row.row)}" if pd.notna(row.row) else "") + (
                f", {row.column}" if isinstance(row.column, str) and row.column else "")
            issues[f"{row.table}|{row.row}|{row.column}|{row.problem}"] = f"{where}: {row.problem}"
    return {"open": items, "overdue": overdue, "issues": issues}


@dataclass(frozen=True)
class WeeklyChanges:
    """The office's weekly digest: what changed since the last one (``since`` None: the first one)."""

    since: str | None
    newly_overdue: tuple[str, ...]
    newly_resolved: tuple[str, ...]
    new_issues: tuple[str, ...]
    open: int
    overdue: int
    issues: int


def weekly_changes(previous: dict[str, Any] | None, findings: Findings) -> WeeklyChanges:
    """Compare this week's snapshot with the last weekly digest's (kept in the state)."""
    now = week_snapshot(findings)
    before = (previous or {}).get("snapshot") or {}

    def new(part: str) -> tuple[str, ...]:
        old = before.get(part) or {}
        return tuple(v for k, v in sorted(now[part].items()) if k not in old) if previous else ()

    resolved = tuple(v for k, v in sorted((before.get("open") or {}).items()) if k not in now["open"])
    return WeeklyChanges((previous or {}).get("day"), new("overdue"), resolved, new("issues"),
                         len(now["open"]), len(now["overdue"]), len(now["issues"]))
