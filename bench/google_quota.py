"""Sheets API requests per client per daily run, and the minutes of quota 1,000 clients take. Printed, never asserted.

Run: `.venv/bin/python bench/google_quota.py [--clients 1000]` (needs the test requirements: the emulator).

For the demo company in both of its shapes (`template`: one office workbook and one forms
workbook; `forms`: a real office's Drive, one response spreadsheet per form, see
pipeline/demo/forms_style.py) loaded into the test emulator as Google Sheets, it runs one
`secor sync` (the daily run: read every spreadsheet, write the Dashboard tabs) and counts
the requests Google would count, reads and writes apart. Then it projects the time one
service account needs for ``--clients`` such daily runs when every request goes through the
fleet's shared limiter (pipeline/sources/quota.py):

- at 50 a minute, the default ``[google] requests_per_minute`` (under the limit, with margin);
- at 60 a minute, Google's limit per service account ("per user");
- at 300 a minute, Google's limit per project: reachable only with 5 service accounts, as
  one account never gets past its 60.

The limiter paces reads and writes under one budget, while Google counts them in separate
quotas of 60 each; the last line shows the time if reads alone were paced at 60.

`--measure N` also runs N demo clients' syncs for real, in a pool of 2 processes (a fleet's shape)
sharing one ``quota_file``, with the budget scaled down to seconds (``--budget`` requests per
``--window`` seconds), and prints the rate achieved, the busiest window and the 429s: whether
the projection's "requests / budget" holds when processes share the limiter.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the emulator lives in tests/
END = date(2026, 10, 31)
RATES = ((50, "default budget"), (60, "Google's limit per service account"),
         (300, "Google's limit per project: 5 accounts"))


def load_drive(em, folder: Path, files: list[Path]) -> list[str]:
    """The company's files as Google spreadsheets; their keys. A CSV "<book> - <tab>.csv" is that book's tab."""
    from tests.google.data import xlsx_rows

    keys = []
    for i, path in enumerate(files):
        key = f"1QuotaBench{i:02d}" + "Q" * 33
        if path.suffix == ".csv":
            title, _, tab = path.stem.partition(" - ")
            with path.open(newline="", encoding="utf-8-sig") as f:
                em.add_spreadsheet(key, title, {tab or "Sheet1": list(csv.reader(f))})
        else:
            em.add_spreadsheet(key, path.stem, xlsx_rows(path))  # Drive drops .xlsx when it converts
        keys.append(key)
    return keys


def count_sync(style: str, work: Path) -> dict[str, float]:
    """Requests of one daily sync of the demo company in ``style`` (reads, writes, spreadsheets, seconds)."""
    from dataclasses import replace

    from jobs.sync import run_sync
    from pipeline.demo import generate_demo
    from pipeline.settings import GoogleSettings, SourceSettings, load_settings
    from tests.google.emulator import WRITE_METHODS, Emulator, new_private_key

    company = generate_demo(work / style, end=END, style=style)
    files = list(company.files or (company.office, company.forms))
    demo = load_settings(company.config)
    with Emulator() as em:
        key = em.write_key_file(work / f"{style}-key.json", private_key=new_private_key())
        keys = load_drive(em, company.folder, files)
        settings = replace(demo, output=str(work / f"{style}-out"),
                           source=SourceSettings(backend="google", spreadsheets=tuple(keys), credentials=str(key)),
                           google=GoogleSettings(api_endpoint=em.url))
        em.clear_log()
        t = time.perf_counter()
        result = run_sync(settings, as_of=END)
        seconds = time.perf_counter() - t
        calls = em.api_requests()
        writes = sum(1 for c in calls if em.discovery.match(c["method"], c["path"])[0].id in WRITE_METHODS)
    return {"spreadsheets": len(keys), "reads": len(calls) - writes, "writes": writes, "seconds": seconds,
            "problems": len(result.problems)}


def _sync_one(settings) -> int:
    """One client's sync in a pool process; the problems it reported."""
    from jobs.sync import run_sync

    logging.basicConfig(level=logging.ERROR)
    return len(run_sync(settings, as_of=END).problems)


