"""A deterministic demo company: the office records and the form responses of a small Alberta
oilfield contractor, with realistic records, planted audit problems and messy input.

``generate_demo(out_dir, end=date(2026, 10, 31))`` writes the template style: ``secor-records.xlsx``
(the office tabs, as in ``sheets_templates/``), ``form-responses.xlsx`` (one tab per Google Form,
first column Timestamp) and ``secor.toml`` (company name and time zone). ``style="forms"`` writes the
same records the way a real office's Drive holds them (see forms_style.py) and the ``secor.toml`` an
office manager writes after reading docs/records.md. The same (seed, workers, months, end) always
gives the same cell values. ``PLANTED`` says what the audit must find.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from ..schema import BY_KEY
from .field import build_field
from .forms_style import (
    FORM_BOOKS,
    FORM_TAB,
    GRID_NOTE,
    OFFICE_BOOK,
    REWORDED,
    UNMAPPED_TYPE,
    header_rows,
    write_forms_style,
)
from .model import COMPANY, Demo, add_months, forms_text
from .office import build_incidents, build_office, build_orientation, build_toolbox
from .people import DEFAULT_WORKERS, GORD, build_calendar, build_matrix, build_people, build_training, build_workers
from .planted import PLANTED, PLANTED_TICKETS, Messy, Planted, PlantedTicket, resolve
from .writer import FORM_TABS, FORMS_FILE, OFFICE_FILE, OFFICE_TABS, write_book

__all__ = ["COMPANY", "FORMS_FILE", "OFFICE_FILE", "PLANTED", "PLANTED_TICKETS", "STYLES", "DemoCompany", "Messy",
           "Planted", "PlantedTicket", "generate_demo"]

TEXT_TIMESTAMP_SHARE = 0.08  # responses whose Timestamp arrives as text, as in a CSV export
STYLES = ("template", "forms")


@dataclass(frozen=True)
class DemoCompany:
    """What ``generate_demo`` wrote and what it planted."""

    name: str
    folder: Path
    office: Path  # the office workbook
    forms: Path  # the (first) form responses file
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
    style: str = "template"
    files: tuple[Path, ...] = ()  # every records file written, the config aside

    @property
    def paths(self) -> tuple[Path, ...]:
        return (*(self.files or (self.office, self.forms)), self.config)

    def expected(self, check_id: str) -> Planted:
        for p in self.planted:
            if p.check_id == check_id:
                return p
        raise KeyError(check_id)


def generate_demo(out_dir: Path, *, workers: int = DEFAULT_WORKERS, months: int = 14, seed: int = 7,
                  end: date, style: str = "template") -> DemoCompany:
    """Write the demo company's records into ``out_dir`` (created if needed) and say what was planted.

    ``workers`` counts everyone on the Workers tab (at least 8: the planted cast); ``months`` is how
    far back the records go from ``end``. No clock is read: ``end`` is the last day of records.
    ``style`` is "template" (our own workbooks) or "forms" (a real office's Drive, see forms_style.py).
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}")
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
    config = out / "secor.toml"
    for old in _style_files(out, "template" if style == "forms" else "forms"):
        old.unlink(missing_ok=True)  # the other style's files would be read as a second copy of every table
    if style == "forms":
        return _forms_company(demo, out, config, workers=workers, months=months, seed=seed)
    office, forms = out / OFFICE_FILE, out / FORMS_FILE
    write_book(office, OFFICE_TABS, demo.rows)
    write_book(forms, FORM_TABS, demo.rows)
    config.write_text(
        f'# Settings for the demo company: secor sync --source {out} --config {config}\n'
        f'company = "{COMPANY}"\ntimezone = "America/Edmonton"\ndate_order = "MDY"\n', encoding="utf-8")
    return DemoCompany(
        name=COMPANY, folder=out, office=office, forms=forms, config=config, start=demo.start, end=demo.end,
        workers=workers, months=months, seed=seed,
        rows={BY_KEY[k].title: len(v) for k, v in demo.rows.items()},
        planted=resolve(demo.refs, workers), tickets=PLANTED_TICKETS, messy=_messy(demo))


