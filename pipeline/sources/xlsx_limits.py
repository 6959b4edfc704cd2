"""Bounds checked before a workbook is opened, so that one odd file cannot take the run down.

The reader (calamine) allocates every tab as a dense grid from A1 to its farthest filled cell:
one stray cell at XFD1048576 asks for 500 GB and aborts the process, one at ZZ200000 takes
gigabytes. A zip bomb unpacks to many times its size. So each .xlsx is looked at first, cheaply:
the sizes its zip directory declares, and the farthest cell with a value in each tab.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from ..errors import SecorError

MAX_UNPACKED_BYTES = 1 << 30  # 1 GiB: 50,000 form responses unpack to about 60 MB
MAX_CELLS = 10_000_000  # per tab, from A1 to its farthest filled cell: about 1 GB in memory
_CHUNK = 1 << 20
# Any cell reference (fast); and a cell with content: <c r="B12" ...> not self-closing (a <c .../> has
# only a style, which the reader does not allocate). The precise one runs only when the fast one alarms.
_ANY_CELL = re.compile(rb' r="([A-Z]{1,3})(\d{1,7})"')
_CELL = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass(frozen=True)
class TabExtent:
    """How far a tab's filled cells reach."""

    rows: int
    columns: int
    farthest: str  # e.g. "XFD1048576"

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def check_unpacked_size(path: Path, archive: zipfile.ZipFile) -> None:
    """A workbook that unpacks to more than MAX_UNPACKED_BYTES is refused before anything is unpacked."""
    total = sum(i.file_size for i in archive.infolist())
    if total > MAX_UNPACKED_BYTES:
        raise SecorError(
            f"file '{path.name}' unpacks to {total // (1 << 20):,} MB, more than the "
            f"{MAX_UNPACKED_BYTES // (1 << 20):,} MB a records workbook can be; it was not read.",
            fix="Open it in Excel, delete what is not records (images, old tabs), save it again; or move it out "
                "of the folder.")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Tab name -> its XML part inside the zip."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    parts: dict[str, str] = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = part
    return parts


def _extent(archive: zipfile.ZipFile, part: str, pattern: re.Pattern[bytes] = _ANY_CELL) -> TabExtent:
    rows = cols = 0
    tail = b""
    seen_letters: set[bytes] = set()
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = tail + chunk
            # Up to the last cell tag, which may be cut in two; the rest waits for the next chunk.
            cut = data.rfind(b"<c ") if chunk else len(data)
            cut = len(data) if cut <= 0 else cut
            found = pattern.findall(data, 0, cut)  # C speed: a tab can hold a million cells
            if found:
                # Rows are written in order, so the last cell holds the farthest row so far.
                rows = max(rows, int(found[-1][1]))
                seen_letters.update(letters for letters, _ in found)
            tail = data[cut:]
            if not chunk:
                break
    cols = max((column_number(x.decode()) for x in seen_letters), default=0)
    return TabExtent(rows, cols, f"{_letters(cols)}{rows}" if rows else "A1")


def tab_extents(path: Path) -> dict[str, TabExtent]:
    """Each tab's extent; raises SecorError for a workbook too large to unpack. Empty when not a plain .xlsx."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_unpacked_size(path, archive)
            try:
                parts = _sheet_parts(archive)
            except (KeyError, ElementTree.ParseError):
                return {}  # not laid out as Excel lays it out: the reader says what is wrong
            extents = {}
            for name, part in parts.items():
                if part in archive.namelist():
                    extent = _extent(archive, part)
                    extents[name] = _extent(archive, part, _CELL) if extent.cells > MAX_CELLS else extent
            return extents
    except zipfile.BadZipFile:
        return {}  # the reader gives the precise message


def too_large(path: Path, tab: str, extent: TabExtent) -> str:
    """The Data Issues sentence for a tab that is not read because of its size."""
    return (f"tab '{tab}' of '{path.name}' is not read: it has a filled cell at {extent.farthest}, which makes it "
            f"{extent.rows:,} rows by {extent.columns:,} columns ({extent.cells:,} cells, more than {MAX_CELLS:,}). "
            f"Delete the stray cells after the table (select the empty rows and columns past it, Delete), then save.")
