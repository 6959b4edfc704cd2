"""Speed and memory figures for `secor sync` (and the pack), printed, never asserted.

Run: `make bench` (or `.venv/bin/python bench/bench.py [--sizes 10x12,10x36,100x36] [--repeat 3]`).

For each company size it generates the demo company, then measures:
- `secor sync` as a whole process: wall time and peak RSS (best of --repeat runs);
- the floor: a process that only starts Python, imports pandas and reads the same files with calamine;
- in-process stage times of one sync: read, normalise, engine, write;
- the monthly pack for the last full month: seconds and pages (WeasyPrint);
- Google mode: Sheets API requests of one whole sync (read and write) against the test emulator;
- the pack's peak memory for a month of 20,000 and 200,000 FLHAs (`--pack-flhas`), as its own process:
  the appendix prints APPENDIX_ROWS rows per form and streams the rest to records-<form>.csv, so this
  grows with the records read, not with a PDF of every row.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the emulator lives in tests/
DATA = ROOT / "bench" / "data"
END = date(2026, 10, 31)

FLOOR = """
import sys, pathlib
import pandas
from python_calamine import CalamineWorkbook
rows = 0
for p in sorted(pathlib.Path(sys.argv[1]).glob('*.xlsx')):
    book = CalamineWorkbook.from_path(str(p))
    for name in book.sheet_names:
        rows += len(book.get_sheet_by_name(name).to_python())
print(rows)
"""

MEASURE = """
import resource, subprocess, sys, time, json
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - t
if r.returncode:
    sys.stderr.write(r.stderr)
