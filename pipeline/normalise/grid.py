"""A training matrix kept as a grid: workers down the side, tickets across the top, a date in each cell.

Read into the same ``training_matrix`` (role, ticket, valid_for_months) and ``training_records``
(worker, ticket, completed, expires, ...) frames as the long format, plus the (worker, ticket) pairs
whose cell says N/A: not required for that person. The rules (docs/checks.md):

- a cell's date is the **expiry**, unless the column title names a validity (``H2S Alive (3 yr)``,
  ``First Aid (36 months)``, ``WHMIS (annual)``): then it is the **completion** date and
  expiry = completion + validity;
- ``N/A``, ``NA``, ``-``: the ticket is not required of that worker; blank: required and not held;
- other text (``booked Nov 18``, ``expired``): a note, listed on Data Issues; the cell holds no ticket;
- rows below the table that are not workers (a legend, a note, anything after a blank row that is
  not a name on Workers) are skipped and listed.

Pure functions: tabs and frames in, frames and issue lines out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from ..schema import BY_KEY, ROW, Kind
from ..settings import Settings
from ..sources.base import Tab, Workbook
from . import cells
from .dataset import REJECTED, WARNING, TableStatus, typed_series
from .discovery import is_dashboard, named_as
from .headers import header_key
from .names import Roster
from .training import UNCREDITED

AddIssue = Callable[[str, int | None, str, object, str, str], None]
GRID_KEYS = ("training_matrix", "training_records")
MATRIX = BY_KEY["training_matrix"].title  # every grid issue names the matrix: the tab the office edits

_HEADER_ROWS_SEARCHED = 12  # title rows above the header: a handful at most
_DATED_SHARE = 0.6  # of the filled ticket cells, dates or N/A: notes are a minority
_NAME_HEADERS = {header_key(h) for h in (
    "Name", "Names", "Worker", "Workers", "Worker Name", "Employee", "Employees", "Employee Name", "Full Name",
    "Staff", "Staff Name", "Personnel", "Name Of Worker")}
_ROLE_HEADERS = {header_key(h) for t in ("workers", "training_matrix") for c in BY_KEY[t].columns
                 if c.key == "role" for h in (c.title, *c.aliases)} | {header_key("Trade"), header_key("Occupation")}
# A long-format tab names its ticket in a column, a form response tab has a Timestamp: neither is a grid.
_NOT_A_GRID = {header_key(h) for c in (BY_KEY["training_matrix"].column("ticket"),
                                        BY_KEY["training_records"].column("ticket"), BY_KEY["flha"].column("timestamp"))
               for h in (c.title, *c.aliases)}
# Columns that are not tickets: every column of the schema, and what offices add beside names.
_INFO_HEADERS = {header_key(h) for t in BY_KEY.values() for c in t.columns
                 for h in (c.title, *c.aliases)} | {header_key(h) for h in (
                     "Notes", "Note", "Comments", "Comment", "Remarks", "Phone", "Cell", "Department", "Dept",
                     "Crew", "Location", "Employee #", "Employee No", "Employee ID", "ID", "#", "No", "Status",
                     "Active", "Company")}
_NOT_REQUIRED = {"na", "n a", "not required", "not req", "not reqd", "not applicable", "nr", "n r", "exempt",
                 "not needed"}
_DASHES = re.compile(r"^[-–—]+$")
_HINT = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_VALIDITY = re.compile(r"^(?:valid\s+|renew(?:ed|al)?\s+)?(?:every\s+)?(\d+(?:\.\d+)?)\s*-?\s*"
                       r"(years?|yrs?|y|months?|mos?|mths?|m)\.?(?:\s+(?:valid|validity|renewal|expiry))?$")
_ANNUAL = {"annual", "annually", "yearly", "every year", "1 year", "renew annually", "renewed annually"}
_NEVER = {"no expiry", "never expires", "does not expire", "lifetime", "one time", "once", "no renewal"}
_EXPIRY_HINT = {"exp", "expiry", "expires", "expiration", "expiry date", "exp date", "expiration date",
                "valid until", "expires on", "date of expiry"}
_COMPLETED_HINT = {"completed", "date completed", "taken", "date taken", "issued", "issue date", "trained",
                   "completion date"}
# Text no name holds: "Legend: ...", "N/A = not required", "* booked", "Key", "Notes".
_LEGEND_TEXT = re.compile(
    r"^(?:legend|key|notes?|nb|n\.b|updated|last updated|prepared by|revised|colou?r|source)\b|[=:]|^[*†(]", re.I)
_SKIPPED = ("not a worker (a heading, legend or note): skipped. If it is a worker, add them to Workers and remove "
            "any blank row above them.")


@dataclass(frozen=True)
class TicketColumn:
    """One ticket column: where it is, what it says, and how to read its dates."""

    col: int
    title: str  # the header as written
    ticket: str  # the title without its validity hint
    months: float | None  # validity named in the title; None: not named (or never expires)
    completion: bool  # True: a cell is the completion date; False: the expiry date


@dataclass(frozen=True)
class GridLayout:
    """Where the header is and what each column holds. ``header`` indexes ``[tab.header, *tab.rows]``."""

    header: int
    name_col: int
    role_col: int | None
    tickets: tuple[TicketColumn, ...]
    ignored: tuple[str, ...]  # headers that are neither name, role nor ticket

    @property
    def cells(self) -> tuple[int, ...]:
        """The columns a worker's row fills beside the name: role and tickets."""
        return (*(() if self.role_col is None else (self.role_col,)), *(t.col for t in self.tickets))


