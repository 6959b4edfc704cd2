"""Local mode: the .xlsx and .csv files of one folder, opened read-only.

A .csv file's name (without extension) is its tab name. Excel's ``~$`` lock
files and hidden files are skipped; a file that cannot be read is reported by
name and the others are still read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import SecorError
from .base import Tab, Workbook, add_tabs
from .csv_files import read_csv_records

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
# Spreadsheet formats that are not read: said, so a file dropped in the folder is not silently ignored.
UNREAD_SUFFIXES = {".xls", ".ods", ".numbers", ".xlsb"}


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def tab_from_rows(name: str, origin: str, rows: Sequence[Sequence[object]], timezone: str | None = None) -> Tab:
    """Cut a grid into header and data rows: the header is the first non-blank row."""
    start = 0
    while start < len(rows) and all(_blank(v) for v in rows[start]):
        start += 1
    if start == len(rows):
        return Tab(name, origin, (), [], first_row=2, timezone=timezone)
    header = list(rows[start])
    body = rows[start + 1:]
    end = len(body)
    while end > 0 and all(_blank(v) for v in body[end - 1]):
        end -= 1
    width = len(header)
    while width > 0 and _blank(header[width - 1]) and all(
            len(r) < width or _blank(r[width - 1]) for r in body[:end]):
        width -= 1
    data = [list(r[:width]) + [None] * (width - len(r)) for r in body[:end]]
    return Tab(name, origin, tuple(header[:width]), data, first_row=start + 2, timezone=timezone)


def read_xlsx(path: Path) -> list[Tab]:
    """Every tab of a workbook (values only, formulas as their last computed value)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        tabs = []
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            tabs.append(tab_from_rows(name, path.name, grid))
        return tabs
    except Exception as exc:  # calamine raises several types for damaged files
        raise SecorError(
            f"file '{path.name}' could not be read as a workbook ({type(exc).__name__}: {exc}).",
            fix="Open it in Excel and save it again as .xlsx, or move it out of the folder.",
        ) from None


def read_csv(path: Path, notes: list[str] | None = None) -> Tab:
    """A CSV file as one tab named after the file; how it was decoded is added to ``notes``.

    Decoding, delimiters and row numbers follow :mod:`pipeline.sources.csv_files`: a file that
    is not clean UTF-8 is still read, and said.
    """
    records, found = read_csv_records(path.read_bytes(), path.name)
    if notes is not None:
        notes.extend(found)
    return tab_from_rows(path.stem, path.name, records)


class LocalSource:
    """Reads a folder of workbooks and CSV files."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"folder {self.folder}"

    def files(self) -> list[Path]:
        """The files that will be read, in name order; lock and hidden files left out."""
        if not self.folder.is_dir():
            raise SecorError(
                f"source folder '{self.folder}' does not exist.",
                fix="Pass --source with the folder that holds your workbooks, or run `secor demo`.",
            )
        return sorted(
            p for p in self.folder.iterdir()
            if p.is_file() and not p.name.startswith(("~$", ".")) and p.suffix.lower() in {*WORKBOOK_SUFFIXES, ".csv"}
        )

    def empty_folder(self) -> SecorError:
        """The error for a folder with nothing to read: never a run that reports 0% as if it were the records."""
        others = sorted(p.name for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")))
        seen = f" (it holds only: {', '.join(others[:5])}{' ...' if len(others) > 5 else ''})" if others else ""
        return SecorError(
            f"source folder '{self.folder}' has no .xlsx or .csv file to read{seen}; nothing was written.",
            fix="If it is a shared drive or a cloud folder, check it is connected and synced; otherwise pass "
                "--source (or set [source] path) with the folder that holds the workbooks.")

    def read(self) -> Workbook:
        tabs: list[Tab] = []
        problems: list[str] = []
        opened: list[tuple[str, str]] = []
        files = self.files()  # first: a missing folder is the one error worth stopping for
        if not files:
            raise self.empty_folder()
        notes = [f"file '{p.name}' is not read ({p.suffix} files are not supported); save it as .xlsx if it "
                 "holds records." for p in sorted(self.folder.iterdir())
                 if p.is_file() and not p.name.startswith(("~$", ".")) and p.suffix.lower() in UNREAD_SUFFIXES]
        for path in files:
            try:
                found = read_csv(path, notes) if path.suffix.lower() == ".csv" else read_xlsx(path)
            except SecorError as exc:
                problems.append(exc.message)
                opened.append((path.name, "could not be read"))
                continue
            except OSError as exc:
                problems.append(f"file '{path.name}' could not be opened: {exc.strerror}.")
                opened.append((path.name, "could not be opened"))
                continue
            found_tabs = [found] if isinstance(found, Tab) else found
            opened.append((path.name, f"read: {len(found_tabs)} tab(s)"))
            add_tabs(tabs, found_tabs, problems)
        return Workbook(tuple(tabs), tuple(problems), tuple(opened), tuple(notes))
