"""The appendices: every record dated in the month (A) and the data issues found reading the sheets (B)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from ...checks.audit import Findings
from ...normalise.dataset import Dataset
from .model import Table, make_table
from .month import Month
from .records import MonthRecords, affirmative, in_month, prestart_defects
from .values import ISSUE_ROWS, fmt_date, text, yes


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


def appendix(data: Dataset, records: MonthRecords, month: Month, until: date) -> tuple[Table, ...]:
    """Appendix A: one table per form, then the corrective actions raised or completed in the month."""
    flha, pre, ins = records.flha, records.pre_start, records.inspections
    tbt, ori, inc = records.toolbox_talks, records.orientations, records.incidents
    ca = data.table("corrective_actions")
    raised = in_month(ca, "raised", month, until)
    done = in_month(ca, "completed", month, until)
    ca_month = pd.concat([raised, done]).drop_duplicates(subset="row") if not ca.empty else ca
    defects = prestart_defects(pre)
    return (
        make_table(f"FLHAs ({len(flha)})", ("ID", "Date", "Worker", "Site", "Task", "Hazards", "Controls", "Sign-off"),
                   [(r["id"], r["date"], r["worker"], r["site"], r["task"], r["hazards"], r["controls"], _signoff(r))
                    for _, r in flha.iterrows()], empty="No FLHAs this month.",
                   widths=("12%", "8%", "11%", "11%", "13%", "17%", "17%", "11%")),
        make_table(f"Equipment pre-starts with defects ({len(defects)} of {len(pre)} pre-starts)",
                   ("ID", "Date", "Operator", "Unit", "Result", "Defects", "Out of service", "Action taken", "Closed"),
                   [(r["id"], r["date"], r["operator"], r["unit"], r["result"], r["defects"],
                     _out_of_service(r["out_of_service"]),
                     r["action_taken"], r["closed"]) for _, r in defects.iterrows()], status=4,
                   empty="No pre-start reported a defect this month.",
                   widths=("12%", "8%", "11%", "9%", "8%", "20%", "9%", "15%", "8%")),
        make_table(f"Workplace inspections ({len(ins)})",
                   ("ID", "Date", "Inspector", "Site", "Area", "Deficiencies", "Corrective action", "Due", "Closed"),
                   [(r["id"], r["date"], r["inspector"], r["site"], r["area"], r["deficiencies"] or "None found",
                     r["corrective_action"], r["due"], r["closed"]) for _, r in ins.iterrows()],
                   empty="No workplace inspections this month.",
                   widths=("12%", "8%", "11%", "11%", "10%", "18%", "16%", "7%", "7%")),
        make_table(f"Toolbox talks ({len(tbt)})", ("ID", "Date", "Topic", "Presenter", "Attendees", "Mgmt", "Notes"),
                   [(r["id"], r["date"], r["topic"], r["presenter"], r["attendees"],
                     "Yes" if yes(r["management_present"]) else "No", r["notes"]) for _, r in tbt.iterrows()],
                   empty="No toolbox talks this month.", widths=("12%", "8%", "18%", "12%", "22%", "6%", "22%")),
        make_table(f"Incidents and near misses ({len(inc)})",
                   ("ID", "Date", "Type", "Reporter", "Description", "Immediate cause", "Root cause",
                    "Corrective actions", "Investigation", "Shared with crew"),
                   [(r["id"], r["incident_date"], r["type"], r["reporter"], r["description"], r["immediate_cause"],
                     r["root_cause"], r["corrective_actions"],
                     _who_when(r["investigated_by"], r["investigation_date"]) or "Not investigated",
                     _shared(r["communicated_to_crew"])) for _, r in inc.iterrows()],
                   empty="No incidents or near misses this month.",
                   widths=("10%", "7%", "7%", "9%", "14%", "10%", "12%", "12%", "10%", "9%")),
        make_table(f"Orientations ({len(ori)})", ("ID", "Date", "Worker", "Conducted by", "Topics", "Signed"),
                   [(r["id"], r["date"], r["worker"], r["conducted_by"], r["topics"],
                     "Signed" if affirmative(r["worker_signature"]) else "Not signed") for _, r in ori.iterrows()],
                   empty="No orientations this month.", widths=("13%", "9%", "17%", "17%", "34%", "10%")),
        make_table(f"Corrective actions raised or completed ({len(ca_month)})",
                   ("Action ID", "Source", "Ref", "Description", "Assigned to", "Raised", "Due", "Completed",
                    "Verified"),
                   [(r["action_id"], r["source"], r["source_ref"], r["description"], r["assigned_to"], r["raised"],
                     r["due"], r["completed"], _who_when(r["verified_by"], r["verified"]))
                    for _, r in ca_month.sort_values("raised", kind="stable").iterrows()],
                   empty="No corrective actions raised or completed this month.",
                   widths=("10%", "9%", "12%", "22%", "11%", "8%", "8%", "9%", "11%")),
    )


def issues_table(findings: Findings) -> Table:
    """Appendix B: the first ISSUE_ROWS data issues; data-issues.csv has every one."""
    issues = findings.issues
    rows = [(r["table"], r["row"], r["column"], r["value"], r["problem"]) for _, r in issues.iterrows()]
    return make_table("Data issues", ("Table", "Row", "Column", "Value", "Problem"), rows, cap=ISSUE_ROWS,
                      empty="No data issues: every row was used.", mono=(), limit=160,
                      widths=("15%", "6%", "14%", "25%", "40%"),
                      note=f"The first {ISSUE_ROWS} are listed; data-issues.csv has every one."
                      if len(rows) > ISSUE_ROWS else "")
