"""Fleet figures: N client companies of mixed sizes, synced and packed by `secor fleet`, printed, never asserted.

Run: `make bench-fleet` (or `.venv/bin/python bench/fleet.py [--clients 50] [--pack-clients 10] [--workers 2]`;
`--clients 200` for the large figure). For each measured run it prints the wall time, the per-client median,
the peak memory (the largest client process; this process; getrusage's RUSAGE_SELF + RUSAGE_CHILDREN, which
misses the client processes: they are the fork server's children), the workers used and the cores they kept
busy (the clients' CPU seconds over the wall time: 2.0 is both cores all the time); then the speed-up of
`--workers` over one worker on --speedup-clients clients. (Google mode's requests per client and the quota
minutes of 1,000 clients: bench/google_quota.py.)

The companies are made once per size with bench.py's generator (`generate_demo` at bench.py's END) and copied
for each client under its own company name, in bench/data/fleet/ (kept between runs).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the pipeline and tests/ (the emulator)
sys.path.insert(1, str(HERE))
from bench import DATA, END  # noqa: E402  (bench/bench.py: its generator's date and folder)

FLEET = DATA / "fleet"
SIZES = "8x3,12x12,30x12"  # WORKERSxMONTHS, cycled over the clients: mostly small, some larger


def company(size: str) -> Path:
    """The demo company of one size, generated once (bench.py's seed and END)."""
    from pipeline.demo import generate_demo

    workers, months = (int(x) for x in size.split("x"))
    folder = FLEET / "sizes" / size
    if not (folder / "secor.toml").exists():
        generate_demo(folder, workers=workers, months=months, seed=11, end=END)
    return folder


def clients(n: int, sizes: list[str]) -> Path:
    """n client folders (records + secor.toml under its own company name) and a fleet file listing them."""
    root = FLEET / f"clients-{n}"
    folder = root / "clients"
    for i in range(n):
        size = sizes[i % len(sizes)]
        target = folder / f"client-{i:03d}"
        if not (target / "secor.toml").exists():
            shutil.copytree(company(size), target, dirs_exist_ok=True)
            (target / "secor.toml").write_text(
                f'company = "Bench Client {i:03d} Ltd."\ntimezone = "America/Edmonton"\n', encoding="utf-8")
    fleet = root / "fleet.toml"
    fleet.write_text('clients_folder = "clients"\n[fleet]\nout = "out"\n', encoding="utf-8")
    return fleet


def measure(fleet_file: Path, kind: str, workers: int, **kwargs: object) -> dict[str, float]:
    from pipeline.fleet.config import load_fleet
    from pipeline.fleet.run import run_fleet

    fleet = load_fleet(fleet_file)
    shutil.rmtree(fleet.out, ignore_errors=True)
    result = run_fleet(fleet, kind, workers=workers, **kwargs)  # type: ignore[arg-type]
    if result.failed:
        first = result.failed[0].row
        raise SystemExit(f"{len(result.failed)} client(s) failed, e.g. {first.client}: {first.error}")
    seconds = [r.seconds for r in result.results]
    return {"clients": len(seconds), "wall": result.seconds, "median": statistics.median(seconds),
            "cores": sum(r.cpu_seconds for r in result.results) / result.seconds, "workers": result.workers,
            "client_mb": max(r.peak_kb for r in result.results) / 1024}


def peak_mb() -> tuple[float, float]:
    """(this process, RUSAGE_SELF + RUSAGE_CHILDREN) peak RSS in MB; Linux reports kB."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return me / 1024, (me + children) / 1024


def line(kind: str, f: dict[str, float]) -> str:
    me, both = peak_mb()
    return (f"{kind:>5} {int(f['clients']):>7} {int(f['workers']):>7} | {f['wall']:>7.1f} {f['median']:>8.2f} "
            f"{f['cores']:>5.2f} | {f['client_mb']:>9.0f} {me:>7.0f} {both:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="clients synced (default 50; try 200)")
    parser.add_argument("--pack-clients", type=int, default=10,
                        help="clients packed (a pack is ~5-10 s of PDF per client; 0 to skip)")
    parser.add_argument("--speedup-clients", type=int, default=8, help="clients synced with 1 and --workers workers")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sizes", default=SIZES, help="WORKERSxMONTHS per client, cycled, comma-separated")
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    print(f"companies: sizes {', '.join(sizes)} (workers x months) cycled; records end {END}")
    print(f"{'job':>5} {'clients':>7} {'workers':>7} | {'wall s':>7} {'median s':>8} {'cores':>5} | "
          f"{'client MB':>9} {'self MB':>7} {'self+child':>10}")
    print(line("sync", measure(clients(args.clients, sizes), "sync", args.workers, as_of=END)), flush=True)
    if args.pack_clients:
        month = f"{END:%Y-%m}"
        print(line("pack", measure(clients(args.pack_clients, sizes), "pack", args.workers, month=month)),
              flush=True)
    if args.speedup_clients and args.workers > 1:
        small = clients(args.speedup_clients, sizes)
        one = measure(small, "sync", 1, as_of=END)
        many = measure(small, "sync", args.workers, as_of=END)
        print(line("sync", one))
        print(line("sync", many))
        print(f"speed-up of {args.workers} workers over 1 on {args.speedup_clients} clients: "
              f"{one['wall'] / many['wall']:.2f}x", flush=True)


if __name__ == "__main__":
    main()
