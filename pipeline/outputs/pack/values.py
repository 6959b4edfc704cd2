"""Plain values for the pack: how much of a list is shown, status colours, and cells as display text."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

TEXT_LIMIT = 400  # characters of crew text shown in a table cell before "…"
RECORDS_SHOWN = 12  # record IDs shown under a check before "and N more"
ACTIONS_PER_GROUP = 25  # action-list lines per kind before "and N more"
EVIDENCE_ROWS = 30  # rows of an in-section evidence table; the appendix and the CSVs have all
APPENDIX_ROWS = 1000  # rows per form in Appendix A; records-<form>.csv beside the PDF has all
ISSUE_ROWS = 500  # data-issue lines in the appendix; data-issues.csv has all
DATE_HEADERS = frozenset({"Date", "Found", "Due", "Raised", "Completed", "Expires", "Signed", "Reviewed", "Closed",
                          "Review date"})

_RED = {"Fail", "Expired", "Missing", "Overdue", "Below", "Out of service", "No root cause", "Rejected"}
_AMBER = {"Warn", "Expiring", "Open", "Awaiting Verification", "Not shared", "Not investigated"}
_GREEN = {"Pass", "Current", "Meets", "Resolved", "Verified", "Investigated", "Closed", "Yes", "Signed"}


def chip_class(status: str) -> str:
    """CSS class of a status chip: red, amber, green or grey."""
    if status in _RED:
        return "chip-red"
    if status in _AMBER:
        return "chip-amber"
    if status in _GREEN:
        return "chip-green"
    return "chip-grey"


def text(value: object, limit: int = TEXT_LIMIT) -> str:
    """A cell as display text: blank for missing values, truncated crew text with "…"."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, pd.Timestamp | datetime):
        return fmt_date(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = " ".join(str(value).split())
    return s if len(s) <= limit else s[:limit].rstrip() + "…"


def fmt_date(value: object) -> str:
    """``2026-10-03``; blank when missing."""
    if value is None or value is pd.NaT:
        return ""
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp | datetime | date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def pct(x: float) -> str:
    """A share as a whole percentage: ``0.834`` -> ``83%``."""
    return f"{round(100 * x)}%"


def blank(value: object) -> bool:
    """True when the cell would print as nothing."""
    return text(value) == ""


def norm(value: object) -> str:
    """How names compare here: case and spacing do not matter; blank for a blank cell."""
    return " ".join(str(value).casefold().split()) if not blank(value) else ""


def yes(value: object) -> bool:
    """A yes/no cell (a bool, or text such as "Yes", "y", "true", "1") read as a bool."""
    if isinstance(value, bool):
        return value
    return norm(value) in ("yes", "y", "true", "1")


def attendee_count(value: object) -> str:
    """How many names an Attendees cell lists (separated by commas, semicolons or lines)."""
    s = text(value, 10_000)
    if not s:
        return "0"
    parts = [p for p in s.replace(";", ",").replace("\n", ",").split(",") if p.strip()]
    return str(len(parts))
