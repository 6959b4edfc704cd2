"""Writing the demo's two workbooks fast (openpyxl write-only mode)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..schema import BY_KEY

OFFICE_FILE = "secor-records.xlsx"
FORMS_FILE = "form-responses.xlsx"
OFFICE_TABS = ("workers", "training_matrix", "training_records", "hazard_register", "corrective_actions",
               "inspection_schedule", "program", "goals")
FORM_TABS = ("flha", "pre_start", "workplace_inspection", "incident", "toolbox_talk", "orientation")


def write_book(path: Path, tables: Sequence[str], rows: dict[str, list[dict[str, object] | None]]) -> None:
    """One workbook: a tab per table, headers = the schema titles, one row per dict (None = a blank row).

    Text that starts with '=' is written as text, never as a formula.
    """
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for key in tables:
        table = BY_KEY[key]
        sheet = book.create_sheet(table.title)
        sheet.freeze_panes = "A2"
        header = []
        for c in table.columns:
            cell = WriteOnlyCell(sheet, value=c.title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        keys = [c.key for c in table.columns]
        blank = [None] * len(keys)
        for row in rows[key]:
            if row is None:
                sheet.append(blank)
                continue
            values: list[object] = [row.get(k) for k in keys]
            for i, v in enumerate(values):
                if isinstance(v, str) and v.startswith("="):
                    cell = WriteOnlyCell(sheet, value=v)
                    cell.data_type = "s"
                    values[i] = cell
            sheet.append(values)
    book.save(path)