def _forms_company(demo: Demo, out: Path, config: Path, *, workers: int, months: int, seed: int) -> DemoCompany:
    """The forms style: the same records, as a real office's Drive holds them."""
    rows = {BY_KEY[k].title: len(v) for k, v in demo.rows.items() if k != "training_records"}
    messy = _messy(demo)  # before the links move: sheet rows are found by row identity
    files = write_forms_style(out, demo.rows, seed)
    config.write_text(forms_config(out, config), encoding="utf-8")
    shift = {BY_KEY[k].title: row - 1 for k, row in header_rows().items()}
    messy = tuple(replace(m, row=m.row + shift.get(m.table, 0)) for m in messy if m.table != "Training Records")
    messy += (Messy("Training Matrix", header_rows()["training_matrix"] + 1 + _index_of(demo, GORD),
                    "Ground Disturbance Level II (3 yr)", GRID_NOTE, "a note"),)
    rows["Training Matrix"] = len([r for r in demo.rows["workers"] if r is not None])
    refs = {check: [_shifted(r, shift) for r in records] for check, records in demo.refs.items()}
    refs["E5.1"] = [f"Training Matrix row {header_rows()['training_matrix']}"]
    return DemoCompany(
        name=COMPANY, folder=out, office=out / OFFICE_BOOK, forms=files[0], config=config, start=demo.start,
        end=demo.end, workers=workers, months=months, seed=seed, rows=rows, planted=resolve(refs, workers),
        tickets=PLANTED_TICKETS, messy=messy, style="forms", files=files)


def _style_files(out: Path, style: str) -> list[Path]:
    if style == "template":
        return [out / OFFICE_FILE, out / FORMS_FILE]
    return [out / OFFICE_BOOK, *(out / f"{b}.xlsx" for b in FORM_BOOKS.values()),
            *(out / f"{b} - {FORM_TAB}.csv" for b in FORM_BOOKS.values())]


def _index_of(demo: Demo, name: str) -> int:
    return next(i for i, r in enumerate(r for r in demo.rows["workers"] if r is not None) if r["name"] == name)


_ROW_REF = re.compile(r"^(.+) row (\d+)$")


def _shifted(record: str, shift: Mapping[str, int]) -> str:
    """"Program row 2" in the template style is "Program row 4" below a title row and a blank row."""
    m = _ROW_REF.match(record)
    if not m or m.group(1) not in shift:
        return record
    return f"{m.group(1)} row {int(m.group(2)) + shift[m.group(1)]}"


def forms_config(out: Path, config: Path) -> str:
    """The secor.toml an office manager writes for the forms style after reading docs/records.md."""
    books = {k: f"{b} / {FORM_TAB}" for k, b in FORM_BOOKS.items()}
    table, column, header = REWORDED
    wording, value = UNMAPPED_TYPE
    return (
        f"# {COMPANY}: our Drive, as it is. Run: secor doctor --source {out} --config {config}\n"
        f'company = "{COMPANY}"\ntimezone = "America/Edmonton"\ndate_order = "MDY"\n\n'
        "# Every response spreadsheet has a tab called Form Responses 1: say which spreadsheet is which form.\n"
        "# Site Inspection, Toolbox Talk and New Worker Orientation are found from their names and questions.\n"
        "[tables]\n"
        f'flha = ["{books["flha"]}"]\n'
        f'pre_start = ["{books["pre_start"]}"]\n'
        f'incident = ["{books["incident"]}"]\n\n'
        "# The mechanic writes what was done in his own column.\n"
        f"[headers.{table}]\n{column} = [\"{header}\"]\n\n"
        "# Our incident form's own wording for a choice.\n"
        f"[values.incident.type]\n\"{wording}\" = \"{value}\"\n"
    )


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
