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
    """

    name: str
    origin: str  # file name or spreadsheet title, for messages
    header: tuple[object, ...]
    rows: Sequence[Sequence[object]]
    first_row: int = 2
    # The IANA zone the tab's date-times are written in (a Google spreadsheet's own time zone);
    # None: the company's. Timestamps are converted to the company's zone when they differ.
    timezone: str | None = None


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

    def get(self, name: str) -> Tab:
        for t in self.tabs:
            if t.name == name:
                return t
        raise KeyError(name)


def add_tabs(tabs: list[Tab], found: Sequence[Tab], problems: list[str]) -> None:
    """Append ``found`` to ``tabs``; a tab name already taken keeps the first and is reported."""
    seen = {t.name: t.origin for t in tabs}
    for tab in found:
        if tab.name in seen:
            problems.append(
                f"tab '{tab.name}' is in both '{seen[tab.name]}' and '{tab.origin}'; "
                f"using '{seen[tab.name]}'. Rename or remove one of them.")
            continue
        seen[tab.name] = tab.origin
        tabs.append(tab)


class Source(Protocol):
    """Reads every tab it can.

    One file or spreadsheet the office must fix (corrupt, not shared, wrong key) is a problem on the
    Workbook and the others are still read. A service that does not answer (Google after its retries)
    raises a SecorError instead: a partial read must not pass for the records.
    """

    def read(self) -> Workbook: ...

    def describe(self) -> str: ...
