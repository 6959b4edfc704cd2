"""The Dashboard tabs of SPEC.md as plain frames, shared by the xlsx and Google writers.

Each tab puts the columns a person acts on first (Status, Due, Who, What, then the rest), its ID
column leftmost (frozen with the header). The summary opens with the readiness figures, then the
top actions of ``findings.plan``; ``Dashboard - Actions`` holds the whole plan. Views never re-rank
or recompute the plan: they show it as given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ..checks.audit import SELF_ASSESSMENT_NOTE, Findings
from ..checks.base import CheckResult
from ..normalise.dataset import SOURCE_TABLE, TableStatus
from ..plan.model import ActionPlan
from .triage import NEEDS_FIXING, NOTE_ONLY, triage

SUMMARY = "Dashboard"
ACTIONS = "Dashboard - Actions"
CERTIFICATIONS = "Dashboard - Certifications"
DEFICIENCIES = "Dashboard - Deficiencies"
READINESS = "Dashboard - Readiness"
DATA_ISSUES = "Dashboard - Data Issues"
TAB_NAMES = (SUMMARY, ACTIONS, CERTIFICATIONS, DEFICIENCIES, READINESS, DATA_ISSUES)
TOP_ACTIONS = 10  # actions shown on the summary tab

RED, AMBER, GREEN, GREY = "F4CCCC", "FCE8B2", "D9EAD3", "EFEFEF"
STATUS_COLOURS: dict[str, str] = {
    "Expired": RED, "Missing": RED, "Overdue": RED, "Fail": RED, "Below": RED,
    "Expiring": AMBER, "Warn": AMBER, "Awaiting Verification": AMBER, "Open": AMBER,
    "Current": GREEN, "Pass": GREEN, "Meets": GREEN,
    NEEDS_FIXING: AMBER, NOTE_ONLY: GREY,
    "Certificate": RED, "Pass rule": RED, "Points deducted": AMBER,  # the plan's tiers (Priority)
}
TOP_HEADER = "Top actions, most urgent first"
# How a deficiency leaves the list (docs/checks.md "Open deficiencies", pipeline/checks/deficiencies.py).
CLOSE_DEFICIENCY = ("To close an item", (
    "Add a row to Corrective Actions with the item's ID in Source Ref and a Completed date, "
    "then Verified By and Verified (until then it shows Awaiting Verification); or write a Closed date on the "
    "item's own Pre-Start, Inspection or Incident row. A hazard closes when its Controls are filled or its Status "
    "is Controlled; a CA- item when its own row has Completed, Verified By and Verified."))
# Leading characters that make Excel or Sheets read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


class Percent(float):
    """A share (0.85) written as a number with a % format, never as the text "85%"."""


@dataclass(frozen=True)
class Sheet:
    """One dashboard tab: title, frame in display order, and which column holds a status to colour.

    ``intro``: (label, sentence) rows above the header, frozen and printed on every page with it: the
    label in the ID column, the sentence across the other columns (Google refuses a frozen column
    that holds part of a merged cell, so the sentence starts right of the frozen ones);
    ``frozen_columns``: the ID column(s) kept in view; ``filter``: an autofilter on the header;
    ``bold_rows``: frame rows written bold (the header of a block inside the tab).
    """

    title: str
    frame: pd.DataFrame
    status_column: str | None = None
    widths: Mapping[str, int] | None = None  # column -> width in characters
    intro: tuple[tuple[str, str], ...] = ()
    frozen_columns: int = 0
    filter: bool = True
    bold_rows: tuple[int, ...] = ()

    @property
    def header_row(self) -> int:
        """The sheet row (1-based) of the header: below the intro sentences."""
        return len(self.intro) + 1

    @property
    def intro_column(self) -> int:
        """The column index (0-based) where an intro sentence starts: right of the frozen columns."""
        return max(1, self.frozen_columns)


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def summary_frame(findings: Findings, statuses: Mapping[str, TableStatus], generated_at: datetime,
                  source: str, top: int = TOP_ACTIONS) -> pd.DataFrame:
    """Key figures, one per row (Item, Value, Status, Detail): readiness first, then the top actions."""
    rows: list[tuple[Any, ...]] = [
        ("Company", findings.company, "", ""),
        ("As of", findings.as_of, "", "All figures are computed as of this date."),
        ("Last run", generated_at.replace(tzinfo=None, microsecond=0), "", f"Read from {source}."),
    ]
    unread = findings.issues[(findings.issues["table"] == SOURCE_TABLE) & (findings.issues["severity"] == "table")]
    if len(unread):
        # First thing on the tab: figures computed without part of the records must say so.
        rows.append(("Records read", "INCOMPLETE", "Fail",
                     "Could not read: " + " ".join(unread["problem"]) + " Figures below miss those records."))
    rows += [
        ("", "", "", ""),
        ("Overall readiness", Percent(findings.overall),
         "Meets" if findings.meets_pass_rule else "Below",
         f"Certifying Partners pass at {_pct(findings.pass_overall)} overall with at least "
         f"{_pct(findings.pass_element)} in every element. {SELF_ASSESSMENT_NOTE}"),
    ]
    for e in findings.elements:
        status = "Pass" if e.readiness >= findings.pass_overall else ("Warn" if e.readiness >= findings.pass_element
                                                                       else "Fail")
        rows.append((f"Element {e.element}: {e.name}", Percent(e.readiness), status,
                     f"{e.passed} pass, {e.warned} warn, {e.failed} fail of {e.checks} checks"))
    for c in findings.checks:
        if c.element == 0:
            rows.append((c.title, c.status, c.status, c.detail))
    rows.append(("", "", "", ""))
    rows += top_action_rows(findings.plan, findings.as_of, top)
    counts = findings.counts
    labels = [
        ("expired_tickets", "Expired tickets", "Expired"),
        ("missing_tickets", "Missing tickets", "Missing"),
        ("expiring_tickets", "Tickets expiring soon", "Expiring"),
        ("open_deficiencies", "Open deficiencies", "Open"),
        ("overdue_deficiencies", "Overdue deficiencies", "Overdue"),
        ("near_misses", "Near misses reported (last 12 months)", ""),
        ("data_issues", "Data issues to fix", ""),
    ]
    rows.append(("", "", "", ""))
    for key, label, status in labels:
        n = counts.get(key)
        if n is None:  # a table it needs was not read: say so, never 0 and never Pass
            rows.append((label, findings.shown(key), "Warn", "See Dashboard - Data Issues for the missing table."))
            continue
        if key == "data_issues":  # the lines to fix; notes (a double submit left out, ...) need nothing
            fixes = int((issues_frame(findings)["Fix or note"] == NEEDS_FIXING).sum())
            notes = f"; {int(n) - fixes} more listed as notes only" if int(n) > fixes else ""
            rows.append((label, fixes, "Warn" if fixes else "Pass", f"See {DATA_ISSUES}{notes}."))
            continue
        if key == "near_misses":  # the same count and verdict as check E6.2, never a second opinion
            e62 = _check_or_none(findings, "E6.2")
            rows.append((label, int(n), e62.status if e62 else "", e62.title if e62 else ""))
            continue
        actions_read = "corrective_actions" not in statuses or statuses["corrective_actions"].usable
        caveat = ("" if actions_read or key not in ("open_deficiencies", "overdue_deficiencies") else
                  "Corrective Actions not read: a finding closed there still counts as open here.")
        rows.append((label, int(n), status if n else "Pass", caveat))
    rows.append(("", "", "", ""))
    found = sum(1 for s in statuses.values() if s.usable)
    unusable = [s.title for s in statuses.values() if not s.usable]
    rows.append(("Tables read", f"{found} of {len(statuses)}", "Pass" if not unusable else "Fail",
                 f"Not read: {', '.join(unusable)} (see Dashboard - Data Issues)." if unusable else
                 "Every table was found with its required columns."))
    rows.append(("Note", "", "", SELF_ASSESSMENT_NOTE))
    return pd.DataFrame(rows, columns=["Item", "Value", "Status", "Detail"])


def nothing_to_do(as_of: date) -> str:
    """What a view of an empty plan says."""
    return f"Nothing to do as of {as_of:%Y-%m-%d}"


def top_action_rows(plan: ActionPlan, as_of: date, top: int = TOP_ACTIONS) -> list[tuple[Any, ...]]:
    """The summary's block of the plan's first ``top`` actions, as given: its own header row, then
    "rank. what" | due | who | where and what it clears."""
    rows: list[tuple[Any, ...]] = [(TOP_HEADER, "Due", "Who", "Where, and what it clears")]
    if not len(plan):
        return [*rows, (nothing_to_do(plan.as_of or as_of), "", "", "The action plan is empty.")]
    for a in plan.top(top):
        rows.append((f"{a.rank}. {a.what}", a.due, a.who_text, "; ".join(t for t in (a.where, a.clears_text) if t)))
    if len(plan) > top:
        rows.append((f"… and {len(plan) - top} more on {ACTIONS}", "", "", ""))
    return rows


ACTION_COLUMNS = ["Due", "Who", "What", "Clears", "Where", "How to close", "Priority", "Why this person",
                  "By-when rule", "Records", "#"]


def actions_frame(plan: ActionPlan, as_of: date) -> pd.DataFrame:
    """The whole plan, one row per action in the plan's order; one "Nothing to do" row when it is empty."""
    rows = [(a.due, a.who_text, a.what, ", ".join(a.clears), a.where, a.close, a.tier_name, a.who_from,
             a.due_from, ", ".join(a.records), a.rank) for a in plan]
    if not rows:
        rows = [(None, "", nothing_to_do(plan.as_of or as_of), "", "", "", "", "", "", "", None)]
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def _check_or_none(findings: Findings, check_id: str) -> CheckResult | None:
    try:
        return findings.check(check_id)
    except KeyError:
        return None


