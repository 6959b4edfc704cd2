"""Data Issues lines sorted into what the office must fix and what is only a note, with what to do.

The problem texts written by ``pipeline.normalise`` often end with the fix ("...; add the column or
map its header in the config."). :func:`triage` splits such a text into the problem and the fix, so the
Dashboard shows each once, and tells a line the office must act on from a note: a double submit that
was correctly left out, an example row of our template or a legend line of a grid needs no action.
Pure: text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalise.dataset import TABLE

NEEDS_FIXING = "Needs fixing"
NOTE_ONLY = "Note only"

# Words a fix starts with: "correct it", "Add the tab ...", "If it holds records, map it ...".
_ADVICE = frozenset({
    "add", "check", "copy", "correct", "delete", "enter", "fill", "fine", "fix", "if", "map", "merge", "move",
    "open", "otherwise", "pick", "pin", "remove", "rename", "save", "share", "type", "use", "write"})
# Clause separators: "; ", ": " and a sentence end (". " before a capital).
_SEPARATORS = re.compile(r"(;\s+|:\s+|\.\s+(?=[A-Z'\"]))")
_GUESS = re.compile(r"did you mean (.+?)\?")
# Lines that are notes: the record was rightly left out, or nothing was lost.
_NOTES = (
    "a double submit",  # the first submission is used
    "example row of the secor-records.xlsx template",
    "not a worker (a heading, legend or note)",  # a legend line below a training grid
    "blank row;",  # nothing was on it
    "Fine for extra training",  # a ticket the matrix does not require
    "columns feed",  # two form questions with one meaning: the first filled answer is used
    "no table has that name or its columns",  # a tab of the office's own (lists, notes)
)
_NOTE_DEFAULTS = {
    "a double submit": "Nothing: the first submission is used.",
    "blank row;": "Nothing to fix; delete the empty row to tidy up.",
}


@dataclass(frozen=True)
class Triage:
    """One Data Issues line: whether the office must fix it, the problem, and what to do."""

    needs_fixing: bool
    problem: str
    what_to_do: str

    @property
    def label(self) -> str:
        return NEEDS_FIXING if self.needs_fixing else NOTE_ONLY


def triage(severity: str, problem: str, column: str = "") -> Triage:
    """Fix or note, the problem without its fix, and the fix (from the text, else a default by kind).

    A missing table or column always needs fixing; so does a rejected row or an ignored value,
    unless the text says it is a double submit, a template example, a legend line or a blank row.
    """
    text = " ".join(str(problem).split())
    note = severity != TABLE and any(marker in text for marker in _NOTES)
    rest, advice = split_fix(text)
    if not advice:
        advice = _default_fix(text, note, column)
    elif advice == "Correct it." and column:  # "'02/30/2026' is not a real date; correct it."
        advice = f"Correct the {column} value on that row."
    return Triage(not note, rest, advice)


def split_fix(text: str) -> tuple[str, str]:
    """(problem, fix): the clauses that tell what to do, taken out of a problem text.

    A clause is a fix when its first word is an instruction ("correct it", "Add the tab ...");
    a ": " after a fix continues it ("pin the one to read: under [tables] ...").
    """
    parts = _SEPARATORS.split(text)
    kept: list[str] = []
    fixes: list[str] = []
    previous_fix, previous_sep = False, ""
    for clause, sep in zip(parts[0::2], [*parts[1::2], ""], strict=True):
        first = re.split(r"[\s,]", clause.lstrip("("), maxsplit=1)[0].casefold()
        if previous_fix and previous_sep.strip() == ":":
            fixes[-1] += previous_sep + clause
        elif first in _ADVICE and previous_fix and previous_sep.strip() == ";":
            fixes[-1] += previous_sep + clause  # "Fine for extra training; otherwise use ..."
        elif first in _ADVICE:
            fixes.append(clause)
            previous_fix = True
        else:
            kept.append(clause + sep)
            previous_fix = False
        previous_sep = sep
    problem = "".join(kept).strip().rstrip(";:,").strip()
    if problem and not problem.endswith((".", "?", ")")):
        problem += "."
    fix = " ".join(_sentence(f) for f in fixes)
    return (problem or text), fix


def _sentence(clause: str) -> str:
    clause = clause.strip().rstrip(";:,").strip()
    clause = clause[:1].upper() + clause[1:]
    return clause if clause.endswith((".", "?", "!")) else clause + "."


def _default_fix(text: str, note: bool, column: str) -> str:
    for marker, fix in _NOTE_DEFAULTS.items():
        if marker in text:
            return fix
    if note:
        return "Nothing to do."
    guess = _GUESS.search(text)
    if guess and "not a name on Workers" in text:
        return f"Correct the name to {guess.group(1)} if that is who it is, or add the person to Workers."
    if guess:
        return f"Correct it to {guess.group(1)}."
    if "required value is blank" in text:
        return f"Fill in {column or 'the value'} on that row." if column else "Fill in the value on that row."
    return f"Correct the {column} value on that row." if column else "Correct it at the place named."
