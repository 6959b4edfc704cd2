"""Email: the owner's monthly pack message, the office's failure alert, and sending them over SMTP.

Building a message is pure (settings + findings + a PDF path -> ``EmailMessage``); sending
it is the only part that touches the network. Sending always encrypts and verifies the
server's certificate (STARTTLS or implicit TLS) unless ``[email] security = "none"``, and
the SMTP password only ever comes from the environment variable ``[email] password_env``
names: it is never read from the config file, stored, or logged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import smtplib
import socket
import ssl
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from ..checks.audit import SELF_ASSESSMENT_NOTE
from ..errors import SecorError
from ..settings import EmailSettings, Settings
from .headline import ACTIONS_TAB, Headline, PlanTop
from .mail_layout import environment, render

log = logging.getLogger("secor.mail")

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

COUNT_LABELS: tuple[tuple[str, str], ...] = (
    ("expired_tickets", "Expired tickets"),
    ("missing_tickets", "Missing tickets"),
    ("expiring_tickets", "Tickets expiring soon"),
    ("open_deficiencies", "Open deficiencies"),
    ("overdue_deficiencies", "Overdue deficiencies"),
    ("near_misses", "Near misses reported (12 months)"),
    ("data_issues", "Data issues listed"),
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


@dataclass(frozen=True)
class BodyAction:
    """One action as a stacked block: '1. Renew ...', then who, by when, why (one per line)."""

    heading: str
    details: tuple[str, ...]
    overdue: bool = False


@dataclass(frozen=True)
class PackBody:
    """What the owner's email says, once: the plain-text and the HTML parts are two renderings of it."""

    title: str
    intro: str
    plan_heading: str  # "" when the headline kept no plan (made before there was one)
    actions: tuple[BodyAction, ...]
    plan_after: str  # "And 7 more in the pack's action list ..." or ""
    readiness: tuple[str, ...]
    elements: tuple[tuple[str, str, str], ...]  # ("Element 5", name, "25%")
    counts: tuple[tuple[str, str], ...]  # (label, shown value)
    closing: tuple[str, ...]


def _plan_heading(plan: PlanTop, as_of: date) -> str:
    shown = len(plan.top)
    if not shown:
        return f"Nothing to do: the action plan is empty as of {as_of.isoformat()}."
    if plan.total > shown:
        return f"What to do first: the {shown} most urgent of {plan.total} actions."
    return "What to do: the one action on the plan." if shown == 1 else \
        f"What to do: the {shown} actions on the plan, most urgent first."


def _plan_after(plan: PlanTop) -> str:
    if not plan.top:
        return ""
    if plan.total > len(plan.top):
        return (f"And {plan.total - len(plan.top)} more in the pack's action list and on the {ACTIONS_TAB} tab, "
                "with where to do each.")
    return f"The pack's action list and the {ACTIONS_TAB} tab say where to do each."


def _readiness(h: Headline) -> tuple[str, ...]:
    verdict = "MEETS" if h.meets_pass_rule else "DOES NOT MEET"
    lines = [f"Audit readiness: {_pct(h.overall)} overall. This {verdict} the Certifying Partners' rule "
             f"({_pct(h.pass_overall)} overall and at least {_pct(h.pass_element)} in every element)."]
    weakest = h.weakest
    if weakest:
        names = " and ".join(f"{e.element} {e.name}" for e in weakest)
        many = len(weakest) > 1
        lines.append(f"Weakest element{'s' if many else ''}: {names}, {_pct(weakest[0].readiness)}"
                     f"{' each' if many else ''}.")
    low = [e for e in h.elements if e.readiness < h.pass_element]
    if low:
        lines.append("Below " + _pct(h.pass_element) + ": " + ", ".join(f"element {e.element}" for e in low) + ".")
    return tuple(lines)


