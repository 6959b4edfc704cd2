"""Helpers the checks share: forgiving text keys, windows, references, workers, program documents.

Everything here is pure: frames in, frames or values out, inputs never changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from ..normalise.cells import text_key  # re-exported: the normaliser matches by it too
from ..normalise.dataset import Dataset
from ..schema import BY_KEY
from ..settings import Settings
from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result

# What crews write in a Defects / Deficiencies cell to say there are none.
NO_DEFECT_ANSWERS = frozenset({
    "no", "n", "na", "n a", "none", "nil", "nothing", "0", "no defects", "no defect", "none found",
    "nothing found", "no deficiencies", "no deficiency", "no issues", "no issue", "nothing to report", "all good",
    "good", "ok", "okay", "all ok", "none noted", "nothing noted", "good to go", "all clear", "not applicable",
    "pass", "passed", "fine", "all fine", "everything good", "everything ok", "all good to go", "good to go today",
    "nothing to note", "nothing new", "nothing major",
})
# ... and the longer ways of saying it: "No deficiencies noted.", "None at this time", "Nothing to report today":
# a no-word first, then only these words. "No brake lights" names a defect and is one.
_NONE_WORDS = frozenset({"no", "none", "nil", "nothing", "zero", "nope"})
_FILLER_WORDS = frozenset({
    "defect", "defects", "deficiency", "deficiencies", "issue", "issues", "problem", "problems", "concern",
    "concerns", "found", "noted", "observed", "identified", "seen", "to", "report", "reported", "at", "this", "time",
    "today", "all", "good", "ok", "okay", "of", "any", "visible", "apparent", "known", "new", "other", "further",
    "action", "actions", "required", "needed", "necessary", "hazards", "the", "on", "unit", "noticed", "for", "now",
    "major", "minor", "outstanding",
})
# Pre-start Results that are a defect to follow up: Minor Defect (report and fix) and Fail (a major defect: the
# unit may not be driven). Only Fail takes the unit out of service when Out Of Service is not answered.
DEFECT_RESULTS = ("Minor Defect", "Fail")

# Answers that fill a signature / "communicated" cell without meaning yes.
NEGATIVE_ANSWERS = frozenset({
    "no", "n", "na", "n a", "none", "not signed", "unsigned", "not yet", "pending", "tbd", "false", "0",
})

# Form tables and the column that dates their records (Incident has no Date column of its own).
FORM_DATE_COLUMNS: dict[str, str] = {
    "flha": "date", "pre_start": "date", "workplace_inspection": "date", "incident": "incident_date",
    "toolbox_talk": "date", "orientation": "date",
}


# ---------------------------------------------------------------- text


def keys(series: pd.Series) -> pd.Series:
    """text_key of every cell, computed once per distinct value (form columns repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array([text_key(u) for u in uniques] + [""], dtype=object)
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def filled(series: pd.Series) -> pd.Series:
    """True where a text cell holds something (normalised text is str or None)."""
    return keys(series) != ""


def is_no_defect_answer(key: str) -> bool:
    """True when a text_key says there is nothing to report: "none", "N/A", "Good to go", "No deficiencies
    noted.", "Nothing to report at this time" (see NO_DEFECT_ANSWERS)."""
    if key in NO_DEFECT_ANSWERS:
        return True
    first, _, rest = key.partition(" ")
    return first in _NONE_WORDS and all(w in _FILLER_WORDS for w in rest.split())


def reports_defect(series: pd.Series) -> pd.Series:
    """True where a Defects / Deficiencies cell reports something (see is_no_defect_answer: those report nothing)."""
    k = keys(series)
    flags = {u: u != "" and not is_no_defect_answer(u) for u in k.unique()}
    return k.map(flags).astype(bool)


def pre_start_defect(pre_start: pd.DataFrame) -> pd.Series:
    """True where a pre-start found a defect to follow up: Result Minor Defect or Fail, or Defects written."""
    return pre_start["result"].isin(DEFECT_RESULTS) | reports_defect(pre_start["defects"])


def affirmed(series: pd.Series) -> pd.Series:
    """True where a text cell holds an answer that is not a 'no' (signatures, 'communicated to crew')."""
    k = keys(series)
    return (k != "") & ~k.isin(NEGATIVE_ANSWERS)


def is_vague_ticket(ticket_key: str, vague: set[str]) -> bool:
    """A ticket that names no certification: blank, one of the vague words, holds a vague phrase of two or
    more words ('First Aid as required'), or says TBD."""
    if ticket_key in vague:
        return True
    padded = f" {ticket_key} "
    return " tbd " in padded or any(" " in v and f" {v} " in padded for v in vague)


def vague_ticket_words(settings: Settings) -> set[str]:
    """text_keys of settings.audit.vague_ticket_words, and blank."""
    return {text_key(w) for w in settings.audit.vague_ticket_words} | {""}


def has_phrase(key: str, fragments: Iterable[str]) -> bool:
    """True when every fragment starts a word of ``key`` (a text_key): 'responsib' finds 'responsibilities'."""
    padded = f" {key}"
    return all(f" {fragment}" in padded for fragment in fragments)


def mentions(series: pd.Series, phrases: Iterable[str]) -> pd.Series:
    """True where the text holds one of the phrases at a word start ('flha' finds 'FLHA training')."""
    wanted = [f" {text_key(p)}" for p in phrases if text_key(p)]
    k = keys(series)
    hits = {u: any(w in f" {u}" for w in wanted) for u in k.unique()}
    return k.map(hits).astype(bool)


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 FLHA', '3 FLHAs'."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


# ---------------------------------------------------------------- tables, references, windows


def missing_table(check_id: str, data: Dataset, *table_keys: str) -> CheckResult | None:
    """A Fail naming the first required table that was not found (or not usable); None when all are there."""
    for key in table_keys:
        if not data.has(key):
            verdict = result(check_id, FAIL, f"table {BY_KEY[key].title} not found; this check cannot run without "
                                             "it (see Data Issues).")
            return dataclasses.replace(verdict, unread_table=key)
    return None


def refs(frame: pd.DataFrame, table_key: str) -> list[str]:
    """Where the office finds each row: the form record ID, else 'Program row 4'."""
    if "id" in frame.columns and BY_KEY[table_key].is_form:
        return [str(i) for i in frame["id"]]
    title = BY_KEY[table_key].title
    return [f"{title} row {int(r)}" for r in frame["row"]]


def in_window(ctx: AuditContext, dates: pd.Series) -> pd.Series:
    """True for dates in the look-back window: window_start..as_of, both included."""
    return (dates >= ctx.window_start) & (dates <= ctx.as_of_ts)


def on_or_before(ctx: AuditContext, dates: pd.Series) -> pd.Series:
    """True for dates on or before the as-of date (records dated later do not exist yet)."""
    return dates <= ctx.as_of_ts


def window_words(ctx: AuditContext) -> str:
    return f"in the last {ctx.settings.audit.lookback_months} months"


def graded(bad: int, total: int, warn_share: float) -> str:
    """Pass when nothing falls short, Warn while no more than ``warn_share`` does, Fail beyond."""
    if bad <= 0:
        return PASS
    return WARN if total and bad / total <= warn_share else FAIL


# ---------------------------------------------------------------- months with work


def work_dates(data: Dataset, ctx: AuditContext) -> pd.Series:
    """Dates of every form record in the window: the days the company was working."""
    parts = []
    for key, column in FORM_DATE_COLUMNS.items():
        dates = data.table(key)[column]
        parts.append(dates[in_window(ctx, dates)])
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="datetime64[us]")


