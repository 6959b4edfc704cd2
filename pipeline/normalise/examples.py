"""Our own template's example rows, left in by the office, are flagged and not counted.

``secor template`` writes ``secor-records.xlsx`` with one example row per office tab (``templates.EXAMPLES``:
Dale Kowalski the Owner, ticket H2S Alive, action CA-001...). An office that types its records below it
and forgets to delete it would otherwise get a made-up worker, ticket or corrective action counted.

A row is the example when it is still where the template put it, the tab's first row, and every value the
template wrote is there unchanged (text compared without case or surrounding spaces, dates and numbers
exactly); other cells may hold anything. The same values further down are the office's own row (a good
example goal is worth keeping). An example too plain to tell
from a real row (the Training Matrix's "Equipment Operator / H2S Alive / 36") counts only when another tab
also still holds its example: then the office is using our template. Such rows are not used and are listed
on Data Issues. Pure: frames in, frames out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import pandas as pd

from ..schema import BY_KEY
from ..templates import EXAMPLES
from .dataset import REJECTED, TableStatus

IssueLine = tuple[str, int | None, str, str, str, str]
# Examples a real office could write word for word: trusted only beside another example.
PLAIN_EXAMPLES = frozenset({"training_matrix"})


def _same(cell: object, wanted: object) -> bool:
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return False
    if isinstance(wanted, date):
        return isinstance(cell, (pd.Timestamp, date)) and pd.Timestamp(cell) == pd.Timestamp(wanted)
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
        return isinstance(cell, (int, float)) and float(cell) == float(wanted)
    return isinstance(cell, str) and cell.strip().casefold() == str(wanted).strip().casefold()


def example_rows(key: str, frame: pd.DataFrame) -> pd.Series:
    """True where a normalised row of table ``key`` is its first row and holds every value of the template's
    example row."""
    example = EXAMPLES.get(key)
    if not example or frame.empty:
        return pd.Series(False, index=frame.index, dtype=bool)
    mask = frame["row"] == frame["row"].min()
    for column, wanted in example.items():
        mask &= frame[column].map(lambda v, w=wanted: _same(v, w)).astype(bool)
    return mask


def without_template_examples(tables: Mapping[str, pd.DataFrame], status: Mapping[str, TableStatus]
                              ) -> tuple[dict[str, pd.DataFrame], dict[str, TableStatus], list[IssueLine]]:
    """The tables without the template's example rows, their status recounted (rows used -> rows not used),
    and one Data Issues line per example row. The inputs are not changed."""
    masks = {key: example_rows(key, frame) for key, frame in tables.items()}
    found = {key for key, mask in masks.items() if mask.any()}
    if not found - PLAIN_EXAMPLES:  # a plain example alone is more likely a real row
        found = set()
    out_tables, out_status, lines = dict(tables), dict(status), []
    for key in sorted(found, key=list(tables).index):
        frame, mask = tables[key], masks[key]
        first = next(iter(EXAMPLES[key].values()))
        lines += [(BY_KEY[key].title, int(r), "", str(first),
                   "example row of the secor-records.xlsx template (left as the template wrote it); not counted. "
                   "Delete it once your own rows are in.", REJECTED)
                  for r in frame.loc[mask, "row"]]
        n = int(mask.sum())
        out_tables[key] = frame[~mask].reset_index(drop=True)
        out_status[key] = replace(status[key], rows_used=status[key].rows_used - n,
                                  rows_rejected=status[key].rows_rejected + n)
    return out_tables, out_status, lines