@dataclass(frozen=True)
class Grid:
    """A grid read: the two frames, their status, and the tickets not required of each worker."""

    tab: str
    matrix: pd.DataFrame
    records: pd.DataFrame
    matrix_status: TableStatus
    records_status: TableStatus
    not_required: tuple[tuple[str, str], ...]  # (worker as on Workers, ticket)
    tickets: tuple[str, ...]

    def frame(self, key: str) -> pd.DataFrame:
        return self.matrix if key == "training_matrix" else self.records

    def status(self, key: str) -> TableStatus:
        return self.matrix_status if key == "training_matrix" else self.records_status


def ticket_column(col: int, title: str) -> TicketColumn:
    """Read a ticket column's title: ``H2S Alive (3 yr)`` is H2S Alive, completion dates, 36 months."""
    months: float | None = None
    completion = False
    kept = title
    for m in _HINT.finditer(title):
        hint = re.sub(r"\s+", " ", (m.group(1) or m.group(2) or "").strip().casefold().replace(".", ""))
        v = _VALIDITY.match(hint)
        if v:
            n = float(v.group(1))
            months, completion = (n * 12 if v.group(2).startswith("y") else n), True
        elif hint in _ANNUAL:
            months, completion = 12.0, True
        elif hint in _NEVER or hint in _COMPLETED_HINT:
            completion = True
        elif hint not in _EXPIRY_HINT:
            continue
        kept = kept.replace(m.group(0), " ")
    return TicketColumn(col, title, cells.tidy_name(kept) or title, months, completion)


def _texts(line: Sequence[object]) -> list[str]:
    return [cells.clean_text(v) or "" for v in line]


def _layout_of(line: Sequence[object], index: int, blank_corner: bool) -> GridLayout | None:
    texts = _texts(line)
    keys = [header_key(t) for t in texts]
    loose = [header_key(_HINT.sub(" ", t)) for t in texts]
    name_col = next((i for i, k in enumerate(keys) if k in _NAME_HEADERS or loose[i] in _NAME_HEADERS), None)
    if name_col is None and blank_corner and texts and not texts[0]:
        name_col = 0  # names down column A under a blank corner cell: checked against the cells below
    if name_col is None or any(k in _NOT_A_GRID for k in keys):
        return None
    role_col = next((i for i, k in enumerate(keys) if i != name_col and k in _ROLE_HEADERS), None)
    tickets, ignored = [], []
    for i, text in enumerate(texts):
        if i in (name_col, role_col) or not text:
            continue
        if keys[i] in _INFO_HEADERS or loose[i] in _INFO_HEADERS:
            ignored.append(text)
        else:
            tickets.append(ticket_column(i, text))
    if len(tickets) < 2:
        return None
    return GridLayout(index, name_col, role_col, tuple(tickets), tuple(ignored))