def certifications_frame(findings: Findings) -> pd.DataFrame:
    c = findings.certifications
    return pd.DataFrame({  # who, then status, due and what
        "Worker": c["worker"], "Status": c["status"], "Expires": c["expires"], "Ticket": c["ticket"],
        "Days Left": c["days_left"], "Role": c["role"], "Completed": c["completed"],
    }).reset_index(drop=True)


def deficiencies_frame(findings: Findings) -> pd.DataFrame:
    d = findings.deficiencies
    where = [f"{t} row {int(r)}" if isinstance(t, str) and pd.notna(r) else "" for t, r in
             zip(d["table"], d["row"], strict=True)] if {"table", "row"} <= set(d.columns) else ""
    return pd.DataFrame({  # the ID, then status, due, who and what
        "ID": d["id"], "Status": d["status"], "Due": d["due"], "Assigned To": d["assigned_to"],
        "Description": d["description"], "Unit Or Site": d["unit_or_site"], "Found": d["found"],
        "Age Days": d["age_days"], "Source": d["source"], "Where": where,
    }).reset_index(drop=True)


_STATUS_RANK = {"Fail": 0, "Warn": 1, "Pass": 2}


def readiness_frame(findings: Findings) -> pd.DataFrame:
    rows = [(c.id, c.status, c.name, c.detail,
             ", ".join(c.records[:50]) + (f" … and {len(c.records) - 50} more" if len(c.records) > 50 else ""),
             f"Element {c.element}" if c.element else "Certificate")
            for c in findings.checks]
    frame = pd.DataFrame(rows, columns=["ID", "Status", "Check", "Detail", "Records", "Element"])
    rank = frame["Status"].map(_STATUS_RANK)
    return frame.assign(_r=rank).sort_values("_r", kind="stable").drop(columns="_r").reset_index(drop=True)


