"""Forgiving matching of tab names and column headers (SPEC.md, Sources)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..schema import Table

_NON_WORD = re.compile(r"[^0-9a-z#]+")
_HINT = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text: object) -> str:
    """Case, whitespace, punctuation and a trailing ? or * do not matter.

    ``#`` is kept so that 'Unit #' still reads as a unit number header.
    """
    s = "" if text is None else str(text)
    s = s.casefold().strip().rstrip("?*: ").strip()
    s = s.replace("-", "").replace("/", " ")  # "Pre-Start" == "Prestart"; "Pass/Fail" == "Pass Fail"
    s = s.replace("#", " # ")
    return _NON_WORD.sub(" ", s).strip().replace(" ", "")


@dataclass(frozen=True)
class HeaderMatch:
    """Which sheet column (0-based) feeds each table column."""

    positions: Mapping[str, tuple[int, ...]]  # column key -> sheet columns, leftmost first
    missing_required: tuple[str, ...]  # titles of required columns not found
    unused: tuple[str, ...]  # headers kept but ignored


def match_headers(table: Table, headers: Sequence[object],
                  extra_aliases: Mapping[str, Sequence[str]] | None = None) -> HeaderMatch:
    """Map each table column to the sheet columns whose header names it.

    Titles win over configured aliases, which win over built-in aliases, so that
    an alias of one column never steals another column's own header.
    """
    extra_aliases = extra_aliases or {}
    keys = [header_key(h) for h in headers]
    # "Date (MM/DD/YYYY)", "Hazards [list all]": a hint in brackets does not name the column.
    loose = [header_key(_HINT.sub(" ", str(h))) if h is not None else "" for h in headers]
    taken: set[int] = set()
    positions: dict[str, list[int]] = {}
    tiers: list[list[tuple[str, str]]] = [
        [(c.key, header_key(c.title)) for c in table.columns],
        [(ck, header_key(a)) for ck, names in extra_aliases.items() for a in names],
        [(c.key, header_key(a)) for c in table.columns for a in c.aliases],
    ]
    for header_keys in (keys, loose):
        for tier in tiers:
            for col_key, wanted in tier:
                if not wanted:
                    continue
                # A column found in an earlier tier is not re-fed by an alias (nor by a loose match).
                if col_key in positions and (tier is not tiers[0] or header_keys is loose):
                    continue
                for i, k in enumerate(header_keys):
                    if i not in taken and k == wanted:
                        positions.setdefault(col_key, []).append(i)
                        taken.add(i)
    # Forms questions are long: "Site / LSD", "Task(s) being performed", "Controls put in place" name
    # their column in their first words. Only for columns still unfed, and never "Name of supervisor".
    words = [_words(_HINT.sub(" ", str(h))) if h is not None else [] for h in headers]
    for tier in tiers:
        for col_key, wanted in tier:
            if col_key in positions:
                continue
            want = _words(_title_of(table, extra_aliases, col_key, wanted))
            if not want:
                continue
            for i, w in enumerate(words):
                if (i not in taken and len(w) > len(want) and w[:len(want)] == want
                        and w[len(want)] not in _LINKING):
                    positions.setdefault(col_key, []).append(i)
                    taken.add(i)
    missing = tuple(c.title for c in table.columns if c.required and c.key not in positions)
    unused = tuple(str(headers[i]) for i in range(len(headers)) if i not in taken and keys[i])
    return HeaderMatch({k: tuple(sorted(v)) for k, v in positions.items()}, missing, unused)


_LINKING = {"of", "for", "to", "from", "by", "in", "on", "at", "the"}
_WORD = re.compile(r"[0-9a-z#]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("-", ""))


def _title_of(table: Table, extra: Mapping[str, Sequence[str]], col_key: str, wanted_key: str) -> str:
    """The original text whose header_key is ``wanted_key`` (titles and aliases are kept as keys above)."""
    col = table.column(col_key)
    for text in (col.title, *extra.get(col_key, ()), *col.aliases):
        if header_key(text) == wanted_key:
            return text
    return ""
