"""Links between records and Corrective Actions rows, both ways (SPEC.md "Record IDs").

A Corrective Actions row is *linked* to a record when either side names the other:

* its **Source Ref** names the record's ID (``INC-260314-102200``; a hazard's Hazard ID, or
  ``Hazard row 4`` for a hazard without one). Record IDs compare by :func:`record_key`: case and spaces
  ignored, nothing else. A Source Ref may name several records, separated by commas, semicolons or spaces;
* or the record's **own row names the action** in its follow-up text: Incident → Corrective Actions,
  Workplace Inspection → Corrective Action or Deficiencies, Pre-Start → Action Taken or Defects, Hazard
  Register → Controls (``CA-2``, ``see CA-26-08``, ``CA-3, CA-4``).

Action IDs compare by :func:`action_key`: case, spaces, dashes and other punctuation ignored, and leading
zeros of each number ignored, so ``CA-2`` == ``ca 2`` == ``CA-02`` == ``CA2``; ``CA-26-08`` == ``CA 26 8``,
while ``CA-2608`` is another action. Only Action IDs that exist on Corrective Actions link. A mention is a
word of letters followed by a number (``CA-2``, ``CAR 14``): an Action ID that is a bare number (``17``)
links only through Source Ref.

What links nothing is an office mistake and goes on Data Issues (:func:`link_issues`) with a did-you-mean:
a Source Ref that looks like a record ID (a known prefix: ``PS-``, ``INC-``... or a Hazard ID's) but
matches no record, and a mention of an action (an existing Action ID's prefix, e.g. ``CA-9``) that is not
on Corrective Actions. Pure: frames in, frames out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import pandas as pd

from ..schema import BY_KEY, FORM_TABLES
from .dataset import WARNING, Dataset

LINK_COLUMNS = ["action_id", "action_row", "record_id", "table", "how"]
SOURCE_REF, MENTION = "source_ref", "mention"

# Columns of a record's own row where the office names the corrective action it raised.
MENTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "incident": ("corrective_actions",),
    "workplace_inspection": ("corrective_action", "deficiencies"),
    "pre_start": ("action_taken", "defects"),
    "hazard_register": ("controls",),
}

_PARTS = re.compile(r"[^\W\d_]+|\d+")
# Letters, an optional separator, then numbers joined by - / . ("CA-2", "ca 02", "CA-26-08", "CAR#14").
_MENTION = re.compile(r"(?<![^\W_])([^\W\d_]{1,6})[ \t]*[-_#]?[ \t]*(\d+(?:[-/.]\d+)*)(?![^\W_])")
_REF_SPLIT = re.compile(r"[,;\s]+")
_REF_STRIP = "()[]{}.:'\""
_LOOKS_LIKE_ID = re.compile(r"^([^\W\d_]+)[-_ ]?\d")
ISSUE_TUPLE = tuple[str, int | None, str, str, str, str]


def action_key(text: object) -> str:
    """How Action IDs compare: letters and numbers only, lower case, each number without leading zeros.

    ``CA-2``, ``ca 2``, ``CA-02`` and ``CA2`` are all ``ca-2``; ``CA-26-08`` is ``ca-26-8``; blank is ``""``.
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    parts = _PARTS.findall(str(text).casefold())
    return "-".join(str(int(p)) if p.isdigit() else p for p in parts)


