"""Test helpers: a real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS or implicit TLS, AUTH, a trustme CA),
a small real PDF, findings without an engine run, and fast job functions for the scheduler."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from pypdf import PdfWriter

from pipeline.checks.audit import ElementScore, Findings
from pipeline.settings import EmailSettings, ScheduleSettings, Settings

USER = "office@acme.example"
PASSWORD = "correct horse battery staple"
PASSWORD_ENV = "SECOR_TEST_SMTP_PASSWORD"

ELEMENT_NAMES = {
    1: "Management Leadership and Organizational Commitment",
    2: "Hazard Identification and Assessment",
    3: "Hazard Control",
    4: "Workplace Inspections",
    5: "Qualifications, Orientation and Training",
    6: "Incident Investigation",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pdf_bytes(pages: int = 1) -> bytes:
    """A small, valid PDF."""
    import io

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_findings(company: str = "Acme Safety & Sons <Ltd>", as_of: date = date(2026, 10, 31),
                  readiness: tuple[float, ...] = (1.0, 0.75, 0.5, 1.0, 0.25, 1.0)) -> Findings:
    """A real Findings object with chosen readiness per element (checks: 4 each) and headline counts."""
    elements = []
    for i, r in enumerate(readiness, start=1):
        passed = int(r * 4)
        warned = 1 if r * 4 - passed >= 0.5 else 0
        elements.append(ElementScore(i, ELEMENT_NAMES[i], 4, passed, warned, 4 - passed - warned))
    return Findings(
        company=company, as_of=as_of, certifications=pd.DataFrame(), deficiencies=pd.DataFrame(), checks=(),
        elements=tuple(elements), issues=pd.DataFrame(),
        counts={"expired_tickets": 2, "missing_tickets": 1, "expiring_tickets": 3, "open_deficiencies": 9,
                "overdue_deficiencies": 4, "near_misses": 0, "data_issues": 5},
        pass_overall=0.8, pass_element=0.5)


@dataclass
class Handler:
    """Keeps every message it accepts; ``drop_on_data`` closes the connection instead of answering DATA;
    ``quit_reply`` is the answer to QUIT."""

    messages: list[Envelope] = field(default_factory=list)
    drop_on_data: bool = False
    reject: set[str] = field(default_factory=set)  # recipients answered with 550
    quit_reply: str = "221 Bye"  # e.g. "421 ..." : a server that answers QUIT badly after accepting the message
    answer_delay: float = 0.0  # keeps the message, then waits this long before answering the final dot
    quit_delay: float = 0.0  # a server slow to answer QUIT (after it accepted the message)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.reject:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Envelope) -> str:
        if self.quit_delay:
            await asyncio.sleep(self.quit_delay)
        return self.quit_reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        if self.drop_on_data:
            server.transport.abort()
            return "421 gone"
        self.messages.append(envelope)
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    ca_file: Path
    handler: Handler

    def settings(self, tmp: Path, **email: Any) -> Settings:
        base = dict(enabled=True, to=("owner@acme.example",), alerts_to=("office@acme.example",),
                    sender="secor@acme.example", host=self.host, port=self.port, security="starttls",
                    username=USER, password_env=PASSWORD_ENV, ca_file=str(self.ca_file), timeout_seconds=5.0)
        base.update(email)
        return Settings(company="Acme Safety & Sons <Ltd>", output=str(tmp / "out"),
                        email=EmailSettings(**base), schedule=ScheduleSettings())


@contextmanager
def smtp_server(tmp: Path, *, implicit_tls: bool = False, drop_on_data: bool = False) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that requires TLS and AUTH, with a certificate from a private CA."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    ca_file = tmp / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() \
            and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    handler = Handler(drop_on_data=drop_on_data)
    port = free_port()
    kwargs: dict[str, Any] = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, auth_required=True)
    if implicit_tls:
        kwargs.update(ssl_context=server_ctx, auth_require_tls=False)
    else:
        kwargs.update(tls_context=server_ctx, require_starttls=True, auth_require_tls=True)
    with warnings.catch_warnings():  # implicit TLS: the connection is TLS from the start, AUTH is safe
        warnings.simplefilter("ignore")
        controller = Controller(handler, **kwargs)
    if implicit_tls:
        # Controller's readiness probe speaks plain SMTP; with implicit TLS it needs the CA too.
        controller.ssl_context = server_ctx
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, ca_file, handler)
    finally:
        controller.stop()


@dataclass
class FakeJobs:
    """Fast stand-ins for run_sync/run_pack/send that count their calls (thread-safe)."""

    out: Path
    fail_sync: bool = False
    fail_pack: bool = False
    fail_send: bool = False
    delay: float = 0.0
    syncs: list[date] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)
    sent: list[Any] = field(default_factory=list)
    send_attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def jobs(self) -> Any:
        from jobs.scheduler import Jobs

        return Jobs(sync=self.sync, pack=self.pack, send=self.send)

    def _pause(self) -> None:
        if self.delay:
            import time

            time.sleep(self.delay)

    def sync(self, settings: Settings, as_of: date) -> Any:
        self._pause()
        if self.fail_sync:
            from pipeline.errors import SecorError

            raise SecorError("source folder 'demo' not found.")
        with self.lock:
            self.syncs.append(as_of)
        return None

    def pack(self, settings: Settings, month: str) -> Any:
        from types import SimpleNamespace

        self._pause()
        if self.fail_pack:
            raise RuntimeError("pack engine crashed")
        folder = self.out / "packs" / month
        folder.mkdir(parents=True, exist_ok=True)
        pdf = folder / f"acme-audit-pack-{month}.pdf"
        pdf.write_bytes(pdf_bytes())
        with self.lock:
            self.packs.append(month)
        y, m = int(month[:4]), int(month[5:])
        import calendar

        return SimpleNamespace(month=month, pdf=pdf, files=(pdf,), pages=1, seconds=0.0,
                               findings=make_findings(as_of=date(y, m, calendar.monthrange(y, m)[1])))

    def send(self, settings: Settings, message: Any) -> None:
        with self.lock:
            self.send_attempts += 1
        self._pause()
        if self.fail_send:
            from pipeline.errors import SecorError

            raise SecorError("could not connect to the mail server 127.0.0.1:1: connection refused.")
        with self.lock:
            self.sent.append(message)
