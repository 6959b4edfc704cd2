"""Which tab holds which table: by the config, by name, by spreadsheet name, or by its headers.

Real offices keep one response spreadsheet per Google Form and every one of them has a tab
called "Form Responses 1"; their own tabs have their own names. So a table is looked for in
this order, each tab taken by at most one table:

1. ``[tables]`` in the config: a tab name, or "<spreadsheet or file> / <tab>" (sure);
2. a tab named like the table ("Workers", "Toolbox Talks") (sure);
3. a spreadsheet or file named like it ("FLHA (Responses)") whose tab has the table's headers (likely);
4. an unmapped tab whose headers are the table's: every required column found (likely, or unsure
   when another table fits about as well); a tab with half of the required columns is taken as
   "unsure" for a table found nowhere else, so `secor doctor` can say what is missing.

Pure: takes the tabs as read and the settings, returns what was found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..schema import TABLES, Table
from ..settings import Settings, toml_string
from ..sources.base import Tab, Workbook
from . import cells
from .headers import header_key, match_headers

SURE, LIKELY, UNSURE = "sure", "likely", "unsure"
CONFIGURED, BY_NAME, BY_BOOK, BY_HEADERS = "configured", "name", "spreadsheet name", "headers"
# A headers-only match is "likely" when the tab fits its table clearly better than any other.
CLEAR_MARGIN = 0.15
_RESPONSES = re.compile(r"\((?:form\s+)?responses?\)|\bresponses?\b", re.I)


@dataclass(frozen=True)
class Placement:
    """One table found in one tab, and how."""

    table: str
    tab: Tab
    how: str  # CONFIGURED, BY_NAME, BY_BOOK or BY_HEADERS
    confidence: str  # SURE, LIKELY or UNSURE
    pin: str  # the line under [tables] in the config that pins this choice


@dataclass(frozen=True)
class Discovery:
    """Every table's tab, the other tabs that look like it, and the tabs no table took."""

    chosen: Mapping[str, Placement]
    others: Mapping[str, tuple[Tab, ...]] = field(default_factory=dict)
    unread: tuple[Tab, ...] = ()


def is_dashboard(tab: Tab) -> bool:
    """The pipeline's own output tabs are never read back as records."""
    return tab.name.casefold().startswith("dashboard")


def tab_names_match(wanted: str, tab: Tab) -> bool:
    """A configured or built-in name names the tab: by tab name, or by "<book> / <tab>"."""
    key = header_key(wanted)
    return bool(key) and key in (header_key(tab.name), header_key(tab.label), header_key(f"{tab.book} / {tab.name}"))


def table_names(table: Table, settings: Settings, how: str) -> tuple[str, ...]:
    """The names a table goes by: those in ``[tables]`` (CONFIGURED), or its title and aliases (BY_NAME)."""
    return tuple(settings.tables.get(table.key, ())) if how == CONFIGURED else (table.title, *table.aliases)


def named_as(tab: Tab, table: Table, settings: Settings) -> str | None:
    """How ``tab`` is named as ``table``: CONFIGURED, BY_NAME, or None."""
    for how in (CONFIGURED, BY_NAME):
        if any(tab_names_match(w, tab) for w in table_names(table, settings, how)):
            return how
    return None


def book_title(tab: Tab) -> str:
    """The spreadsheet's name without Forms' "(Responses)": "FLHA (Responses)" -> "FLHA"."""
    return _RESPONSES.sub(" ", tab.book).strip(" -_")


def fit(table: Table, tab: Tab, settings: Settings) -> tuple[float, tuple[str, ...]]:
    """How well a tab's headers fit a table: (share of the table's columns found, required titles missing)."""
    headers = tuple(cells.clean_text(h) or "" for h in tab.header)
    match = match_headers(table, headers, settings.headers.get(table.key))
    return len(match.positions) / len(table.columns), match.missing_required


def pin_line(table: Table, tab: Tab, tabs: Sequence[Tab]) -> str:
    """The line under ``[tables]`` that pins this choice; it names the book when the tab name is not unique."""
    same_name = sum(1 for t in tabs if t.name.casefold() == tab.name.casefold())
    name = tab.name if same_name == 1 else tab.label
    return f"{table.key} = [{toml_string(name)}]"


def discover(workbook: Workbook, settings: Settings, set_aside: Tab | None = None) -> Discovery:
    """Find each table's tab (see the module docstring for the order).

    ``set_aside`` is a tab already read otherwise (the training matrix kept as a grid): no table takes it.
    """
    tabs = [t for t in workbook.tabs if not is_dashboard(t) and t is not set_aside]
    taken: dict[int, str] = {}  # id(tab) -> table key
    chosen: dict[str, Placement] = {}
    others: dict[str, list[Tab]] = {}

    def place(table: Table, tab: Tab, how: str, confidence: str) -> None:
        chosen[table.key] = Placement(table.key, tab, how, confidence, pin_line(table, tab, tabs))
        taken[id(tab)] = table.key

    # 1 and 2: names, configured first; a second tab of the same name is worth a warning.
    for how in (CONFIGURED, BY_NAME):
        for table in TABLES:
            for wanted in table_names(table, settings, how):
                for tab in tabs:
                    if id(tab) in taken or not tab_names_match(wanted, tab):
                        continue
                    if table.key in chosen:
                        others.setdefault(table.key, []).append(tab)
                        taken[id(tab)] = table.key
                    else:
                        place(table, tab, how, SURE)

    fits = {(table.key, id(tab)): fit(table, tab, settings)
            for table in TABLES for tab in tabs if id(tab) not in taken}
    by_key = {t.key: t for t in TABLES}

    # 3: a spreadsheet named like the table, its tab having the table's required columns.
    for table in TABLES:
        if table.key in chosen:
            continue
        names = {header_key(n) for n in (table.title, *table.aliases)}
        for tab in tabs:
            if id(tab) in taken or header_key(book_title(tab)) not in names:
                continue
            if not fits[(table.key, id(tab))][1]:
                place(table, tab, BY_BOOK, LIKELY)
                break

    # 4: headers alone, best fits first; every required column found.
    complete = sorted(((share, key, tab) for tab in tabs for key in by_key
                       if (share := fits.get((key, id(tab)), (0.0, ("?",)))[0]) > 0
                       and not fits[(key, id(tab))][1]),
                      key=lambda x: -x[0])
    for share, key, tab in complete:
        if id(tab) in taken:
            continue
        if key in chosen:
            if share >= 0.5:
                others.setdefault(key, []).append(tab)
                taken[id(tab)] = key
            continue
        rivals = [s for s, k, t in complete if t is tab and k != key]
        clear = not rivals or share - max(rivals) >= CLEAR_MARGIN
        place(by_key[key], tab, BY_HEADERS, LIKELY if clear else UNSURE)

    # Partial fits, for a table found nowhere else: taken so that doctor can say what is missing.
    for table in TABLES:
        if table.key in chosen:
            continue
        best: tuple[float, Tab] | None = None
        for tab in tabs:
            if id(tab) in taken:
                continue
            share, missing = fits[(table.key, id(tab))]
            found_required = len(table.required) - len(missing)
            if found_required * 2 >= len(table.required) and found_required >= 2 and (best is None or share > best[0]):
                best = (share, tab)
        if best is not None:
            place(table, best[1], BY_HEADERS, UNSURE)

    unread = tuple(t for t in tabs if id(t) not in taken and (t.header or t.rows))
    return Discovery(chosen, {k: tuple(v) for k, v in others.items()}, unread)
