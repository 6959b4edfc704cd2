"""Fault figures for the README: random `kill -9` of runs mailing packs, and a simulated year with SMTP outages,
against a real SMTP server on 127.0.0.1 (STARTTLS, AUTH). Run with `make faults`.

Prints, per campaign: trials, months judged, months held (mailed exactly once, or at most once and the office
told "may have been sent"), duplicates (expected 0) and months lost (expected 0).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.jobs.faults import kill_campaign, simulated_year
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, smtp_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=40, help="kill trials per QUIT speed (default 40)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the campaigns log every fault they cause
    os.environ[PASSWORD_ENV] = PASSWORD
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for quit_delay in (0.0, 0.5):
            folder = Path(tmp) / f"quit-{quit_delay}"
            folder.mkdir()
            t0 = time.perf_counter()
            with smtp_server(folder) as server:
                server.handler.quit_delay = quit_delay
                figures = kill_campaign(folder, server, args.kills, seed=args.seed)
            label = f"kill -9 ({'slow' if quit_delay else 'quick'} QUIT, run {figures.window:.1f} s)"
            print(figures.line(label) + f"  [{time.perf_counter() - t0:.0f} s]")
            bad += figures.duplicates + len(figures.lost)
        folder = Path(tmp) / "year"
        folder.mkdir()
        t0 = time.perf_counter()
        with smtp_server(folder) as server:
            figures = simulated_year(folder, server)
        print(figures.line("simulated year, SMTP outages") + f"  [{time.perf_counter() - t0:.0f} s]")
        bad += figures.duplicates + len(figures.lost)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