def _lines(tab: Tab) -> list[Sequence[object]]:
    return [tab.header, *tab.rows]


def _blank(line: Sequence[object]) -> bool:
    return all(cells.is_blank(v) for v in line)


def _cell(line: Sequence[object], col: int) -> object:
    return line[col] if col < len(line) else None


def is_not_required(value: object) -> bool:
    """``N/A``, ``NA``, ``-``, ``not required``: the ticket does not apply to this person."""
    text = cells.clean_text(value)
    if text is None or text.startswith("#"):  # "#N/A" is a formula's error, not the office's answer
        return False
    return cells.choice_key(text) in _NOT_REQUIRED or bool(_DASHES.match(text))


def grid_layout(tab: Tab, date_order: str, allow_empty: bool = True) -> GridLayout | None:
    """The grid in ``tab``, or None when it is not one.

    A grid has a header (searched below title rows) with a worker-name column and at least two ticket
    columns, no long-format Ticket column, and ticket cells that are mostly dates or N/A. A grid with no
    filled cell yet counts only when ``allow_empty`` (the tab was named as the matrix).
    """
    lines = _lines(tab)
    seen = 0
    for index, line in enumerate(lines):
        if _blank(line):
            continue
        seen += 1
        if seen > _HEADER_ROWS_SEARCHED:
            return None
        layout = _layout_of(line, index, blank_corner=allow_empty)
        if layout is None:
            continue
        body = lines[index + 1:]
        if not _name_header(layout, lines) and not any(
                isinstance(cells.clean_text(_cell(r, 0)), str) and cells.parse_datetime(_cell(r, 0), date_order)[1]
                for r in body):
            return None  # a blank corner above no names
        filled = good = 0
        for row in body:
            for t in layout.tickets:
                v = _cell(row, t.col)
                if cells.is_blank(v):
                    continue
                filled += 1
                good += is_not_required(v) or cells.parse_datetime(v, date_order)[1] is None
        if (filled == 0 and allow_empty) or (filled and good >= _DATED_SHARE * filled):
            return layout
        return None
    return None


def _name_header(layout: GridLayout, lines: Sequence[Sequence[object]]) -> str:
    """The title of the grid's name column ("" under a blank corner cell)."""
    return cells.clean_text(_cell(lines[layout.header], layout.name_col)) or ""


def find_grid(workbook: Workbook, settings: Settings) -> tuple[Tab, str] | None:
    """The tab that holds the training matrix as a grid, and how it was found ("configured", "name",
    "headers"): one named (or mapped) as the matrix or the records first, then a tab no table is
    named after whose header and cells are a grid's."""
    tabs = [t for t in workbook.tabs if not is_dashboard(t)]
    for how in ("configured", "name"):
        for key in GRID_KEYS:
            for tab in tabs:
                if named_as(tab, BY_KEY[key], settings) == how and grid_layout(tab, settings.date_order) is not None:
                    return tab, how
    for tab in tabs:
        if all(named_as(tab, t, settings) is None for t in BY_KEY.values()) \
                and grid_layout(tab, settings.date_order, allow_empty=False) is not None:
            return tab, "headers"
    return None


def _roles_on_workers(workers: pd.DataFrame | None) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    if workers is None:
        return roles
    for name, role in zip(workers["name"], workers["role"], strict=True):
        if isinstance(name, str) and isinstance(role, str) and role not in roles.setdefault(cells.name_key(name), []):
            roles[cells.name_key(name)].append(role)
    return roles


