"""The appendices: every record dated in the month (A) and the data issues found reading the sheets (B).

Appendix A prints at most APPENDIX_ROWS rows per form, then one line pointing to
``records-<form>.csv`` beside the PDF, which has every row: a month with 200,000 FLHAs
must not make a PDF (and a layout in memory) of 200,000 rows. The CSVs are made one
row at a time (``record_files``) so the full list is never held as text either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from ...checks.audit import Findings
from ...normalise.dataset import Dataset
from .data import csv_lines
from .model import Table, make_table
from .month import Month
from .records import MonthRecords, affirmative, in_month, month_records, prestart_defects
from .values import APPENDIX_ROWS, ISSUE_ROWS, fmt_date, text, yes

CHUNK = 2_000  # rows turned into dicts at a time when a list is walked whole


def _signoff(r: Mapping[str, Any]) -> str:
    """'Signed, reviewed by Ana Diaz'; a blank or 'no'-like answer ('pending') reads as not signed / not reviewed."""
    parts = ["Signed" if affirmative(r["worker_signature"]) else "Not signed"]
    review = r["supervisor_review"]
    parts.append(f"reviewed by {text(review, 60)}" if affirmative(review) else "not reviewed")
    return ", ".join(parts)


def _shared(value: object) -> str:
    """The Communicated To Crew answer when it means yes; 'Not shared' for a blank or 'no'-like answer."""
    return text(value) if affirmative(value) else "Not shared"


def _who_when(who: object, when: object) -> str:
    """``Priya Sandhu 2026-10-11``: a name and a date, either left out when blank."""
    return " ".join(x for x in (text(who, 60), fmt_date(when)) if x)


def _out_of_service(value: object) -> str:
    """The pre-start's Out Of Service answer; blank when it was not given."""
    return "Out of service" if value is True else ("No" if value is False else "")


@dataclass(frozen=True)
class RecordList:
    """One form's records for the appendix and its CSV: the rows, and how each prints."""

    key: str  # records-<key>.csv
    title: str
    columns: tuple[str, ...]
    frame: pd.DataFrame
    row: Callable[[Mapping[str, Any]], Sequence[object]]
    empty: str
    widths: tuple[str, ...]
    status: int | None = None

    @property
    def file_name(self) -> str:
        return f"records-{self.key}.csv"