ISSUE_HEADERS = ["Fix or note", "What to do", "Tab (spreadsheet or file)", "Row", "Column", "Value", "Problem",
                 "Table"]


def issues_frame(findings: Findings, statuses: Mapping[str, TableStatus] | None = None) -> pd.DataFrame:
    """Data Issues: what the office must fix first, then notes; each names where the table was read
    (the spreadsheet or file and its tab) and what to do."""
    i = findings.issues
    found_as = {s.title: s.found_as or "not found" for s in (statuses or {}).values()}
    rows = []
    for table, row, column, value, problem, severity in i[["table", "row", "column", "value", "problem",
                                                            "severity"]].itertuples(index=False):
        t = triage(str(severity), str(problem), str(column or ""))
        rows.append((t.label, t.what_to_do, found_as.get(table, ""), row, column, value, t.problem, table))
    frame = pd.DataFrame(rows, columns=ISSUE_HEADERS)
    frame["Row"] = frame["Row"].astype("Int64") if len(frame) else frame["Row"]
    # Fixes first, each group in the order normalise gave (most severe first).
    return frame.sort_values("Fix or note", key=lambda a: a != NEEDS_FIXING, kind="stable").reset_index(drop=True)


def dashboard_sheets(findings: Findings, statuses: Mapping[str, TableStatus], generated_at: datetime,
                     source: str) -> tuple[Sheet, ...]:
    """The six tabs, most urgent rows first."""
    summary = summary_frame(findings, statuses, generated_at, source)
    return (
        Sheet(SUMMARY, summary, "Status", {"Item": 44, "Value": 14, "Status": 20, "Detail": 80},
              frozen_columns=1, filter=False, bold_rows=tuple(int(x) for x in
                                                                 summary.index[summary["Item"] == TOP_HEADER])),
        Sheet(ACTIONS, actions_frame(findings.plan, findings.as_of), "Priority",
              {"Due": 11, "Who": 20, "What": 40, "Clears": 12, "Where": 30, "How to close": 34, "Priority": 14,
               "Why this person": 18, "By-when rule": 22, "Records": 18, "#": 5}),
        Sheet(CERTIFICATIONS, certifications_frame(findings), "Status", frozen_columns=1),
        Sheet(DEFICIENCIES, deficiencies_frame(findings), "Status", {"Description": 50}, intro=(CLOSE_DEFICIENCY,),
              frozen_columns=1),
        Sheet(READINESS, readiness_frame(findings), "Status", {"Check": 40, "Detail": 60, "Records": 40},
              frozen_columns=1),
        Sheet(DATA_ISSUES, issues_frame(findings, statuses), "Fix or note",
              {"What to do": 40, "Tab (spreadsheet or file)": 34, "Value": 24, "Problem": 50}),
    )


