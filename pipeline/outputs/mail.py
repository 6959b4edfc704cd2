"""Email: the owner's monthly pack message, the office's failure alert, and sending them over SMTP.

Building a message is pure (settings + findings + a PDF path -> ``EmailMessage``); sending
it is the only part that touches the network. Sending always encrypts and verifies the
server's certificate (STARTTLS or implicit TLS) unless ``[email] security = "none"``, and
the SMTP password only ever comes from the environment variable ``[email] password_env``
names: it is never read from the config file, stored, or logged.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import smtplib
import socket
import ssl
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from ..checks.audit import SELF_ASSESSMENT_NOTE, count_text, meets_pass_rule, overall_readiness
from ..errors import SecorError
from ..settings import EmailSettings, Settings

log = logging.getLogger("secor.mail")

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

COUNT_LABELS: tuple[tuple[str, str], ...] = (
    ("expired_tickets", "Expired tickets"),
    ("missing_tickets", "Missing tickets"),
    ("expiring_tickets", "Tickets expiring soon"),
    ("open_deficiencies", "Open deficiencies"),
    ("overdue_deficiencies", "Overdue deficiencies"),
    ("near_misses", "Near misses reported (12 months)"),
    ("data_issues", "Data issues to fix"),
)


def parse_month(month: str) -> tuple[int, int]:
    """``"YYYY-MM"`` as (year, month); a clear SecorError otherwise."""
    m = MONTH_RE.match(str(month).strip())
    if not m:
        raise SecorError(f"month '{month}' is not a month.", fix="Write it as YYYY-MM, e.g. 2026-10.")
    return int(m.group(1)), int(m.group(2))


def month_label(month: str) -> str:
    """``"2026-10"`` -> ``"October 2026"``."""
    year, mon = parse_month(month)
    return date(year, mon, 1).strftime("%B %Y")


# --------------------------------------------------------------------------- headline numbers


@dataclass(frozen=True)
class ElementLine:
    element: int
    name: str
    readiness: float


@dataclass(frozen=True)
class Headline:
    """The numbers the owner's email shows: a small, JSON-able copy of what matters in ``Findings``.

    The scheduler keeps one per packed month in its state file, so a pack produced while the
    mail server was down can be mailed on a later run without recomputing anything.
    """

    company: str
    as_of: date
    elements: tuple[ElementLine, ...]
    counts: Mapping[str, int | None] = field(default_factory=dict)  # None: its table was not read
    pass_overall: float = 0.80
    pass_element: float = 0.50
    unread: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # count -> titles of unread tables

    def shown(self, key: str) -> str:
        """A count as text: '3', or 'not read: no Training Records'."""
        return count_text(self.counts, self.unread, key)

    @property
    def overall(self) -> float:
        return overall_readiness([e.readiness for e in self.elements])

    @property
    def meets_pass_rule(self) -> bool:
        return meets_pass_rule([e.readiness for e in self.elements], self.pass_overall, self.pass_element)

    @classmethod
    def of(cls, findings: Any) -> Headline:
        """From ``Findings`` (or anything with the same attributes, or a Headline)."""
        if isinstance(findings, Headline):
            return findings
        return cls(
            company=str(findings.company),
            as_of=findings.as_of,
            elements=tuple(ElementLine(int(e.element), str(e.name), float(e.readiness)) for e in findings.elements),
            counts=_counts(findings.counts),
            pass_overall=float(getattr(findings, "pass_overall", 0.80)),
            pass_element=float(getattr(findings, "pass_element", 0.50)),
            unread=_unread(getattr(findings, "unread", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "as_of": self.as_of.isoformat(),
            "elements": [{"element": e.element, "name": e.name, "readiness": e.readiness} for e in self.elements],
            "counts": dict(self.counts),
            "pass_overall": self.pass_overall,
            "pass_element": self.pass_element,
            "unread": {k: list(v) for k, v in self.unread.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Headline:
        """From :meth:`to_dict` output, or a pack's findings.json when it has the same top-level keys.

        Raises ``ValueError``/``KeyError``/``TypeError`` when ``data`` does not have that shape.
        """
        summary = data.get("summary") if isinstance(data.get("summary"), Mapping) else None
        src: Mapping[str, Any] = data if "elements" in data else (summary or data)
        elements = []
        for e in src["elements"]:
            readiness = e["readiness"]
            if isinstance(readiness, str):
                readiness = float(readiness.strip().rstrip("%")) / 100
            elements.append(ElementLine(int(e["element"]), str(e["name"]), float(readiness)))
        as_of = src.get("as_of") or data.get("as_of")
        counts = src.get("counts") or data.get("counts") or {}
        rule = src.get("pass_rule") if isinstance(src.get("pass_rule"), Mapping) else {}  # the pack's findings.json
        return cls(
            company=str(src.get("company") or data.get("company") or ""),
            as_of=as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)[:10]),
            elements=tuple(elements),
            counts=_counts(counts),
            pass_overall=float(src.get("pass_overall", rule.get("overall", 0.80))),
            pass_element=float(src.get("pass_element", rule.get("every_element", 0.50))),
            unread=_unread(src.get("unread") or data.get("unread") or {}),
        )


def _counts(counts: Mapping[str, Any]) -> dict[str, int | None]:
    """Counts as ints, an unknown one (its table not read) kept as None, never turned into 0."""
    return {str(k): None if v is None else int(v) for k, v in dict(counts).items()}


def _unread(unread: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(t) for t in v) for k, v in dict(unread).items()}


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _one_line(text: str) -> str:
    """Header-safe: no CR/LF (header injection), no runs of whitespace."""
    return " ".join(str(text).split())


_SUBJECT_FIELDS = {"company", "month", "month_name"}


def render_subject(template: str, company: str, month: str) -> str:
    """``[email] subject`` with {company}, {month} (YYYY-MM) and {month_name} (October 2026) filled in."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise SecorError(f"[email] subject '{template}' is not a valid template: {exc}.",
                         fix="Use {company} and {month}; write {{ and }} for literal braces.") from None
    for _, name, spec, conv in parsed:
        if name is not None and (name not in _SUBJECT_FIELDS or spec or conv):
            raise SecorError(f"[email] subject '{template}' uses '{{{name}}}', which is not known.",
                             fix="Use {company}, {month} or {month_name}.")
    text = template.format(company=_one_line(company), month=month, month_name=month_label(month))
    return _one_line(text)


