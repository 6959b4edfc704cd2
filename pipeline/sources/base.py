"""The one interface every source implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Tab:
    """One tab (or CSV file) as read: header row and data rows of plain cell values.

    ``first_row`` is the sheet row number of ``rows[0]`` as the office sees it,
    so a problem can point at the right row. Trailing blank rows are not kept.
    ``book`` is the spreadsheet or workbook the tab is in ("FLHA (Responses)"): every Forms
    response spreadsheet has a tab named "Form Responses 1", so a tab is known by book and name.
    """

    name: str
    origin: str  # file name or spreadsheet title, for messages
    header: tuple[object, ...]
    rows: Sequence[Sequence[object]]
    first_row: int = 2
    # The IANA zone the tab's date-times are written in (a Google spreadsheet's own time zone);
    # None: the company's. Timestamps are converted to the company's zone when they differ.
    timezone: str | None = None
    book: str = ""
    # Non-blank rows above the header (a title such as "ACME Ltd. - Training Matrix 2026"), as text.
    above: tuple[str, ...] = ()

    @property
    def header_row(self) -> int:
        """The sheet row number of the header."""
        return self.first_row - 1

    @property
    def label(self) -> str:
        """How the office names this tab: "FLHA (Responses) / Form Responses 1", or the tab alone."""
        return f"{self.book} / {self.name}" if self.book and self.book != self.name else self.name


@dataclass(frozen=True)
class Workbook:
    """All tabs a source found, and what it could not read (one sentence each)."""

    tabs: tuple[Tab, ...]
    problems: tuple[str, ...] = field(default=())
    # What it opened, for `secor doctor`: (what, state) e.g. ("records.xlsx", "read: 9 tabs").
    opened: tuple[tuple[str, str], ...] = field(default=())
    # Worth knowing but not a failure, e.g. a spreadsheet file in a format that is not read.
    notes: tuple[str, ...] = field(default=())

    def names(self) -> list[str]:
        return [t.name for t in self.tabs]

    def get(self, name: str, book: str | None = None) -> Tab:
        """The first tab of that name (in that book, when given)."""
        for t in self.tabs:
            if t.name == name and (book is None or t.book == book):
                return t
        raise KeyError(name)


def add_tabs(tabs: list[Tab], found: Sequence[Tab], problems: list[str]) -> None:
    """Append ``found`` to ``tabs``.

    Two tabs of one name in different books are normal ("Form Responses 1" everywhere); only the
    same book and tab twice (two copies of one spreadsheet) keeps the first and is reported.
    """
    seen = {(t.book.casefold(), t.name.casefold()): t.origin for t in tabs}
    for tab in found:
        key = (tab.book.casefold(), tab.name.casefold())
        if key in seen:
            problems.append(
                f"tab '{tab.label}' is in both '{seen[key]}' and '{tab.origin}'; "
                f"using '{seen[key]}'. Rename or remove one of them.")
            continue
        seen[key] = tab.origin
        tabs.append(tab)


class Source(Protocol):
    """Reads every tab it can.

    One file or spreadsheet the office must fix (corrupt, not shared, wrong key) is a problem on the
    Workbook and the others are still read. A service that does not answer (Google after its retries)
    raises a SecorError instead: a partial read must not pass for the records.
    """

    def read(self) -> Workbook: ...

    def describe(self) -> str: ...

    def access_lines(self) -> list[str]:
        """For `secor doctor`: whether the dashboards can be written where they go (none to say locally)."""
        ...
