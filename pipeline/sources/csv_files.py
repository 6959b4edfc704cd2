"""CSV files as offices save them: bytes -> text -> records, with what was not clean said.

Decoding, one rule per file (never a silent guess):

* a UTF-8 byte-order mark, or bytes that are all valid UTF-8: UTF-8 (Excel's "CSV UTF-8",
  Google Sheets' download);
* a UTF-16 byte-order mark (Excel's "Unicode text", which is tab-delimited), or a NUL in every
  other byte: UTF-16;
* UTF-8 with a few invalid bytes (the file also holds valid UTF-8 accents): still UTF-8, each
  invalid run shown as U+FFFD, and a note names the lines;
* otherwise (accented bytes, none of them UTF-8): Windows-1252 (Excel's plain "CSV (Comma
  delimited)" on Windows), and a note asks for CSV UTF-8.

Records are split by the csv module over the whole text (``newline=''``), so a quoted answer
that spans lines stays one record, and U+2028, \\x0b, \\x0c, \\x1c-\\x1e or \\x85 inside a field
(which ``str.splitlines`` breaks on) stay in it.

Row numbers: record ``i`` (counting blank lines) is sheet row ``i + 1``, as Google Sheets and
Excel show the file when they open it (one record per row), not the physical line a text
editor shows when an answer spans lines. Messages about the bytes themselves name lines.

The delimiter is the one of ``,`` ``;`` tab found most often outside quotes in the first line
that has any (title lines above a header are skipped), unless Excel's ``sep=`` line names it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from ..errors import SecorError

DELIMITERS = (",", ";", "\t")
SAVE_AS = "Open it in Excel and save it as \"CSV UTF-8 (Comma delimited)\"."
_ESCAPED = re.compile("[\udc80-\udcff]+")  # bytes that are not UTF-8, as surrogateescape keeps them
_NON_ASCII_UTF8 = re.compile("[^\x00-\x7f\udc80-\udcff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEP_LINE = re.compile(r"\A\"?sep=(.)\"?[ \t]*(?:\r\n|\r|\n|\Z)", re.IGNORECASE)
LINES_NAMED = 5  # lines listed in a note before "and N more"


def _lines(text: str, positions: Sequence[int]) -> list[int]:
    """1-based physical line of each position (ascending), counting CRLF, CR and LF as breaks."""
    out, line, at = [], 1, 0
    for pos in positions:
        line += len(_LINE_BREAK.findall(text, at, pos))
        at = pos
        out.append(line)
    return out


def _list_lines(lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:LINES_NAMED])
    more = f" and {len(lines) - LINES_NAMED} more" if len(lines) > LINES_NAMED else ""
    return f"line{'s' if len(lines) > 1 else ''} {shown}{more}"


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte is NUL (mostly-Latin text in UTF-16)."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    half = len(raw) // 2
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_csv(raw: bytes, name: str) -> tuple[str, list[str]]:
    """The file's text and the notes about how it was decoded (empty when it was clean)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(raw):
        encoding = ("utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(raw)) or ""
        text = raw.decode(encoding, errors="replace").removeprefix("\ufeff")
        if "\ufffd" in text and b"\xfd\xff" not in raw and b"\xff\xfd" not in raw:
            return text, [f"file '{name}' is UTF-16 but has damaged characters (shown as \ufffd). {SAVE_AS}"]
        return text, []
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3 if bom else 0:].decode("utf-8", errors="surrogateescape")
    bad = list(_ESCAPED.finditer(text))
    if not bad:
        return text, []
    if not bom and not _NON_ASCII_UTF8.search(text):
        # No accent in the file is UTF-8: it was saved in the Windows code page.
        text = raw.decode("cp1252", errors="replace")
        return text, [f"file '{name}' is not UTF-8; read as Windows-1252, so check its accented names. {SAVE_AS}"]
    lines = sorted(set(_lines(text, [m.start() for m in bad])))
    text = _ESCAPED.sub("\ufffd", text)
    return text, [f"file '{name}' is UTF-8 but has bytes that are not text on {_list_lines(lines)} (shown as "
                  f"\ufffd); the rest is read as written. Retype those characters, or {SAVE_AS[0].lower()}"
                  f"{SAVE_AS[1:]}"]


def count_delimiters(line: str) -> dict[str, int]:
    """How often each of , ; tab occurs in ``line`` outside double quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return counts


def detect_delimiter(text: str, lines: int = 10) -> str:
    """The delimiter of the first of the first ``lines`` lines that has any; a comma when none has."""
    for line in io.StringIO(text, newline="").readlines()[:lines]:
        counts = count_delimiters(line)
        best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the first of , ; tab
        if counts[best]:
            return best
    return ","


def split_records(text: str, name: str) -> tuple[list[list[str]], list[str]]:
    """Records of a decoded CSV text (an Excel ``sep=`` line honoured and dropped), and notes."""
    sep = _SEP_LINE.match(text)
    if sep:
        delimiter, text = sep.group(1), text[sep.end():]
    else:
        delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:  # a field over the csv module's limit: a quote that swallowed the file
        raise SecorError(f"file '{name}' could not be read as CSV at line {reader.line_num}: {exc}.",
                         fix=SAVE_AS) from None
    notes = []
    unpaired = _unpaired_quote(text, delimiter) if '"' in text else None
    if unpaired is not None:
        start, where = unpaired
        notes.append(f"file '{name}': the quotes of the record that starts on line {start} do not pair up "
                     f"(noticed on line {where}), so the answers from there on may be split or joined wrongly. "
                     f"Check the quotes there, or {SAVE_AS[0].lower()}{SAVE_AS[1:]}")
    return records, notes


def _unpaired_quote(text: str, delimiter: str) -> tuple[int, int] | None:
    """(line the faulty record starts on, line the fault shows) when quotes do not pair up, else None.

    The lenient reader above still reads such a file (as Excel would); this strict pass only says
    where a quote opened and never closed, or closed in the middle of a field.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    started = 1
    try:
        for _ in reader:
            started = reader.line_num + 1
    except csv.Error:
        return started, reader.line_num
    return None


def read_csv_records(raw: bytes, name: str) -> tuple[list[list[str]], list[str]]:
    """Decode and split a CSV file's bytes: its records and the notes worth showing the office."""
    text, notes = decode_csv(raw, name)
    records, more = split_records(text, name)
    return records, notes + more