def _sender(cfg: EmailSettings) -> str:
    if cfg.sender:
        return _one_line(cfg.sender)
    if "@" in cfg.username:
        return _one_line(cfg.username)
    return "secor-pipeline@localhost"


def _headers(msg: EmailMessage, cfg: EmailSettings, to: Sequence[str], subject: str) -> None:
    msg["Subject"] = subject
    msg["From"] = _sender(cfg)
    if to:
        msg["To"] = ", ".join(_one_line(a) for a in to)
    msg["Date"] = formatdate(localtime=True)
    domain = _sender(cfg).rpartition("@")[2].strip(">") or None
    msg["Message-ID"] = make_msgid(domain=domain)


# --------------------------------------------------------------------------- the owner's pack message


def pack_text(headline: Headline, month: str, pdf_name: str) -> str:
    """Plain-text body of the owner's monthly email."""
    h = headline
    verdict = "MEETS" if h.meets_pass_rule else "DOES NOT MEET"
    low = [e for e in h.elements if e.readiness < h.pass_element]
    lines = [
        f"{h.company}: SECOR audit pack for {month_label(month)}",
        f"Records as of {h.as_of.isoformat()}. The full pack is attached ({pdf_name}).",
        "",
        f"Audit readiness: {_pct(h.overall)} overall. This {verdict} the Certifying Partners' rule "
        f"({_pct(h.pass_overall)} overall and at least {_pct(h.pass_element)} in every element).",
    ]
    if low:
        lines.append("Below " + _pct(h.pass_element) + ": " + ", ".join(f"element {e.element}" for e in low) + ".")
    lines.append("")
    width = max((len(e.name) for e in h.elements), default=0)
    for e in h.elements:
        lines.append(f"  Element {e.element}  {e.name:<{width}}  {_pct(e.readiness):>4}")
    lines += ["", "Headline numbers:"]
    label_width = max(len(label) for _, label in COUNT_LABELS)
    for key, label in COUNT_LABELS:
        if key in h.counts:
            lines.append(f"  {label:<{label_width}}  {h.shown(key):>4}")
    lines += [
        "",
        "The action list at the front of the pack says what to fix first.",
        "",
        SELF_ASSESSMENT_NOTE,
        "",
        "-- ",
        "Sent by the SECOR records pipeline.",
    ]
    return "\n".join(lines) + "\n"