def _is_legend(name: str, after_blank: bool, in_legend: bool, known: bool) -> bool:
    # A name on Workers is a worker wherever it sits ("Key, Jordan" too).
    return not known and (bool(_LEGEND_TEXT.search(name)) or after_blank or in_legend)


@dataclass
class _Read:
    """What a grid's rows gave, as they are read."""

    records: list[tuple[int, str, str, datetime | None, datetime | None]] = field(default_factory=list)
    needed: dict[tuple[str, str], float | None] = field(default_factory=dict)  # (role, ticket) -> validity
    not_required: list[tuple[str, str]] = field(default_factory=list)
    cells_read: int = 0
    cells_used: int = 0


def _read_cells(line: Sequence[object], sheet_row: int, name: str, roles: list[str], layout: GridLayout,
                date_order: str, read: _Read, add_issue: AddIssue) -> None:
    """One worker's ticket cells: a record per date, an exemption per N/A, a listed note per other text."""
    for t in layout.tickets:
        value = _cell(line, t.col)
        if is_not_required(value):
            read.not_required.append((name, t.ticket))
            continue
        for role in roles:
            read.needed.setdefault((role, t.ticket), t.months)
        if cells.is_blank(value):
            continue  # required and not held: Missing
        read.cells_read += 1
        moment, bad = (None, None) if isinstance(value, bool) else cells.parse_datetime(value, date_order)
        if moment is None:
            why = f" ({bad.rstrip('.')})" if bad and "not a date this program can read" not in bad else ""
            add_issue(MATRIX, sheet_row, t.title, value,
                      f"a note, not a date{why}: {name} has no {t.ticket} on record from this cell. Type the "
                      f"{'completion' if t.completion else 'expiry'} date, or N/A if it does not apply.", WARNING)
            continue
        read.cells_used += 1
        if not t.completion:
            read.records.append((sheet_row, name, t.ticket, None, moment))
            continue
        expires = None if t.months is None else \
            (pd.Timestamp(moment) + pd.DateOffset(months=round(t.months))).to_pydatetime()
        read.records.append((sheet_row, name, t.ticket, moment, expires))


def grid_tables(tab: Tab, settings: Settings, roster: Roster | None, workers: pd.DataFrame | None,
                add_issue: AddIssue) -> Grid:
    """Read a grid tab (see grid_layout) into the long-format frames; every row and cell not used is listed.

    Status counts: the matrix counts the grid's rows (workers used; legend and nameless rows not used),
    the records count the filled ticket cells (dates used; notes not used).
    """
    layout = grid_layout(tab, settings.date_order)
    assert layout is not None, "grid_tables needs a tab grid_layout recognises"
    lines = _lines(tab)
    row_of = tab.first_row - 1  # the sheet row of lines[0], the tab's header as read
    headers = tuple(_texts(lines[layout.header]))
    name_title = headers[layout.name_col] or "Name"
    known_roles = _roles_on_workers(workers)
    roster = roster if roster is not None and roster.names else None
    read = _Read()
    seen_workers: dict[str, int] = {}
    rows_read = rows_used = 0
    after_blank = in_legend = False
    for index in range(layout.header + 1, len(lines)):
        line, sheet_row = lines[index], row_of + index
        if _blank(line):
            after_blank = bool(rows_used)
            continue
        rows_read += 1
        raw_name = cells.clean_text(_cell(line, layout.name_col))
        shown = " | ".join(t for t in _texts(line) if t)
        if raw_name is None:
            if after_blank or in_legend:
                add_issue(MATRIX, sheet_row, "", shown, _SKIPPED, WARNING)
            else:
                add_issue(MATRIX, sheet_row, name_title, shown,
                          f"no worker name in column '{name_title}'; row not used: type the worker's name.", REJECTED)
            continue
        name, problem = roster.match(raw_name) if roster else (cells.tidy_name(raw_name), None)
        known = problem is None and roster is not None
        empty = _blank([_cell(line, c) for c in layout.cells])
        if _is_legend(raw_name, after_blank, in_legend, known) or (roster is not None and not known and empty):
            # A legend or note below the table, or a heading between crews ("Field crew"): not a person.
            in_legend = in_legend or not empty or bool(_LEGEND_TEXT.search(raw_name))
            add_issue(MATRIX, sheet_row, name_title, shown, _SKIPPED, WARNING)
            continue
        rows_used += 1
        if problem:
            add_issue(MATRIX, sheet_row, name_title, raw_name, f"{problem} (row used; {UNCREDITED})", WARNING)
        key = cells.name_key(name)
        if key in seen_workers:
            add_issue(MATRIX, sheet_row, name_title, raw_name,
                      f"this worker is in the grid twice (rows {seen_workers[key]} and {sheet_row}); the later "
                      "date of each ticket counts. Delete the extra row if it is a copy.", WARNING)
        seen_workers.setdefault(key, sheet_row)
        grid_role = cells.clean_text(_cell(line, layout.role_col)) if layout.role_col is not None else None
        _read_cells(line, sheet_row, name, [grid_role] if grid_role else known_roles.get(key, []), layout,
                    settings.date_order, read, add_issue)
    return _grid(tab, layout, headers, row_of + layout.header, read, (rows_read, rows_used))


