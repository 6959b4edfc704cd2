"""A reminder digest as an email: short plain text and a simple, phone-width HTML part (pure).

Crew text (ticket names, deficiency descriptions, names) is data: the HTML part is rendered in the shared
phone-width shell (:mod:`.mail_layout`) with autoescape on, so ``<b>`` in a description shows as text.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from email.message import EmailMessage

from ..checks.reminders import (
    AUDIT,
    DEFICIENCY,
    DOCUMENT,
    OFFICE,
    TICKET,
    WEEKLY_LINES,
    Digest,
    Reminder,
    WeeklyChanges,
    key_text,
)
from ..settings import Settings
from .mail import _headers, _one_line, _sender
from .mail_layout import environment, render

STOP = ("To stop these reminders, ask the office: they add your name to the [reminders] off list "
        "in the SECOR pipeline's config.")
SECTIONS = ((TICKET, "Tickets"), (DEFICIENCY, "Deficiencies and corrective actions"),
            (DOCUMENT, "Program documents"), (AUDIT, "SECOR audit"))
TICKET_ASK = "Renew it before it lapses and send the office a copy of the new card or certificate."

_HTML = environment({"reminder.html": """{% extends "page.html" %}{% block body %}
<p style="margin:0 0 4px 0;{{ style.quiet }}">{{ company }}</p>
<h2 style="{{ style.h2 }}">{{ heading }}</h2>
<p style="{{ style.p }}">{{ greeting }}<br>As of {{ as_of }}:</p>
{% for title, lines in sections %}<h3 style="{{ style.h3 }}">{{ title }}</h3>
<ul style="{{ style.ul }}">{% for line in lines %}<li style="{{ style.li }}">{{ line }}</li>{% endfor %}
</ul>{% endfor %}
{% if ask %}<p>{{ ask }}</p>{% endif %}
{% if notes %}<h3 style="{{ style.h3 }}">For the office</h3>
<ul style="{{ style.ul }}">{% for line in notes %}<li style="{{ style.li }}">{{ line }}</li>{% endfor %}
</ul>{% endif %}
<p style="margin-top:20px;{{ style.quiet }}">{{ stop }}</p>
{% endblock %}"""})


def _sections(digest: Digest) -> list[tuple[str, list[str]]]:
    out = []
    for kind, title in SECTIONS:
        mine = [r for r in digest.reminders if r.kind == kind]
        if mine:
            out.append((title, [_line(digest, r) for r in mine]))
    return out


def _line(digest: Digest, r: Reminder) -> str:
    from ..normalise.cells import text_key

    return r.line(own=bool(r.person) and text_key(r.person) in digest.own)


def heading(digest: Digest, company: str) -> str:
    """The subject's words after the company name."""
    n = len(digest.reminders)
    if not n:
        return "reminders: notes for the office"
    lapsed = sum(1 for r in digest.reminders if r.days_left <= 0)
    ahead = sorted(r.days_left for r in digest.reminders if r.days_left > 0)
    parts = [f"{lapsed} due today or lapsed"] if lapsed else []
    if ahead:
        days = f"{ahead[0]} day{'s' if ahead[0] != 1 else ''}"
        parts.append(f"{len(ahead)} due in {days}" if len(ahead) == 1 else f"{len(ahead)} due, the first in {days}")
    # One kind only: "due in 5 days" for one reminder, "2 due today or lapsed" for more.
    words = ", ".join(parts) if len(parts) == 2 else parts[0].split(" ", 1)[1] if n == 1 else parts[0]
    return f"{n} reminder{'s' if n != 1 else ''} ({words})"


def reminder_text(settings: Settings, digest: Digest, as_of: date) -> str:
    """The plain-text body."""
    lines = [_greeting(digest), "",
             f"{settings.company}: {heading(digest, settings.company)}, as of {as_of.isoformat()}.", ""]
    for title, items in _sections(digest):
        lines.append(title + ":")
        lines += [f"- {x}" for x in items]
        lines.append("")
    if _asks_for_ticket(digest):
        lines += [TICKET_ASK, ""]
    if digest.notes:
        lines.append("For the office:")
        lines += [f"- {x}" for x in digest.notes]
        lines.append("")
    lines += ["-- ", STOP, "Sent by the SECOR records pipeline."]
    return "\n".join(lines) + "\n"


def _asks_for_ticket(digest: Digest) -> bool:
    return any(r.kind == TICKET and _line(digest, r).startswith("Your") for r in digest.reminders)