def pack_html(headline: Headline, month: str, pdf_name: str) -> str:
    """Short HTML alternative of :func:`pack_text`; every value is escaped."""
    e_ = html.escape
    h = headline
    verdict = "meets" if h.meets_pass_rule else "does not meet"
    rows = "".join(
        f"<tr><td>Element {x.element}</td><td>{e_(x.name)}</td>"
        f"<td style=\"text-align:right\">{e_(_pct(x.readiness))}</td></tr>"
        for x in h.elements)
    counts = "".join(f"<li>{e_(label)}: <b>{e_(h.shown(key))}</b></li>"
                     for key, label in COUNT_LABELS if key in h.counts)
    return (
        "<!DOCTYPE html><html><body>"
        f"<h2>{e_(h.company)}: SECOR audit pack for {e_(month_label(month))}</h2>"
        f"<p>Records as of {e_(h.as_of.isoformat())}. The full pack is attached ({e_(pdf_name)}).</p>"
        f"<p>Audit readiness <b>{e_(_pct(h.overall))}</b> overall: {verdict} the Certifying Partners' rule "
        f"({e_(_pct(h.pass_overall))} overall, at least {e_(_pct(h.pass_element))} in every element).</p>"
        f"<table>{rows}</table>"
        f"<ul>{counts}</ul>"
        f"<p><i>{e_(SELF_ASSESSMENT_NOTE)}</i></p>"
        "</body></html>"
    )


def build_pack_message(settings: Settings, findings: Any, pdf_path: str | Path, month: str) -> EmailMessage:
    """The owner's monthly email: headline numbers in the body (text + HTML) and the pack PDF attached."""
    parse_month(month)
    cfg = settings.email
    headline = Headline.of(findings)
    pdf = Path(pdf_path)
    try:
        data = pdf.read_bytes()
    except OSError as exc:
        raise SecorError(f"cannot read the pack PDF '{pdf}': {exc.strerror or exc}.",
                         fix=f"Run `secor pack --month {month}` first.") from None
    msg = EmailMessage()
    _headers(msg, cfg, cfg.to, render_subject(cfg.subject, headline.company or settings.company, month))
    msg.set_content(pack_text(headline, month, pdf.name))
    msg.add_alternative(pack_html(headline, month, pdf.name), subtype="html")
    msg.add_attachment(data, maintype="application", subtype="pdf", filename=pdf.name)
    # Stable for this pack: a re-send (`secor send`) of the same PDF carries the same Message-ID, so mail
    # programs show one message; a pack made again (other bytes) is a new message.
    msg.replace_header("Message-ID", pack_message_id(settings, month, data))
    return msg


