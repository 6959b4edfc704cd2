"""Client companies for the fleet tests: demo companies under other names, with overlapping crews."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

from pipeline.demo import COMPANY, generate_demo

END = date(2026, 10, 20)  # records end here; the pack month is September, complete
MONTH = "2026-09"
SHARED_WORKER = "Sam Overlap"  # on two clients' Workers tabs: a name alone never links two companies


@dataclass(frozen=True)
class DemoClient:
    name: str  # the fleet's name for it
    company: str
    owner: str  # [email] to of its config
    worker: str  # a worker on this client's Workers tab only
    folder: Path
    config: Path


CLIENTS = (
    ("aurora", "Aurora Hydrovac Ltd.", "owner@aurora.example", "Ulla Auroradottir", 5, True),
    ("boreal", "Boreal Welding Inc.", "owner@boreal.example", "Bjorn Borealsen", 6, True),
    ("chinook", "Chinook Crane Services", "owner@chinook.example", "Cora Chinookova", 7, False),
)


def add_worker(office: Path, name: str) -> None:
    """A labourer who started this year and holds no tickets (so the findings name them), as an office adds one."""
    book = openpyxl.load_workbook(office)
    sheet = book["Workers"]
    sheet.append([name, "Labourer", datetime(2026, 3, 2), None, None, "Marc Tremblay"])
    book.save(office)


def demo_client(root: Path, name: str, company: str, owner: str, worker: str, seed: int, shared: bool,
                workers: int = 8) -> DemoClient:
    """A demo company written to root/records/<name>/ with its own secor.toml: its name, its owner."""
    folder = root / "records" / name
    demo = generate_demo(folder, workers=workers, months=3, seed=seed, end=END)
    add_worker(demo.office, worker)
    if shared:
        add_worker(demo.office, SHARED_WORKER)
    config = root / "configs" / name / "secor.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    text = demo.config.read_text(encoding="utf-8").replace(COMPANY, company)
    demo.config.unlink()  # the records folder holds records only
    config.write_text(text + f'\n[source]\npath = "{folder}"\n\n[email]\nto = ["{owner}"]\n', encoding="utf-8")
    return DemoClient(name, company, owner, worker, folder, config)


def three_clients(root: Path) -> tuple[DemoClient, ...]:
    return tuple(demo_client(root, *spec) for spec in CLIENTS)


def file_text(path: Path) -> str:
    """Every word a file holds, as a reader would see it: cells, PDF text, CSV/JSON text."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        words = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                 for v in row if v is not None]
        words += book.sheetnames
        book.close()
        text = "\n".join(words)
    elif path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    return " ".join(text.split())