MAX_WIDTH = 80  # characters: a wider column would push the rest of the tab off screen


def column_widths(sheet: Sheet) -> list[int]:
    """Each column's width in characters: as the sheet sets it, else its longest first line + 2 (at most 80)."""
    widths = dict(sheet.widths or {})
    out = []
    for i, name in enumerate(str(c) for c in sheet.frame.columns):
        if widths.get(name):
            out.append(int(widths[name]))
            continue
        longest = len(name)
        for v in sheet.frame.iloc[:500, i]:
            v = plain_value(v)
            if v is not None:
                longest = max(longest, 12 if isinstance(v, date) else len(str(v).split("\n")[0]))
        out.append(min(MAX_WIDTH, longest + 2))
    return out


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (an estimate from its length)."""
    per_line = max(1, int(width) - 1)  # wrapping at word ends wastes about a character a line
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def wrapped(record: Sequence[object], widths: Sequence[int]) -> list[int]:
    """Lines per cell of a row: 0 for a cell shown on one line, else the lines its wrapped text takes.

    Text longer than its column wraps, unless the empty cells to its right leave room: a spreadsheet
    shows it across them (the company name on the summary), and the row keeps one line.
    """
    out = []
    for i, value in enumerate(record):
        if not isinstance(value, str) or not value:
            out.append(0)
            continue
        room = widths[i]
        for j in range(i + 1, len(record)):
            if record[j] not in (None, ""):
                break
            room += widths[j]
        long = "\n" in value or len(value) > (room if i + 1 < len(record) else widths[i])
        out.append(text_lines(value, widths[i]) if long else 0)
    return out


def plain_value(value: object) -> object:
    """A cell value as a plain Python value: None for NaN/NaT, int/float for numpy, date for midnight stamps."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        f = float(value)
        return None if math.isnan(f) else (int(f) if f.is_integer() else f)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, date):
        return value
    return value


def is_formula_like(value: object) -> bool:
    """Text that a spreadsheet would take for a formula if written as entered."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)
