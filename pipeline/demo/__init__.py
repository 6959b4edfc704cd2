"""A deterministic demo company: the office workbook and the forms workbook of a small Alberta
oilfield contractor, with realistic records, planted audit problems and messy input.

``generate_demo(out_dir, end=date(2026, 10, 31))`` writes ``secor-records.xlsx`` (the office
tabs, as in ``sheets_templates/``), ``form-responses.xlsx`` (one tab per Google Form, first
column Timestamp) and ``secor.toml`` (company name and time zone). The same (seed, workers,
months, end) always gives the same cell values. ``PLANTED`` says what the audit must find.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..schema import BY_KEY
from .field import build_field
from .model import COMPANY, Demo, add_months, forms_text
from .office import build_incidents, build_office, build_orientation, build_toolbox
from .people import DEFAULT_WORKERS, build_calendar, build_matrix, build_people, build_training, build_workers
from .planted import PLANTED, PLANTED_TICKETS, Messy, Planted, PlantedTicket, resolve
from .writer import FORM_TABS, FORMS_FILE, OFFICE_FILE, OFFICE_TABS, write_book

__all__ = ["COMPANY", "FORMS_FILE", "OFFICE_FILE", "PLANTED", "PLANTED_TICKETS", "DemoCompany", "Messy",
           "Planted", "PlantedTicket", "generate_demo"]

TEXT_TIMESTAMP_SHARE = 0.08  # responses whose Timestamp arrives as text, as in a CSV export


@dataclass(frozen=True)
class DemoCompany:
    """What ``generate_demo`` wrote and what it planted."""

    name: str
    folder: Path
    office: Path
    forms: Path
    config: Path
    start: date
    end: date
    workers: int
    months: int
    seed: int
    rows: Mapping[str, int]  # table title -> data rows written (blank and duplicate rows included)
    planted: tuple[Planted, ...]
    tickets: tuple[PlantedTicket, ...]
    messy: tuple[Messy, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.office, self.forms, self.config)

    def expected(self, check_id: str) -> Planted:
        for p in self.planted:
            if p.check_id == check_id:
                return p
        raise KeyError(check_id)


def generate_demo(out_dir: Path, *, workers: int = DEFAULT_WORKERS, months: int = 14, seed: int = 7,
                  end: date) -> DemoCompany:
    """Write the demo company's workbooks into ``out_dir`` (created if needed) and say what was planted.

    ``workers`` counts everyone on the Workers tab (at least 8: the planted cast); ``months`` is how
    far back the records go from ``end``. No clock is read: ``end`` is the last day of records.
    """
    if workers < DEFAULT_WORKERS:
        raise ValueError(f"workers must be at least {DEFAULT_WORKERS} (the demo's named crew)")
    if months < 3:
        raise ValueError("months must be at least 3")
    demo = Demo(random.Random(seed), end, add_months(end, -months))
    build_people(demo, workers)
    build_calendar(demo)
    build_workers(demo)
    build_matrix(demo)
    build_training(demo)
    build_field(demo)
    build_toolbox(demo)
    build_incidents(demo, workers)
    build_orientation(demo)
    build_office(demo)
    _finish(demo)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    office, forms, config = out / OFFICE_FILE, out / FORMS_FILE, out / "secor.toml"
    write_book(office, OFFICE_TABS, demo.rows)
    write_book(forms, FORM_TABS, demo.rows)
    config.write_text(
        f'# Settings for the demo company: secor sync --source {out} --config {config}\n'
        f'company = "{COMPANY}"\ntimezone = "America/Edmonton"\ndate_order = "MDY"\n', encoding="utf-8")
    return DemoCompany(
        name=COMPANY, folder=out, office=office, forms=forms, config=config, start=demo.start, end=end,
        workers=workers, months=months, seed=seed,
        rows={BY_KEY[k].title: len(v) for k, v in demo.rows.items()},
        planted=resolve(demo.refs, workers), tickets=PLANTED_TICKETS, messy=_messy(demo))


def _finish(demo: Demo) -> None:
    """Forms order and Timestamp cells, Action IDs, and the planted records known only now."""
    rng = demo.rng
    for key in (k for k in BY_KEY if BY_KEY[k].is_form):
        rows = demo.rows[key]
        rows.sort(key=lambda r: r["_ts"])  # type: ignore[index,return-value]
        for r in rows:
            assert r is not None
            ts = r["_ts"]
            assert isinstance(ts, datetime)
            r["timestamp"] = forms_text(ts) if rng.random() < TEXT_TIMESTAMP_SHARE else ts
    actions = demo.rows["corrective_actions"]
    actions.sort(key=lambda r: r["raised"])  # type: ignore[index,return-value]
    for i, r in enumerate(actions, start=1):
        assert r is not None
        r["action_id"] = f"CA-{i:03d}"
        if r.get("_planted"):
            demo.ref(str(r["_planted"]), f"CA-{i:03d}")


def _messy(demo: Demo) -> tuple[Messy, ...]:
    out = []
    for key, row, column, value, problem in demo.messy:
        table = BY_KEY[key]
        number = row if isinstance(row, int) else next(
            i for i, r in enumerate(demo.rows[key], start=2) if r is row)
        title = table.column(column).title if column else ""
        out.append(Messy(table.title, number, title, value, problem))
    return tuple(out)
