"""The emulator's in-memory spreadsheets: tabs of cells, A1 ranges, and ``fields`` masks.

Cells keep what the user (or API) entered (``userEnteredValue``: string, number,
bool or formula), the format and note, so tests can tell a RAW string from a
formula and compare untouched tabs exactly (:meth:`Tab.state`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import ApiError

SERIAL_EPOCH = datetime(1899, 12, 30)
CELL_LIMIT = 50_000
CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns", "hyperlink",
               "pivotTable", "dataSourceTable", "dataSourceFormula", "chipRuns")


def serial(value: date) -> float:
    """A date or datetime as a Sheets serial number (days since 1899-12-30); whole days as an int."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    days = (moment - SERIAL_EPOCH).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def entered(value: object) -> dict[str, Any]:
    """A Python value as Sheets stores what a person typed: dates become serials with a date format."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, datetime):
        return {"userEnteredValue": {"numberValue": serial(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": "M/d/yyyy H:mm:ss"}}}
    if isinstance(value, date):
        return {"userEnteredValue": {"numberValue": serial(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


@dataclass
class Tab:
    properties: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    dimensions: dict[str, dict[int, int]] = field(default_factory=lambda: {"ROWS": {}, "COLUMNS": {}})
    basic_filter: dict[str, Any] | None = None
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, r1, c0, c1), ends excluded
    auto_resized: dict[str, set[int]] = field(default_factory=lambda: {"ROWS": set(), "COLUMNS": set()})

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {"rowCount": 1000, "columnCount": 26})

    def state(self) -> dict[str, Any]:
        """Everything about the tab, JSON-ready, for exact before/after comparisons."""
        return {"properties": self.properties, "cells": {f"{r},{c}": v for (r, c), v in sorted(self.cells.items())},
                "dimensions": self.dimensions, "basicFilter": self.basic_filter, "merges": sorted(self.merges),
                "autoResized": {k: sorted(v) for k, v in self.auto_resized.items()}}

    def value(self, r: int, c: int) -> object:
        """The effective value (what UNFORMATTED_VALUE returns) of a cell."""
        data = self.cells.get((r, c), {})
        ev = data["effectiveValue"] if "effectiveValue" in data else data.get("userEnteredValue", {})
        for k in ("stringValue", "numberValue", "boolValue"):
            if k in ev:
                return ev[k]
        return None

    def entered_kind(self, r: int, c: int) -> str | None:
        """Which ExtendedValue field the user-entered value of a cell is: stringValue, formulaValue, ..."""
        ev = self.cells.get((r, c), {}).get("userEnteredValue", {})
        return next(iter(ev), None)

    def rows(self) -> list[list[object]]:
        """All effective values, trailing blanks trimmed."""
        if not self.cells:
            return []
        n_rows = max(r for r, _ in self.cells) + 1
        n_cols = max(c for _, c in self.cells) + 1
        grid = [[self.value(r, c) for c in range(n_cols)] for r in range(n_rows)]
        return trim(grid)


def trim(grid: list[list[object]]) -> list[list[object]]:
    """Rows as the values API returns them: blanks as "", trailing blank cells and rows left out."""
    out = []
    for row in grid:
        row = list(row)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        out.append(["" if v is None else v for v in row])
    while out and not out[-1]:
        out.pop()
    return out


@dataclass
class Spreadsheet:
    id: str
    title: str
    time_zone: str = "America/Edmonton"
    tabs: list[Tab] = field(default_factory=list)
    shared: bool = True
    role: str = "writer"  # the service account's role when shared: "writer" (Editor) or "reader" (Viewer)

    def tab(self, title: str) -> Tab:
        for t in self.tabs:
            if t.title == title:
                return t
        raise KeyError(title)

    def by_id(self, sheet_id: int, where: str) -> Tab:
        for t in self.tabs:
            if t.sheet_id == sheet_id:
                return t
        raise ApiError(400, f"Invalid {where}: No grid with id: {sheet_id}")

    def range_tab(self, text: str) -> tuple[Tab, tuple[int, int, int | None, int | None]]:
        """The tab an A1 range names and the range's bounds (see parse_range); 400 when no tab has that title."""
        title, bounds = parse_range(text)
        try:
            return self.tab(title), bounds
        except KeyError:
            raise ApiError(400, f"Unable to parse range: {text}") from None

    def add_tab(self, sheet_id: int, name: str, rows: Sequence[Sequence[object]] = ()) -> Tab:
        """A tab at the end holding ``rows`` as a person would type them, its grid at least 1000 x 26."""
        n_rows = max(1000, len(rows) + 1)
        n_cols = max(26, max((len(r) for r in rows), default=0))
        tab = Tab({"sheetId": sheet_id, "title": name, "index": len(self.tabs), "sheetType": "GRID",
                   "gridProperties": {"rowCount": n_rows, "columnCount": n_cols}})
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                data = entered(v)
                if data:
                    tab.cells[(r, c)] = data
        self.tabs.append(tab)
        return tab

    def metadata(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.id,
            "properties": {"title": self.title, "locale": "en_US", "autoRecalc": "ON_CHANGE",
                           "timeZone": self.time_zone},
            "sheets": [{"properties": copy.deepcopy(t.properties)} for t in self.tabs],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit",
        }


