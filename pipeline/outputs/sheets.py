"""Google mode: write the Dashboard tabs into the office spreadsheet.

Requests per sync, whatever the number of rows:

1. ``spreadsheets.get`` (tab names and ids only);
2. one ``spreadsheets.batchUpdate`` holding everything: ``addSheet`` for a missing
   Dashboard tab (with a sheet id chosen here, so the same batch can fill it),
   then per tab ``updateCells`` and ``unmergeCells`` clearing the whole tab, ``updateSheetProperties``
   sizing the grid to fit and freezing the header (and the ID column), ``updateCells``
   writing the sentence above the header (``mergeCells`` across the tab), header and
   rows, ``updateDimensionProperties`` for column widths, ``autoResizeDimensions``
   so wrapped rows are as tall as their text, and ``setBasicFilter`` on the list
   tabs (``clearBasicFilter`` on the summary: no filter there).

Columns, their order, the top-actions block and the number formats (dates; shares
as ``0%``) are the local workbook's (:mod:`pipeline.outputs.dashboard`). Print
settings (landscape, one page wide, header repeated) are not in the Sheets API:
Sheets asks for them in its print dialog, so only the local workbook carries them.

Google applies a ``batchUpdate`` atomically: if any part is refused, nothing
changes, so a run that fails leaves the previous dashboards whole and readable.
The Dashboard tab carries a "Last refreshed" stamp next to its header.

Only tabs named in :data:`TAB_NAMES` are addressed (by sheet id); no other tab,
cell or format is touched. Every text is sent as ``stringValue`` (never
``formulaValue``), so a crew answer like ``=IMPORTXML(...)`` stays text; numbers
as ``numberValue``; dates and times as serial numbers with a date format.

If the batch times out after Google applied it, the retry finds the new tabs
already there ("already exists"): the spreadsheet is read again and the batch
rebuilt without ``addSheet`` (one more request pair, only in that case). All the
requests of one write share one time budget, ``[google] max_retry_seconds``
(:meth:`GoogleSource.write_dashboards` opens it).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from gspread.exceptions import APIError

from ..errors import SecorError
from ..normalise.cells import SERIAL_EPOCH
from ..sources.google_http import explain
from .cleaning import display_text
from .dashboard import GREY, STATUS_COLOURS, TAB_NAMES, Percent, Sheet, column_widths, plain_value, text_lines, wrapped

SHEETS_CELL_LIMIT = 50_000  # characters in one Sheets cell
HEADER_GREY = "DDDDDD"
STAMP_TAB = TAB_NAMES[0]
DATE_FORMAT = {"type": "DATE", "pattern": "yyyy-mm-dd"}
DATETIME_FORMAT = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}
PERCENT_FORMAT = {"type": "PERCENT", "pattern": "0%"}
WRAP = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
LINE_PIXELS = 21  # one line of Sheets' default 10 pt Arial
CELL_FIELDS = "userEnteredValue,userEnteredFormat"
CLEAR_FIELDS = "userEnteredValue,userEnteredFormat,note,dataValidation"
WRAP_OVER = 80  # characters: longer text wraps
PIXELS_PER_CHAR = 7
MIN_PIXELS, MAX_PIXELS = 60, 600


def rgb(hex_colour: str) -> dict[str, float]:
    """``"F4CCCC"`` as a Sheets Color."""
    return {name: round(int(hex_colour[i:i + 2], 16) / 255, 4)
            for name, i in (("red", 0), ("green", 2), ("blue", 4))}


def serial(value: date) -> float:
    """A date or naive datetime as a Sheets serial number (days since 1899-12-30)."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    days = (moment.replace(tzinfo=None) - SERIAL_EPOCH).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def cell(raw: object, fmt: dict[str, Any] | None = None, wrap: bool | None = None) -> dict[str, Any]:
    """One CellData: typed value, never a formula; ``fmt`` merged into userEnteredFormat.

    ``wrap``: whether text wraps (the caller knows the column's width); by default text with a line
    break or over 80 characters does.
    """
    value = plain_value(raw)
    out: dict[str, Any] = {}
    form = dict(fmt or {})
    if value is None or (isinstance(value, str) and value == ""):
        pass
    elif isinstance(value, bool):
        out["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, datetime):
        out["userEnteredValue"] = {"numberValue": serial(value)}
        form["numberFormat"] = DATETIME_FORMAT
    elif isinstance(value, date):
        out["userEnteredValue"] = {"numberValue": serial(value)}
        form["numberFormat"] = DATE_FORMAT
    elif isinstance(value, (int, float)) and math.isfinite(value):
        out["userEnteredValue"] = {"numberValue": float(value) if isinstance(value, Percent) else value}
        if isinstance(value, Percent):
            form["numberFormat"] = PERCENT_FORMAT
    else:
        text = display_text(str(value))  # a lone surrogate makes the whole batch invalid JSON for Google
        if len(text) > SHEETS_CELL_LIMIT:
            text = text[:SHEETS_CELL_LIMIT - 1] + "…"
        out["userEnteredValue"] = {"stringValue": text}
        if wrap or (wrap is None and ("\n" in text or len(text) > WRAP_OVER)):
            form.update(WRAP)
    if form:
        out["userEnteredFormat"] = form
    return out


def _pixels(chars: int) -> int:
    return max(MIN_PIXELS, min(MAX_PIXELS, chars * PIXELS_PER_CHAR + 10))


def tab_requests(sheet_id: int, sheet: Sheet, stamp: datetime | None = None) -> list[dict[str, Any]]:
    """Requests that rewrite one tab whole: clear, size and freeze, write, merge the sentence rows,
    widths, row heights, filter."""
    frame = sheet.frame
    columns = [str(c) for c in frame.columns]
    widths = column_widths(sheet)
    header_fmt = {"textFormat": {"bold": True}, "backgroundColor": rgb(HEADER_GREY)}
    header = [cell(c, header_fmt) for c in columns]
    if stamp is not None:
        header += [{}, cell("Last refreshed", {"textFormat": {"bold": True}}), cell(stamp)]
    status_at = columns.index(sheet.status_column) if sheet.status_column in columns else None
    fills = {status: {"backgroundColor": rgb(colour)} for status, colour in STATUS_COLOURS.items()}
    bold_rows = set(sheet.bold_rows)
    start = sheet.intro_column
    rows = [{"values": [cell(label, {"textFormat": {"bold": True}, **WRAP}, wrap=True), *[{}] * (start - 1),
                        cell(sentence, WRAP, wrap=True)]} for label, sentence in sheet.intro]
    rows.append({"values": header})
    for r, record in enumerate(frame.itertuples(index=False, name=None)):
        plain = [plain_value(v) for v in record]
        lines = wrapped(plain, widths)
        values = []
        for i, raw in enumerate(record):
            fmt = dict(fills.get(str(raw), {})) if i == status_at else {}
            if r in bold_rows:
                fmt["textFormat"] = {"bold": True}
            if any(lines) and not lines[i]:  # a tall row: every value at its top, level with the wrapped text
                fmt["verticalAlignment"] = "TOP"
            values.append(cell(raw, fmt or None, wrap=bool(lines[i])))
        rows.append({"values": values})
    top = len(sheet.intro)  # the header's row index
    n_rows = max(len(rows), top + 2)  # Sheets refuses to freeze every row of a tab
    n_cols = max(len(header), 1)
    frozen_cols = sheet.frozen_columns if sheet.frozen_columns < len(columns) else 0
    requests: list[dict[str, Any]] = [
        {"updateCells": {"range": {"sheetId": sheet_id}, "fields": CLEAR_FIELDS}},
        # Merges are not cleared with the cells; one left by hand would make the frozen ID column refused.
        {"unmergeCells": {"range": {"sheetId": sheet_id}}},
        {"updateSheetProperties": {
            "properties": {"sheetId": sheet_id,
                           # Frozen columns an office left would make a narrower tab refused: always set.
                           "gridProperties": {"rowCount": n_rows, "columnCount": n_cols, "frozenRowCount": top + 1,
                                              "frozenColumnCount": frozen_cols}},
            "fields": "gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount,"
                      "gridProperties.frozenColumnCount"}},
        {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
                         "fields": CELL_FIELDS}},
    ]
    for r, (_label, sentence) in enumerate(sheet.intro):
        # The sentence spans the columns right of the frozen ones (Google refuses to freeze part of a
        # merged cell) and wraps to their width; Sheets does not size a merged row itself.
        if start + 1 < len(columns):
            requests.append({"mergeCells": {"mergeType": "MERGE_ALL", "range": {
                "sheetId": sheet_id, "startRowIndex": r, "endRowIndex": r + 1, "startColumnIndex": start,
                "endColumnIndex": len(columns)}}})
        requests.append(_row_height(sheet_id, r, (text_lines(sentence, sum(widths[start:])) + 1) * LINE_PIXELS))
    for i, chars in enumerate(widths):
        requests.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
            "properties": {"pixelSize": _pixels(chars)}, "fields": "pixelSize"}})
    # Rows as tall as their wrapped text (a height an office set by hand would hide it).
    requests.append({"autoResizeDimensions": {"dimensions": {
        "sheetId": sheet_id, "dimension": "ROWS", "startIndex": top, "endIndex": len(rows)}}})
    if columns and sheet.filter:
        requests.append({"setBasicFilter": {"filter": {"range": {
            "sheetId": sheet_id, "startRowIndex": top, "endRowIndex": len(rows),
            "startColumnIndex": 0, "endColumnIndex": len(columns)}}}})
    else:  # a filter left by an earlier version or by hand; clearing none is not an error
        requests.append({"clearBasicFilter": {"sheetId": sheet_id}})
    return requests