def measure(clients: int, budget: int, window: float, work: Path) -> dict[str, float]:
    """``clients`` template-style demo clients synced by a pool of 2 processes under one shared budget."""
    import multiprocessing
    from dataclasses import replace

    from pipeline.demo import generate_demo
    from pipeline.settings import GoogleSettings, SourceSettings, load_settings
    from tests.google.data import upload
    from tests.google.emulator import Emulator, new_private_key

    company = generate_demo(work / "measure", end=END)
    demo = load_settings(company.config)
    with Emulator() as em:
        key = em.write_key_file(work / "measure-key.json", private_key=new_private_key())
        google = GoogleSettings(api_endpoint=em.url, requests_per_minute=budget, window_seconds=window,
                                quota_file=str(work / "google-quota.json"), max_retry_seconds=600.0)
        runs = []
        for i in range(clients):
            keys = (f"1Measure{i:03d}O" + "O" * 32, f"1Measure{i:03d}F" + "F" * 32)
            upload(em, company.office, keys[0])
            upload(em, company.forms, keys[1])
            runs.append(replace(demo, output=str(work / f"client-{i:03d}"), google=google,
                                source=SourceSettings(backend="google", spreadsheets=keys, credentials=str(key))))
        em.clear_log()
        t = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            problems = sum(pool.map(_sync_one, runs, chunksize=1))
        seconds = time.perf_counter() - t
        times = em.request_times()
        throttled = len(em.request_times(429))
    busiest = max(sum(1 for u in times if s <= u < s + window) for s in times)
    span = times[-1] - times[0]
    return {"requests": len(times), "seconds": seconds, "span": span, "busiest": busiest, "throttled": throttled,
            "rate": (len(times) - budget) / span * window if span else 0.0, "problems": problems}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--measure", type=int, default=0, metavar="N", help="also sync N clients for real")
    parser.add_argument("--budget", type=int, default=6, help="--measure: requests per window")
    parser.add_argument("--window", type=float, default=2.0, help="--measure: the window, seconds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    n = args.clients
    with tempfile.TemporaryDirectory() as tmp:
        figures = {style: count_sync(style, Path(tmp)) for style in ("template", "forms")}
    print("Sheets API requests of one daily run (secor sync: read every spreadsheet, write the Dashboard tabs)")
    print(f"{'demo company':<28} {'spreadsheets':>12} {'reads':>6} {'writes':>6} {'total':>6} {'sync s':>7}")
    for style, f in figures.items():
        shape = {"template": "template (office + forms)", "forms": "forms (one per form)"}[style]
        total = f["reads"] + f["writes"]
        print(f"{shape:<28} {f['spreadsheets']:>12.0f} {f['reads']:>6.0f} {f['writes']:>6.0f} {total:>6.0f} "
              f"{f['seconds']:>7.2f}" + (f"  ({f['problems']:.0f} problem(s))" if f["problems"] else ""))
    print(f"\nMinutes of quota for {n:,} clients' daily runs, one shared limiter (reads and writes in one budget):")
    print(f"{'budget':<54} " + " ".join(f"{s:>10}" for s in figures))
    for rate, what in RATES:
        cells = " ".join(f"{n * (f['reads'] + f['writes']) / rate:>10.0f}" for f in figures.values())
        print(f"{f'{rate} a minute ({what})':<54} {cells}")
    cells = " ".join(f"{n * f['reads'] / 60:>10.0f}" for f in figures.values())
    print(f"{'reads alone at 60 (Google counts writes apart)':<54} {cells}")
    print("A client's monthly pack adds one more read (2 requests per spreadsheet) on pack day.")
    if args.measure:
        with tempfile.TemporaryDirectory() as tmp:
            m = measure(args.measure, args.budget, args.window, Path(tmp))
        print(f"\nMeasured: {args.measure} template clients synced by 2 processes sharing one quota file, "
              f"budget {args.budget} per {args.window:g} s")
        print(f"  {m['requests']:.0f} requests in {m['span']:.1f} s (whole run {m['seconds']:.1f} s); after the first "
              f"window's burst {m['rate']:.1f} per {args.window:g} s ({m['rate'] / args.budget:.0%} of the budget); "
              f"busiest window {m['busiest']:.0f}; 429s {m['throttled']:.0f}; problems {m['problems']:.0f}")


if __name__ == "__main__":
    main()