print(json.dumps({"wall": wall, "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "rc": r.returncode}))
"""


def measure(cmd: list[str], repeat: int) -> dict[str, float]:
    """Best wall time and the peak RSS of a command run as its own process."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
        figures = json.loads(out.stdout)
        if figures["rc"]:
            raise SystemExit(f"command failed: {' '.join(cmd)}\n{out.stderr}")
        if not best or figures["wall"] < best["wall"]:
            best = figures
    return best


def stage_times(folder: Path) -> tuple[dict[str, float], int]:
    """One in-process sync, timed per stage."""
    from jobs.sync import run_sync
    from pipeline.settings import Settings, SourceSettings

    settings = Settings(source=SourceSettings(path=str(folder)), output=str(folder.parent / (folder.name + "-out")))
    result = run_sync(settings, as_of=END)
    return result.timings, result.rows_read


def pack_figures(folder: Path) -> tuple[float, int] | None:
    try:
        from jobs.pack import run_pack
    except ImportError:
        return None
    from pipeline.settings import Settings, SourceSettings

    settings = Settings(source=SourceSettings(path=str(folder)), output=str(folder.parent / (folder.name + "-out")))
    t = time.perf_counter()
    result = run_pack(settings, f"{END:%Y-%m}")
    return time.perf_counter() - t, result.pages


def big_flha_company(n: int) -> Path:
    """A small demo company whose October has ``n`` FLHAs (made once, kept in bench/data)."""
    from pipeline.demo import generate_demo

    folder = DATA / f"pack-flha-{n}"
    if (folder / "flha.xlsx").exists():
        return folder
    generate_demo(folder, workers=10, months=3, seed=11, end=END)
    import openpyxl

    responses = folder / "form-responses.xlsx"
    book = openpyxl.load_workbook(responses)
    header = [c.value for c in book["FLHA"][1]]
    del book["FLHA"]  # replaced by the big one below
    book.save(responses)
    big = openpyxl.Workbook(write_only=True)  # streamed: 200,000 rows without a sheet in memory
    sheet = big.create_sheet("FLHA")
    sheet.append(header)
    for i in range(n):
        day = date(2026, 10, 1 + i % 31)
        sheet.append([f"{day:%Y-%m-%d} 07:{i % 60:02d}:00", day, f"Worker {i % 40}", f"Pad {i % 25}",
                      "Hydrovac excavation", "line strike; sour gas near wellhead", "locates; H2S monitor",
                      "Crew A, Crew B", f"Worker {i % 40}", "Dale Kowalski" if i % 3 else ""])
    big.save(folder / "flha.xlsx")
    return folder


def pack_memory(n: int, repeat: int) -> dict[str, float]:
    """Wall time and peak RSS of `secor pack` for a month with ``n`` FLHAs, as its own process."""
    folder = big_flha_company(n)
    secor = str(Path(sys.executable).parent / "secor")
    return measure([secor, "pack", "--month", f"{END:%Y-%m}", "--source", str(folder),
                    "--out", str(DATA / f"out-pack-flha-{n}")], repeat)


def google_figures(folder: Path) -> tuple[int, float] | None:
    """Sheets API requests and seconds of one Google-mode sync, against the test emulator on 127.0.0.1."""
    try:
        from tests.google.data import upload
        from tests.google.emulator import Emulator, new_private_key
    except ImportError:  # the emulator needs the test requirements
        return None
    import tempfile

    from jobs.sync import run_sync
    from pipeline.settings import GoogleSettings, Settings, SourceSettings

    with Emulator() as em, tempfile.TemporaryDirectory() as tmp:
        key = em.write_key_file(Path(tmp) / "key.json", private_key=new_private_key())
        keys = []
        for i, path in enumerate(sorted(folder.glob("*.xlsx"))):
            keys.append(f"1BenchKey{i:02d}" + "A" * 35)
            upload(em, path, keys[-1])
        settings = Settings(source=SourceSettings(backend="google", spreadsheets=tuple(keys), credentials=str(key)),
                            google=GoogleSettings(api_endpoint=em.url))
        em.clear_log()
        t = time.perf_counter()
        run_sync(settings, as_of=END)
        return len(em.api_requests()), time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10x12,10x36,100x36", help="WORKERSxMONTHS, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pack", action="store_true")
    parser.add_argument("--no-google", action="store_true")
    parser.add_argument("--pack-flhas", default="20000,200000",
                        help="FLHAs in a month for the pack-memory figure, comma-separated ('' to skip)")
    args = parser.parse_args()
    from pipeline.demo import generate_demo

    secor = str(Path(sys.executable).parent / "secor")
    print(f"{'size':>8} {'rows':>8} | {'sync s':>7} {'peak MB':>8} | {'floor s':>7} {'floor MB':>8} {'ratio':>5} | "
          f"{'read':>5} {'norm':>5} {'engine':>6} {'write':>5} | {'pack s':>6} {'pages':>5} | "
          f"{'google requests':>15} {'s':>5}")
    for size in args.sizes.split(","):
        workers, months = (int(x) for x in size.split("x"))
        folder = DATA / f"company-{workers}x{months}"
        if not folder.exists():
            generate_demo(folder, workers=workers, months=months, seed=11, end=END)
        sync = measure([secor, "sync", "--source", str(folder), "--out", str(DATA / f"out-{size}"),
                        "--as-of", END.isoformat()], args.repeat)
        floor = measure([sys.executable, "-c", FLOOR, str(folder)], args.repeat)
        stages, rows = stage_times(folder)
        pack = None if args.no_pack else pack_figures(folder)
        pack_txt = f"{pack[0]:>6.2f} {pack[1]:>5}" if pack else f"{'-':>6} {'-':>5}"
        google = None if args.no_google else google_figures(folder)
        google_txt = f"{google[0]:>15} {google[1]:>5.2f}" if google else f"{'-':>15} {'-':>5}"
        print(f"{size:>8} {rows:>8} | {sync['wall']:>7.2f} {sync['peak_kb'] / 1024:>8.0f} | "
              f"{floor['wall']:>7.2f} {floor['peak_kb'] / 1024:>8.0f} {sync['wall'] / floor['wall']:>5.2f} | "
              f"{stages['read']:>5.2f} {stages['normalise']:>5.2f} {stages['engine']:>6.2f} {stages['write']:>5.2f} | "
              f"{pack_txt} | {google_txt}", flush=True)
    for n in filter(None, args.pack_flhas.split(",")):
        figures = pack_memory(int(n), 1)
        print(f"pack of a month with {int(n):>7,} FLHAs: {figures['wall']:>6.1f} s, "
              f"peak {figures['peak_kb'] / 1024:>6.0f} MB", flush=True)


if __name__ == "__main__":
    main()
