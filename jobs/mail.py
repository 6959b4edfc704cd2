"""Wiring for the owner's email: find a month's pack, get its headline numbers, build, send or save it.

Used by the scheduler's mail step and by `secor send`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from pipeline.errors import SecorError
from pipeline.outputs.mail import (
    Headline,
    MaybeSent,
    build_pack_message,
    message_bytes,
    parse_month,
    send_message,
)
from pipeline.settings import Settings

from .state import (
    FOLDER_FIX,
    MAYBE_SENT,
    SENDING,
    SENT,
    STATE_DIR,
    State,
    folder_error,
    job_lock,
    load_state,
    packs_on_disk,
    save_state,
)

log = logging.getLogger("secor.jobs")


def find_pack(out: Path, month: str, state: State | None = None, company: str | None = None) -> Path:
    """The pack PDF of ``month``: the one the scheduler recorded, else the one under ``<out>/packs/YYYY-MM/``.

    With ``company``, its own pack (named ``pack.pdf_name``) is preferred: several companies' packs may share
    the folder. Another PDF is used only when the company's is absent, and the log says so.
    """
    parse_month(month)
    record = state.packs.get(month) if state else None
    recorded = Path(record["pdf"]) if record and record.get("pdf") and Path(record["pdf"]).is_file() else None
    if company is not None:
        from pipeline.outputs.pack import parse_month as pack_month

        from .pack import pdf_name

        own_name = pdf_name(company, pack_month(month))
        if recorded is not None and recorded.name == own_name:
            return recorded
        own = out / "packs" / month / own_name
        if own.is_file():
            return own
    found = recorded or packs_on_disk(out).get(month)
    if found is None:
        raise SecorError(f"there is no audit pack for {month} under {out / 'packs' / month}.",
                         fix=f"Make it first: `secor pack --month {month}` (with the same --out).")
    if company is not None:
        log.warning("no pack named %s for %s; using %s instead", own_name, company, found)
    return found


def headline_for(settings: Settings, out: Path, month: str, pdf: Path, state: State | None = None) -> Headline:
    """The numbers for the email body: kept in the state when packed, else the pack's findings.json,
    else (last resort) computed again from the source as of the month's last day."""
    record = state.packs.get(month) if state else None
    if record and isinstance(record.get("headline"), dict):
        try:
            return Headline.from_dict(record["headline"])
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("headline for %s in the state is unusable (%s)", month, exc)
    for candidate in (pdf.parent / "findings.json", *sorted(pdf.parent.glob("*findings*.json"))):
        if candidate.is_file():
            try:
                return Headline.from_dict(json.loads(candidate.read_text(encoding="utf-8")))
            except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
                log.warning("%s has no headline numbers this version can read (%s)", candidate, exc)
    from .scheduler import last_day
    from .sync import read_and_audit

    log.warning("headline numbers for %s computed again from the source", month)
    _, findings = read_and_audit(settings, last_day(month))
    return Headline.of(findings)


def pack_message(settings: Settings, out: Path, month: str, state: State | None = None) -> EmailMessage:
    """The owner's email for ``month``'s existing pack."""
    pdf = find_pack(out, month, state, settings.company)
    return build_pack_message(settings, headline_for(settings, out, month, pdf, state), pdf, month)


@dataclass(frozen=True)
class SendResult:
    month: str
    message: EmailMessage
    eml: Path | None = None  # --dry-run: where the message was written
    previously_mailed: str | None = None  # when the state says it had been mailed before

    def dry_run_text(self) -> str:
        """What a dry run tells the person: where the message is, and who would get it (or that nobody would)."""
        to = self.message["To"]
        if not to:
            return (f"Dry run: no recipient configured ([email] to is empty) — nothing would be sent; "
                    f"the message is saved at {self.eml}.")
        return f"Dry run: not sent; it would go to {to}. The message is saved at {self.eml}."


def _save_after(out: Path, state: State, month: str) -> None:
    try:
        save_state(out, state)
    except OSError as exc:
        log.error("%s: the outcome of `secor send` could not be recorded (%s)", month, exc.strerror or exc)


def eml_path(out: Path, pdf: Path) -> Path:
    return out / "mail" / f"{pdf.stem}.eml"


def send_pack(settings: Settings, month: str, *, out_dir: str | Path | None = None, dry_run: bool = False,
              send: Any = send_message, lock_timeout: float = 60.0) -> SendResult:
    """Mail ``month``'s existing pack to ``[email] to`` (or, ``dry_run``, write it as an .eml file).

    A real send holds the job lock, so it never races the scheduler's own mail step, and records
    the month as mailed so the scheduler does not send it again.
    """
    parse_month(month)
    out = Path(out_dir or settings.output)
    if dry_run:
        state = load_state(out)
        pdf = find_pack(out, month, state, settings.company)
        message = build_pack_message(settings, headline_for(settings, out, month, pdf, state), pdf, month)
        path = eml_path(out, pdf)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".eml.tmp")
            tmp.write_bytes(message_bytes(message))
            tmp.replace(path)
        except OSError as exc:
            raise folder_error(path.parent, "mail folder", exc) from None
        return SendResult(month, message, eml=path)
    if not settings.email.to:
        raise SecorError("no recipients: [email] to is empty.", fix='Set to = ["owner@example.com"] in [email].')
    with job_lock(out, timeout=lock_timeout):
        state = load_state(out)
        before = state.mailed.get(month)
        pdf = find_pack(out, month, state, settings.company)
        message = build_pack_message(settings, headline_for(settings, out, month, pdf, state), pdf, month)
        now = datetime.now(settings.zone).isoformat()
        state.packs.setdefault(month, {"at": now, "pdf": str(pdf), "adopted": "mailed by `secor send`"})
        record = {"at": now, "to": list(settings.email.to), "message_id": message["Message-ID"],
                  "subject": message["Subject"], "by": "secor send", "status": SENDING}
        state.mailed[month] = record
        try:  # on disk before the message goes out, as the scheduler does
            save_state(out, state)
        except OSError as exc:
            raise SecorError(f"not sent: the attempt could not be recorded first in {out / STATE_DIR}: "
                             f"{exc.strerror or exc}.", fix=FOLDER_FIX) from None
        try:
            send(settings, message)
        except MaybeSent as exc:
            record.update(status=MAYBE_SENT, error=exc.problem, told=now)
            _save_after(out, state, month)
            raise
        except Exception:  # certainly not sent (a Ctrl-C mid-send leaves "sending": "may have been sent")
            if before is None:
                del state.mailed[month]
            else:
                state.mailed[month] = before
            _save_after(out, state, month)
            raise
        record["status"] = SENT
        state.forget_done()  # the scheduler's failure record for this month's mail, if any
        try:
            save_state(out, state)
        except OSError as exc:
            raise SecorError(f"the {month} pack was sent, but it could not be recorded in {out / STATE_DIR}: "
                             f"{exc.strerror or exc}; it will be reported as 'may have been sent' and is not "
                             "sent again by itself.", fix=FOLDER_FIX) from None
    previously = (before.get("at") or "yes") if before and not before.get("skipped") else None
    return SendResult(month, message, previously_mailed=previously)