def pack_message_id(settings: Settings, month: str, pdf: bytes) -> str:
    """``<secor-pack-2026-10-<12 hex of the PDF's SHA-256>.<company>@<sender domain>>``: the same for the same pack."""
    slug = re.sub(r"[^a-z0-9]+", "-", settings.company.lower()).strip("-")[:16].strip("-") or "company"
    domain = re.sub(r"[^A-Za-z0-9.-]", "", _sender(settings.email).rpartition("@")[2]) or "localhost"
    return f"<secor-pack-{month}-{hashlib.sha256(pdf).hexdigest()[:12]}.{slug}@{domain}>"


# --------------------------------------------------------------------------- the office's alert


def build_alert_message(settings: Settings, job: str, failures: int, error: str, *,
                        first_failed: datetime | str | None = None, log_file: str | Path | None = None,
                        ) -> EmailMessage:
    """Tell the office (``[email] alerts_to``, else ``to``) that a job has failed ``failures`` times in a row."""
    cfg = settings.email
    to = cfg.alerts_to or cfg.to
    kind = str(job).partition(" ")[0]  # "mail 2026-10" -> "mail": the alert is once per kind
    since = first_failed.isoformat(timespec="minutes") if isinstance(first_failed, datetime) else first_failed
    lines = [
        f"The SECOR pipeline's {job} job for {settings.company} has failed {failures} times in a row.",
        "",
        f"Last error: {error}",
    ]
    if since:
        lines.append(f"Failing since: {since}")
    if log_file:
        lines.append(f"Log file: {log_file}")
    lines += [
        "",
        "The scheduler keeps running and retries the job; the dashboards and packs catch up once it works.",
        f"You will not get another alert for {kind} jobs until every one of them has succeeded again.",
    ]
    msg = EmailMessage()
    _headers(msg, cfg, to, _one_line(f"{settings.company} SECOR pipeline: {job} failing ({failures} times)"))
    msg.set_content("\n".join(lines) + "\n")
    return msg


# --------------------------------------------------------------------------- sending


# A name as people write environment variables (SECOR_SMTP_PASSWORD): safe to print. Anything
# else in password_env that names no variable may be the password itself, written there by mistake.
_CONVENTIONAL_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def password_variable(cfg: EmailSettings) -> str:
    """How messages name the password's variable: by name, unless that could print the password itself."""
    name = cfg.password_env or "SECOR_SMTP_PASSWORD"
    if name in os.environ or _CONVENTIONAL_NAME.fullmatch(name):
        return f"the environment variable {name}"
    return "the environment variable that [email] password_env names (not shown: it may be the password itself)"


def smtp_password(cfg: EmailSettings) -> str | None:
    """The SMTP password from the environment, or None when no login is configured."""
    if not cfg.username:
        return None
    name = cfg.password_env or "SECOR_SMTP_PASSWORD"
    password = os.environ.get(name)
    if not password:
        named = password_variable(cfg)
        fix = (f"Set it for the user that runs secor (e.g. EnvironmentFile= in the systemd unit). [email] "
               "password_env is the variable's name, e.g. \"SECOR_SMTP_PASSWORD\", never the password: if you wrote "
               "the password there, move it into that variable (and change it if the config was shared).")
        raise SecorError(f"[email] username is set but {named} (the SMTP password) is not set.", fix=fix)
    return password


