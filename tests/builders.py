"""Small readable fixtures: tables written as records, read through the real normaliser."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from pipeline.normalise import Dataset, normalise
from pipeline.schema import BY_KEY
from pipeline.settings import Settings
from pipeline.sources.base import Tab, Workbook


def tab(title: str, records: Sequence[Mapping[str, Any]], header: Sequence[str] | None = None) -> Tab:
    """A tab whose header is the union of the records' keys (or ``header``), in first-seen order."""
    if header is None:
        seen: dict[str, None] = {}
        for r in records:
            seen.update(dict.fromkeys(r))
        header = list(seen)
    rows = [[r.get(h) for h in header] for r in records]
    return Tab(title, "test", tuple(header), rows, first_row=2)


def workbook(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> Workbook:
    """Tabs by table key (or tab title) -> records keyed by header text (e.g. "Start Date")."""
    tabs = []
    for name, records in tables.items():
        title = BY_KEY[name].title if name in BY_KEY else name
        # No records: the tab as the office starts it, headers and nothing else.
        header = [c.title for c in BY_KEY[name].columns] if not records and name in BY_KEY else None
        tabs.append(tab(title, records, header))
    return Workbook(tuple(tabs))


def dataset(tables: Mapping[str, Sequence[Mapping[str, Any]]], settings: Settings | None = None) -> Dataset:
    """Normalise records given per table key, e.g. {"workers": [{"Name": "Dale", "Role": "Owner", ...}]}."""
    return normalise(workbook(tables), settings or Settings())


def write_xlsx(path: Path, tabs: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    """A real .xlsx with one tab per entry, rows as given (the header is the first row)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tabs.items():
        ws = book.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    book.save(path)
    return path