# -- field masks ------------------------------------------------------------------------------------------------------
def _field_paths(fields: str) -> list[list[str]]:
    return [p.strip().split(".") for p in fields.split(",") if p.strip()]


def apply_fields(data: object, mask: str) -> object:
    """The parts of a response a ``fields`` mask asks for (comma-separated dotted paths)."""
    paths = _field_paths(mask)

    def pick(node: object, parts_list: list[list[str]]) -> object:
        if isinstance(node, list):
            return [pick(item, parts_list) for item in node]
        if not isinstance(node, dict) or any(not p for p in parts_list):
            return node
        out: dict[str, Any] = {}
        for head in dict.fromkeys(p[0] for p in parts_list):
            if head in node:
                out[head] = pick(node[head], [p[1:] for p in parts_list if p[0] == head])
        return out
    return pick(data, paths)


def mask(fields: str, all_fields: Sequence[str]) -> list[list[str]]:
    """The paths a request's ``fields`` mask updates: ``*`` means every one of ``all_fields``; blank is a 400."""
    if not fields:
        raise ApiError(400, "At least one field must be specified.")
    if fields.strip() == "*":
        return [[f] for f in all_fields]
    return _field_paths(fields)


def set_path(target: dict[str, Any], source: Mapping[str, Any], path: list[str]) -> None:
    """Copy ``path`` from source to target (deleting it from target when source lacks it)."""
    head, rest = path[0], path[1:]
    if not rest:
        if head in source:
            target[head] = copy.deepcopy(source[head])
        else:
            target.pop(head, None)
        return
    sub_source = source.get(head, {}) if isinstance(source.get(head), Mapping) else {}
    sub_target = target.setdefault(head, {})
    set_path(sub_target, sub_source, rest)
    if not sub_target:
        target.pop(head, None)


# -- ranges and cells -------------------------------------------------------------------------------------------------
_A1 = re.compile(r"^([A-Za-z]*)(\d*)$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def letters(c: int) -> str:
    """A 0-based column index as A1 letters: 0 -> A, 26 -> AA."""
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def parse_range(text: str) -> tuple[str, tuple[int, int, int | None, int | None]]:
    """``'Tab'!A1:C9`` -> (title, (row0, col0, row_end, col_end)); ends exclusive, None = to the end."""
    if "!" in text:
        sheet, cells = text.rsplit("!", 1)
    else:
        sheet, cells = text, ""
    if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
        sheet = sheet[1:-1].replace("''", "'")
    if not cells:
        return sheet, (0, 0, None, None)
    first, _, last = cells.partition(":")
    m1, m2 = _A1.match(first), _A1.match(last or first)
    if not m1 or not m2:
        raise ApiError(400, f"Unable to parse range: {text}")
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    c0 = _col(m1.group(1)) if m1.group(1) else 0
    r1 = int(m2.group(2)) if m2.group(2) else None
    c1 = _col(m2.group(1)) + 1 if m2.group(1) else None
    return sheet, (r0, c0, r1, c1)


def grid_range(tab: Tab, rng: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """A GridRange's (row0, col0, row_end, col_end), open ends reaching the edge of the grid."""
    return (int(rng.get("startRowIndex", 0)), int(rng.get("startColumnIndex", 0)),
            int(rng.get("endRowIndex", tab.grid["rowCount"])), int(rng.get("endColumnIndex", tab.grid["columnCount"])))


def check_grid(tab: Tab, r: int, c: int, where: str) -> None:
    """400 when the cell lies outside the tab's grid, as Google refuses writes past it."""
    rows, cols = tab.grid["rowCount"], tab.grid["columnCount"]
    if r >= rows or c >= cols:
        raise ApiError(400, f"Invalid {where}: Range ('{tab.title}'!{letters(c)}{r + 1}) exceeds grid limits. "
                            f"Max rows: {rows}, max columns: {cols}")


def update_cell(tab: Tab, r: int, c: int, data: Mapping[str, Any], paths: list[list[str]], where: str) -> None:
    """Set the masked ``paths`` of one cell from CellData ``data``; a cell left with nothing is removed."""
    value = data.get("userEnteredValue", {})
    text = value.get("stringValue") or value.get("formulaValue") or ""
    if len(text) > CELL_LIMIT:
        raise ApiError(400, f"Invalid {where}: Your input contains more than the maximum of {CELL_LIMIT} "
                            "characters in a single cell.")
    cell = tab.cells.get((r, c), {})
    for path in paths:
        set_path(cell, data, path)
    if any(p[0] == "userEnteredValue" for p in paths):
        cell.pop("effectiveValue", None)
    if cell:
        tab.cells[(r, c)] = cell
    else:
        tab.cells.pop((r, c), None)
