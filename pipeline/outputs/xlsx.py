"""Local mode: write the dashboard tabs to one .xlsx, atomically."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .cleaning import display_value
from .dashboard import (
    STATUS_COLOURS,
    Percent,
    Sheet,
    column_widths,
    is_formula_like,
    plain_value,
    text_lines,
    wrapped,
)
from .files import replacing

EXCEL_CELL_LIMIT = 32767
LINE_POINTS = 15  # the height of one line of Excel's default 11 pt font
MAX_ROW_POINTS = 409  # Excel's tallest row
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
FILLS = {status: PatternFill("solid", fgColor=colour) for status, colour in STATUS_COLOURS.items()}
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _height(lines: int) -> float | None:
    return None if lines <= 1 else min(MAX_ROW_POINTS, lines * LINE_POINTS)


def build_workbook(sheets: Sequence[Sheet]) -> Workbook:
    """An openpyxl workbook of the sheets: bold frozen headers, widths, dates as dates, shares as %,
    statuses coloured, wrapped rows as tall as their text, each tab printing one page wide."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet.title[:31]), sheet)
    return book


def _cell_value(raw: object) -> object:
    value = display_value(plain_value(raw))  # a control character would stop the whole save
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        value = value[:EXCEL_CELL_LIMIT - 1] + "…"
    return value


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    columns = [str(c) for c in sheet.frame.columns]
    records = [[_cell_value(raw) for raw in record] for record in sheet.frame.itertuples(index=False, name=None)]
    col_widths = column_widths(sheet)
    last = get_column_letter(max(1, len(columns)))
    start = sheet.intro_column
    for r, (label, sentence) in enumerate(sheet.intro, start=1):
        # Above the header: the label in the ID column, the sentence merged across the rest so it wraps
        # to the tab's width.
        ws.cell(row=r, column=1, value=label).font = BOLD
        ws.cell(row=r, column=1).alignment = WRAP
        ws.cell(row=r, column=start + 1, value=sentence).alignment = WRAP
        if start + 1 < len(columns):
            ws.merge_cells(f"{get_column_letter(start + 1)}{r}:{last}{r}")
        ws.row_dimensions[r].height = _height(text_lines(sentence, sum(col_widths[start:])) + 1)
    top = sheet.header_row
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=c, value=name)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    status_idx = columns.index(sheet.status_column) if sheet.status_column in columns else None
    bold_rows = set(sheet.bold_rows)
    for i, record in enumerate(records):
        r = top + 1 + i
        wraps = wrapped(record, col_widths)
        for c, value in enumerate(record, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if is_formula_like(value):
                # Crew text is data: stored as a string, shown as typed, never evaluated.
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(value, Percent):
                cell.number_format = "0%"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if wraps[c - 1]:  # nothing is hidden behind the next cell, and the row is as tall as the text
                cell.alignment = WRAP
            elif any(wraps):  # a tall row: every value at its top, level with the wrapped text
                cell.alignment = TOP
            if i in bold_rows:
                cell.font = BOLD
        height = _height(max(wraps, default=0))
        if height is not None:
            ws.row_dimensions[r].height = height
        if status_idx is not None:
            fill = FILLS.get(str(record[status_idx]))
            if fill is not None:
                ws.cell(row=r, column=status_idx + 1).fill = fill
    for c, width in enumerate(col_widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{top + 1}"
    if columns and sheet.filter:
        ws.auto_filter.ref = f"A{top}:{last}{max(top, ws.max_row)}"
    # Printed: landscape, one page wide and as many pages long as it takes, the header on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"1:{top}"


def write_dashboard(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write the dashboard workbook to a temporary file beside ``path`` and move it into place."""
    book = build_workbook(sheets)
    with replacing(path) as tmp:
        book.save(tmp)
    return path
