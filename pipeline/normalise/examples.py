"""Our own template's example rows, left in by the office, are flagged and not counted.

``secor template`` writes ``secor-records.xlsx`` with one example row per office tab (``templates.EXAMPLES``:
Dale Kowalski the Owner, ticket H2S Alive, action CA-001...). An office that types its records below it
and forgets to delete it would otherwise get a made-up worker, ticket or corrective action counted. A row
is the example when every value the template wrote is there unchanged (text compared without case or
surrounding spaces, dates and numbers exactly); other cells may hold anything. Such a row is not used and
is listed on Data Issues. Pure: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from ..schema import BY_KEY
from ..templates import EXAMPLES
from .dataset import REJECTED, TableStatus

IssueLine = tuple[str, int | None, str, str, str, str]


def _same(cell: object, wanted: object) -> bool:
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return False
    if isinstance(wanted, date):
        return isinstance(cell, (pd.Timestamp, date)) and pd.Timestamp(cell) == pd.Timestamp(wanted)
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
        return isinstance(cell, (int, float)) and float(cell) == float(wanted)
    return isinstance(cell, str) and cell.strip().casefold() == str(wanted).strip().casefold()


def example_rows(key: str, frame: pd.DataFrame) -> pd.Series:
    """True where a normalised row of table ``key`` is the template's example row (see the module docstring)."""
    example = EXAMPLES.get(key)
    if not example or frame.empty:
        return pd.Series(False, index=frame.index, dtype=bool)
    mask = pd.Series(True, index=frame.index, dtype=bool)
    for column, wanted in example.items():
        mask &= frame[column].map(lambda v, w=wanted: _same(v, w)).astype(bool)
    return mask


def without_template_examples(key: str, frame: pd.DataFrame, status: TableStatus
                              ) -> tuple[pd.DataFrame, TableStatus, list[IssueLine]]:
    """The table without its template example rows, its status recounted (rows used -> rows not used), and
    one Data Issues line per example row."""
    mask = example_rows(key, frame)
    if not mask.any():
        return frame, status, []
    title = BY_KEY[key].title
    first = next(iter(EXAMPLES[key].values()))
    lines: list[IssueLine] = [
        (title, int(r), "", str(first),
         "example row of the secor-records.xlsx template (left as the template wrote it); not counted. Delete it "
         "once your own rows are in.", REJECTED)
        for r in frame.loc[mask, "row"]]
    n = int(mask.sum())
    status = replace(status, rows_used=status.rows_used - n, rows_rejected=status.rows_rejected + n)
    return frame[~mask].reset_index(drop=True), status, lines

