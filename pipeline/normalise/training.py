"""Office mistakes between Workers, Training Matrix and Training Records, with a did-you-mean.

A ticket on a record that the matrix does not name counts for no requirement, and a role the matrix
does not list requires nothing: both silently change the Certifications, so both are said on Data Issues.
Pure: frames in, issue lines out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from ..schema import BY_KEY, ROW
from .cells import text_key
from .dataset import WARNING

Issue = tuple[str, int | None, str, object, str, str]  # table, row, column, value, problem, severity

UNCREDITED = "the ticket is not credited to anyone until the name is fixed"
_CUTOFF = 0.6  # difflib's default: 'H2S Alve' finds 'H2S Alive', 'Forklift' finds nothing


def ticket_satisfies(record_key: str, required_key: str) -> bool:
    """A record's ticket counts for a required one when it names it in whole words.

    "CSTS-2020" counts for "CSTS", "Standard First Aid & CPR" for "Standard First Aid";
    "Ground Disturbance Level I" does not count for "... Level II", nor the other way round.
    """
    return record_key == required_key or f" {required_key} " in f" {record_key} "


def _did_you_mean(key: str, names: dict[str, str]) -> str | None:
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=_CUTOFF)
    return names[close[0]] if close else None


def _rows(rows: Iterable[int]) -> str:
    shown = sorted(set(rows))
    text = ", ".join(str(r) for r in shown[:10]) + (" …" if len(shown) > 10 else "")
    return f"row {text}" if len(shown) == 1 else f"rows {text}"


def unknown_tickets(matrix: pd.DataFrame, records: pd.DataFrame, also_known: Iterable[str] = ()) -> list[Issue]:
    """One line per ticket name on Training Records that counts for no Training Matrix ticket.

    ``also_known``: ticket names that are not required of anyone but are still tickets (a grid's columns).
    """
    names = {text_key(t): t for t in [*matrix["ticket"].dropna(), *also_known] if text_key(t)}
    title = BY_KEY["training_records"].title
    out: list[Issue] = []
    seen: dict[str, list[int]] = {}
    first: dict[str, str] = {}
    for ticket, row in zip(records["ticket"], records[ROW], strict=True):
        key = text_key(ticket)
        if key and not any(ticket_satisfies(key, k) for k in names):
            seen.setdefault(key, []).append(int(row))
            first.setdefault(key, ticket)
    for key, rows in seen.items():
        guess = _did_you_mean(key, names)
        where = f" ({_rows(rows)})" if len(rows) > 1 else ""
        if guess:
            problem = (f"'{first[key]}' is not a ticket in the Training Matrix; did you mean '{guess}'?{where} "
                       "Until it is corrected the record counts for no required ticket.")
        else:
            problem = (f"'{first[key]}' is not a ticket in the Training Matrix, so the record counts for no "
                       f"required ticket{where}. Fine for extra training; otherwise use the matrix's name.")
        out.append((title, rows[0], "Ticket", first[key], problem, WARNING))
    return out


def unknown_roles(workers: pd.DataFrame, matrix: pd.DataFrame) -> list[Issue]:
    """One line per Workers row (without an End Date) whose Role has no Training Matrix row."""
    names = {text_key(r): r for r in matrix["role"].dropna() if text_key(r)}
    title = BY_KEY["workers"].title
    out: list[Issue] = []
    for role, row, end in zip(workers["role"], workers[ROW], workers["end_date"], strict=True):
        key = text_key(role)
        if not key or key in names or pd.notna(end):  # departed workers need no tickets
            continue
        guess = _did_you_mean(key, names)
        hint = f"; did you mean '{guess}'?" if guess else "."
        out.append((title, int(row), "Role", role,
                    f"'{role}' is not a role in the Training Matrix{hint} Until it is, no ticket is required of "
                    "this worker: correct the role or add it to the matrix.", WARNING))
    return out


def training_issues(tables: dict[str, pd.DataFrame], also_known: Iterable[str] = ()) -> list[Issue]:
    """Every line above, for the tables that were read (nothing to compare without the matrix)."""
    matrix = tables.get("training_matrix")
    if matrix is None or matrix.empty:
        return []
    out: list[Issue] = []
    if "workers" in tables:
        out.extend(unknown_roles(tables["workers"], matrix))
    if "training_records" in tables:
        out.extend(unknown_tickets(matrix, tables["training_records"], also_known))
    return out
