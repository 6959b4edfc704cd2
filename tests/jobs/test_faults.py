"""Long fault tests (``-m faults``; run by `make test`, and with more trials by `make faults`): random
``kill -9`` of a run mailing packs, and a simulated year with SMTP outages. Nothing doubled, nothing lost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.jobs.faults import kill_campaign, simulated_year
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, smtp_server

pytestmark = pytest.mark.faults


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


@pytest.mark.parametrize("quit_delay", [0.0, 0.5], ids=["quick QUIT", "slow QUIT"])
def test_random_kills_never_mail_a_month_twice_nor_lose_one(tmp_path: Path, quit_delay: float) -> None:
    t0 = time.perf_counter()
    with smtp_server(tmp_path) as server:
        server.handler.quit_delay = quit_delay  # widens the window between acceptance and the state save
        figures = kill_campaign(tmp_path, server, trials=8, seed=int(quit_delay * 10) + 1)
    assert figures.duplicates == 0, figures.line("kills")
    assert figures.lost == [], figures.line("kills")
    assert figures.held == figures.months == 24
    assert time.perf_counter() - t0 < 30


def test_a_simulated_year_with_smtp_outages_mails_each_pack_once(tmp_path: Path) -> None:
    t0 = time.perf_counter()
    with smtp_server(tmp_path) as server:
        figures = simulated_year(tmp_path, server)
    assert figures.duplicates == 0 and figures.lost == [], figures.line("year")
    assert figures.held == figures.months == 12
    assert figures.maybe_sent == 1  # May: the server kept the message but answered too late; told, not resent
    assert time.perf_counter() - t0 < 30
