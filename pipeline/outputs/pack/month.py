"""A calendar month: what `--month YYYY-MM` names and what `--last-month` means."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ...errors import SecorError

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month."""

    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def key(self) -> str:
        """``2026-10``: folder and file names."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``October 2026``: what people read."""
        return f"{calendar.month_name[self.month]} {self.year}"

    def shift(self, months: int) -> Month:
        """The month ``months`` later (earlier when negative)."""
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return self.key


def parse_month(text: str | Month) -> Month:
    """``YYYY-MM`` as a Month; a SecorError that says how to write it otherwise."""
    if isinstance(text, Month):
        return text
    match = _MONTH.match(str(text))
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        raise SecorError(f"--month '{text}' is not a month.", fix="Write it as YYYY-MM, e.g. 2026-10.")
    return Month(int(match[1]), int(match[2]))


def previous_month(today: date) -> Month:
    """The calendar month before the one ``today`` is in."""
    return Month(today.year, today.month).shift(-1)
