"""Local mode: write the dashboard tabs to one .xlsx, atomically."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .cleaning import display_value
from .dashboard import STATUS_COLOURS, Sheet, is_formula_like, plain_value
from .files import replacing

MAX_WIDTH = 80
EXCEL_CELL_LIMIT = 32767


def _width(header: str, values: list[object]) -> int:
    longest = len(header)
    for v in values[:500]:
        if v is None:
            continue
        n = 12 if isinstance(v, (date, datetime)) else len(str(v).split("\n")[0])
        longest = max(longest, n)
    return min(MAX_WIDTH, longest + 2)


def build_workbook(sheets: Sequence[Sheet]) -> Workbook:
    """An openpyxl workbook of the sheets: bold frozen headers, widths, dates as dates, statuses coloured."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    fills = {status: PatternFill("solid", fgColor=colour) for status, colour in STATUS_COLOURS.items()}
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        columns = [str(c) for c in sheet.frame.columns]
        ws.append(columns)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = header_fill
        status_idx = columns.index(sheet.status_column) if sheet.status_column in columns else None
        col_values: list[list[object]] = [[] for _ in columns]
        for r, record in enumerate(sheet.frame.itertuples(index=False, name=None), start=2):
            for c, raw in enumerate(record, start=1):
                value = display_value(plain_value(raw))  # a control character would stop the whole save
                if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
                    value = value[:EXCEL_CELL_LIMIT - 1] + "…"
                cell = ws.cell(row=r, column=c, value=value)
                if is_formula_like(value):
                    # Crew text is data: stored as a string, shown as typed, never evaluated.
                    cell.data_type = "s"
                    cell.quotePrefix = True
                elif isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                col_values[c - 1].append(value)
            if status_idx is not None:
                fill = fills.get(str(record[status_idx]))
                if fill is not None:
                    ws.cell(row=r, column=status_idx + 1).fill = fill
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, ws.max_row)}"
        widths = dict(sheet.widths or {})
        for i, name in enumerate(columns, start=1):
            width = widths.get(name) or _width(name, col_values[i - 1])
            ws.column_dimensions[get_column_letter(i)].width = width
            # Text longer than its column wraps, so nothing is hidden behind the next cell.
            for r, value in enumerate(col_values[i - 1], start=2):
                if isinstance(value, str) and ("\n" in value or len(value) > width):
                    ws.cell(row=r, column=i).alignment = wrap
    return book


def write_dashboard(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write the dashboard workbook to a temporary file beside ``path`` and move it into place."""
    book = build_workbook(sheets)
    with replacing(path) as tmp:
        book.save(tmp)
    return path
