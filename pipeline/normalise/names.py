"""Matching the names people type to the names on the Workers tab."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .cells import name_key, tidy_name


@dataclass
class Roster:
    """Known worker names, looked up forgivingly; suggests the closest for a typo."""

    names: dict[str, str] = field(default_factory=dict)  # name_key -> name as on Workers
    _cache: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, names: Iterable[str]) -> Roster:
        roster = cls()
        for n in names:
            roster.names.setdefault(name_key(n), tidy_name(n))
        return roster

    def match(self, text: str) -> tuple[str, str | None]:
        """``(name, problem)``: the Workers spelling when known, else the text and a hint."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        key = name_key(text)
        known = self.names.get(key)
        if known is None and "," in text:  # "Kowalski, Dale"
            last, _, first = text.partition(",")
            known = self.names.get(name_key(f"{first} {last}"))
        if known is not None or not self.names:
            result: tuple[str, str | None] = (known or tidy_name(text), None)
        else:
            result = (tidy_name(text), self.unknown_problem(key))
        self._cache[text] = result
        return result

    def unknown_problem(self, key: str) -> str:
        close = difflib.get_close_matches(key, list(self.names), n=1, cutoff=0.6)
        if not close:
            # Forms often get only a first name or a surname.
            parts = [n for k, n in self.names.items() if key in k.split(" ")]
            if len(parts) == 1:
                return f"not a name on Workers; did you mean {parts[0]}?"
            return "not a name on Workers; add the worker to Workers or correct the spelling."
        return f"not a name on Workers; did you mean {self.names[close[0]]}?"
