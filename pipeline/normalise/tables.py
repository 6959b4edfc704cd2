"""From tabs as read to normalised tables, accounting for every row.

Per table: rows read = rows used + rows rejected, and each rejected row is on
the issues list with its sheet row number. Values that are wrong but not
needed are dropped from the row (and listed); the row is still used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ..schema import BY_KEY, ID, ROW, TABLES, Column, Kind, Table
from ..settings import Settings, toml_string
from ..sources.base import Tab, Workbook
from . import cells
from .dataset import (
    ISSUE_COLUMNS,
    REJECTED,
    SEVERITY_ORDER,
    SOURCE_TABLE,
    TABLE,
    WARNING,
    Dataset,
    TableStatus,
    typed_series,
)
from .discovery import SURE, discover, pin_line
from .examples import without_template_examples
from .grid import GRID_KEYS, Grid, combined, find_grid, grid_tables
from .headers import match_headers
from .ids import assign_ids, find_double_submits
from .links import link_issues
from .names import Roster
from .training import UNCREDITED, training_issues

MAX_VALUE_SHOWN = 200
_TABLE_ORDER = {t.title: i for i, t in enumerate(TABLES)}


def _shown(value: object) -> str:
    text = cells.clean_text(value) or ""
    return text if len(text) <= MAX_VALUE_SHOWN else text[:MAX_VALUE_SHOWN] + "…"


class _Issues:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int | None, str, str, str, str]] = []

    def add(self, table: str, row: int | None, column: str, value: object, problem: str, severity: str) -> None:
        self.rows.append((table, row, column, _shown(value), problem, severity))

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=ISSUE_COLUMNS)
        frame["row"] = frame["row"].astype("Int64")
        frame["_order"] = frame["severity"].map(SEVERITY_ORDER)
        frame["_table"] = frame["table"].map(_TABLE_ORDER).fillna(-1)
        frame = frame.sort_values(["_order", "_table", "row"], kind="stable", na_position="first")
        return frame.drop(columns=["_order", "_table"]).reset_index(drop=True)


def choice_lookup(column: Column, office: Mapping[str, str] | None = None) -> dict[str, str]:
    """choice_key -> canonical value of a choice column: its choices, built-in synonyms, then the office's own
    wordings from the config [values] (which win)."""
    lookup = {cells.choice_key(a): c for a, c in column.choice_aliases}
    lookup.update({cells.choice_key(c): c for c in column.choices})
    lookup.update({cells.choice_key(a): c for a, c in (office or {}).items()})
    return lookup


def _converter(column: Column, settings: Settings, roster: Roster | None, naive_zone: ZoneInfo | None = None,
               office: Mapping[str, str] | None = None) -> Callable[[object], tuple[Any, str | None]]:
    """The cell converter of one column. ``naive_zone``: the tab's own zone (Timestamps without a stated zone);
    ``office``: the config's [values] for this column (office wording -> canonical value)."""
    order = settings.date_order
    if column.kind is Kind.TIMESTAMP:
        company = settings.zone
        return lambda v: cells.parse_datetime(v, order, company, naive_zone)
    if column.kind is Kind.DATE:  # a date is a date: no zone is applied
        return lambda v: cells.parse_datetime(v, order)
    if column.kind in (Kind.NUMBER, Kind.MONTHS):
        parse = cells.parse_months if column.kind is Kind.MONTHS else cells.parse_number
        if column.bounds is None:
            return parse
        low, high = column.bounds

        def bounded(v: object) -> tuple[float | None, str | None]:
            number, problem = parse(v)
            if number is not None and not low <= number <= high:
                return None, f"{number:g} is outside {low:g} to {high:g}"
            return number, problem
        return bounded
    if column.kind is Kind.YESNO:
        if not office:
            return cells.parse_yes_no
        answers = {cells.choice_key(a): c == "Yes" for a, c in office.items()}
        return lambda v: cells.parse_yes_no(v, answers)
    if column.kind is Kind.CHOICE:
        lookup = choice_lookup(column, office)
        return lambda v: cells.parse_choice(v, lookup, column.choices)
    if column.kind is Kind.NAME and roster is not None:
        def name(v: object) -> tuple[str | None, str | None]:
            text = cells.clean_text(v)
            return (None, None) if text is None else roster.match(text)
        return name

    if column.kind is Kind.NAME:
        def tidy(v: object) -> tuple[str | None, str | None]:
            text = cells.clean_text(v)
            return (None if text is None else cells.tidy_name(text)), None
        return tidy

    def text(v: object) -> tuple[str | None, str | None]:
        return cells.clean_text(v), None
    return text


