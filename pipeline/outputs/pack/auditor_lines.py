"""The auditor's copy, line by line: what the auditor asks to see, its count, and where the records are.

Helpers for ``auditor_elements``: rows of a period, references (record IDs and dates, sheet rows) and
the tab a table was read from. A figure whose table was not read says "not read", never 0. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ...checks.common import keys, matches_document
from ...normalise.dataset import Dataset
from ...schema import BY_KEY
from .model import Table
from .values import fmt_date, text

ROWS = 200  # rows of an evidence table before "… and N more" (the full lists stay in the sheets)
NOT_READ = "not read"


@dataclass(frozen=True)
class EvidenceLine:
    """One thing the auditor asks to see: how many records of it the period holds, and where they are."""

    asks: str
    count: str  # "42", or "not read" when its table was not found
    detail: str
    refs: tuple[str, ...]  # record IDs / sheet rows and dates, one line per form
    where: str  # tab (file)


@dataclass(frozen=True)
class AuditorElement:
    number: int
    name: str
    anchor: str
    lines: tuple[EvidenceLine, ...]
    tables: tuple[Table, ...]


def dated(frame: pd.DataFrame, column: str, first: date, until: date) -> pd.DataFrame:
    """Rows dated from ``first`` to ``until`` (both included), oldest first."""
    if frame.empty or column not in frame:
        return frame.iloc[0:0]
    dates = pd.to_datetime(frame[column], errors="coerce")
    mask = ((dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(until))).fillna(False)
    return frame[mask].sort_values(column, kind="stable")


def on_file(frame: pd.DataFrame, column: str, until: date) -> pd.DataFrame:
    """Office rows that existed by ``until``: dated on or before it, or undated (their date is not known)."""
    if frame.empty:
        return frame
    return frame[~(pd.to_datetime(frame[column], errors="coerce") > pd.Timestamp(until))]


def where(data: Dataset, *table_keys: str) -> str:
    """The tabs (and files) the tables were read from; a table not found says so."""
    parts = []
    for key in table_keys:
        status = data.status.get(key)
        found = status.found_as if status is not None and data.has(key) else None
        parts.append(found or f"{BY_KEY[key].title}: not found in the records read")
    return "; ".join(parts)


def id_refs(frame: pd.DataFrame, column: str, id_column: str = "id") -> str:
    """``FLHA-251201-… to FLHA-261130-…, dated 2025-12-01 to 2026-11-30``; a single record by its ID."""
    if frame.empty:
        return "none in the period"
    ordered = frame.sort_values([column, id_column], kind="stable", na_position="first")
    ids = [text(v, 40) for v in ordered[id_column]]
    dates = [fmt_date(v) for v in ordered[column] if fmt_date(v)]
    span = (f"{dates[0]} to {dates[-1]}" if dates[0] != dates[-1] else dates[0]) if dates else "undated"
    if len(ids) == 1:
        return f"{ids[0]}, dated {span}"
    return f"{ids[0]} to {ids[-1]}, dated {span}"


def row_refs(frame: pd.DataFrame, table_key: str) -> str:
    """``Program rows 2, 3 and 9`` / ``rows 2 to 40``: where office rows sit on their tab."""
    rows = sorted(int(r) for r in frame["row"]) if not frame.empty else []
    if not rows:
        return "no rows"
    title = BY_KEY[table_key].title
    if len(rows) == 1:
        return f"{title} row {rows[0]}"
    if len(rows) > 3:
        gaps = rows != list(range(rows[0], rows[-1] + 1))
        return f"{title} rows {rows[0]} to {rows[-1]}" + (f" ({len(rows)} rows)" if gaps else "")
    return f"{title} rows {', '.join(map(str, rows))}"


def _count(data: Dataset, n: int, *needs: str) -> str:
    """A count, or 'not read' (never 0) when a table it comes from was not found."""
    return NOT_READ if any(not data.has(k) for k in needs) else str(n)


def n_of(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def line(data: Dataset, asks: str, n: int, needs: Sequence[str], detail: str, refs: str | Sequence[str],
         tables: Sequence[str] | None = None, shown: str | None = None, any_of: Sequence[str] = ()) -> EvidenceLine:
    """One evidence line; its count says 'not read' (and nothing else is claimed) when a table is missing.

    ``needs``: every one must be read; ``any_of``: at least one (those not read are named after the detail)."""
    count = _count(data, n, *needs)
    if any_of and not any(data.has(k) for k in any_of):
        count = NOT_READ
    lines = (refs,) if isinstance(refs, str) else tuple(refs)
    unread = [BY_KEY[k].title for k in any_of if not data.has(k)]
    if unread:
        detail += f" (not read: {', '.join(unread)})"
    if count == NOT_READ:
        detail, lines = "", ()
    return EvidenceLine(asks, shown if shown and count != NOT_READ else count, detail, lines,
                        where(data, *(tables or needs)))


def form_refs(*frames: tuple[pd.DataFrame, str]) -> list[str]:
    """``id_refs`` of each non-empty (frame, date column), one line per form."""
    return [id_refs(f, c) for f, c in frames if not f.empty] or ["none in the period"]


def _documents(data: Dataset, kind: str, until: date) -> pd.DataFrame:
    """Program rows that are documents of this kind (checks.common.DOCUMENT_RULES), signed by ``until``."""
    program = data.table("program")
    if program.empty:
        return program
    mine = program[keys(program["document"]).map(lambda d: matches_document(d, kind)).astype(bool)]
    return mine[~(mine["signed_date"] > pd.Timestamp(until))]


def document_line(data: Dataset, asks: str, kind: str, until: date) -> EvidenceLine:
    docs = _documents(data, kind, until).sort_values(["signed_date", "row"], na_position="first")
    if len(docs) > 1:  # several (one safe work procedure per task): names and dates; reviews are in the list
        detail = "; ".join(f"{text(r['document'], 80)} (signed {fmt_date(r['signed_date']) or 'undated'})"
                           for _, r in docs.iterrows())
    else:
        detail = "; ".join(
            f"{text(r['document'], 80)}: signed {fmt_date(r['signed_date']) or '(no date)'}"
            + (f" by {text(r['signed_by'], 60)}" if text(r["signed_by"]) else "")
            + (f", review date {fmt_date(r['review_date'])}" if fmt_date(r["review_date"]) else "")
            for _, r in docs.iterrows())
    return line(data, asks, len(docs), ("program",), detail or "no Program row names one", row_refs(docs, "program"))


def element_documents(data: Dataset, asks: str, element: int, until: date) -> EvidenceLine:
    """The Program rows filed under an element (its Element column), for what no document rule names."""
    program = data.table("program")
    mine = program[(pd.to_numeric(program["element"], errors="coerce") == element)
                   & ~(program["signed_date"] > pd.Timestamp(until))] if not program.empty else program
    detail = "; ".join(f"{text(r['document'], 80)} (signed {fmt_date(r['signed_date']) or 'undated'})"
                       for _, r in mine.iterrows())
    return line(data, asks, len(mine), ("program",), detail or f"no Program row for Element {element}",
                row_refs(mine, "program"))
