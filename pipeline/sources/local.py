"""Local mode: the .xlsx and .csv files of one folder, opened read-only.

A workbook's file name (without extension) is its book; a .csv file's name is its tab name, or
"<book> - <tab>" as Google Sheets names a downloaded tab. Excel's ``~$`` lock
files and hidden files are skipped; a file that cannot be read is reported by
name and the others are still read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import SecorError
from .base import Tab, Workbook, add_tabs
from .csv_files import read_csv_records
from .xlsx_limits import MAX_CELLS, tab_extents, too_large

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
# Spreadsheet formats that are not read: said, so a file dropped in the folder is not silently ignored.
UNREAD_SUFFIXES = {".xls", ".ods", ".numbers", ".xlsb"}


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# The header is looked for among this many non-blank rows at the top: title rows, a company name
# and a blank row often sit above it in an office's own spreadsheet.
HEADER_SEARCH_ROWS = 10


def _is_label(v: object) -> bool:
    """A cell that reads like a column title: text that is not a date or a number."""
    if not isinstance(v, str) or not v.strip():
        return False
    text = v.strip()
    return not _NUMBERISH.match(text)


_NUMBERISH = re.compile(r"^[\d\s./:,\-+$%]+$")


def header_index(rows: Sequence[Sequence[object]], limit: int = HEADER_SEARCH_ROWS) -> int | None:
    """The index of the header row: the first of the top non-blank rows that is mostly titles.

    A title row ("ACME Ltd. - Training Matrix", "Updated: 2026-11-02") has one or two filled cells;
    the header has as many titles as the widest row of titles near the top. A row of data (dates,
    numbers) never wins over a row of titles above it.
    """
    candidates: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if all(_blank(v) for v in row):
            continue
        candidates.append((i, sum(1 for v in row if _is_label(v))))
        if len(candidates) == limit:
            break
    if not candidates:
        return None
    best = max(n for _, n in candidates)
    if best < 2:
        return candidates[0][0]
    for i, n in candidates:
        if n >= max(2, (best + 1) // 2) and n * 3 >= 2 * _width(rows[i]):
            return i
    return candidates[0][0]


def _width(row: Sequence[object]) -> int:
    return sum(1 for v in row if not _blank(v))


def tab_from_rows(name: str, origin: str, rows: Sequence[Sequence[object]], timezone: str | None = None,
                  book: str = "") -> Tab:
    """Cut a grid into header and data rows: the header is found among the top rows (see header_index)."""
    start = header_index(rows)
    if start is None:
        return Tab(name, origin, (), [], first_row=2, timezone=timezone, book=book)
    above = tuple(" ".join(str(v).strip() for v in r if not _blank(v)) for r in rows[:start]
                  if not all(_blank(v) for v in r))
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
    return Tab(name, origin, tuple(header[:width]), data, first_row=start + 2, timezone=timezone, book=book,
               above=above)


def csv_names(stem: str) -> tuple[str, str]:
    """(book, tab) of a CSV file: a Sheets download is named "<spreadsheet> - <tab>.csv"."""
    book, sep, tab = stem.rpartition(" - ")
    if sep and book.strip() and tab.strip():
        return book.strip(), tab.strip()
    return stem, stem


def read_xlsx(path: Path, problems: list[str] | None = None) -> list[Tab]:
    """Every tab of a workbook (values only, formulas as their last computed value).

    A tab too large to read (a stray cell far away, see xlsx_limits) is left out and said in
    ``problems``; the other tabs are read.
    """
    from python_calamine import CalamineWorkbook

    extents = tab_extents(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        tabs = []
        for name in book.sheet_names:
            extent = extents.get(name)
            if extent is not None and extent.cells > MAX_CELLS:
                if problems is not None:
                    problems.append(too_large(path, name, extent))
                continue
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            tabs.append(tab_from_rows(name, path.name, grid, book=path.stem))
        return tabs
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises several types for damaged files, and PanicException
        raise SecorError(
            f"file '{path.name}' could not be read as a workbook ({type(exc).__name__}: {exc}).",
            fix="Open it in Excel and save it again as .xlsx, or move it out of the folder.",
        ) from None


def read_csv(path: Path, notes: list[str] | None = None) -> Tab:
    """A CSV file as one tab named after the file ("<book> - <tab>.csv" from Sheets); how it was decoded
    is added to ``notes``.

    Decoding, delimiters and row numbers follow :mod:`pipeline.sources.csv_files`: a file that
    is not clean UTF-8 is still read, and said.
    """
    records, found = read_csv_records(path.read_bytes(), path.name)
    if notes is not None:
        notes.extend(found)
    book, tab = csv_names(path.stem)
    return tab_from_rows(tab, path.name, records, book=book)


class LocalSource:
    """Reads a folder of workbooks and CSV files."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"folder {self.folder}"

    def access_lines(self) -> list[str]:
        """Nothing to check before a sync: the dashboard is a new file written in the output folder."""
        return []

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
                "--source (or set [source] path) with the folder that holds the workbooks.", exit_code=1)

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
                found = read_csv(path, notes) if path.suffix.lower() == ".csv" else read_xlsx(path, problems)
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