def _pick(row: Sequence[object], positions: tuple[int, ...]) -> object:
    """The first non-blank of the sheet columns that feed one column (renamed Forms questions)."""
    for p in positions:
        v = row[p] if p < len(row) else None
        if not cells.is_blank(v):
            return v
    return None


def _naive_zone(tab: Tab, settings: Settings) -> ZoneInfo | None:
    """The zone a time without a stated zone is written in, when not the company's (a spreadsheet's own)."""
    if not tab.timezone or tab.timezone == settings.timezone:
        return None
    try:
        return ZoneInfo(tab.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # an unknown zone name: keep the times as written


def _row_blank(row: Sequence[object]) -> bool:
    for v in row:
        if v is None or v == "":
            continue
        if not cells.is_blank(v):
            return False
    return True


def _normalise_table(table: Table, tab: Tab, settings: Settings, roster: Roster | None,
                     issues: _Issues) -> tuple[pd.DataFrame | None, TableStatus]:
    found_as = f"{tab.name} ({tab.origin})"
    headers = tuple(cells.clean_text(h) or "" for h in tab.header)
    match = match_headers(table, headers, settings.headers.get(table.key))
    if match.missing_required:
        for title in match.missing_required:
            issues.add(table.title, None, title, ", ".join(h for h in headers if h),
                       f"required column '{title}' not found in tab '{tab.name}' of {tab.origin} "
                       f"({len(tab.rows)} rows not used); add the column or map its header in the config.",
                       TABLE)
        return None, TableStatus(table.key, found_as, headers, match.missing_required, match.unused,
                                 rows_read=len(tab.rows), rows_used=0, rows_rejected=0)
    for key, pos in match.positions.items():
        if len(pos) > 1:
            col = table.column(key)
            issues.add(table.title, 1, col.title, ", ".join(headers[p] for p in pos),
                       f"{len(pos)} columns feed '{col.title}'; the first filled one is used on each row. "
                       "Merge them if they are the same question.", WARNING)

    n = len(tab.rows)
    sheet_rows = [tab.first_row + i for i in range(n)]
    rejected: dict[int, str] = {}
    for i, r in enumerate(tab.rows):
        if _row_blank(r):
            rejected[i] = "blank row"
            issues.add(table.title, sheet_rows[i], "", "", "blank row; nothing to use (delete it).", REJECTED)

    columns: dict[str, list[object]] = {}
    for col in table.columns:
        pos = match.positions.get(col.key)
        if pos is None:
            columns[col.key] = [None] * n
            continue
        convert = _converter(col, settings, roster if table.key != "workers" else None, _naive_zone(tab, settings),
                             settings.values.get(table.key, {}).get(col.key))
        cache: dict[object, tuple[Any, str | None]] = {}
        if len(pos) == 1:
            p = pos[0]
            raw = [r[p] if p < len(r) else None for r in tab.rows]
        else:
            raw = [_pick(r, pos) for r in tab.rows]
        out: list[object] = [None] * n
        for i, v in enumerate(raw):
            if i in rejected:
                continue
            hit = cache.get(v)
            if hit is None:
                hit = cache[v] = convert(v)
            value, problem = hit
            if problem is not None and col.kind is Kind.NAME:
                # An unknown name is a hint for the office, not a reason to lose the record.
                effect = f"; {UNCREDITED}" if table.key == "training_records" else ""
                issues.add(table.title, sheet_rows[i], col.title, v, f"{problem} (row used{effect})", WARNING)
                out[i] = value
                continue
            if problem is None and value is None and col.required and not (col.key == "date" and table.is_form):
                problem = "required value is blank"
            if problem is None:
                out[i] = value
            elif col.required and col.kind is Kind.CHOICE and not cells.is_blank(v):
                # The record is there (an incident typed "Cut"): keep it, without the unknown choice.
                issues.add(table.title, sheet_rows[i], col.title, v,
                           f"{problem.rstrip('.')}; the row is used without it: pick one of the listed values.",
                           WARNING)
            elif col.required:
                rejected[i] = problem
                issues.add(table.title, sheet_rows[i], col.title, v, f"{problem.rstrip('.')}; row not used.", REJECTED)
            else:
                issues.add(table.title, sheet_rows[i], col.title, v, f"{problem.rstrip('.')}; value ignored.", WARNING)
        columns[col.key] = out

    ids: list[str | None] = [None] * n
    if table.is_form:
        _form_dates_and_ids(table, tab, settings, columns, ids, rejected, sheet_rows, issues)

    keep = [i for i in range(n) if i not in rejected]
    data: dict[str, pd.Series] = {ROW: pd.Series([sheet_rows[i] for i in keep], dtype="int64")}
    if table.is_form:
        data[ID] = pd.Series([ids[i] for i in keep], dtype=object)
    for col in table.columns:
        values = columns[col.key]
        data[col.key] = typed_series(col.kind, [values[i] for i in keep])
    frame = pd.DataFrame(data)
    if table.is_form:
        frame = frame.sort_values(["timestamp", ROW], kind="stable").reset_index(drop=True)
    checklists = tuple(key for key, pos in match.positions.items()
                       if any(is_checkbox_question(headers[p], tab.rows, p) for p in pos))
    status = TableStatus(table.key, found_as, headers, (), match.unused,
                         rows_read=n, rows_used=len(keep), rows_rejected=len(rejected), checklist_columns=checklists)
    return frame, status


_CHECKBOX_HINT = re.compile(r"\b(check|select|tick|mark|choose)\s+(all|any)\b|\ball that apply\b", re.I)


def is_checkbox_question(header: str, rows: Sequence[Sequence[object]], position: int) -> bool:
    """A Forms checkbox question: said in its title, or its answers joined with ';' (a Forms CSV download)."""
    if _CHECKBOX_HINT.search(header):
        return True
    answers = [r[position] for r in rows[:200] if position < len(r) and isinstance(r[position], str)
               and r[position].strip()]
    # Single-box answers have no ';', so a fifth of the answers is enough; crew free text rarely has one.
    joined = sum(";" in a for a in answers)
    return joined >= 3 and joined * 5 >= len(answers)


def _form_dates_and_ids(table: Table, tab: Tab, settings: Settings, columns: dict[str, list[object]],
                        ids: list[str | None], rejected: dict[int, str], sheet_rows: list[int],
                        issues: _Issues) -> None:
    """Fill a blank Date from the Timestamp, give each response its ID, reject double submits."""
    stamps = columns["timestamp"]
    if "date" in columns:
        dates = columns["date"]
        for i, d in enumerate(dates):
            ts = stamps[i]
            if d is None and isinstance(ts, datetime):
                dates[i] = datetime(ts.year, ts.month, ts.day)
    live = [i for i in range(len(stamps)) if i not in rejected]
    content_keys = [c.key for c in table.columns if c.key != "timestamp"]
    # Normalised values: a double tap repeats every answer exactly.
    every = list(zip(*(columns[k] for k in content_keys), strict=True))
    signatures = [every[i] for i in live]
    dups = find_double_submits([stamps[i] for i in live], signatures,
                               settings.audit.duplicate_window_minutes * 60)
    identity = list(zip(*(columns[k] for k in table.identity), strict=True))
    live_ids = assign_ids(table.id_prefix, [stamps[i] for i in live], [identity[i] for i in live])
    for i, rid in zip(live, live_ids, strict=True):
        ids[i] = rid
    for pos, kept_pos in dups.items():
        i, kept = live[pos], live[kept_pos]
        rejected[i] = "duplicate"
        issues.add(table.title, sheet_rows[i], "Timestamp", stamps[i],
                   f"same answers as row {sheet_rows[kept]} ({ids[kept]}) submitted "
                   f"{int((stamps[i] - stamps[kept]).total_seconds())} s apart: a double submit; row not used.",
                   REJECTED)


def normalise(workbook: Workbook, settings: Settings) -> Dataset:
    """Find each table (see discovery.py), match its headers, convert its cells, and list what was not used."""
    issues = _Issues()
    tables: dict[str, pd.DataFrame] = {}
    status: dict[str, TableStatus] = {}
    for problem in workbook.problems:
        issues.add(SOURCE_TABLE, None, "", "", problem, TABLE)

    for note in workbook.notes:
        issues.add(SOURCE_TABLE, None, "", "", note, WARNING)
    grid_found = find_grid(workbook, settings)  # a training matrix kept as a grid: read once, into both tables
    grid = None
    found = discover(workbook, settings, set_aside=grid_found[0] if grid_found else None)
    roster: Roster | None = None
    for table in TABLES:  # Workers comes first: the roster the other tables' names are matched to
        placement = found.chosen.get(table.key)
        in_grid = grid_found is not None and table.key in GRID_KEYS
        if in_grid:
            grid = grid or grid_tables(grid_found[0], settings, roster, tables.get("workers"), issues.add)
        if placement is None:
            if in_grid:
                tables[table.key] = grid.frame(table.key)
                status[table.key] = _grid_status(grid, table.key, grid_found, workbook)
                continue
            looked = ", ".join(dict.fromkeys((*settings.tables.get(table.key, ()), table.title)))
            issues.add(table.title, None, "", "",
                       f"table not found (no tab named {looked}, and no tab has its columns); the checks that "
                       "need it report it as missing. Add the tab or map its name in the config [tables].", TABLE)
            status[table.key] = TableStatus(table.key, None)
            continue
        for other in found.others.get(table.key, ()):
            issues.add(table.title, None, "", other.name,
                       f"tab '{other.name}' ({other.origin}) also looks like {table.title}; only "
                       f"'{placement.tab.name}' ({placement.tab.origin}) is read. Merge them, or pin the one "
                       f"to read: under [tables] in the config, {placement.pin}", WARNING)
        frame, st = _normalise_table(table, placement.tab, settings, roster, issues)
        st = replace(st, found_by=placement.how, confidence=placement.confidence,
                     pin=placement.pin, header_row=placement.tab.header_row)
        if in_grid:
            frame, st = combined(grid, table.key, frame, st)
        status[table.key] = st
        if frame is not None:
            tables[table.key] = frame
            if table.key == "workers":
                roster = Roster.of(frame["name"].dropna())
                _report_duplicate_workers(frame, issues)
        if table.key == "workers" and roster is None:
            roster = Roster()
    for line in training_issues(tables, grid.tickets if grid else ()):
        issues.add(*line)
    for tab in found.unread:
        issues.add(SOURCE_TABLE, None, "", tab.name,
                   f"tab '{tab.name}' ({tab.origin}, {len(tab.rows)} rows) is not read: no table has that name "
                   "or its columns. If it holds records, map it under [tables] in the config, "
                   f"e.g. flha = [{toml_string(tab.label)}].", WARNING)
    tables, status, examples = without_template_examples(tables, status)  # our template's example rows
    for line in (*examples, *link_issues(Dataset(tables, status, issues.frame()))):  # + links to nothing
        issues.add(*line)
    return Dataset(tables, status, issues.frame(), tuple(workbook.problems),
                   not_required=grid.not_required if grid else ())


def _grid_status(grid: Grid, key: str, found: tuple[Tab, str], workbook: Workbook) -> TableStatus:
    """The status of a table read from the grid alone, with how its tab was found."""
    tab, how = found
    return replace(grid.status(key), found_by=f"grid {how}", confidence=SURE,
                   pin=pin_line(BY_KEY["training_matrix"], tab, workbook.tabs), header_row=tab.header_row)


def _report_duplicate_workers(frame: pd.DataFrame, issues: _Issues) -> None:
    keys = frame["name"].map(cells.name_key)
    for _, group in frame[keys.duplicated(keep=False)].groupby(keys[keys.duplicated(keep=False)]):
        rows = ", ".join(str(r) for r in group[ROW])
        for _, r in group.iloc[1:].iterrows():
            issues.add("Workers", int(r[ROW]), "Name", r["name"],
                       f"this worker is on Workers more than once (rows {rows}); each row counts as a period "
                       "of employment. Delete the extra row if it is a copy.", WARNING)


def table_of(key: str) -> Table:
    """The schema of a table by key."""
    return BY_KEY[key]
