"""Crew text made safe for the output edge: the dashboards (xlsx, Sheets) and the PDF.

Crew text arrives with characters that a spreadsheet or a PDF engine refuses: Word's
Shift+Enter pasted into Excel (\\x0b, or ``_x000B_`` as Excel stores it), NUL and ESC from
copied terminal text, a lone UTF-16 surrogate from Google Sheets. openpyxl raises
IllegalCharacterError on the first, WeasyPrint and the UTF-8 encoders on the last, and a
whole sync or pack fails for one cell. So, at the edge only (the dataset keeps what was read):

* :func:`display_text` for what people read: line-like controls become a line break, other
  control characters a space, lone surrogates and the non-characters U+FFFE/U+FFFF become
  U+FFFD (the usual mark of a damaged character);
* :func:`encodable` for the machine-readable files (CSV, JSON): the raw text kept, only what
  no UTF-8 file can hold (lone surrogates) replaced.
"""

from __future__ import annotations

import re

# Excel's escape for a character XML cannot hold (``_x000B_``); ``_x005F_`` escapes the underscore.
_EXCEL_ESCAPE = re.compile(r"_x005[Ff]_(?=x[0-9A-Fa-f]{4}_)|_x(00[01][0-9A-Fa-f])_")
# Characters that some program treats as the end of a line (str.splitlines does, Word means it).
_LINE_LIKE = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Other C0 controls (tab, LF and CR are fine), DEL and the C1 controls: invisible, refused by XML.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f\x80-\x84\x86-\x9f]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NON_CHARACTER = re.compile("[\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def _unescape(match: re.Match[str]) -> str:
    if match.group(1) is None:
        return "_"  # _x005F_ before _xHHHH_: the office typed "_xHHHH_" itself
    return chr(int(match.group(1), 16))


def encodable(text: str) -> str:
    """``text`` as any UTF-8 writer accepts it: surrogate pairs joined, lone surrogates as U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def display_text(value: str) -> str:
    """Text a spreadsheet cell or a PDF can show: no control character, no broken character."""
    if "_x" in value:
        value = _EXCEL_ESCAPE.sub(_unescape, value)
    value = encodable(value)
    value = _LINE_LIKE.sub("\n", value)
    value = _CONTROL.sub(" ", value)
    return _NON_CHARACTER.sub(REPLACEMENT, value)


def display_value(value: object) -> object:
    """:func:`display_text` for text; any other value as it is."""
    return display_text(value) if isinstance(value, str) else value
