"""Pure converters for one cell value: text, dates, numbers, yes/no, choices.

Each returns ``(value, problem)``: ``problem`` is None when the cell is fine,
else a sentence for the Data Issues tab. Cells arrive as the readers give
them: str, int, float, bool, datetime, date or None.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

# Excel and Sheets count days from 1899-12-30 (Lotus' leap-year bug included).
SERIAL_EPOCH = datetime(1899, 12, 30)
EARLIEST = date(1950, 1, 1)
LATEST = date(2100, 12, 31)
_EARLIEST_DT = datetime(EARLIEST.year, 1, 1)
_LATEST_DT = datetime(LATEST.year, 12, 31, 23, 59, 59)

_WS = re.compile(r"\s+")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
# A trailing zone ("MST", "GMT-7", as in a Forms CSV download) is read as the company's local time.
_ZONE = r"(?:\s*(?:[A-Z]{2,5}|GMT[+-]\d{1,2}(?::?\d{2})?))?"
_NUMERIC = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?"
    + _ZONE + r")?$")
_WORDY = re.compile(r"^(?:(\d{1,2})[ \-]([A-Za-z]{3,9})\.?,?[ \-](\d{4})"
                    r"|([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}))"
                    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")


def is_blank(value: object) -> bool:
    """True for None, NaN and text that is only whitespace."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return bool(isinstance(value, str) and not value.strip())


def clean_text(value: object) -> str | None:
    """Cell as stripped text (None when blank); numbers lose a trailing '.0'."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """How names compare: case, spacing and dots do not matter."""
    return _WS.sub(" ", name.replace(".", " ")).strip().casefold()


_NOT_WORD = re.compile(r"[^0-9a-z]+")


def text_key(value: object) -> str:
    """How free text compares: case, spacing and punctuation do not matter; '&' reads as 'and'.

    The key the checks match roles, tickets and names by (pipeline.checks.common re-exports it).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = name_key(str(value)).replace("&", " and ")
    return _NOT_WORD.sub(" ", text).strip()


def tidy_name(name: str) -> str:
    """A name with inner whitespace collapsed, as written otherwise."""
    return _WS.sub(" ", name).strip()


def _check_range(d: date) -> str | None:
    if d < EARLIEST or d > LATEST:
        return f"date {d.isoformat()} is outside {EARLIEST.year}-{LATEST.year}; check the year."
    return None


def _from_serial(value: float) -> tuple[datetime | None, str | None]:
    if not (1 <= value < 2958466):  # 2958466 is 10000-01-01
        return None, "a number where a date was expected; type the date, e.g. 2026-11-21."
    moment = SERIAL_EPOCH + timedelta(days=float(value))
    # Serial fractions carry float noise: round to the second.
    moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
    return moment, None


def _hour(h: int, ampm: str | None) -> int:
    if ampm:
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    return h


@lru_cache(maxsize=65536)
def parse_text_datetime(text: str, order: str) -> tuple[datetime | None, str | None]:
    """Parse a text date/time: ISO, numeric in the given order (MDY/DMY), or with a month name."""
    s = text.strip()
    try:
        m = _ISO.match(s)
        if m:
            y, mo, d, hh, mi, ss = m.groups()
            return datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0)), None
        m = _NUMERIC.match(s)
        if m:
            a, b, c, hh, mi, ss, ampm = m.groups()
            if len(a) == 4:  # 2026/11/21 is year first whatever the order
                y, mo, d = int(a), int(b), int(c)
            else:
                first, second = int(a), int(b)
                mo, d = (first, second) if order == "MDY" else (second, first)
                y = int(c)
                if len(c) == 2:
                    y += 2000
                elif len(c) != 4:
                    return None, f"'{text}' is not a date this program can read; use YYYY-MM-DD."
            return datetime(y, mo, d, _hour(int(hh or 0), ampm), int(mi or 0), int(ss or 0)), None
        m = _WORDY.match(s)
        if m:
            d1, mon1, y1, mon2, d2, y2, hh, mi, ss, ampm = m.groups()
            mon = (mon1 or mon2)[:3].lower()
            if mon not in _MONTHS:
                return None, f"'{text}' is not a date this program can read; use YYYY-MM-DD."
            return datetime(int(y1 or y2), _MONTHS[mon], int(d1 or d2), _hour(int(hh or 0), ampm),
                            int(mi or 0), int(ss or 0)), None
    except ValueError:
        hint = f" (dates are read as {'month/day/year' if order == 'MDY' else 'day/month/year'})"
        return None, f"'{text}' is not a real date{hint if '/' in s else ''}; correct it."
    try:
        return _from_serial(float(s))
    except ValueError:
        pass
    return None, f"'{text}' is not a date this program can read; use YYYY-MM-DD."


def parse_datetime(value: object, order: str) -> tuple[datetime | None, str | None]:
    """A cell as a datetime: date cells, Sheets/Excel serials, or text (see parse_text_datetime)."""
    if type(value) is datetime and value.tzinfo is None and _EARLIEST_DT <= value <= _LATEST_DT:
        return value, None  # the common case: a date cell, read as is
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, f"'{value}' is not a date; type the date, e.g. 2026-11-21."
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=None)
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)):
        moment, problem = _from_serial(float(value))
        if problem:
            return None, problem
    else:
        moment, problem = parse_text_datetime(str(value), order)
        if problem:
            return None, problem
    assert moment is not None
    problem = _check_range(moment.date())
    return (None, problem) if problem else (moment, None)


def parse_number(value: object) -> tuple[float | None, str | None]:
    """A cell as a number (None when blank)."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, f"'{value}' is not a number."
    if isinstance(value, (int, float)):
        return float(value), None
    text = str(value).strip().replace(",", "")
    try:
        return float(text), None
    except ValueError:
        m = re.match(r"^(\d+(?:\.\d+)?)\s*(?:months?|mos?\.?)?$", text, re.I)
        if m:
            return float(m.group(1)), None
        return None, f"'{value}' is not a number."


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(months?|mos?\.?|mths?|years?|yrs?\.?|y)?$", re.I)


def parse_months(value: object) -> tuple[float | None, str | None]:
    """A duration in months: 36, "36 months", "3 years" (= 36), "1 yr" (None when blank)."""
    if is_blank(value) or isinstance(value, bool):
        return parse_number(value)
    if isinstance(value, (int, float)):
        return float(value), None
    m = _DURATION.match(str(value).strip())
    if not m:
        return None, f"'{value}' is not a number of months; write e.g. 36 or 3 years."
    n = float(m.group(1))
    return (n * 12 if (m.group(2) or "").lower().startswith("y") else n), None


_YES = {"yes", "y", "true", "1", "x", "✓", "✔"}
_NO = {"no", "n", "false", "0"}


def parse_yes_no(value: object) -> tuple[bool | None, str | None]:
    """A Yes/No cell as a bool (None when blank)."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return value, None
    text = clean_text(value) or ""
    key = text.casefold()
    if key in _YES or key.startswith("yes"):
        return True, None
    if key in _NO or key.startswith("no"):
        return False, None
    return None, f"'{text}' is not Yes or No."


def choice_key(text: str) -> str:
    """How choice values compare: case, spacing and punctuation do not matter."""
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


def parse_choice(value: object, lookup: dict[str, str], allowed: tuple[str, ...]) -> tuple[str | None, str | None]:
    """A choice cell as its canonical value, given ``lookup`` from choice_key to value."""
    text = clean_text(value)
    if text is None:
        return None, None
    found = lookup.get(choice_key(text))
    if found is None:
        return None, f"'{text}' is not one of: {', '.join(allowed)}."
    return found, None
