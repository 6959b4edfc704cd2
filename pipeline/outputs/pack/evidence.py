"""Each element's "This month's evidence": key figures, charts and tables made from the month's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ...checks.audit import Findings
from ...normalise.dataset import Dataset
from . import charts
from .model import Chart, Stat, Table, make_table
from .month import Month
from .records import MonthRecords, flagged_by, in_month, prestart_defects, root_cause_missing
from .values import EVIDENCE_ROWS, attendee_count, blank, fmt_date, norm, pct, text, yes


@dataclass(frozen=True)
class Evidence:
    """One element's evidence, in the order the section prints it."""

    stats: tuple[Stat, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()


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
                       mono=(), widths=("46%", "24%", "15%", "15%")),)


def _work_days(data: Dataset, month: Month, until: date) -> set[date]:
    days: set[date] = set()
    for key in ("flha", "pre_start", "workplace_inspection"):
        frame = in_month(data.table(key), "date", month, until)
        days.update(d.date() for d in pd.to_datetime(frame["date"]).dropna())
    return days


def inspection_plan(data: Dataset, month: Month, until: date) -> list[tuple[str, int, int]]:
    """(item, done, expected) per scheduled item for the month; matched on unit, site or area name.

    Daily items are expected on each work day (a day with any FLHA, pre-start or
    inspection), weekly ones once per week with work, monthly once; quarterly and
    annual items once in the quarter or year to date. A picture, not the E4.2 verdict.
    """
    schedule = data.table("inspection_schedule")
    if schedule.empty:
        return []
    work_days = _work_days(data, month, until)
    weeks = {d.isocalendar()[:2] for d in work_days}
    pre = data.table("pre_start")
    ins = data.table("workplace_inspection")
    seen: dict[str, set[date]] = {}
    for frame, cols in ((pre, ("unit",)), (ins, ("site", "area"))):
        for _, r in frame.iterrows():
            d = r.get("date")
            if d is None or pd.isna(d):
                continue
            for c in cols:
                key = norm(r.get(c))
                if key:
                    seen.setdefault(key, set()).add(pd.Timestamp(d).date())
    out = []
    for _, r in schedule.iterrows():
        item, freq = text(r["item"], 40), r["frequency"]
        done_days = seen.get(norm(r["item"]), set())
        if freq == "Daily":
            start, expected, label = month.first, len(work_days), item
        elif freq == "Weekly":
            start, expected, label = month.first, len(weeks), item
        elif freq == "Monthly":
            start, expected, label = month.first, 1, item
        elif freq == "Quarterly":
            q_first = Month(month.year, 3 * ((month.month - 1) // 3) + 1).first
            start, expected, label = q_first, 1, f"{item} (quarter)"
        elif freq == "Annually":
            start, expected, label = date(month.year, 1, 1), 1, f"{item} (year)"
        else:
            continue
        in_period = {d for d in done_days if start <= d <= until}
        done = len({d.isocalendar()[:2] for d in in_period}) if freq == "Weekly" else len(in_period)
        out.append((label, done, expected))
    return out


def _leadership(data: Dataset, rec: MonthRecords, until: date) -> Evidence:
    tbt = rec.toolbox_talks
    mgmt_talks = int(tbt["management_present"].map(yes).sum()) if not tbt.empty else 0
    goals = data.table("goals")
    this_year = goals[pd.to_numeric(goals["year"], errors="coerce") == until.year] if not goals.empty else goals
    return Evidence(
        stats=(Stat(str(len(tbt)), "toolbox talks this month"),
               Stat(str(mgmt_talks), "with management present", "green" if mgmt_talks else "amber"),
               Stat(str(len(this_year)), f"safety goals for {until.year}", "green" if len(this_year) else "red")),
        tables=(*program_table(data, 1),
                make_table(f"Safety goals {until.year}", ("Goal", "Target", "Status"),
                           [(r["goal"], r["target"], r["status"]) for _, r in this_year.iterrows()],
                           empty=f"No goals recorded for {until.year}.", mono=(), widths=("50%", "30%", "20%"))))


def _hazard_identification(data: Dataset, rec: MonthRecords, month: Month, until: date) -> Evidence:
    flha = rec.flha
    signed = int(flha["worker_signature"].map(lambda v: not blank(v)).sum()) if not flha.empty else 0
    reviewed = int(flha["supervisor_review"].map(lambda v: not blank(v)).sum()) if not flha.empty else 0
    sites = flha["site"].map(norm).nunique() if not flha.empty else 0
    stats = (Stat(str(len(flha)), "FLHAs this month", "green" if len(flha) else "red"),
             Stat(pct(signed / len(flha)) if len(flha) else "–", "signed by the worker"),
             Stat(pct(reviewed / len(flha)) if len(flha) else "–", "reviewed by a supervisor"),
             Stat(str(sites), "different sites"))
    chart = Chart("FLHAs per week", charts.flha_per_week(data.table("flha"), month.first, until),
                  "Weeks start on Monday; this month's weeks in blue, the eight before in grey.")
    tables: tuple[Table, ...] = ()
    hazards = data.table("hazard_register")
    if not hazards.empty:
        open_h = hazards[(hazards["status"] != "Controlled") & hazards["risk"].isin(["High", "Medium"])]
        rank = open_h["risk"].map({"High": 0, "Medium": 1})
        open_h = open_h.assign(_r=rank).sort_values("_r", kind="stable")
        tables = (make_table(
            "Open high and medium hazards (hazard register)", ("Hazard ID", "Task", "Hazard", "Risk", "Controls",
                                                               "Reviewed"),
            [(r["hazard_id"] or f"row {r['row']}", r["task"], r["hazard"], r["risk"], r["controls"], r["reviewed"])
             for _, r in open_h.iterrows()], cap=EVIDENCE_ROWS, empty="No open high or medium hazards.",
            widths=("11%", "18%", "27%", "8%", "24%", "12%"),
            note="The full register is in your Hazard Register tab."),)
    return Evidence(stats, (chart,), (*tables, *program_table(data, 2)))


def _hazard_controls(findings: Findings, data: Dataset, month: Month, until: date) -> Evidence:
    ca, defs = data.table("corrective_actions"), findings.deficiencies
    raised = in_month(ca, "raised", month, until)
    completed = in_month(ca, "completed", month, until)
    verified = in_month(ca, "verified", month, until)
    overdue_n = int((defs["status"] == "Overdue").sum()) if not defs.empty else 0
    stats = (Stat(str(len(raised)), "corrective actions raised"),
             Stat(str(len(completed)), "completed this month", "green" if len(completed) else ""),
             Stat(str(len(verified)), "verified this month"),
             Stat(str(len(defs)), "open deficiencies", "amber" if len(defs) else "green"),
             Stat(str(overdue_n), "overdue", "red" if overdue_n else "green"))
    chart = Chart("Open deficiencies by age", charts.deficiencies_by_age(defs),
                  f"Everything still open on {fmt_date(until)}, by days since it was found.")
    table = make_table(
        "Open deficiencies, most urgent first", ("ID", "Source", "Found", "Description", "Unit or site",
                                                 "Assigned to", "Due", "Status"),
        [(d["id"], d["source"], d["found"], d["description"], d["unit_or_site"], d["assigned_to"], d["due"],
          d["status"]) for _, d in defs.iterrows()],
        status=7, cap=EVIDENCE_ROWS, empty="Nothing open.", limit=200,
        widths=("13%", "9%", "9%", "26%", "11%", "11%", "9%", "12%"),
        note="All of them are in deficiencies.csv beside this PDF.")
    return Evidence(stats, (chart,), (table, *program_table(data, 3)))


def _inspections(findings: Findings, data: Dataset, rec: MonthRecords,
                 inspection_rows: list[tuple[str, int, int]]) -> Evidence:
    pre, ins, defs = rec.pre_start, rec.inspections, findings.deficiencies
    open_ids = {str(i): str(s) for i, s in zip(defs["id"], defs["status"], strict=False)} if not defs.empty else {}
    failed = prestart_defects(pre)
    with_def = ins[ins["deficiencies"].map(lambda v: not blank(v))] if not ins.empty else ins
    stats = (Stat(str(len(pre)), "equipment pre-starts"),
             Stat(str(len(failed)), "with a defect", "amber" if len(failed) else ""),
             Stat(str(len(ins)), "workplace inspections"),
             Stat(str(len(with_def)), "with deficiencies", "amber" if len(with_def) else ""))
    drawn = (Chart("Inspections done vs expected", charts.inspections_done(inspection_rows),
                   "Matched on the schedule's item name against pre-start units and inspection "
                   "sites/areas. Expected counts are a guide; check E4.2 has the verdict."),) if inspection_rows else ()
    defect_rows = []
    for _, r in failed.iterrows():
        defect_rows.append((r["id"], r["date"], "Pre-start", r["unit"], r["defects"] or "Failed (no detail)",
                            r["operator"], open_ids.get(str(r["id"]), "Resolved")))
    for _, r in with_def.iterrows():
        defect_rows.append((r["id"], r["date"], "Inspection", r["site"], r["deficiencies"], r["inspector"],
                            open_ids.get(str(r["id"]), "Resolved")))
    table = make_table(
        "Defects found this month and their follow-up", ("ID", "Date", "Type", "Unit or site", "Defect",
                                                         "Found by", "Follow-up"),
        defect_rows, status=6, cap=EVIDENCE_ROWS, empty="No defects found this month.",
        widths=("14%", "10%", "10%", "13%", "27%", "13%", "13%"))
    return Evidence(stats, drawn, (table, *program_table(data, 4)))


def _training(findings: Findings, rec: MonthRecords) -> Evidence:
    certs, tbt, ori = findings.certifications, rec.toolbox_talks, rec.orientations
    by_status = certs["status"].value_counts() if not certs.empty else pd.Series(dtype=int)
    workers = certs["worker"].nunique() if not certs.empty else 0
    stats = (Stat(str(workers), "workers with required tickets"),
             Stat(str(int(by_status.get("Current", 0))), "tickets current", "green"),
             Stat(str(int(by_status.get("Expiring", 0))), "expiring soon",
                  "amber" if by_status.get("Expiring", 0) else ""),
             Stat(str(int(by_status.get("Expired", 0)) + int(by_status.get("Missing", 0))), "expired or missing",
                  "red" if by_status.get("Expired", 0) or by_status.get("Missing", 0) else "green"),
             Stat(str(len(tbt)), "toolbox talks this month"))
    drawn = (Chart("Training status by worker and ticket", charts.training_grid(certs),
                   "Each square is one required ticket for one worker."),) if not certs.empty else ()
    needs = certs[certs["status"] != "Current"] if not certs.empty else certs
    tables = (
        make_table("Tickets that need action",
                   ("Worker", "Role", "Ticket", "Completed", "Expires", "Days left", "Status"),
                   [(c["worker"], c["role"], c["ticket"], c["completed"], c["expires"], c["days_left"], c["status"])
                    for _, c in needs.iterrows()], status=6, cap=EVIDENCE_ROWS,
                   empty="Every required ticket is current.", mono=(),
                   widths=("18%", "15%", "22%", "11%", "11%", "9%", "14%"),
                   note="The full list is in certifications.csv."),
        make_table("Toolbox talks this month", ("ID", "Date", "Topic", "Presenter", "Attendees", "Mgmt"),
                   [(r["id"], r["date"], r["topic"], r["presenter"], attendee_count(r["attendees"]),
                     "Yes" if yes(r["management_present"]) else "No") for _, r in tbt.iterrows()],
                   cap=EVIDENCE_ROWS, empty="No toolbox talks this month.",
                   widths=("15%", "11%", "38%", "18%", "10%", "8%")),
        make_table("Orientations this month", ("ID", "Date", "Worker", "Conducted by", "Signed"),
                   [(r["id"], r["date"], r["worker"], r["conducted_by"],
                     "Yes" if not blank(r["worker_signature"]) else "No") for _, r in ori.iterrows()],
                   status=4, cap=EVIDENCE_ROWS, empty="No orientations this month.",
                   widths=("18%", "12%", "28%", "28%", "14%")),
    )
    return Evidence(stats, drawn, tables)


def _incidents(findings: Findings, data: Dataset, rec: MonthRecords, month: Month, until: date) -> Evidence:
    inc = rec.incidents
    counts = inc["type"].value_counts() if not inc.empty else pd.Series(dtype=int)
    near = findings.counts.get("near_misses", 0)
    flagged = flagged_by(findings, "E6.3")
    no_root = sum(1 for _, r in inc.iterrows() if root_cause_missing(r, flagged))
    stats = (Stat(str(len(inc)), "incidents this month"),
             Stat(str(int(counts.get("Near Miss", 0))), "near misses this month"),
             Stat(str(near), "near misses in 12 months", "green" if near else "red"),
             Stat(str(no_root), "without a root cause", "red" if no_root else ""))
    chart = Chart("Incidents and near misses by type, last 12 months",
                  charts.incidents_by_type(data.table("incident"), month.shift(-11).first, until),
                  "One bar per month; near misses count too.")
    table = make_table(
        "Incidents this month", ("ID", "Date", "Type", "Description", "Root cause", "Investigated", "Shared"),
        [(r["id"], r["incident_date"], r["type"], r["description"], r["root_cause"] or "—",
          "No root cause" if root_cause_missing(r, flagged) else "Investigated",
          "Yes" if not blank(r["communicated_to_crew"]) else "Not shared") for _, r in inc.iterrows()],
        status=5, cap=EVIDENCE_ROWS, empty="No incidents or near misses reported this month.", limit=200,
        widths=("13%", "9%", "10%", "25%", "21%", "12%", "10%"))
    return Evidence(stats, (chart,), (table, *program_table(data, 6)))


def element_evidence(findings: Findings, data: Dataset, month: Month, until: date, records: MonthRecords,
                     inspection_rows: list[tuple[str, int, int]]) -> dict[int, Evidence]:
    """Evidence per element number; the charts are drawn in element order."""
    return {
        1: _leadership(data, records, until),
        2: _hazard_identification(data, records, month, until),
        3: _hazard_controls(findings, data, month, until),
        4: _inspections(findings, data, records, inspection_rows),
        5: _training(findings, records),
        6: _incidents(findings, data, records, month, until),
    }