def tls_context(cfg: EmailSettings) -> ssl.SSLContext:
    """A verifying TLS context: the system CAs, or ``[email] ca_file`` when set."""
    try:
        return ssl.create_default_context(cafile=cfg.ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise SecorError(f"[email] ca_file '{cfg.ca_file}' cannot be used: {exc}.",
                         fix="Point it to a PEM file with the mail server's CA certificate.") from None


class MaybeSent(SecorError):
    """The server received the whole message (the final dot) but its answer never came: it may have been
    delivered (RFC 1047). Never retried by itself; ``secor send --month`` sends it again on purpose."""


class Refused(SecorError):
    """The server refused every recipient (e.g. 550 no such user): sending the same message again will not help."""


class _Data:
    """``SMTP.data`` that knows when the final dot went out and waits ``[email] data_timeout_seconds`` for
    the server's answer to it (RFC 5321 4.5.3.2.6 recommends 10 minutes: the server may be scanning it)."""

    def __init__(self, smtp: smtplib.SMTP, data_timeout: float, normal_timeout: float) -> None:
        self.smtp, self.data_timeout, self.normal_timeout = smtp, data_timeout, normal_timeout
        self.dot_sent = False

    def __call__(self, msg: bytes | str) -> tuple[int, bytes]:
        smtp = self.smtp
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        data = msg.encode("ascii") if isinstance(msg, str) else msg
        data = re.sub(rb"(?m)^\.", b"..", data)
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        smtp.send(data + b".\r\n")
        self.dot_sent = True  # from here on, a lost answer means "may have been delivered"
        if smtp.sock is not None:
            smtp.sock.settimeout(self.data_timeout)
        try:
            answer = smtp.getreply()
        finally:
            if smtp.sock is not None:
                smtp.sock.settimeout(self.normal_timeout)
        self.dot_sent = False  # answered: accepted or refused, the outcome is known
        return answer


def send_message(settings: Settings, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
    """Send over SMTP as ``[email]`` says; every failure becomes one clear SecorError.

    Returns the recipients the server refused while accepting the others (logged as a warning).
    Raises :class:`MaybeSent` when the whole message went out but the server's answer to it was lost
    (timeout after ``data_timeout_seconds``, connection closed): the outcome is unknown.
    """
    cfg = settings.email
    security = cfg.security.strip().lower()
    where = f"{cfg.host}:{cfg.port}"
    if security not in ("starttls", "ssl", "none"):
        raise SecorError(f"[email] security '{cfg.security}' is not known.", fix='Use "starttls", "ssl" or "none".')
    if not any(str(v).strip() for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])):
        raise SecorError("the email has no recipients.", fix="Set [email] to (and alerts_to) in the config.")
    password = smtp_password(cfg)
    if password is not None and security == "none":
        raise SecorError("refusing to send the SMTP password over an unencrypted connection.",
                         fix='Set [email] security = "starttls" (port 587) or "ssl" (port 465).')
    context = tls_context(cfg) if security != "none" else None
    stage = "connect"
    try:
        if security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout_seconds, context=context)
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
        try:
            stage = "greet"
            smtp.ehlo()
            if security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SecorError(f"the mail server {where} does not offer STARTTLS.",
                                     fix='Use security = "ssl" if it is an implicit-TLS port (465).')
                stage = "tls"
                smtp.starttls(context=context)
                smtp.ehlo()
            if password is not None:
                stage = "login"
                smtp.login(cfg.username, password)
            stage = "send"
            data = _Data(smtp, cfg.data_timeout_seconds, cfg.timeout_seconds)
            smtp.data = data  # type: ignore[method-assign]
            try:
                refused = smtp.send_message(message)
            except OSError as exc:  # SMTPServerDisconnected and TimeoutError are OSErrors
                if not data.dot_sent:
                    raise
                timed_out = isinstance(exc, TimeoutError) or "timed out" in str(exc)  # smtplib rewraps the timeout
                what = (f"no answer within {cfg.data_timeout_seconds:g} seconds" if timed_out
                        else "the connection was closed before the answer")
                raise MaybeSent(
                    f"the mail server {where} received the whole email but did not confirm it ({what}); "
                    "it may have been delivered.",
                    fix="It is not sent again by itself. Ask the recipient; to send it again on purpose use "
                        "`secor send --month YYYY-MM`.") from None
            stage = "sent"  # the server has accepted the message: nothing after this may count as a failure
        finally:
            _quit(smtp, where, sent=stage == "sent")
        if refused:  # delivered to the others: not an error, or a retry would send them a second copy
            log.warning("the mail server %s refused some recipients: %s; check [email] to / alerts_to",
                        where, ", ".join(sorted(refused)))
        return dict(refused)
    except SecorError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise SecorError(
            f"the mail server {where} rejected the user name or password for '{cfg.username}' "
            f"({exc.smtp_code}).",
            fix=f"Check [email] username and the password in {password_variable(cfg)}.",
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SecorError(f"the mail server {where} does not support what was asked ({stage}): {exc}.",
                         fix="Check [email] security and username.") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise Refused(f"the mail server {where} refused every recipient: {', '.join(sorted(exc.recipients))}.",
                      fix="Check the addresses in [email] to / alerts_to.") from None
    except smtplib.SMTPSenderRefused as exc:
        raise SecorError(f"the mail server {where} refused the sender '{exc.sender}': {_reply(exc.smtp_error)}.",
                         fix="Check [email] sender: many servers only accept the login's own address.") from None
    except smtplib.SMTPServerDisconnected:
        raise SecorError(f"the mail server {where} closed the connection during {_STAGES[stage]}; "
                         "the email was not sent.", fix="It will be retried on the next run.") from None
    except smtplib.SMTPResponseException as exc:
        raise SecorError(f"the mail server {where} answered {exc.smtp_code} during {_STAGES[stage]}: "
                         f"{_reply(exc.smtp_error)}; the email was not sent.") from None
    except ssl.SSLCertVerificationError as exc:
        raise SecorError(
            f"the mail server {where}'s TLS certificate could not be verified: {exc.verify_message}.",
            fix="If the relay uses its own certificate authority, set [email] ca_file to that CA's PEM file; "
                "check that [email] host matches the certificate's name.",
        ) from None
    except ssl.SSLError as exc:
        raise SecorError(f"TLS with the mail server {where} failed: {exc.reason or exc}.",
                         fix='Check [email] security: "starttls" for port 587, "ssl" for port 465.') from None
    except ConnectionRefusedError:
        raise SecorError(f"could not connect to the mail server {where}: connection refused.",
                         fix="Check [email] host and port, and that the mail server is running.") from None
    except socket.gaierror:
        raise SecorError(f"the mail server name '{cfg.host}' cannot be resolved.",
                         fix="Check [email] host and the network.") from None
    except TimeoutError:
        raise SecorError(f"the mail server {where} did not answer within {cfg.timeout_seconds:g} seconds "
                         f"(during {_STAGES[stage]}).", fix="Check [email] host, port and the network.") from None
    except (ConnectionError, smtplib.SMTPException, OSError) as exc:
        what = "dropped the connection" if isinstance(exc, ConnectionError) else f"failed ({exc})"
        raise SecorError(f"the mail server {where} {what} during {_STAGES[stage]}; the email was not sent.",
                         fix="It will be retried on the next run.") from None


def _quit(smtp: smtplib.SMTP, where: str, *, sent: bool) -> None:
    """Say QUIT and close; never raises. Not ``with smtp:``, whose exit raises on any QUIT answer but 221:
    after the message was accepted that would report it as failed, and it would be sent again."""
    try:
        code, reply = smtp.quit()
        if code != 221 and sent:
            log.warning("the mail server %s answered %s to QUIT after accepting the email (%s); it counts as sent",
                        where, code, _reply(reply))
    except (smtplib.SMTPException, OSError) as exc:
        if sent:
            log.warning("the mail server %s accepted the email, then failed on QUIT (%s); it counts as sent",
                        where, exc)
    finally:
        smtp.close()


_STAGES = {"connect": "connecting", "greet": "the greeting", "tls": "STARTTLS", "login": "login",
           "send": "sending"}


def _reply(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return _one_line(text)


def message_bytes(message: EmailMessage) -> bytes:
    """The message as an .eml file's bytes (CRLF line ends, as mail programs expect)."""
    from email import policy

    return message.as_bytes(policy=policy.SMTP)
