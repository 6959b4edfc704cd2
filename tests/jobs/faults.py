"""Fault campaigns against the scheduler and a real SMTP server on 127.0.0.1: random ``kill -9`` of a run,
and a simulated year with SMTP outages, a server answering the message too late, and both DST changes.

Shared by the ``faults`` tests and ``bench/faults.py`` (which runs more trials and prints the figures).
A month is *held* when, after the faults and a normal run, its pack email reached the server at most once,
and exactly once unless the state says "may have been sent" (then the office was told, and `secor send
--month` sends it again on purpose). A *duplicate* is any second copy the server received.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from zoneinfo import ZoneInfo

from jobs.scheduler import Jobs, run_once
from jobs.state import MAYBE_SENT, State, load_state, save_state
from pipeline.settings import EmailSettings
from tests.jobs.helpers import FakeJobs, SmtpServer

EDM = ZoneInfo("America/Edmonton")
KILL_RUNS = (datetime(2026, 11, 1, 6, 5, tzinfo=EDM), datetime(2026, 12, 1, 6, 5, tzinfo=EDM),
             datetime(2027, 1, 1, 6, 5, tzinfo=EDM))
KILL_MONTHS = ("2026-10", "2026-11", "2026-12")


@dataclass
class Figures:
    """What a campaign found: trials (kills, or months of the year), months held, duplicates, and more."""

    trials: int = 0
    months: int = 0
    held: int = 0
    duplicates: int = 0
    maybe_sent: int = 0  # months the office was told "may have been sent"
    lost: list[str] = field(default_factory=list)  # months neither mailed nor told: must stay empty
    window: float = 0.0  # kill campaign: seconds of an unkilled child run (kills land uniformly in it)

    def line(self, what: str) -> str:
        return (f"{what}: {self.trials} trials, {self.months} months, {self.held} held, {self.duplicates} "
                f"duplicates, {self.maybe_sent} told 'may have been sent', {len(self.lost)} lost")


def mails_per_month(server: SmtpServer) -> Counter[str]:
    counts: Counter[str] = Counter()
    for envelope in server.handler.messages:
        subject = str(message_from_bytes(envelope.original_content)["Subject"] or "")
        if "audit pack" in subject:
            counts[subject.rsplit(" ", 1)[-1]] += 1
    return counts


def judge(figures: Figures, server: SmtpServer, out: Path, months: Iterable[str]) -> None:
    counts, state = mails_per_month(server), load_state(out)
    for month in months:
        n = counts.get(month, 0)
        maybe = state.mailed.get(month, {}).get("status") == MAYBE_SENT
        figures.months += 1
        figures.duplicates += max(0, n - 1)
        figures.maybe_sent += maybe
        if n == 1 or (n == 0 and maybe):
            figures.held += 1
        elif n == 0:
            figures.lost.append(f"{out.name} {month}")


def _runs(out: Path, settings: object, times: Iterable[datetime]) -> None:
    fake = FakeJobs(out)
    for now in times:
        run_once(settings, now, Jobs(sync=fake.sync, pack=fake.pack), uptime=None)  # type: ignore[arg-type]


def _child(out: str, settings: object) -> None:
    _runs(Path(out), settings, KILL_RUNS)


def kill_campaign(tmp: Path, server: SmtpServer, trials: int, *, seed: int = 1) -> Figures:
    """``trials`` times: three monthly runs in a forked process killed (SIGKILL) at a random moment of its run
    (timed first, unkilled), then the next runs normally; every month must be held."""
    ctx = multiprocessing.get_context("fork")  # the child starts at once, with everything imported
    rng = random.Random(seed)
    figures = Figures()
    calibration = ctx.Process(target=_child, args=(str(tmp / "kill-timing"), server.settings(tmp).replace(
        output=str(tmp / "kill-timing"))))
    t0 = time.perf_counter()
    calibration.start()
    calibration.join(60)
    window = time.perf_counter() - t0
    figures.window = window
    for trial in range(trials):
        out = tmp / f"kill-{trial:03d}"
        settings = server.settings(tmp).replace(output=str(out))
        save_state(out, State(installed_month="2026-11"))
        server.handler.messages.clear()
        child = ctx.Process(target=_child, args=(str(out), settings))
        child.start()
        time.sleep(rng.uniform(0.0, window))
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(30)
        last = KILL_RUNS[-1]  # the next runs, after the last one the child may have reached: catch up
        _runs(out, settings, (last + timedelta(minutes=1), last + timedelta(days=1)))
        figures.trials += 1
        judge(figures, server, out, KILL_MONTHS)
    return figures


def simulated_year(tmp: Path, server: SmtpServer) -> Figures:
    """2027 in runs: hourly on the 1st to 3rd (the pack days, through both DST changes), daily otherwise.
    Outages: the server refuses connections on the 1st of March, July and November until noon, and
    in May it keeps the message but answers after the client's data timeout."""
    out = tmp / "year"
    settings = server.settings(tmp, data_timeout_seconds=0.3).replace(output=str(out))
    refused = settings.replace(email=EmailSettings(**{**settings.email.__dict__, "port": 1}))
    save_state(out, State(installed_month="2027-01"))
    server.handler.messages.clear()
    fake = FakeJobs(out)
    jobs = Jobs(sync=fake.sync, pack=fake.pack)
    day = datetime(2027, 1, 1, tzinfo=EDM)
    while day.year == 2027:
        hours = range(24) if day.day <= 3 else (6,)
        for hour in hours:
            now = datetime(day.year, day.month, day.day, hour, 5, tzinfo=EDM)
            down = day.month in (3, 7, 11) and day.day == 1 and hour < 12
            server.handler.answer_delay = 1.0 if day.month == 5 and day.day == 1 else 0.0
            run_once(refused if down else settings, now, jobs, uptime=None)
        day += timedelta(days=1)
    server.handler.answer_delay = 0.0
    figures = Figures(trials=1)
    judge(figures, server, out, ["2026-12", *(f"2027-{m:02d}" for m in range(1, 12))])
    assert fake.packs == sorted(set(fake.packs)), "a pack was made twice"
    return figures