def judged_periods(ctx: AuditContext, periods: Iterable[pd.Period], done: set[pd.Period]) -> list[pd.Period]:
    """The periods a check judges: the period holding as_of is not over yet, so it counts only once done."""
    out = []
    for p in sorted(set(periods)):
        in_progress = p.start_time <= ctx.as_of_ts and ctx.as_of_ts.normalize() < p.end_time.normalize()
        if in_progress and p not in done:
            continue
        out.append(p)
    return out


def months_of(dates: pd.Series) -> set[pd.Period]:
    return set(dates.dropna().dt.to_period("M").unique())


# ---------------------------------------------------------------- workers


def active_workers(workers: pd.DataFrame, as_of: date | pd.Timestamp) -> pd.DataFrame:
    """Workers rows active on as_of (started on/before it, no End Date or End Date after it), one per person.

    A person on Workers more than once (periods of employment) keeps the active row that started last.
    The frame gets a ``key`` column (text_key of the name) for matching.
    """
    ts = pd.Timestamp(as_of)
    active = workers[(workers["start_date"] <= ts) & (workers["end_date"].isna() | (workers["end_date"] > ts))]
    active = active.assign(key=keys(active["name"]))
    active = active[active["key"] != ""]
    return active.sort_values(["start_date", "row"]).drop_duplicates("key", keep="last").sort_values("row")