def record_key(text: object) -> str:
    """How a record ID compares with a Source Ref: case and spaces do not matter; blank is ``""``."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return re.sub(r"\s+", "", str(text)).casefold()


def record_keys(series: pd.Series) -> pd.Series:
    """:func:`record_key` of every value, vectorised: a 100-worker company has 100,000+ records."""
    keys = series.astype("string").str.replace(r"\s+", "", regex=True).str.casefold()
    return keys.fillna("").astype(object)


def hazard_ids(register: pd.DataFrame) -> pd.Series:
    """The ID a hazard register row goes by: its Hazard ID, else ``Hazard row N``."""
    filled = register["hazard_id"].map(lambda v: isinstance(v, str) and bool(v.strip())).astype(bool)
    return register["hazard_id"].where(filled, "Hazard row " + register["row"].astype(str))


def records(data: Dataset) -> pd.DataFrame:
    """Every record a corrective action can follow up: form responses and hazard register rows.

    Columns: record_id, table (key), row, key (record_key).
    """
    parts = [pd.DataFrame({"record_id": data.table(k)["id"], "table": k, "row": data.table(k)["row"]})
             for k in FORM_TABLES if data.has(k)]
    if data.has("hazard_register"):
        hz = data.table("hazard_register")
        parts.append(pd.DataFrame({"record_id": hazard_ids(hz), "table": "hazard_register", "row": hz["row"]}))
    parts = [p for p in parts if not p.empty]
    frame = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame({"record_id": [], "table": [], "row": []}))
    return frame.assign(key=record_keys(frame["record_id"]))


def mentioned(text: object) -> list[tuple[str, str]]:
    """Every action-ID-like word in a free-text cell, as (as written, action_key): 'see CA-26-08' gives
    [('CA-26-08', 'ca-26-8')]."""
    if not isinstance(text, str) or not text.strip():
        return []
    return [(m.group(0), action_key(m.group(0))) for m in _MENTION.finditer(text)]


def _ref_tokens(ref: str) -> list[str]:
    tokens = [t.strip(_REF_STRIP) for t in _REF_SPLIT.split(ref)]
    return [t for t in tokens if t]


def _source_ref_links(actions: pd.DataFrame, by_key: dict[str, tuple[str, str]]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for action_id, row, ref in zip(actions["action_id"], actions["row"], actions["source_ref"], strict=True):
        if not isinstance(ref, str) or not ref.strip():
            continue
        whole = by_key.get(record_key(ref))
        hits = [whole] if whole else [by_key[k] for k in map(record_key, _ref_tokens(ref)) if k in by_key]
        for record_id, table in dict.fromkeys(hits):
            out.append((action_id, int(row), record_id, table, SOURCE_REF))
    return out


def _mention_links(data: Dataset, by_action: dict[str, list[tuple[str, int]]]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for table, columns in MENTION_COLUMNS.items():
        if not data.has(table):
            continue
        frame = data.table(table)
        ids = hazard_ids(frame) if table == "hazard_register" else frame["id"]
        for column in columns:
            for record_id, text in zip(ids, frame[column], strict=True):
                for _, key in mentioned(text):
                    for action_id, row in by_action.get(key, ()):
                        out.append((action_id, row, record_id, table, MENTION))
    return out


def action_links(data: Dataset) -> pd.DataFrame:
    """One row per (Corrective Actions row, record) pair linked either way (see the module docstring).

    Columns: action_id (as written), action_row (its sheet row), record_id, table (the record's table key),
    how (``source_ref`` or ``mention``; a pair linked both ways is listed once, as ``source_ref``).
    Empty when Corrective Actions was not read.
    """
    if not data.has("corrective_actions"):
        return pd.DataFrame({c: [] for c in LINK_COLUMNS}).astype({"action_row": "int64"})
    ca = data.table("corrective_actions")
    recs = records(data)
    by_key = dict(zip(recs["key"], zip(recs["record_id"], recs["table"], strict=True), strict=True))
    by_action: dict[str, list[tuple[str, int]]] = {}
    for action_id, row in zip(ca["action_id"], ca["row"], strict=True):
        key = action_key(action_id)
        if key and any(c.isalpha() for c in key):
            by_action.setdefault(key, []).append((action_id, int(row)))
    rows = _source_ref_links(ca, by_key) + _mention_links(data, by_action)
    frame = pd.DataFrame(rows, columns=LINK_COLUMNS)
    frame = frame.drop_duplicates(["action_row", "record_id"], keep="first").reset_index(drop=True)
    return frame.astype({"action_row": "int64"})


def linked_records(links: pd.DataFrame, action_rows: Iterable[int]) -> set[str]:
    """record_keys of the records linked to any of these Corrective Actions rows (e.g. those raised by as-of)."""
    rows = set(action_rows)
    return set(links.loc[links["action_row"].isin(rows), "record_id"].map(record_key))


def _closest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" Did you mean {close[0]}?" if close else ""


def _dead_refs(data: Dataset, recs: pd.DataFrame) -> list[ISSUE_TUPLE]:
    prefixes = {BY_KEY[k].id_prefix.casefold(): k for k in FORM_TABLES if data.has(k)}
    hz = recs[recs["table"] == "hazard_register"]
    for rid in hz["record_id"]:
        m = _LOOKS_LIKE_ID.match(str(rid))
        if m:
            prefixes.setdefault(m.group(1).casefold(), "hazard_register")
    known = set(recs["key"])
    candidates = {t: list(g["record_id"]) for t, g in recs.groupby("table")}
    out: list[ISSUE_TUPLE] = []
    ca = data.table("corrective_actions")
    for row, action_id, ref in zip(ca["row"], ca["action_id"], ca["source_ref"], strict=True):
        if not isinstance(ref, str) or not ref.strip() or record_key(ref) in known:
            continue
        tokens = _ref_tokens(ref)
        if any(record_key(t) in known for t in tokens):
            continue
        for token in tokens:
            m = _LOOKS_LIKE_ID.match(token)
            table = prefixes.get(m.group(1).casefold()) if m else None
            if table is None:
                continue
            out.append(("Corrective Actions", int(row), "Source Ref", ref,
                        f"{action_id}: Source Ref '{token}' matches no {BY_KEY[table].title} record, so this "
                        f"action is linked to nothing.{_closest(token, candidates.get(table, []))} Copy the "
                        "record ID from the Dashboard, or name the action in the record's own row.", WARNING))
            break
    return out


def _dead_mentions(data: Dataset) -> list[ISSUE_TUPLE]:
    ca = data.table("corrective_actions")
    existing = {action_key(a) for a in ca["action_id"]} - {""}
    action_ids = [str(a) for a in ca["action_id"].dropna()]
    prefixes = {k.split("-")[0] for k in existing if k[:1].isalpha()} or {"ca"}
    out: list[ISSUE_TUPLE] = []
    for table, columns in MENTION_COLUMNS.items():
        if not data.has(table):
            continue
        frame = data.table(table)
        for column in columns:
            title = BY_KEY[table].column(column).title
            for row, text in zip(frame["row"], frame[column], strict=True):
                for written, key in mentioned(text):
                    if key in existing or key.split("-")[0] not in prefixes:
                        continue
                    out.append((BY_KEY[table].title, int(row), title, text,
                                f"names {written}, which is not an Action ID on Corrective Actions, so it links "
                                f"nothing.{_closest(written, action_ids)} Fix the ID here or add the action.",
                                WARNING))
    return out


def link_issues(data: Dataset) -> list[ISSUE_TUPLE]:
    """Data Issues lines for links that link nothing: (table, row, column, value, problem, severity).

    Nothing when Corrective Actions was not read (its own missing-table line says so).
    """
    if not data.has("corrective_actions"):
        return []
    return _dead_refs(data, records(data)) + _dead_mentions(data)