def _greeting(digest: Digest) -> str:
    return f"Hello {digest.name}," if digest.name and "@" not in digest.name else "Hello,"


def reminder_html(settings: Settings, digest: Digest, as_of: date) -> str:
    """The HTML part: one narrow column, every value escaped by Jinja2."""
    return render(_HTML, "reminder.html", company=settings.company, heading=heading(digest, settings.company),
                  greeting=_greeting(digest), as_of=as_of.isoformat(),
                  sections=_sections(digest), notes=list(digest.notes), stop=STOP,
                  ask=TICKET_ASK if _asks_for_ticket(digest) else "")


def reminder_message_id(settings: Settings, digest: Digest, as_of: date) -> str:
    """Stable for the same recipient, day and items: a retry of the same digest is the same message."""
    seed = "\n".join([digest.address.lower(), as_of.isoformat(), *sorted(map(key_text, digest.keys)),
                      *digest.notes])
    domain = re.sub(r"[^A-Za-z0-9.-]", "", _sender(settings.email).rpartition("@")[2]) or "localhost"
    return f"<secor-remind-{as_of.isoformat()}-{hashlib.sha256(seed.encode()).hexdigest()[:16]}@{domain}>"


def build_reminder_message(settings: Settings, digest: Digest, as_of: date) -> EmailMessage:
    """One digest as an email to its one address."""
    msg = EmailMessage()
    subject = _one_line(f"{settings.company}: {heading(digest, settings.company)}")
    _headers(msg, settings.email, (digest.address,), subject)
    msg.replace_header("Message-ID", reminder_message_id(settings, digest, as_of))
    msg.set_content(reminder_text(settings, digest, as_of))
    msg.add_alternative(reminder_html(settings, digest, as_of), subtype="html")
    if OFFICE in digest.roles:
        msg["X-Secor-Roles"] = ", ".join(digest.roles)
    return msg


# --------------------------------------------------------------------------- the office's weekly digest


def _capped(lines: tuple[str, ...]) -> list[str]:
    if len(lines) <= WEEKLY_LINES:
        return list(lines)
    return [*lines[:WEEKLY_LINES], f"... and {len(lines) - WEEKLY_LINES} more (see the dashboards)"]


def weekly_sections(changes: WeeklyChanges) -> list[tuple[str, list[str]]]:
    """(title, lines) of the weekly digest; an empty section says 'none'."""
    if changes.since is None:
        return [("This is the first weekly digest", [
            "From next week it lists what changed: newly overdue, newly resolved, new data issues."])]
    return [(title, _capped(lines) or ["none"]) for title, lines in (
        ("Newly overdue", changes.newly_overdue), ("Newly resolved", changes.newly_resolved),
        ("New data issues", changes.new_issues))]


def build_weekly_message(settings: Settings, changes: WeeklyChanges, as_of: date, address: str) -> EmailMessage:
    """The office's weekly digest: what changed since the last one, and where things stand."""
    since = f" since {changes.since}" if changes.since else ""
    heading = f"the week{since}"
    now = (f"Now: {changes.overdue} overdue, {changes.open} open deficiencies and corrective actions, "
           f"{changes.issues} data issues to fix.")
    sections = weekly_sections(changes)
    text = [f"{settings.company}: {heading}, as of {as_of.isoformat()}.", "", now, ""]
    for title, lines in sections:
        text += [title + ":", *[f"- {x}" for x in lines], ""]
    text += ["-- ", "Sent every week by the SECOR records pipeline ([reminders] weekly_day; \"\" turns it off)."]
    msg = EmailMessage()
    _headers(msg, settings.email, (address,), _one_line(f"{settings.company}: SECOR records, {heading}"))
    seed = f"{address.lower()}\n{as_of.isoformat()}\nweekly"
    domain = re.sub(r"[^A-Za-z0-9.-]", "", _sender(settings.email).rpartition("@")[2]) or "localhost"
    msg.replace_header("Message-ID", f"<secor-weekly-{as_of.isoformat()}-"
                                     f"{hashlib.sha256(seed.encode()).hexdigest()[:16]}@{domain}>")
    msg.set_content("\n".join(text) + "\n")
    msg.add_alternative(render(_HTML, "reminder.html", company=settings.company, heading=f"The week{since}",
                               greeting="Hello,", as_of=as_of.isoformat(),
                               sections=[("Where things stand", [now]), *sections], notes=[], ask="",
                               stop="Sent every week to the office ([reminders] weekly_day)."),
                        subtype="html")
    return msg
