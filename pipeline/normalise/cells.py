"""Pure converters for one cell value: text, dates, numbers, yes/no, choices.

Each returns ``(value, problem)``: ``problem`` is None when the cell is fine,
else a sentence for the Data Issues tab. Cells arrive as the readers give
them: str, int, float, bool, datetime, date or None.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

# Excel and Sheets count days from 1899-12-30 (Lotus' leap-year bug included).
SERIAL_EPOCH = datetime(1899, 12, 30)
EARLIEST = date(1950, 1, 1)
LATEST = date(2100, 12, 31)
_EARLIEST_DT = datetime(EARLIEST.year, 1, 1)
_LATEST_DT = datetime(LATEST.year, 12, 31, 23, 59, 59)

_WS = re.compile(r"\s+")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
# A stated zone: "Z", "+05:30", "GMT-6", "UTC+3", "GMT+5:30", or an abbreviation ("MDT").
_ZONE = r"(?:\s*(Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{2,5}))?"
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?" + _ZONE + r")?$")
# AM/PM as every Forms locale writes it: "PM", "pm", "p.m." (English Canada, Spanish), "p. m.".
_AMPM = r"\s*([AaPp]\.?\s?[Mm]\.?)?"
_NUMERIC = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?" + _AMPM + _ZONE + r")?$")
_WORDY = re.compile(r"^(?:(\d{1,2})[ \-]([A-Za-z]{3,9})\.?,?[ \-](\d{4})"
                    r"|([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}))"
                    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?" + _AMPM + _ZONE + r")?$")
_IGNORED = ""  # the zone token of a date, which is not read
_OFFSET = re.compile(r"^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$")

# Zone abbreviations a Forms CSV download writes, as hours from UTC. Each names standard or daylight time
# itself, so the offset is fixed. North American readings win (this is an Alberta product): AST is Atlantic,
# not Arabia; CST is Central, not China. BST is British Summer Time.
ZONE_ABBREVIATIONS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "NST": -3.5, "NDT": -2.5, "AST": -4, "ADT": -3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}
# "Mountain Time" without standard or daylight: the zone's own rule on that date says which.
GENERIC_ZONES = {"AT": "America/Halifax", "ET": "America/Toronto", "CT": "America/Winnipeg",
                 "MT": "America/Edmonton", "PT": "America/Vancouver"}
# Abbreviations with several common meanings are not guessed: the cell is a problem naming the fix.
AMBIGUOUS_ZONES = {"IST": "India, Ireland or Israel", "SST": "Samoa or Singapore", "GST": "Gulf or South Georgia",
                   "ECT": "Ecuador or Eastern Caribbean"}


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
        h = h % 12 + (12 if ampm[0] in "Pp" else 0)
    return h


def _zone(token: str | None, text: str) -> tuple[tzinfo | None, str | None]:
    """The fixed offset a stated zone names (None when none is stated), or a problem."""
    if token is None:
        return None, None
    m = _OFFSET.match(token)
    if m:
        sign, hh, mm = m.groups()
        minutes = int(hh) * 60 + int(mm or 0)
        if minutes > 14 * 60:
            return None, f"'{text}' has an impossible offset {token}; correct it."
        return timezone(timedelta(minutes=-minutes if sign == "-" else minutes)), None
    if token in ZONE_ABBREVIATIONS:
        return timezone(timedelta(hours=ZONE_ABBREVIATIONS[token])), None
    if token in GENERIC_ZONES:
        return ZoneInfo(GENERIC_ZONES[token]), None
    if token in AMBIGUOUS_ZONES:
        return None, (f"'{text}': the time zone '{token}' can mean {AMBIGUOUS_ZONES[token]}, so it is not guessed; "
                      "replace it with the offset (e.g. GMT+5:30), or download the responses from the form's "
                      "spreadsheet.")
    return None, (f"'{text}': the time zone '{token}' is not one this program knows; replace it with the "
                  "offset (e.g. GMT-6).")


def _stamp(y: int, mo: int, d: int, hh: str | None, mi: str | None, ss: str | None, ampm: str | None,
           zone: str | None, text: str) -> tuple[datetime | None, str | None]:
    tz, problem = _zone(zone, text) if zone != _IGNORED else (None, None)
    if problem:
        return None, problem
    return datetime(y, mo, d, _hour(int(hh or 0), ampm), int(mi or 0), int(ss or 0), tzinfo=tz), None


@lru_cache(maxsize=65536)
def parse_text_datetime(text: str, order: str, zones: bool = True) -> tuple[datetime | None, str | None]:
    """Parse a text date/time: ISO, numeric in the given order (MDY/DMY), or with a month name.

    A stated zone or offset ("GMT-6", "MDT", "Z") gives an aware datetime; otherwise it is naive.
    With ``zones`` False (dates) a stated zone is ignored, even one that cannot be read.
    """
    s = text.strip()
    try:
        m = _ISO.match(s)
        if m:
            y, mo, d, hh, mi, ss, zone = m.groups()
            zone = zone if zones or zone is None else _IGNORED
            return _stamp(int(y), int(mo), int(d), hh, mi, ss, None, zone, text)
        m = _NUMERIC.match(s)
        if m:
            a, b, c, hh, mi, ss, ampm, zone = m.groups()
            zone = zone if zones or zone is None else _IGNORED
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
            return _stamp(y, mo, d, hh, mi, ss, ampm, zone, text)
        m = _WORDY.match(s)
        if m:
            d1, mon1, y1, mon2, d2, y2, hh, mi, ss, ampm, zone = m.groups()
            zone = zone if zones or zone is None else _IGNORED
            mon = (mon1 or mon2)[:3].lower()
            if mon not in _MONTHS:
                return None, f"'{text}' is not a date this program can read; use YYYY-MM-DD."
            return _stamp(int(y1 or y2), _MONTHS[mon], int(d1 or d2), hh, mi, ss, ampm, zone, text)
    except ValueError:
        hint = f" (dates are read as {'month/day/year' if order == 'MDY' else 'day/month/year'})"
        return None, f"'{text}' is not a real date{hint if '/' in s else ''}; correct it."
    try:
        return _from_serial(float(s))
    except ValueError:
        pass
    return None, f"'{text}' is not a date this program can read; use YYYY-MM-DD."


def parse_datetime(value: object, order: str, zone: ZoneInfo | None = None,
                   naive_zone: ZoneInfo | None = None) -> tuple[datetime | None, str | None]:
    """A cell as a naive datetime: date cells, Sheets/Excel serials, or text (see parse_text_datetime).

    With ``zone`` (the company's), the result is company wall-clock time: a stated zone or offset is the
    truth and is converted from; a time without one is in ``naive_zone`` (a Google spreadsheet's own zone)
    or, when that is None, already in the company's. Without ``zone`` (dates: a date is a date), the time
    is kept as written and any stated zone ignored.
    """
    if (type(value) is datetime and value.tzinfo is None and naive_zone is None
            and _EARLIEST_DT <= value <= _LATEST_DT):
        return value, None  # the common case: a date cell, read as is
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, f"'{value}' is not a date; type the date, e.g. 2026-11-21."
    if isinstance(value, datetime):
        moment: datetime | None = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)):
        moment, problem = _from_serial(float(value))
        if problem:
            return None, problem
    else:
        moment, problem = parse_text_datetime(str(value), order, zone is not None)
        if problem:
            return None, problem
    assert moment is not None
    if zone is None:
        moment = moment.replace(tzinfo=None)
    elif moment.tzinfo is not None:
        moment = moment.astimezone(zone).replace(tzinfo=None)
    elif naive_zone is not None and naive_zone != zone:
        moment = moment.replace(tzinfo=naive_zone).astimezone(zone).replace(tzinfo=None)
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


_YES = {"yes", "y", "yep", "yeah", "yup", "true", "1", "x", "✓", "✔"}
_NO = {"no", "n", "nope", "nah", "none", "false", "0"}
_NOT_APPLICABLE = {"n a", "na", "not applicable"}
NOT_YES_NO = "is not Yes or No"  # how an unknown yes/no answer is worded (normalise.values finds them by it)


def parse_yes_no(value: object, lookup: dict[str, bool] | None = None) -> tuple[bool | None, str | None]:
    """A Yes/No cell as a bool (None when blank or N/A), read by its first word: "Yes - tagged out",
    "No, unit is fine". ``lookup`` (choice_key -> bool) holds the office's own wordings."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return value, None
    text = clean_text(value) or ""
    if text.casefold() in _YES:
        return True, None
    key = choice_key(text)
    if lookup and key in lookup:
        return lookup[key], None
    if key in _NOT_APPLICABLE:
        return None, None
    first = key.split(" ", 1)[0]
    if first in _YES:
        return True, None
    if first in _NO:
        return False, None
    return None, f"'{text}' {NOT_YES_NO}."


NOT_ONE_OF = "is not one of:"  # how an unknown choice is worded (normalise.values finds them by it)
# What follows a known choice to explain it: "(no injury or damage)", "(s)", " - reported", ": see notes".
_EXPLANATION = re.compile(r"\s*\([^)]*\)|\s+[-–—]\s+.*$|\s*:\s+.*$")


def choice_key(text: str) -> str:
    """How choice values compare: case, spacing and punctuation do not matter."""
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


def parse_choice(value: object, lookup: dict[str, str], allowed: tuple[str, ...]) -> tuple[str | None, str | None]:
    """A choice cell as its canonical value, given ``lookup`` from choice_key to value.

    An explanation after a known wording is ignored: "Near miss (no injury or damage)" is "Near miss",
    "Minor defect(s) - reported" is "Minor defect".
    """
    text = clean_text(value)
    if text is None:
        return None, None
    found = lookup.get(choice_key(text))
    if found is None:
        head = _EXPLANATION.sub("", text)
        if head and head != text:
            found = lookup.get(choice_key(head))
    if found is None:
        return None, f"'{text}' {NOT_ONE_OF} {', '.join(allowed)}."
    return found, None
