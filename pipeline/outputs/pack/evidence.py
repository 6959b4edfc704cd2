"""Each element's "This month's evidence": key figures, charts and tables made from the month's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ...checks.audit import Findings
from ...checks.element4 import ItemCoverage
from ...normalise.dataset import Dataset
from ...schema import BY_KEY
from ...settings import AuditSettings
from . import charts
from .model import Chart, Stat, Table, make_table
from .month import Month
from .records import (
    MonthRecords,
    affirmative,
    flagged_by,
    in_month,
    mentioned_in_talks,
    prestart_defects,
    reports_defect,
    root_cause_missing,
)
from .values import EVIDENCE_ROWS, attendee_count, fmt_date, norm, pct, text, yes


@dataclass(frozen=True)
class Evidence:
    """One element's evidence, in the order the section prints it."""

    stats: tuple[Stat, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()


_TICKET_TABLES = ("workers", "training_matrix", "training_records")
INCIDENTS_TITLE = "Incidents and near misses in {month}"


def honest(data: Dataset, stats: Sequence[Stat], needs: Sequence[Sequence[str]]) -> tuple[Stat, ...]:
    """Each figure whose tables (``needs``, parallel to ``stats``) were not all read says 'not read', never 0."""
    out = []
    for stat, keys in zip(stats, needs, strict=True):
        missing = [BY_KEY[k].title for k in keys if not data.has(k)]
        out.append(Stat("not read", f"{stat.label} (no {', '.join(missing)})", "amber", stat.scope) if missing
                   else stat)
    return tuple(out)


def _unread_count(findings: Findings, stat: Stat, key: str) -> Stat:
    """A figure taken from a headline count that is unknown (its tables not read) says so."""
    if findings.counts.get(key, 0) is not None:
        return stat
    return Stat("not read", f"{stat.label} (no {', '.join(findings.unread.get(key, ()))})", "amber", stat.scope)


def program_table(data: Dataset, element: int) -> tuple[Table, ...]:
    """The element's program documents on file as a one-table tuple; () when there are none."""
    program = data.table("program")
    if program.empty:
        return ()
    mine = program[pd.to_numeric(program["element"], errors="coerce") == element]
    if mine.empty:
        return ()
    rows = [(r["document"], r["signed_by"], r["signed_date"], r["review_date"]) for _, r in mine.iterrows()]
    return (make_table("Program documents on file", ("Document", "Signed by", "Signed", "Review date"), rows,
                       mono=(), widths=("50%", "", "", "")),)


_COVER_WORDS = {"Daily": "work days", "Weekly": "weeks", "Monthly": "month", "Quarterly": "quarter",
               "Annually": "year"}


def inspection_rows(coverage: Sequence[ItemCoverage]) -> list[tuple[str, int, int, str]]:
    """(item, done, expected, what is counted) per scheduled item the chart draws: the items with something
    expected this month, in the schedule's order."""
    return [(text(c.item, 40), c.done, c.expected, _COVER_WORDS.get(c.frequency, c.frequency.lower()))
            for c in coverage if c.expected]


def _inspection_caption(coverage: Sequence[ItemCoverage], shown: int, lookback_months: int) -> str:
    """What the chart counts: the month, counted the way check E4.2 counts its window."""
    window = f"{lookback_months} months"
    caption = (f"Per scheduled item, the periods of its frequency with work this month (any form record; work days "
               f"for daily items, Monday-Sunday weeks for weekly ones) and how many had a pre-start or workplace "
               f"inspection naming it: counted as check E4.2 counts its last {window}. A week spanning two months "
               f"counts in both; a period still running on the as-of date counts only once done; a yearly item is "
               f"done when inspected in the last {window}.")
    left_out = sum(1 for c in coverage if not c.expected)
    if left_out:
        caption += f" Not shown: {left_out} item{'s' if left_out != 1 else ''} with nothing due this month."
    if shown > charts.INSPECTION_ITEMS:
        caption += f" Shown: the {charts.INSPECTION_ITEMS} of {shown} items furthest behind."
    return caption


def _on(until: date) -> str:
    """The scope of a figure that is a state on a day, not a count over the month."""
    return f"on {fmt_date(until)}"


def _leadership(data: Dataset, rec: MonthRecords, month: Month, until: date) -> Evidence:
    tbt = rec.toolbox_talks
    mgmt_talks = int(tbt["management_present"].map(yes).sum()) if not tbt.empty else 0
    goals = data.table("goals")
    this_year = goals[pd.to_numeric(goals["year"], errors="coerce") == until.year] if not goals.empty else goals
    return Evidence(
        stats=honest(data, (
            Stat(str(len(tbt)), "toolbox talks", scope=month.label),
            Stat(str(mgmt_talks), "of them with management present", "green" if mgmt_talks else "amber",
                 month.label),
            Stat(str(len(this_year)), f"safety goals for {until.year}", "green" if len(this_year) else "red",
                 _on(until))),
            (("toolbox_talk",), ("toolbox_talk",), ("goals",))),
        tables=(*program_table(data, 1),
                make_table(f"Safety goals {until.year}", ("Goal", "Target", "Status"),
                           [(r["goal"], r["target"], r["status"]) for _, r in this_year.iterrows()],
                           empty=f"No goals recorded for {until.year}.", mono=(), widths=("50%", "30%", "20%"))))


def _hazard_identification(data: Dataset, rec: MonthRecords, month: Month, until: date) -> Evidence:
    flha = rec.flha
    signed = int(flha["worker_signature"].map(affirmative).sum()) if not flha.empty else 0
    reviewed = int(flha["supervisor_review"].map(affirmative).sum()) if not flha.empty else 0
    sites = flha["site"].map(norm).nunique() if not flha.empty else 0
    stats = (Stat(str(len(flha)), "FLHAs", "green" if len(flha) else "red", month.label),
             Stat(pct(signed / len(flha)) if len(flha) else "–", "of them signed by the worker", scope=month.label),
             Stat(pct(reviewed / len(flha)) if len(flha) else "–", "reviewed by a supervisor", scope=month.label),
             Stat(str(sites), "different sites", scope=month.label))
    stats = honest(data, stats, [("flha",)] * len(stats))
    weekly = charts.flha_per_week(data.table("flha"), month.first, until)
    caption = f"Weeks start on Monday; the weeks of {month.label} in blue, the eight before in grey."
    if weekly.partial and weekly.partial_from is not None:
        days = (until - weekly.partial_from).days + 1
        span = (f"only {fmt_date(until)}" if days == 1 else f"{fmt_date(weekly.partial_from)} to {fmt_date(until)}")
        caption += (f" The last week is partial (lighter, hatched): it counts {span}, {days} of its 7 days, so "
                    "its bar is not comparable with the others.")
    chart = Chart(f"FLHAs per week: {month.label} and the eight weeks before", weekly.svg, caption)
    tables: tuple[Table, ...] = ()
    hazards = data.table("hazard_register")
    if not hazards.empty:
        open_h = hazards[(hazards["status"] != "Controlled") & hazards["risk"].isin(["High", "Medium"])]
        rank = open_h["risk"].map({"High": 0, "Medium": 1})
        open_h = open_h.assign(_r=rank).sort_values("_r", kind="stable")
        tables = (make_table(
            f"Open high and medium hazards on {fmt_date(until)} (hazard register)",
            ("Hazard ID", "Task", "Hazard", "Risk", "Controls", "Reviewed"),
            [(r["hazard_id"] or f"row {r['row']}", r["task"], r["hazard"], r["risk"], r["controls"], r["reviewed"])
             for _, r in open_h.iterrows()], cap=EVIDENCE_ROWS, empty="No open high or medium hazards.",
            widths=("", "18%", "27%", "", "24%", ""),
            note="The full register is in your Hazard Register tab."),)
    return Evidence(stats, (chart,), (*tables, *program_table(data, 2)))


def _hazard_controls(findings: Findings, data: Dataset, month: Month, until: date) -> Evidence:
    ca, defs = data.table("corrective_actions"), findings.deficiencies
    raised = in_month(ca, "raised", month, until)
    completed = in_month(ca, "completed", month, until)
    verified = in_month(ca, "verified", month, until)
    overdue_n = int((defs["status"] == "Overdue").sum()) if not defs.empty else 0
    stats = (Stat(str(len(raised)), "corrective actions raised", scope=month.label),
             Stat(str(len(completed)), "completed", "green" if len(completed) else "", month.label),
             Stat(str(len(verified)), "verified", scope=month.label),
             Stat(str(len(defs)), "open deficiencies", "amber" if len(defs) else "green", _on(until)),
             Stat(str(overdue_n), "overdue deficiencies", "red" if overdue_n else "green", _on(until)))
    stats = (*honest(data, stats[:3], [("corrective_actions",)] * 3),
             _unread_count(findings, stats[3], "open_deficiencies"),
             _unread_count(findings, stats[4], "overdue_deficiencies"))
    chart = Chart(f"Open deficiencies by age on {fmt_date(until)}", charts.deficiencies_by_age(defs),
                  f"Everything still open on {fmt_date(until)}, by days since it was found.")
    table = make_table(
        f"Open deficiencies on {fmt_date(until)}, most urgent first",
        ("ID", "Source", "Found", "Description", "Unit or site", "Assigned to", "Due", "Status"),
        [(d["id"], d["source"], d["found"], d["description"], d["unit_or_site"], d["assigned_to"], d["due"],
          d["status"]) for _, d in defs.iterrows()],
        status=7, cap=EVIDENCE_ROWS, empty="Nothing open.", limit=200,
        widths=("", "", "", "26%", "12%", "", "", ""),
        note="All of them are in deficiencies.csv beside this PDF.")
    return Evidence(stats, (chart,), (table, *program_table(data, 3)))


def _inspections(findings: Findings, data: Dataset, rec: MonthRecords, coverage: Sequence[ItemCoverage],
                 lookback_months: int, month: Month) -> Evidence:
    pre, ins, defs = rec.pre_start, rec.inspections, findings.deficiencies
    open_ids = {str(i): str(s) for i, s in zip(defs["id"], defs["status"], strict=False)} if not defs.empty else {}
    failed = prestart_defects(pre)
    with_def = ins[ins["deficiencies"].map(reports_defect).astype(bool)] if not ins.empty else ins
    stats = (Stat(str(len(pre)), "equipment pre-starts", scope=month.label),
             Stat(str(len(failed)), "of them with a defect", "amber" if len(failed) else "", month.label),
             Stat(str(len(ins)), "workplace inspections", scope=month.label),
             Stat(str(len(with_def)), "of them with deficiencies", "amber" if len(with_def) else "", month.label))
    stats = honest(data, stats, (("pre_start",), ("pre_start",), ("workplace_inspection",),
                                 ("workplace_inspection",)))
    rows = inspection_rows(coverage)
    drawn = (Chart(f"Inspections done vs scheduled in {month.label}", charts.inspections_done(rows),
                   _inspection_caption(coverage, len(rows), lookback_months)),) if coverage else ()
    defect_rows = []
    for _, r in failed.iterrows():
        defect_rows.append((r["id"], r["date"], "Pre-start", r["unit"], r["defects"] or "Failed (no detail)",
                            r["operator"], open_ids.get(str(r["id"]), "Resolved")))
    for _, r in with_def.iterrows():
        defect_rows.append((r["id"], r["date"], "Inspection", r["site"], r["deficiencies"], r["inspector"],
                            open_ids.get(str(r["id"]), "Resolved")))
    table = make_table(
        f"Defects found in {month.label} and their follow-up", ("ID", "Date", "Type", "Unit or site", "Defect",
                                                         "Found by", "Follow-up"),
        defect_rows, status=6, cap=EVIDENCE_ROWS, empty=f"No defects found in {month.label}.",
        widths=("", "", "", "17%", "30%", "14%", ""))
    return Evidence(stats, drawn, (table, *program_table(data, 4)))


def _training(findings: Findings, data: Dataset, rec: MonthRecords, month: Month, until: date) -> Evidence:
    certs, tbt, ori = findings.certifications, rec.toolbox_talks, rec.orientations
    by_status = certs["status"].value_counts() if not certs.empty else pd.Series(dtype=int)
    workers = certs["worker"].nunique() if not certs.empty else 0
    now = _on(until)
    stats = (Stat(str(workers), "workers with required tickets", scope=now),
             Stat(str(int(by_status.get("Current", 0))), "tickets current", "green", now),
             Stat(str(int(by_status.get("Expiring", 0))), "expiring soon",
                  "amber" if by_status.get("Expiring", 0) else "", now),
             Stat(str(int(by_status.get("Expired", 0)) + int(by_status.get("Missing", 0))), "expired or missing",
                  "red" if by_status.get("Expired", 0) or by_status.get("Missing", 0) else "green", now),
             Stat(str(len(tbt)), "toolbox talks", scope=month.label))
    stats = honest(data, stats, [_TICKET_TABLES] * 4 + [("toolbox_talk",)])
    drawn = (Chart(f"Training status by worker and ticket on {fmt_date(until)}", charts.training_grid(certs),
                   "Each square is one required ticket for one worker."),) if not certs.empty else ()
    needs = certs[certs["status"] != "Current"] if not certs.empty else certs
    tables = (
        make_table(f"Tickets that need action on {fmt_date(until)}",
                   ("Worker", "Role", "Ticket", "Completed", "Expires", "Days left", "Status"),
                   [(c["worker"], c["role"], c["ticket"], c["completed"], c["expires"], c["days_left"], c["status"])
                    for _, c in needs.iterrows()], status=6, cap=EVIDENCE_ROWS,
                   empty="Every required ticket is current.", mono=(),
                   widths=("18%", "16%", "24%", "", "", "", ""),
                   note="The full list is in certifications.csv."),
        make_table(f"Toolbox talks in {month.label}", ("ID", "Date", "Topic", "Presenter", "Attendees", "Mgmt"),
                   [(r["id"], r["date"], r["topic"], r["presenter"], attendee_count(r["attendees"]),
                     "Yes" if yes(r["management_present"]) else "No") for _, r in tbt.iterrows()],
                   cap=EVIDENCE_ROWS, empty=f"No toolbox talks in {month.label}.",
                   widths=("", "", "40%", "18%", "", "")),
        make_table(f"Orientations in {month.label}", ("ID", "Date", "Worker", "Conducted by", "Signed"),
                   [(r["id"], r["date"], r["worker"], r["conducted_by"],
                     "Yes" if affirmative(r["worker_signature"]) else "No") for _, r in ori.iterrows()],
                   status=4, cap=EVIDENCE_ROWS, empty=f"No orientations in {month.label}.",
                   widths=("", "", "30%", "30%", "")),
    )
    return Evidence(stats, drawn, tables)


def _incidents(findings: Findings, data: Dataset, rec: MonthRecords, month: Month, until: date,
               audit: AuditSettings) -> Evidence:
    inc = rec.incidents
    counts = inc["type"].value_counts() if not inc.empty else pd.Series(dtype=int)
    near = findings.counts.get("near_misses")  # None when Incident was not read: honest() says so
    flagged = flagged_by(findings, "E6.3")
    no_root = sum(1 for _, r in inc.iterrows() if root_cause_missing(r, flagged, audit))
    stats = (Stat(str(len(inc)), "incidents and near misses", scope=month.label),
             Stat(str(int(counts.get("Near Miss", 0))), "of them near misses", scope=month.label),
             Stat(str(no_root), "of them without a root cause", "red" if no_root else "", month.label),
             Stat(str(near), "near misses", "green" if near else "red", f"last {audit.lookback_months} months"))
    stats = honest(data, stats, [("incident",)] * len(stats))
    chart = Chart("Incidents and near misses by type, last 12 months",
                  charts.incidents_by_type(data.table("incident"), month.shift(-11).first, until),
                  "One bar per month; near misses count too.")
    # Shared as check E6.5 reads it: an affirmative Communicated To Crew, or the ID named in a toolbox talk.
    in_talks = mentioned_in_talks(inc["id"], data.table("toolbox_talk"))
    table = make_table(
        INCIDENTS_TITLE.format(month=month.label),
        ("ID", "Date", "Type", "Description", "Root cause", "Investigated", "Shared"),
        [(r["id"], r["incident_date"], r["type"], r["description"], r["root_cause"] or "—",
          "No root cause" if root_cause_missing(r, flagged, audit) else "Investigated",
          "Yes" if affirmative(r["communicated_to_crew"]) or in_talks[i] else "Not shared")
         for i, r in inc.iterrows()],
        status=5, cap=EVIDENCE_ROWS, empty=f"No incidents or near misses reported in {month.label}.", limit=200,
        widths=("", "", "", "28%", "24%", "", ""))
    return Evidence(stats, (chart,), (table, *program_table(data, 6)))


def element_evidence(findings: Findings, data: Dataset, month: Month, until: date, records: MonthRecords,
                     coverage: Sequence[ItemCoverage], audit: AuditSettings) -> dict[int, Evidence]:
    """Evidence per element number; the charts are drawn in element order.

    ``coverage`` is check E4.2's count over the month (checks.element4.inspection_coverage); ``audit`` the
    company's audit settings."""
    return {
        1: _leadership(data, records, month, until),
        2: _hazard_identification(data, records, month, until),
        3: _hazard_controls(findings, data, month, until),
        4: _inspections(findings, data, records, coverage, audit.lookback_months, month),
        5: _training(findings, data, records, month, until),
        6: _incidents(findings, data, records, month, until, audit),
    }
