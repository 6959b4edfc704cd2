"""The normalised tables and the account of every row that was not used."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..schema import BY_KEY, Kind

ISSUE_COLUMNS = ["table", "row", "column", "value", "problem", "severity"]
SOURCE_TABLE = "(source)"  # the Table of a Data Issues line about a file or spreadsheet that could not be read

# Severity of a Data Issues line, most urgent first.
TABLE = "table"  # a table or column is missing: whatever needs it cannot run
REJECTED = "rejected"  # the row is not used
WARNING = "warning"  # the row is used; one value was ignored or looks wrong
SEVERITY_ORDER = {TABLE: 0, REJECTED: 1, WARNING: 2}


@dataclass(frozen=True)
class TableStatus:
    """How one table was found and read."""

    key: str
    found_as: str | None  # "Tab (file.xlsx)"; None when the table was not found
    headers: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()
    unused_headers: tuple[str, ...] = ()
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    found_by: str = ""  # how the tab was found: configured, name, spreadsheet name, headers
    confidence: str = ""  # sure, likely, unsure
    pin: str = ""  # the [tables] line that pins the tab
    header_row: int = 1  # the sheet row of the header (title rows may sit above it)
    # Columns fed by a checkbox question ("Hazards (check all that apply)"): their answers repeat by design.
    checklist_columns: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return BY_KEY[self.key].title

    @property
    def usable(self) -> bool:
        return self.found_as is not None and not self.missing_columns


@dataclass(frozen=True)
class Dataset:
    """Normalised tables by key (only those usable), their status, and the data issues.

    Table frames have a ``row`` column (sheet row number), form tables an ``id``
    and a ``timestamp``; then one column per schema column key. Dates are
    datetime64 at midnight, text is str or None, Yes/No is bool or None.
    """

    tables: Mapping[str, pd.DataFrame]
    status: Mapping[str, TableStatus]
    issues: pd.DataFrame
    source_problems: tuple[str, ...] = ()
    # (worker, ticket) pairs a grid matrix marks N/A: not required of that worker whatever their role.
    not_required: tuple[tuple[str, str], ...] = ()

    def has(self, key: str) -> bool:
        """True when the table was found with all its required columns."""
        return key in self.tables

    def table(self, key: str) -> pd.DataFrame:
        """The table's frame; an empty one with the right columns when it is missing."""
        frame = self.tables.get(key)
        if frame is not None:
            return frame
        return empty_frame(key)


def typed_series(kind: Kind, values: list[object]) -> pd.Series:
    """A column in its normalised dtype: datetime64 for dates, float for numbers, object otherwise."""
    if kind is Kind.DATE:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)).dt.normalize(), dtype="datetime64[us]")
    if kind is Kind.TIMESTAMP:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[us]")
    if kind in (Kind.NUMBER, Kind.MONTHS):
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype=object)


def empty_frame(key: str) -> pd.DataFrame:
    """A table with no rows but every column, so code that reads it needs no special case."""
    table = BY_KEY[key]
    data: dict[str, pd.Series] = {"row": pd.Series([], dtype="int64")}
    if table.is_form:
        data["id"] = pd.Series([], dtype=object)
    for c in table.columns:
        data[c.key] = typed_series(c.kind, [])
    return pd.DataFrame(data)