def is_management(roles: pd.Series, settings: Settings) -> pd.Series:
    """True where a role names management (settings.audit.management_roles, found anywhere in the role)."""
    words = [text_key(w) for w in settings.audit.management_roles if text_key(w)]
    k = keys(roles)
    return k.map(lambda role: bool(role) and any(has_phrase(role, w.split()) for w in words)).astype(bool)


def management_names(data: Dataset, settings: Settings) -> set[str]:
    """text_keys of everyone whose Workers role is a management role (current or past)."""
    workers = data.table("workers")
    return set(keys(workers["name"])[is_management(workers["role"], settings)])


# ---------------------------------------------------------------- program documents

# How a Program row is recognised as one of the documents an auditor asks for. Each rule is a list of
# alternatives; a row matches when every fragment of one alternative starts a word of its Document text
# (case and punctuation ignored). E.g. "Health and Safety Policy" and "OH&S Policy" are both a Safety Policy.
DOCUMENT_RULES: dict[str, tuple[tuple[str, ...], ...]] = {
    "Safety Policy": (("safety", "policy"), ("health", "policy"), ("ohs", "policy"), ("oh", "s", "policy"),
                      ("hse", "policy"), ("hs", "policy")),
    "Responsibilities": (("responsib",), ("roles",), ("duties",)),
    "Hazard Identification Procedure": (("hazard", "identif"), ("hazard", "assess"), ("flha",), ("jsea",),
                                        ("jha",), ("field", "level", "hazard")),
    "Corrective Action Procedure": (("corrective",),),
    "Safe Work Procedures": (("safe", "work"), ("safe", "job"), ("swp",), ("sjp",), ("work", "practice"),
                             ("work", "procedure"), ("job", "procedure")),
    "PPE Requirements": (("ppe",), ("personal", "protective")),
    "Inspection Procedure": (("inspection",),),
    "Incident Investigation Procedure": (("investigat",), ("incident", "procedure"), ("incident", "report")),
    "SECOR Certificate": (("secor",),),
}


def matches_document(document_key: str, kind: str) -> bool:
    """True when a Program row's Document (a text_key) is a document of this kind (see DOCUMENT_RULES)."""
    return any(has_phrase(document_key, alternative) for alternative in DOCUMENT_RULES[kind])


def documents(program: pd.DataFrame, kind: str, ctx: AuditContext) -> pd.DataFrame:
    """Program rows that are documents of this kind, as of the date (a row signed later is not on file yet).

    Adds ``key`` (text_key of the Document).
    """
    k = keys(program["document"])
    mask = k.map(lambda d: matches_document(d, kind)).astype(bool)
    found = program[mask].assign(key=k[mask])
    return found[~(found["signed_date"] > ctx.as_of_ts)]


def document_check(check_id: str, ctx: AuditContext, kind: str) -> CheckResult:
    """A written document on file: Pass when a matching Program row is dated (Signed or Review Date),
    Warn when it is listed but undated, Fail when there is none."""
    missing = missing_table(check_id, ctx.data, "program")
    if missing:
        return missing
    found = documents(ctx.data.table("program"), kind, ctx)
    if found.empty:
        return result(check_id, FAIL, f"no {kind} on the Program tab (a row whose Document names it, "
                                      f"e.g. '{kind}')")
    dated = found[found["signed_date"].notna() | found["review_date"].notna()]
    if dated.empty:
        return result(check_id, WARN, f"{kind} on the Program tab ({plural(len(found), 'row')}) but not signed "
                                      "or dated; add the Signed Date", refs(found, "program"))
    latest = dated.assign(_d=dated[["signed_date", "review_date"]].max(axis=1)).sort_values("_d").iloc[-1]
    return result(check_id, PASS, f"{kind} on file: '{latest['document']}' dated "
                                  f"{latest['_d'].date().isoformat()}", refs(dated, "program"))
