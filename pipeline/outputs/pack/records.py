"""The Dataset's rows as the pack sees them: the month's form records, and the record-level judgements it prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from ...checks.audit import Findings
from ...checks.common import DEFECT_RESULTS, NEGATIVE_ANSWERS, is_no_defect_answer, text_key
from ...checks.element6 import root_cause_problem
from ...normalise.dataset import Dataset
from ...settings import AuditSettings
from .month import Month
from .values import blank


def in_month(frame: pd.DataFrame, column: str, month: Month, until: date | None = None) -> pd.DataFrame:
    """Rows whose date falls in the month (up to ``until`` when the month is in progress)."""
    if frame.empty or column not in frame:
        return frame.iloc[0:0]
    dates = pd.to_datetime(frame[column], errors="coerce")
    end = pd.Timestamp(until or month.last)
    mask = (dates >= pd.Timestamp(month.first)) & (dates <= end)
    return frame[mask.fillna(False)].sort_values(column, kind="stable")


@dataclass(frozen=True)
class MonthRecords:
    """Each form's records dated in the month, oldest first; the element sections and the appendix share them."""

    flha: pd.DataFrame
    pre_start: pd.DataFrame
    inspections: pd.DataFrame
    toolbox_talks: pd.DataFrame
    orientations: pd.DataFrame
    incidents: pd.DataFrame


def month_records(data: Dataset, month: Month, until: date) -> MonthRecords:
    """The month's form records, up to ``until``."""
    return MonthRecords(
        flha=in_month(data.table("flha"), "date", month, until),
        pre_start=in_month(data.table("pre_start"), "date", month, until),
        inspections=in_month(data.table("workplace_inspection"), "date", month, until),
        toolbox_talks=in_month(data.table("toolbox_talk"), "date", month, until),
        orientations=in_month(data.table("orientation"), "date", month, until),
        incidents=in_month(data.table("incident"), "incident_date", month, until),
    )


def affirmative(value: object) -> bool:
    """A signature / 'communicated' cell that means yes, as the checks read it (checks.common.affirmed): not
    blank and not a 'no'-like answer ('no', 'pending', 'not signed', …)."""
    if blank(value):
        return False
    key = text_key(value)
    return key != "" and key not in NEGATIVE_ANSWERS


def reports_defect(value: object) -> bool:
    """A Defects cell that reports something, as the checks read it: 'None', 'N/A', 'nil' report nothing."""
    if blank(value):
        return False
    key = text_key(value)
    return key != "" and not is_no_defect_answer(key)


def mentioned_in_talks(ids: pd.Series, talks: pd.DataFrame) -> pd.Series:
    """True where a record ID appears in a toolbox talk's Topic or Notes (check E6.5 counts that as shared)."""
    if talks.empty or ids.empty:
        return pd.Series(False, index=ids.index, dtype=bool)
    talk_text = " ".join(str(t).casefold() for t in pd.concat([talks["topic"], talks["notes"]]).dropna())
    return ids.map(lambda i: str(i).casefold() in talk_text).astype(bool)


def prestart_defects(pre: pd.DataFrame) -> pd.DataFrame:
    """Pre-starts that failed or reported a defect."""
    if pre.empty:
        return pre
    return pre[pre["result"].isin(DEFECT_RESULTS) | pre["defects"].map(reports_defect).astype(bool)]


def root_cause_missing(row: Mapping[str, Any], flagged: frozenset[str], audit: AuditSettings) -> bool:
    """No root cause by check E6.3's own rule (checks.element6.root_cause_problem), or one E6.3 flagged."""
    if str(row.get("id")) in flagged:
        return True
    vague = {text_key(v) for v in audit.vague_root_causes} | {""}
    root, desc = text_key(row.get("root_cause")), text_key(row.get("description"))
    return root_cause_problem(root, desc, vague, audit.notes_similarity) is not None


def flagged_by(findings: Findings, check_id: str) -> frozenset[str]:
    """The record IDs a check listed (empty when the check did not run)."""
    return frozenset(r for c in findings.checks if c.id == check_id for r in c.records)