def _grid(tab: Tab, layout: GridLayout, headers: tuple[str, ...], header_row: int, read: _Read,
          rows: tuple[int, int]) -> Grid:
    found_as = f"{tab.name} ({tab.origin}), from the grid"
    records = read.records
    matrix = pd.DataFrame({
        ROW: pd.Series([header_row] * len(read.needed), dtype="int64"),
        "role": typed_series(Kind.TEXT, [r for r, _ in read.needed]),
        "ticket": typed_series(Kind.TEXT, [t for _, t in read.needed]),
        "valid_for_months": typed_series(Kind.MONTHS, list(read.needed.values())),
    })
    recs = pd.DataFrame({
        ROW: pd.Series([r[0] for r in records], dtype="int64"),
        "worker": typed_series(Kind.NAME, [r[1] for r in records]),
        "ticket": typed_series(Kind.TEXT, [r[2] for r in records]),
        "completed": typed_series(Kind.DATE, [r[3] for r in records]),
        "expires": typed_series(Kind.DATE, [r[4] for r in records]),
        "certificate_no": typed_series(Kind.TEXT, [None] * len(records)),
        "provider": typed_series(Kind.TEXT, [None] * len(records)),
    })
    rows_read, rows_used = rows
    return Grid(
        tab.name, matrix, recs,
        TableStatus("training_matrix", found_as, headers, (), layout.ignored, rows_read=rows_read,
                    rows_used=rows_used, rows_rejected=rows_read - rows_used),
        TableStatus("training_records", found_as, headers, (), layout.ignored, rows_read=read.cells_read,
                    rows_used=read.cells_used, rows_rejected=read.cells_read - read.cells_used),
        tuple(dict.fromkeys(read.not_required)), tuple(t.ticket for t in layout.tickets))


def combined(grid: Grid, key: str, frame: pd.DataFrame | None, status: TableStatus) -> tuple[pd.DataFrame,
                                                                                             TableStatus]:
    """The grid's table together with a separate long-format tab of the same table (its rows after)."""
    mine, st = grid.frame(key), grid.status(key)
    if frame is None:  # the other tab could not be read (its issues say why): the grid alone
        return mine, st
    both = pd.concat([mine, frame], ignore_index=True)
    return both, TableStatus(key, f"{st.found_as} + {status.found_as}", st.headers, (),
                             (*st.unused_headers, *status.unused_headers), st.rows_read + status.rows_read,
                             st.rows_used + status.rows_used, st.rows_rejected + status.rows_rejected)