def pack_body(headline: Headline, month: str, pdf_name: str) -> PackBody:
    """The owner's email in words: the top actions first, then readiness, then the counts."""
    h = headline
    actions: tuple[BodyAction, ...] = ()
    if h.plan is not None:
        actions = tuple(BodyAction(f"{a.rank}. {a.what}", (f"Who: {a.who_text}", a.when_text(h.as_of), a.why_text()),
                                   overdue=a.due is not None and a.due < h.as_of) for a in h.plan.top)
    pointer = ("The action list at the front of the pack says what to fix first.",) if h.plan is None else ()
    return PackBody(
        title=f"{h.company}: SECOR audit pack for {month_label(month)}",
        intro=f"Records as of {h.as_of.isoformat()}. The full pack is attached ({pdf_name}).",
        plan_heading="" if h.plan is None else _plan_heading(h.plan, h.as_of),
        actions=actions,
        plan_after="" if h.plan is None else _plan_after(h.plan),
        readiness=_readiness(h),
        elements=tuple((f"Element {e.element}", e.name, _pct(e.readiness)) for e in h.elements),
        counts=tuple((label, h.shown(key)) for key, label in COUNT_LABELS if key in h.counts),
        closing=(*pointer, SELF_ASSESSMENT_NOTE),
    )


FOOTER = "Sent by the SECOR records pipeline."


def pack_text(headline: Headline, month: str, pdf_name: str) -> str:
    """Plain-text body of the owner's monthly email."""
    b = pack_body(headline, month, pdf_name)
    lines = [b.title, b.intro, ""]
    if b.plan_heading:
        lines += [b.plan_heading, ""]
        for a in b.actions:
            lines += [a.heading, *[f"   {d}" for d in a.details], ""]
        if b.plan_after:
            lines += [b.plan_after, ""]
    lines += [*b.readiness, "", "Readiness by element:"]
    width = max((len(name) for _, name, _ in b.elements), default=0)
    lines += [f"  {label}  {name:<{width}}  {pct:>4}" for label, name, pct in b.elements]
    lines += ["", "Headline numbers:"]
    label_width = max((len(label) for label, _ in b.counts), default=0)
    lines += [f"  {label:<{label_width}}  {value:>4}" for label, value in b.counts]
    for line in b.closing:
        lines += ["", line]
    lines += ["", "-- ", FOOTER]
    return "\n".join(lines) + "\n"


_HTML = environment({"pack.html": """{% extends "page.html" %}{% block body %}
<h2 style="{{ style.h2 }}">{{ b.title }}</h2>
<p style="{{ style.p }}">{{ b.intro }}</p>
{% if b.plan_heading %}<h3 style="{{ style.h3 }}">{{ b.plan_heading }}</h3>
{% for a in b.actions %}<div style="margin:0 0 10px 0;padding:4px 0 4px 10px;\
border-left:4px solid {{ '#b00020' if a.overdue else '#2b6cb0' }}">
<p style="margin:0;font-weight:bold">{{ a.heading }}</p>
{% for line in a.details %}<p style="margin:0{{ ';color:#b00020;font-weight:bold' if a.overdue and loop.index == 2 }}">\
{{ line }}</p>
{% endfor %}</div>
{% endfor %}{% if b.plan_after %}<p style="{{ style.p }}">{{ b.plan_after }}</p>{% endif %}{% endif %}
{% for line in b.readiness %}<p style="{{ style.p }}">{{ line }}</p>
{% endfor %}<h3 style="{{ style.h3 }}">Readiness by element</h3>
<ul style="{{ style.ul }}">{% for label, name, pct in b.elements %}
<li style="{{ style.li }}">{{ label }} {{ name }}: <b>{{ pct }}</b></li>{% endfor %}
</ul>
<h3 style="{{ style.h3 }}">Headline numbers</h3>
<ul style="{{ style.ul }}">{% for label, value in b.counts %}
<li style="{{ style.li }}">{{ label }}: <b>{{ value }}</b></li>{% endfor %}
</ul>
{% for line in b.closing %}<p style="margin:16px 0 0 0">{{ line }}</p>
{% endfor %}<p style="margin:20px 0 0 0;{{ style.quiet }}">{{ footer }}</p>
{% endblock %}"""})


def pack_html(headline: Headline, month: str, pdf_name: str) -> str:
    """The HTML part: the same words as :func:`pack_text` in one phone-width column, every value escaped."""
    return render(_HTML, "pack.html", b=pack_body(headline, month, pdf_name), footer=FOOTER)


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
        fix = ("Set it for the user that runs secor (e.g. EnvironmentFile= in the systemd unit). [email] "
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