def _row_height(sheet_id: int, row: int, pixels: int) -> dict[str, Any]:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": row, "endIndex": row + 1},
        "properties": {"pixelSize": pixels}, "fields": "pixelSize"}}


def _new_id(used: set[int]) -> int:
    while True:
        candidate = random.randrange(1, 2**31 - 1)
        if candidate not in used:
            used.add(candidate)
            return candidate


def _tabs(meta: dict[str, Any]) -> dict[str, int]:
    return {s["properties"]["title"]: int(s["properties"]["sheetId"]) for s in meta.get("sheets", [])
            if "properties" in s}


def add_sheet(sheet_id: int, title: str, rows: int, columns: int) -> dict[str, Any]:
    return {"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": {
        "rowCount": rows, "columnCount": columns, "frozenRowCount": 1}}}}


def _already_exists(exc: APIError) -> bool:
    return exc.response.status_code == 400 and "already exists" in str(exc.error.get("message", ""))


def apply_batch(source: Any, key: str, build: Callable[[dict[str, Any]], tuple[list[dict[str, Any]], Any]],
                meta: dict[str, Any] | None = None) -> Any:
    """Metadata (unless given), then one batchUpdate built from it.

    Rebuilt once from fresh metadata if Google says a tab to add already exists (a timed-out
    attempt that had in fact been applied, or someone adding the tab meanwhile).
    """
    for round_ in (1, 2):
        if meta is None or round_ == 2:
            meta = source.call(key, source.metadata, key, write=True)
        requests, result = build(meta)
        if not requests:
            return result
        try:
            source.http.batch_update(key, {"requests": requests, "includeSpreadsheetInResponse": False})
        except APIError as exc:
            if round_ == 1 and _already_exists(exc):
                continue
            raise explain(exc, source.titles.get(key, key), source.account, write=True) from None
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def write_dashboards(source: Any, key: str, sheets: Sequence[Sheet], now: datetime) -> list[str]:
    """Rewrite the Dashboard tabs in one atomic batchUpdate; lines naming each tab's URL."""
    def build(meta: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
        tabs = _tabs(meta)
        used = set(tabs.values())
        requests: list[dict[str, Any]] = []
        ids: dict[str, int] = {}
        for sheet in sheets:
            if sheet.title not in TAB_NAMES:
                raise ValueError(f"'{sheet.title}' is not a Dashboard tab")  # never write an office tab
            clash = next((t for t in tabs if t != sheet.title and t.casefold() == sheet.title.casefold()), None)
            if clash is not None:
                # Sheets refuses two tab names that differ only in case, and the tab is not ours to rewrite.
                raise SecorError(
                    f"spreadsheet '{source.titles.get(key, key)}' has a tab '{clash}', which Google Sheets takes "
                    f"for the Dashboard tab '{sheet.title}' (names that differ only in case); the dashboards "
                    "were not written.",
                    fix=f"Rename the tab '{clash}' (e.g. to 'Old {clash}') or delete it, then sync again.")
            if sheet.title in tabs:
                ids[sheet.title] = tabs[sheet.title]
            else:
                ids[sheet.title] = _new_id(used)
                requests.append(add_sheet(ids[sheet.title], sheet.title, 2, max(1, len(sheet.frame.columns))))
        for sheet in sheets:
            requests += tab_requests(ids[sheet.title], sheet, now if sheet.title == STAMP_TAB else None)
        return requests, ids

    ids = apply_batch(source, key, build)
    title = source.titles.get(key, key)
    return [f"{t} in '{title}': {source.url(key, sid)}" for t, sid in ids.items()]


def add_tabs(source: Any, key: str, meta: dict[str, Any], tabs: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Add each (title, headers) tab that is not there, with a bold frozen header row; one batchUpdate."""
    def build(current: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
        existing = _tabs(current)
        used = set(existing.values())
        requests: list[dict[str, Any]] = []
        added: list[str] = []
        for title, headers in tabs:
            if title in existing:
                continue
            sid = _new_id(used)
            requests.append(add_sheet(sid, title, 1000, max(26, len(headers))))
            requests.append({"updateCells": {
                "start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": [cell(h, {"textFormat": {"bold": True}, "backgroundColor": rgb(GREY)})
                                     for h in headers]}],
                "fields": CELL_FIELDS}})
            added.append(f"{title}: added ({', '.join(headers)}) {source.url(key, sid)}")
        return requests, added

    return apply_batch(source, key, build, meta)