def _rows(frame: pd.DataFrame, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The frame's rows as dicts, ``CHUNK`` at a time (never a copy of the whole frame)."""
    stop = len(frame) if limit is None else min(limit, len(frame))
    for start in range(0, stop, CHUNK):
        yield from frame.iloc[start:min(start + CHUNK, stop)].to_dict("records")


def record_lists(data: Dataset, records: MonthRecords, month: Month, until: date) -> tuple[RecordList, ...]:
    """The month's records per form, then the corrective actions raised or completed in the month."""
    flha, pre, ins = records.flha, records.pre_start, records.inspections
    tbt, ori, inc = records.toolbox_talks, records.orientations, records.incidents
    ca = data.table("corrective_actions")
    raised = in_month(ca, "raised", month, until)
    done = in_month(ca, "completed", month, until)
    ca_month = pd.concat([raised, done]).drop_duplicates(subset="row") if not ca.empty else ca
    if not ca_month.empty:
        ca_month = ca_month.sort_values("raised", kind="stable")
    defects = prestart_defects(pre)
    return (
        RecordList("flha", f"FLHAs ({len(flha)})",
                   ("ID", "Date", "Worker", "Site", "Task", "Hazards", "Controls", "Sign-off"), flha,
                   lambda r: (r["id"], r["date"], r["worker"], r["site"], r["task"], r["hazards"], r["controls"],
                              _signoff(r)),
                   "No FLHAs this month.", ("14%", "8.5%", "10.5%", "11%", "12%", "17.5%", "17.5%", "9%")),
        RecordList("pre-start-defects", f"Equipment pre-starts with defects ({len(defects)} of {len(pre)} pre-starts)",
                   ("ID", "Date", "Operator", "Unit", "Result", "Defects", "Out of service", "Action taken",
                    "Closed"), defects,
                   lambda r: (r["id"], r["date"], r["operator"], r["unit"], r["result"], r["defects"],
                              _out_of_service(r["out_of_service"]), r["action_taken"], r["closed"]),
                   "No pre-start reported a defect this month.",
                   ("13%", "8.5%", "10%", "9%", "6.5%", "19%", "8%", "18%", "8%"), status=4),
        RecordList("workplace-inspections", f"Workplace inspections ({len(ins)})",
                   ("ID", "Date", "Inspector", "Site", "Area", "Deficiencies", "Corrective action", "Due", "Closed"),
                   ins,
                   lambda r: (r["id"], r["date"], r["inspector"], r["site"], r["area"],
                              r["deficiencies"] or "None found", r["corrective_action"], r["due"], r["closed"]),
                   "No workplace inspections this month.",
                   ("13.5%", "8.5%", "10%", "11%", "9%", "18%", "14%", "8%", "8%")),
        RecordList("toolbox-talks", f"Toolbox talks ({len(tbt)})",
                   ("ID", "Date", "Topic", "Presenter", "Attendees", "Mgmt", "Notes"), tbt,
                   lambda r: (r["id"], r["date"], r["topic"], r["presenter"], r["attendees"],
                              "Yes" if yes(r["management_present"]) else "No", r["notes"]),
                   "No toolbox talks this month.", ("13.5%", "8.5%", "17%", "11%", "22%", "5.5%", "22.5%")),
        RecordList("incidents", f"Incidents and near misses ({len(inc)})",
                   ("ID", "Date", "Type", "Reporter", "Description", "Immediate cause", "Root cause",
                    "Corrective actions", "Investigation", "Shared with crew"), inc,
                   lambda r: (r["id"], r["incident_date"], r["type"], r["reporter"], r["description"],
                              r["immediate_cause"], r["root_cause"], r["corrective_actions"],
                              _who_when(r["investigated_by"], r["investigation_date"]) or "Not investigated",
                              _shared(r["communicated_to_crew"])),
                   "No incidents or near misses this month.",
                   ("12.5%", "8%", "7%", "8.5%", "13.5%", "9.5%", "11%", "11%", "10%", "9%")),
        RecordList("orientations", f"Orientations ({len(ori)})",
                   ("ID", "Date", "Worker", "Conducted by", "Topics", "Signed"), ori,
                   lambda r: (r["id"], r["date"], r["worker"], r["conducted_by"], r["topics"],
                              "Signed" if affirmative(r["worker_signature"]) else "Not signed"),
                   "No orientations this month.", ("13.5%", "8.5%", "16%", "16%", "36%", "10%")),
        RecordList("corrective-actions", f"Corrective actions raised or completed ({len(ca_month)})",
                   ("Action ID", "Source", "Ref", "Description", "Assigned to", "Raised", "Due", "Completed",
                    "Verified"), ca_month,
                   lambda r: (r["action_id"], r["source"], r["source_ref"], r["description"], r["assigned_to"],
                              r["raised"], r["due"], r["completed"], _who_when(r["verified_by"], r["verified"])),
                   "No corrective actions raised or completed this month.",
                   ("9%", "8.5%", "13%", "20.5%", "10.5%", "8.5%", "8.5%", "8.5%", "13%")),
    )


def _table(rec: RecordList) -> Table:
    """The first APPENDIX_ROWS rows as a Table; beyond that, where the full list is."""
    total = len(rec.frame)
    return make_table(rec.title, rec.columns, (rec.row(r) for r in _rows(rec.frame, APPENDIX_ROWS)),
                      status=rec.status, empty=rec.empty, widths=rec.widths, total=total,
                      note=f"The full list is in {rec.file_name}." if total > APPENDIX_ROWS else "")


def appendix(data: Dataset, records: MonthRecords, month: Month, until: date) -> tuple[Table, ...]:
    """Appendix A: one table per form, then the corrective actions raised or completed in the month."""
    return tuple(_table(rec) for rec in record_lists(data, records, month, until))


def record_files(data: Dataset, month: Month, until: date) -> dict[str, Iterator[str]]:
    """``records-<form>.csv`` -> its text, made one row at a time when read: every record of Appendix A."""
    lists = record_lists(data, month_records(data, month, until), month, until)
    return {rec.file_name: _csv(rec) for rec in lists}


def _csv(rec: RecordList) -> Iterator[str]:
    """Every row of one list as CSV lines (a function of its own so each generator keeps its own ``rec``)."""
    return csv_lines(rec.columns, (rec.row(r) for r in _rows(rec.frame)))


def issues_table(findings: Findings) -> Table:
    """Appendix B: the first ISSUE_ROWS data issues; data-issues.csv has every one."""
    issues = findings.issues
    rows = [(r["table"], r["row"], r["column"], r["value"], r["problem"]) for _, r in issues.iterrows()]
    return make_table("Data issues", ("Table", "Row", "Column", "Value", "Problem"), rows, cap=ISSUE_ROWS,
                      empty="No data issues: every row was used.", mono=(), limit=160,
                      widths=("15%", "6%", "14%", "25%", "40%"),
                      note=f"The first {ISSUE_ROWS} are listed; data-issues.csv has every one."
                      if len(rows) > ISSUE_ROWS else "")
