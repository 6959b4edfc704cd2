"""The choice wordings the normaliser did not know, counted, with the config line that would map each.

Built from the Dataset's Data Issues (each unknown choice or Yes/No answer is a warning line there), so
it counts exactly what the office sees listed. Pure: nothing is read or written.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from ..schema import TABLES, Column, Kind
from ..settings import Settings, toml_string
from . import cells
from .dataset import Dataset
from .tables import choice_lookup

_COLUMNS: dict[tuple[str, str], tuple[str, Column]] = {
    (t.title, c.title): (t.key, c) for t in TABLES for c in t.columns if c.kind in (Kind.CHOICE, Kind.YESNO)}
_YES_NO = ("Yes", "No")
_MISSING = "?"  # no good guess: the office picks (the config refuses "?" with the list of values)


@dataclass(frozen=True)
class Unmapped:
    """One wording seen in a choice or Yes/No column that is not one of its values."""

    table: str  # table key
    column: str  # column key
    value: str  # as written most often (spellings that differ only in case or punctuation are one)
    count: int  # cells holding it
    allowed: tuple[str, ...]
    guess: str | None  # the likeliest canonical value, None when nothing is close

    @property
    def where(self) -> str:
        return f"values.{self.table}.{self.column}"

    @property
    def toml(self) -> str:
        """The ``"wording" = "Value"`` line for [values.<table>.<column>]."""
        return f"{toml_string(self.value)} = {toml_string(self.guess or _MISSING)}"


def _guess(text: str, column: Column, office: dict[str, str] | None) -> str | None:
    """The canonical value a wording most likely means: one whose wording is all in it, else a close spelling."""
    lookup = choice_lookup(column, office) if column.kind is Kind.CHOICE else {"yes": "Yes", "no": "No"}
    key = cells.choice_key(text)
    words = set(key.split())
    inside = [k for k in lookup if k and set(k.split()) <= words]
    if inside:
        return lookup[max(inside, key=len)]
    close = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.75)
    return lookup[close[0]] if close else None


def unmapped_values(dataset: Dataset, settings: Settings | None = None) -> list[Unmapped]:
    """Every unknown wording of a choice or Yes/No column, most frequent first."""
    issues = dataset.issues
    mask = issues["problem"].str.contains(cells.NOT_ONE_OF, regex=False) | issues["problem"].str.contains(
        cells.NOT_YES_NO, regex=False)
    counts: Counter[tuple[str, str, str]] = Counter()
    spellings: dict[tuple[str, str, str], Counter[str]] = {}
    for table_title, column_title, value in issues.loc[mask, ["table", "column", "value"]].itertuples(index=False):
        if (table_title, column_title) not in _COLUMNS or not value:
            continue
        group = (table_title, column_title, cells.choice_key(value))
        counts[group] += 1
        spellings.setdefault(group, Counter())[value] += 1
    out = []
    for group, n in counts.items():
        table_key, column = _COLUMNS[group[:2]]
        office = (settings.values.get(table_key, {}).get(column.key) if settings else None)
        value = spellings[group].most_common(1)[0][0]
        out.append(Unmapped(table_key, column.key, value, n, column.choices or _YES_NO,
                            _guess(value, column, office)))
    return sorted(out, key=lambda u: (-u.count, u.table, u.column, u.value.casefold()))


def unmapped_values_text(dataset: Dataset, settings: Settings | None = None) -> list[str]:
    """Lines for `secor doctor`: each unknown wording with its count and config line, then the block to paste.

    Empty when every wording was understood.
    """
    found = unmapped_values(dataset, settings)
    if not found:
        return []
    titles = {t.key: t for t in TABLES}
    lines = [f"Values not understood: {len(found)} (the rows are used without them; map each in the config):"]
    for u in found:
        table = titles[u.table]
        lines.append(f"  {table.title} / {table.column(u.column).title}: '{u.value}' x{u.count}  ->  "
                     f"[{u.where}] {u.toml}   (one of: {', '.join(u.allowed)})")
    lines.append("To map them, paste into your config (check each value; \"?\" is for you to fill; "
                 "add the lines under a section you already have):")
    for where in dict.fromkeys(u.where for u in found):
        lines.append(f"  [{where}]")
        lines.extend(f"  {u.toml}" for u in found if u.where == where)
    return lines
