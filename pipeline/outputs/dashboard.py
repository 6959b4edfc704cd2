"""The five Dashboard tabs of SPEC.md as plain frames, shared by the xlsx and Google writers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ..checks.audit import SELF_ASSESSMENT_NOTE, Findings
from ..checks.base import CheckResult
from ..normalise.dataset import SOURCE_TABLE, TableStatus

SUMMARY = "Dashboard"
CERTIFICATIONS = "Dashboard - Certifications"
DEFICIENCIES = "Dashboard - Deficiencies"
READINESS = "Dashboard - Readiness"
DATA_ISSUES = "Dashboard - Data Issues"
TAB_NAMES = (SUMMARY, CERTIFICATIONS, DEFICIENCIES, READINESS, DATA_ISSUES)

RED, AMBER, GREEN, GREY = "F4CCCC", "FCE8B2", "D9EAD3", "EFEFEF"
STATUS_COLOURS: dict[str, str] = {
    "Expired": RED, "Missing": RED, "Overdue": RED, "Fail": RED, "Below": RED,
    "Expiring": AMBER, "Warn": AMBER, "Awaiting Verification": AMBER, "Open": AMBER,
    "Current": GREEN, "Pass": GREEN, "Meets": GREEN,
}
# Leading characters that make Excel or Sheets read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Sheet:
    """One dashboard tab: title, frame in display order, and which column holds a status to colour."""

    title: str
    frame: pd.DataFrame
    status_column: str | None = None
    widths: Mapping[str, int] | None = None  # column -> width in characters


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def summary_frame(findings: Findings, statuses: Mapping[str, TableStatus], generated_at: datetime,
                  source: str) -> pd.DataFrame:
    """Key figures, one per row: Item, Value, Status, Detail."""
    rows: list[tuple[Any, ...]] = [
        ("Company", findings.company, "", ""),
        ("As of", findings.as_of, "", "All figures are computed as of this date."),
        ("Last run", generated_at.replace(tzinfo=None, microsecond=0), "", f"Read from {source}."),
        ("", "", "", ""),
        ("Overall readiness", _pct(findings.overall),
         "Meets" if findings.meets_pass_rule else "Below",
         f"Certifying Partners pass at {_pct(findings.pass_overall)} overall with at least "
         f"{_pct(findings.pass_element)} in every element. {SELF_ASSESSMENT_NOTE}"),
    ]
    for e in findings.elements:
        status = "Pass" if e.readiness >= findings.pass_overall else ("Warn" if e.readiness >= findings.pass_element
                                                                       else "Fail")
        rows.append((f"Element {e.element}: {e.name}", _pct(e.readiness), status,
                     f"{e.passed} pass, {e.warned} warn, {e.failed} fail of {e.checks} checks"))
    for c in findings.checks:
        if c.element == 0:
            rows.append((c.title, c.status, c.status, c.detail))
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
    rows.append(("Note", SELF_ASSESSMENT_NOTE, "", ""))
    unread = findings.issues[(findings.issues["table"] == SOURCE_TABLE) & (findings.issues["severity"] == "table")]
    if len(unread):
        # First thing on the tab: figures computed without part of the records must say so.
        rows.insert(3, ("Records read", "INCOMPLETE", "Fail",
                        "Could not read: " + " ".join(unread["problem"]) + " Figures below miss those records."))
    return pd.DataFrame(rows, columns=["Item", "Value", "Status", "Detail"])


def _check_or_none(findings: Findings, check_id: str) -> CheckResult | None:
    try:
        return findings.check(check_id)
    except KeyError:
        return None


def certifications_frame(findings: Findings) -> pd.DataFrame:
    c = findings.certifications
    return pd.DataFrame({
        "Worker": c["worker"], "Role": c["role"], "Ticket": c["ticket"], "Status": c["status"],
        "Completed": c["completed"], "Expires": c["expires"], "Days Left": c["days_left"],
    }).reset_index(drop=True)


def deficiencies_frame(findings: Findings) -> pd.DataFrame:
    d = findings.deficiencies
    return pd.DataFrame({
        "ID": d["id"], "Source": d["source"], "Found": d["found"], "Description": d["description"],
        "Unit Or Site": d["unit_or_site"], "Assigned To": d["assigned_to"], "Due": d["due"],
        "Age Days": d["age_days"], "Status": d["status"],
    }).reset_index(drop=True)


_STATUS_RANK = {"Fail": 0, "Warn": 1, "Pass": 2}


def readiness_frame(findings: Findings) -> pd.DataFrame:
    rows = [(f"Element {c.element}" if c.element else "Certificate", c.title, c.status, c.detail,
             ", ".join(c.records[:50]) + (f" … and {len(c.records) - 50} more" if len(c.records) > 50 else ""))
            for c in findings.checks]
    frame = pd.DataFrame(rows, columns=["Element", "Check", "Status", "Detail", "Records"])
    rank = frame["Status"].map(_STATUS_RANK)
    return frame.assign(_r=rank).sort_values("_r", kind="stable").drop(columns="_r").reset_index(drop=True)


def issues_frame(findings: Findings) -> pd.DataFrame:
    i = findings.issues
    return pd.DataFrame({
        "Table": i["table"], "Row": i["row"], "Column": i["column"], "Value": i["value"], "Problem": i["problem"],
    }).reset_index(drop=True)


def dashboard_sheets(findings: Findings, statuses: Mapping[str, TableStatus], generated_at: datetime,
                     source: str) -> tuple[Sheet, ...]:
    """The five tabs, most urgent rows first."""
    return (
        Sheet(SUMMARY, summary_frame(findings, statuses, generated_at, source), "Status",
              {"Item": 44, "Value": 22, "Status": 10, "Detail": 90}),
        Sheet(CERTIFICATIONS, certifications_frame(findings), "Status"),
        Sheet(DEFICIENCIES, deficiencies_frame(findings), "Status", {"Description": 60}),
        Sheet(READINESS, readiness_frame(findings), "Status", {"Check": 48, "Detail": 80, "Records": 50}),
        Sheet(DATA_ISSUES, issues_frame(findings), None, {"Value": 40, "Problem": 90}),
    )


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
