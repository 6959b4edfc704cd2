"""Where an action is done: the real tab (and file or spreadsheet) and row, or the tab to add a row to."""

from __future__ import annotations

import re

from ..normalise.dataset import Dataset
from ..schema import BY_KEY, TABLES

GRID_SUFFIX = ", from the grid"  # how discovery names a table read from a grid matrix
_TITLE_ROW = re.compile(r"^(?P<title>.+?) row (?P<row>\d+)$")
_BY_TITLE = {t.title.casefold(): t.key for t in TABLES}


def table_key(title: str) -> str | None:
    """The table a title names ('Pre-Start' -> 'pre_start'), or None."""
    return _BY_TITLE.get(title.casefold())


def tab_of(data: Dataset, table_key: str) -> str:
    """'Training Records (secor-records.xlsx)': the tab the table was read from, or its title when not read."""
    status = data.status.get(table_key)
    if status is not None and status.found_as:
        return status.found_as.removesuffix(GRID_SUFFIX)
    return f"{BY_KEY[table_key].title} (not read)"


def is_grid(data: Dataset, table_key: str) -> bool:
    """True when the table was read from a grid matrix (workers down the side, tickets across the top)."""
    status = data.status.get(table_key)
    return status is not None and status.found_by.startswith("grid")


def at_row(data: Dataset, table_key: str, row: object) -> str:
    """'Training Records (secor-records.xlsx) row 37'."""
    try:
        number = int(row)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return tab_of(data, table_key)
    return f"{tab_of(data, table_key)} row {number}"


def add_row(data: Dataset, table_key: str) -> str:
    """'add a row to Training Records (secor-records.xlsx)'."""
    return f"add a row to {tab_of(data, table_key)}"


def of_reference(data: Dataset, reference: str, form_ids: dict[str, tuple[str, int]]) -> str:
    """Where a check's record reference lives: 'Program row 2' or a form record ID ('FLHA-261023-073305')."""
    hit = _TITLE_ROW.match(reference)
    key = table_key(hit["title"]) if hit else None
    if hit and key:
        return at_row(data, key, hit["row"])
    if reference in form_ids:
        form, row = form_ids[reference]
        return f"{at_row(data, form, row)} ({reference})"
    return reference


def form_id_index(data: Dataset, ids: set[str]) -> dict[str, tuple[str, int]]:
    """(table, row) of each form record ID asked for."""
    out: dict[str, tuple[str, int]] = {}
    if not ids:
        return out
    for table in TABLES:
        if not table.is_form or not data.has(table.key):
            continue
        frame = data.table(table.key)
        hit = frame[frame["id"].isin(ids)]
        for rid, row in zip(hit["id"], hit["row"], strict=True):
            out.setdefault(str(rid), (table.key, int(row)))
    return out
