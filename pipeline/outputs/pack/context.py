"""Findings + Dataset + month -> everything the pack's templates show. Pure: no I/O, no clock.

Every value handed to the templates is plain text (already formatted and truncated)
or a tuple of such; the templates escape it. Charts are SVG text made here from the
same frames (see charts.py) and are the only markup that is not escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from ...checks.audit import SELF_ASSESSMENT_NOTE, Findings
from ...checks.base import CERTIFICATE, ELEMENTS, FAIL, PASS, WARN, CheckResult
from ...normalise.dataset import Dataset
from ...settings import AuditSettings, Settings
from . import charts
from .month import Month

TEXT_LIMIT = 400  # characters of crew text shown in a table cell before "…"
RECORDS_SHOWN = 12  # record IDs shown under a check before "and N more"
ACTIONS_PER_GROUP = 25  # action-list lines per kind before "and N more"
EVIDENCE_ROWS = 30  # rows of an in-section evidence table; the appendix and the CSVs have all
ISSUE_ROWS = 500  # data-issue lines in the appendix; data-issues.csv has all
DATE_HEADERS = frozenset({"Date", "Found", "Due", "Raised", "Completed", "Expires", "Signed", "Reviewed", "Closed",
                          "Review date"})

# What an auditor looks for, per element: our own summary of the audit's expectations.
AUDITOR_LOOKS_FOR: dict[int, tuple[str, ...]] = {
    1: (
        "A safety policy signed and dated by the owner or a senior manager who still works here.",
        "Who is responsible for what, written down.",
        "Proof that management takes part: toolbox talks, site visits, incident reviews.",
        "Safety goals set for the current year.",
    ),
    2: (
        "A written procedure for spotting hazards: how and when an FLHA is done.",
        "Completed FLHAs that are signed, dated and specific to the site and the task.",
        "A hazard register listing hazards and their controls, kept up to date.",
        "Proof the crew has been shown how to do an FLHA.",
    ),
    3: (
        "A written process that takes a hazard from found, to controlled, to verified.",
        "Corrective actions that were finished, not only raised, and checked afterwards.",
        "Safe work procedures for every high-risk task.",
        "PPE requirements written down for each role.",
    ),
    4: (
        "A schedule of what gets inspected and how often.",
        "Completed equipment pre-starts and workplace inspections that follow that schedule.",
        "Every defect found is tracked until it is fixed.",
        "Proof that inspection findings led to action.",
    ),
    5: (
        "A training matrix that names the tickets each role needs (not \"as required\").",
        "Each worker's training records with completion dates, and current tickets on file.",
        "An orientation record, signed off, for every worker.",
        "Ongoing training such as toolbox talks, with topics that change.",
    ),
    6: (
        "A written investigation procedure with defined steps.",
        "Investigation records, near misses included: zero reports reads as nobody reporting.",
        "A root cause for each incident that goes beyond describing what happened.",
        "Corrective actions done and verified, and the lessons shared with the crew.",
    ),
}

_RED = {"Fail", "Expired", "Missing", "Overdue", "Below", "Out of service", "No root cause", "Rejected"}
_AMBER = {"Warn", "Expiring", "Open", "Awaiting Verification", "Not shared", "Not investigated"}
_GREEN = {"Pass", "Current", "Meets", "Resolved", "Verified", "Investigated", "Closed", "Yes", "Signed"}


def chip_class(status: str) -> str:
    """CSS class of a status chip: red, amber, green or grey."""
    if status in _RED:
        return "chip-red"
    if status in _AMBER:
        return "chip-amber"
    if status in _GREEN:
        return "chip-green"
    return "chip-grey"


# --------------------------------------------------------------------------- plain values


def text(value: object, limit: int = TEXT_LIMIT) -> str:
    """A cell as display text: blank for missing values, truncated crew text with "…"."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, pd.Timestamp | datetime):
        return fmt_date(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = " ".join(str(value).split())
    return s if len(s) <= limit else s[:limit].rstrip() + "…"


def fmt_date(value: object) -> str:
    """``2026-10-03``; blank when missing."""
    if value is None or value is pd.NaT:
        return ""
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp | datetime | date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _blank(value: object) -> bool:
    return text(value) == ""


def _norm(value: object) -> str:
    return " ".join(str(value).casefold().split()) if not _blank(value) else ""


# --------------------------------------------------------------------------- context types


@dataclass(frozen=True)
class Table:
    """A table as the pack prints it: header, formatted rows, which column is a status chip."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    status_column: int | None = None
    total: int = 0  # rows before any cap; > len(rows) when capped
    note: str = ""  # shown under the table (e.g. where the full list is)
    empty: str = "None this month."
    widths: tuple[str, ...] = ()  # CSS widths per column, e.g. ("12%", "", ...)
    mono: tuple[int, ...] = (0,)  # columns set in the ID style
    dates: tuple[int, ...] = ()  # columns that hold dates (never wrapped)

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


@dataclass(frozen=True)
class Stat:
    """A key figure: big number, label, optional chip colour."""

    value: str
    label: str
    tone: str = ""  # "red" | "amber" | "green" | ""


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # inline SVG markup made by charts.py
    caption: str = ""


@dataclass(frozen=True)
class CheckRow:
    id: str
    name: str
    status: str
    detail: str
    records: tuple[str, ...]
    more_records: int

    @property
    def chip(self) -> str:
        return chip_class(self.status)


@dataclass(frozen=True)
class ElementSection:
    number: int
    name: str
    anchor: str
    readiness: str
    status: str  # Pass / Warn / Fail against the Partners' rule
    score_line: str
    looks_for: tuple[str, ...]
    checks: tuple[CheckRow, ...]
    stats: tuple[Stat, ...]
    charts: tuple[Chart, ...]
    tables: tuple[Table, ...]

    @property
    def chip(self) -> str:
        return chip_class(self.status)


@dataclass(frozen=True)
class Action:
    """One line of the action list: what to fix before an audit, who, and the record to go to."""

    kind: str  # Ticket | Deficiency | Incident | Check
    status: str
    what: str
    who: str
    record: str
    element: str  # "Element 5" / "Certificate"

    @property
    def chip(self) -> str:
        return chip_class(self.status)


@dataclass(frozen=True)
class ActionGroup:
    title: str
    actions: tuple[Action, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.actions)


@dataclass(frozen=True)
class Cover:
    company: str
    month: str  # "October 2026"
    month_key: str  # "2026-10"
    as_of: str
    generated_at: str
    overall: str
    verdict: str  # Meets | Below
    rule: str
    note: str
    partial_month: bool
    elements: tuple[ElementSection, ...]
    certificate: tuple[CheckRow, ...]
    stats: tuple[Stat, ...]

    @property
    def verdict_chip(self) -> str:
        return chip_class(self.verdict)


@dataclass(frozen=True)
class PackContext:
    """Everything the templates read."""

    title: str
    author: str
    subject: str
    keywords: str
    cover: Cover
    action_groups: tuple[ActionGroup, ...]
    elements: tuple[ElementSection, ...]
    appendix: tuple[Table, ...]
    issues: Table
    engine: str = "weasyprint"

    @property
    def action_count(self) -> int:
        return sum(g.total for g in self.action_groups)


# --------------------------------------------------------------------------- building


def in_month(frame: pd.DataFrame, column: str, month: Month, until: date | None = None) -> pd.DataFrame:
    """Rows whose date falls in the month (up to ``until`` when the month is in progress)."""
    if frame.empty or column not in frame:
        return frame.iloc[0:0]
    dates = pd.to_datetime(frame[column], errors="coerce")
    end = pd.Timestamp(until or month.last)
    mask = (dates >= pd.Timestamp(month.first)) & (dates <= end)
    return frame[mask.fillna(False)].sort_values(column, kind="stable")


def element_status(readiness: float, findings: Findings) -> str:
    if readiness >= findings.pass_overall:
        return PASS
    return WARN if readiness >= findings.pass_element else FAIL


def _check_row(c: CheckResult, detail_limit: int = 600) -> CheckRow:
    records = tuple(text(r, 60) for r in c.records[:RECORDS_SHOWN])
    return CheckRow(c.id, text(c.name, 120), c.status, text(c.detail, detail_limit), records,
                    max(0, len(c.records) - RECORDS_SHOWN))


def _table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], *, status: int | None = None,
           cap: int | None = None, note: str = "", empty: str = "None this month.", widths: Sequence[str] = (),
           mono: Sequence[int] = (0,), limit: int = TEXT_LIMIT) -> Table:
    all_rows = list(rows)
    shown = all_rows if cap is None else all_rows[:cap]
    formatted = tuple(tuple(text(v, limit) for v in r) for r in shown)
    dates = tuple(i for i, c in enumerate(columns) if c in DATE_HEADERS)
    return Table(title, tuple(columns), formatted, status, len(all_rows), note, empty, tuple(widths), tuple(mono),
                 dates)


def _safety_lead(data: Dataset, audit: AuditSettings, as_of: date) -> str:
    """Who fixes program-level gaps: the first active worker in a management role (owner first)."""
    workers = data.table("workers")
    if workers.empty:
        return "Owner"
    end = pd.to_datetime(workers["end_date"], errors="coerce")
    active = workers[end.isna() | (end > pd.Timestamp(as_of))]
    for role in audit.management_roles:
        hit = active[active["role"].map(_norm) == role]
        if not hit.empty:
            return text(hit.iloc[0]["name"], 80)
    return "Owner"


_VAGUE_ROOT_CAUSES = frozenset(getattr(AuditSettings(), "vague_root_causes", ()))


def _root_cause_missing(row: Mapping[str, Any], flagged: frozenset[str] = frozenset()) -> bool:
    """No root cause, one that only repeats the description or explains nothing, or one check E6.3 flagged."""
    if str(row.get("id")) in flagged:
        return True
    root, desc = _norm(row.get("root_cause")), _norm(row.get("description"))
    return not root or root == desc or root in _VAGUE_ROOT_CAUSES or (len(root) > 10 and root in desc)


def _flagged_by(findings: Findings, check_id: str) -> frozenset[str]:
    """The record IDs a check listed (empty when the check did not run)."""
    return frozenset(r for c in findings.checks if c.id == check_id for r in c.records)


def _actions(findings: Findings, data: Dataset, lead: str, as_of: date, lookback_months: int) -> tuple[ActionGroup,
                                                                                                     ...]:
    groups: list[ActionGroup] = []

    certs = findings.certifications
    overdue = certs[certs["status"].isin(["Expired", "Missing"])] if not certs.empty else certs
    ticket_actions = []
    for _, c in overdue.iterrows():
        if c["status"] == "Expired":
            what = f"{text(c['ticket'], 80)} expired {fmt_date(c['expires'])}: renew it and file the new certificate."
            record = f"Training Records row {text(c['record_row'])}" if not _blank(c.get("record_row")) else "—"
        else:
            what = f"{text(c['ticket'], 80)} required for {text(c['role'], 60)}: no record on file."
            record = "Training Records (add a row)"
        ticket_actions.append(Action("Ticket", str(c["status"]), what, text(c["worker"], 80), record, "Element 5"))
    groups.append(ActionGroup("Expired or missing tickets", tuple(ticket_actions[:ACTIONS_PER_GROUP]),
                              len(ticket_actions)))

    defs = findings.deficiencies
    late = defs[defs["status"] == "Overdue"] if not defs.empty else defs
    if not late.empty:
        late = late.sort_values("age_days", ascending=False, kind="stable")
    def_actions = []
    for _, d in late.iterrows():
        where = text(d["unit_or_site"], 60)
        what = (f"{text(d['source'], 30)} deficiency{' on ' + where if where else ''}: {text(d['description'], 160)} "
                f"(found {fmt_date(d['found'])}, due {fmt_date(d['due'])}, {text(d['age_days'])} days old)")
        def_actions.append(Action("Deficiency", "Overdue", what, text(d["assigned_to"], 80) or "Unassigned",
                                  text(d["id"], 40), "Element 3" if d["source"] != "Incident" else "Element 6"))
    groups.append(ActionGroup("Overdue deficiencies", tuple(def_actions[:ACTIONS_PER_GROUP]), len(def_actions)))

    incidents = data.table("incident")
    start = pd.Timestamp(as_of) - pd.DateOffset(months=lookback_months) + pd.Timedelta(days=1)
    dates = pd.to_datetime(incidents["incident_date"], errors="coerce")
    window = incidents[(dates >= start) & (dates <= pd.Timestamp(as_of))].sort_values("incident_date", kind="stable")
    inc_actions = []
    flagged = _flagged_by(findings, "E6.3")
    for _, r in window.iterrows():
        if _root_cause_missing(r, flagged):
            who = text(r["investigated_by"], 80) or f"Unassigned (reported by {text(r['reporter'], 60)})"
            what = (f"{text(r['type'], 30)} on {fmt_date(r['incident_date'])}: record a root cause that explains why "
                    f"it happened, not what happened. \u201c{text(r['description'], 120)}\u201d")
            inc_actions.append(Action("Incident", "No root cause", what, who, text(r["id"], 40), "Element 6"))
    groups.append(ActionGroup("Incidents without a root cause", tuple(inc_actions[:ACTIONS_PER_GROUP]),
                              len(inc_actions)))

    check_actions = []
    for c in findings.checks:
        if c.status == FAIL:
            record = ", ".join(text(r, 40) for r in c.records[:3]) + (" …" if len(c.records) > 3 else "")
            where = "Certificate" if c.element == CERTIFICATE else f"Element {c.element}"
            check_actions.append(Action("Check", FAIL, f"{c.title}: {text(c.detail, 300)}", lead, record or "—", where))
    groups.append(ActionGroup("Failed checks", tuple(check_actions[:ACTIONS_PER_GROUP]), len(check_actions)))
    return tuple(groups)


def _program_table(data: Dataset, element: int) -> Table | None:
    program = data.table("program")
    if program.empty:
        return None
    mine = program[pd.to_numeric(program["element"], errors="coerce") == element]
    if mine.empty:
        return None
    rows = [(r["document"], r["signed_by"], r["signed_date"], r["review_date"]) for _, r in mine.iterrows()]
    return _table("Program documents on file", ("Document", "Signed by", "Signed", "Review date"), rows,
                  mono=(), widths=("46%", "24%", "15%", "15%"))


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
                key = _norm(r.get(c))
                if key:
                    seen.setdefault(key, set()).add(pd.Timestamp(d).date())
    out = []
    end = until
    for _, r in schedule.iterrows():
        item, freq = text(r["item"], 40), r["frequency"]
        done_days = seen.get(_norm(r["item"]), set())
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
        in_period = {d for d in done_days if start <= d <= end}
        done = len({d.isocalendar()[:2] for d in in_period}) if freq == "Weekly" else len(in_period)
        out.append((label, done, expected))
    return out


def _yes(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return _norm(value) in ("yes", "y", "true", "1")


def _element_sections(findings: Findings, data: Dataset, month: Month, until: date,
                      inspection_rows: list[tuple[str, int, int]]) -> tuple[ElementSection, ...]:
    flha = in_month(data.table("flha"), "date", month, until)
    pre = in_month(data.table("pre_start"), "date", month, until)
    ins = in_month(data.table("workplace_inspection"), "date", month, until)
    tbt = in_month(data.table("toolbox_talk"), "date", month, until)
    ori = in_month(data.table("orientation"), "date", month, until)
    inc = in_month(data.table("incident"), "incident_date", month, until)
    ca = data.table("corrective_actions")
    certs, defs = findings.certifications, findings.deficiencies
    open_ids = {str(i): str(s) for i, s in zip(defs["id"], defs["status"], strict=False)} if not defs.empty else {}

    stats: dict[int, list[Stat]] = {e: [] for e in ELEMENTS}
    charts_: dict[int, list[Chart]] = {e: [] for e in ELEMENTS}
    tables: dict[int, list[Table]] = {e: [] for e in ELEMENTS}

    # Element 1: leadership.
    mgmt_talks = int(tbt["management_present"].map(_yes).sum()) if not tbt.empty else 0
    goals = data.table("goals")
    this_year = goals[pd.to_numeric(goals["year"], errors="coerce") == until.year] if not goals.empty else goals
    stats[1] = [Stat(str(len(tbt)), "toolbox talks this month"),
                Stat(str(mgmt_talks), "with management present", "green" if mgmt_talks else "amber"),
                Stat(str(len(this_year)), f"safety goals for {until.year}", "green" if len(this_year) else "red")]
    if (t := _program_table(data, 1)) is not None:
        tables[1].append(t)
    tables[1].append(_table(f"Safety goals {until.year}", ("Goal", "Target", "Status"),
                            [(r["goal"], r["target"], r["status"]) for _, r in this_year.iterrows()],
                            empty=f"No goals recorded for {until.year}.", mono=(), widths=("50%", "30%", "20%")))

    # Element 2: hazard identification.
    signed = int(flha["worker_signature"].map(lambda v: not _blank(v)).sum()) if not flha.empty else 0
    reviewed = int(flha["supervisor_review"].map(lambda v: not _blank(v)).sum()) if not flha.empty else 0
    sites = flha["site"].map(_norm).nunique() if not flha.empty else 0
    stats[2] = [Stat(str(len(flha)), "FLHAs this month", "green" if len(flha) else "red"),
                Stat(pct(signed / len(flha)) if len(flha) else "–", "signed by the worker"),
                Stat(pct(reviewed / len(flha)) if len(flha) else "–", "reviewed by a supervisor"),
                Stat(str(sites), "different sites")]
    charts_[2].append(Chart("FLHAs per week", charts.flha_per_week(data.table("flha"), month.first, until),
                            "Weeks start on Monday; this month's weeks in blue, the eight before in grey."))
    hazards = data.table("hazard_register")
    if not hazards.empty:
        open_h = hazards[(hazards["status"] != "Controlled") & hazards["risk"].isin(["High", "Medium"])]
        rank = open_h["risk"].map({"High": 0, "Medium": 1})
        open_h = open_h.assign(_r=rank).sort_values("_r", kind="stable")
        tables[2].append(_table(
            "Open high and medium hazards (hazard register)", ("Hazard ID", "Task", "Hazard", "Risk", "Controls",
                                                               "Reviewed"),
            [(r["hazard_id"] or f"row {r['row']}", r["task"], r["hazard"], r["risk"], r["controls"], r["reviewed"])
             for _, r in open_h.iterrows()], cap=EVIDENCE_ROWS, empty="No open high or medium hazards.",
            widths=("11%", "18%", "27%", "8%", "24%", "12%"),
            note="The full register is in your Hazard Register tab."))
    if (t := _program_table(data, 2)) is not None:
        tables[2].append(t)

    # Element 3: hazard controls.
    raised = in_month(ca, "raised", month, until)
    completed = in_month(ca, "completed", month, until)
    verified = in_month(ca, "verified", month, until)
    overdue_n = int((defs["status"] == "Overdue").sum()) if not defs.empty else 0
    stats[3] = [Stat(str(len(raised)), "corrective actions raised"),
                Stat(str(len(completed)), "completed this month", "green" if len(completed) else ""),
                Stat(str(len(verified)), "verified this month"),
                Stat(str(len(defs)), "open deficiencies", "amber" if len(defs) else "green"),
                Stat(str(overdue_n), "overdue", "red" if overdue_n else "green")]
    charts_[3].append(Chart("Open deficiencies by age", charts.deficiencies_by_age(defs),
                            f"Everything still open on {fmt_date(until)}, by days since it was found."))
    tables[3].append(_table(
        "Open deficiencies, most urgent first", ("ID", "Source", "Found", "Description", "Unit or site",
                                                 "Assigned to", "Due", "Status"),
        [(d["id"], d["source"], d["found"], d["description"], d["unit_or_site"], d["assigned_to"], d["due"],
          d["status"]) for _, d in defs.iterrows()],
        status=7, cap=EVIDENCE_ROWS, empty="Nothing open.", limit=200,
        widths=("13%", "9%", "9%", "26%", "11%", "11%", "9%", "12%"),
        note="All of them are in deficiencies.csv beside this PDF."))
    if (t := _program_table(data, 3)) is not None:
        tables[3].append(t)

    # Element 4: inspections.
    failed = pre[(pre["result"] == "Fail") | pre["defects"].map(lambda v: not _blank(v))] if not pre.empty else pre
    with_def = ins[ins["deficiencies"].map(lambda v: not _blank(v))] if not ins.empty else ins
    stats[4] = [Stat(str(len(pre)), "equipment pre-starts"),
                Stat(str(len(failed)), "with a defect", "amber" if len(failed) else ""),
                Stat(str(len(ins)), "workplace inspections"),
                Stat(str(len(with_def)), "with deficiencies", "amber" if len(with_def) else "")]
    if inspection_rows:
        charts_[4].append(Chart("Inspections done vs expected", charts.inspections_done(inspection_rows),
                                "Matched on the schedule's item name against pre-start units and inspection "
                                "sites/areas. Expected counts are a guide; check E4.2 has the verdict."))
    defect_rows = []
    for _, r in failed.iterrows():
        defect_rows.append((r["id"], r["date"], "Pre-start", r["unit"], r["defects"] or "Failed (no detail)",
                            r["operator"], open_ids.get(str(r["id"]), "Resolved")))
    for _, r in with_def.iterrows():
        defect_rows.append((r["id"], r["date"], "Inspection", r["site"], r["deficiencies"], r["inspector"],
                            open_ids.get(str(r["id"]), "Resolved")))
    tables[4].append(_table(
        "Defects found this month and their follow-up", ("ID", "Date", "Type", "Unit or site", "Defect",
                                                         "Found by", "Follow-up"),
        defect_rows, status=6, cap=EVIDENCE_ROWS, empty="No defects found this month.",
        widths=("14%", "10%", "10%", "13%", "27%", "13%", "13%")))
    if (t := _program_table(data, 4)) is not None:
        tables[4].append(t)

    # Element 5: training.
    by_status = certs["status"].value_counts() if not certs.empty else pd.Series(dtype=int)
    workers = certs["worker"].nunique() if not certs.empty else 0
    stats[5] = [Stat(str(workers), "workers with required tickets"),
                Stat(str(int(by_status.get("Current", 0))), "tickets current", "green"),
                Stat(str(int(by_status.get("Expiring", 0))), "expiring soon",
                     "amber" if by_status.get("Expiring", 0) else ""),
                Stat(str(int(by_status.get("Expired", 0)) + int(by_status.get("Missing", 0))), "expired or missing",
                     "red" if by_status.get("Expired", 0) or by_status.get("Missing", 0) else "green"),
                Stat(str(len(tbt)), "toolbox talks this month")]
    if not certs.empty:
        charts_[5].append(Chart("Training status by worker and ticket", charts.training_grid(certs),
                                "Each square is one required ticket for one worker."))
    needs = certs[certs["status"] != "Current"] if not certs.empty else certs
    tables[5].append(_table(
        "Tickets that need action", ("Worker", "Role", "Ticket", "Completed", "Expires", "Days left", "Status"),
        [(c["worker"], c["role"], c["ticket"], c["completed"], c["expires"], c["days_left"], c["status"])
         for _, c in needs.iterrows()], status=6, cap=EVIDENCE_ROWS, empty="Every required ticket is current.",
        mono=(), widths=("18%", "15%", "22%", "11%", "11%", "9%", "14%"),
        note="The full list is in certifications.csv."))
    tables[5].append(_table(
        "Toolbox talks this month", ("ID", "Date", "Topic", "Presenter", "Attendees", "Mgmt"),
        [(r["id"], r["date"], r["topic"], r["presenter"], _attendee_count(r["attendees"]),
          "Yes" if _yes(r["management_present"]) else "No") for _, r in tbt.iterrows()],
        cap=EVIDENCE_ROWS, empty="No toolbox talks this month.", widths=("15%", "11%", "38%", "18%", "10%", "8%")))
    tables[5].append(_table(
        "Orientations this month", ("ID", "Date", "Worker", "Conducted by", "Signed"),
        [(r["id"], r["date"], r["worker"], r["conducted_by"], "Yes" if not _blank(r["worker_signature"]) else "No")
         for _, r in ori.iterrows()], status=4, cap=EVIDENCE_ROWS, empty="No orientations this month.",
        widths=("18%", "12%", "28%", "28%", "14%")))

    # Element 6: incidents.
    counts = inc["type"].value_counts() if not inc.empty else pd.Series(dtype=int)
    near = findings.counts.get("near_misses", 0)
    flagged = _flagged_by(findings, "E6.3")
    no_root = sum(1 for _, r in inc.iterrows() if _root_cause_missing(r, flagged))
    stats[6] = [Stat(str(len(inc)), "incidents this month"),
                Stat(str(int(counts.get("Near Miss", 0))), "near misses this month"),
                Stat(str(near), "near misses in 12 months", "green" if near else "red"),
                Stat(str(no_root), "without a root cause", "red" if no_root else "")]
    charts_[6].append(Chart("Incidents and near misses by type, last 12 months",
                            charts.incidents_by_type(data.table("incident"), month.shift(-11).first, until),
                            "One bar per month; near misses count too."))
    tables[6].append(_table(
        "Incidents this month", ("ID", "Date", "Type", "Description", "Root cause", "Investigated", "Shared"),
        [(r["id"], r["incident_date"], r["type"], r["description"], r["root_cause"] or "—",
          "No root cause" if _root_cause_missing(r, flagged) else "Investigated",
          "Yes" if not _blank(r["communicated_to_crew"]) else "Not shared") for _, r in inc.iterrows()],
        status=5, cap=EVIDENCE_ROWS, empty="No incidents or near misses reported this month.", limit=200,
        widths=("13%", "9%", "10%", "25%", "21%", "12%", "10%")))
    if (t := _program_table(data, 6)) is not None:
        tables[6].append(t)

    sections = []
    by_element = {e.element: e for e in findings.elements}
    for number, name in ELEMENTS.items():
        score = by_element.get(number)
        readiness = score.readiness if score else 0.0
        checks = tuple(_check_row(c) for c in findings.checks if c.element == number)
        line = (f"{score.passed} pass, {score.warned} warn, {score.failed} fail of {score.checks} checks"
                if score else "no checks")
        sections.append(ElementSection(
            number, name, f"element-{number}", pct(readiness), element_status(readiness, findings), line,
            AUDITOR_LOOKS_FOR[number], checks, tuple(stats[number]), tuple(charts_[number]), tuple(tables[number])))
    return tuple(sections)


def _attendee_count(value: object) -> str:
    s = text(value, 10_000)
    if not s:
        return "0"
    parts = [p for p in s.replace(";", ",").replace("\n", ",").split(",") if p.strip()]
    return str(len(parts))


def _appendix(data: Dataset, month: Month, until: date) -> tuple[Table, ...]:
    flha = in_month(data.table("flha"), "date", month, until)
    pre = in_month(data.table("pre_start"), "date", month, until)
    ins = in_month(data.table("workplace_inspection"), "date", month, until)
    tbt = in_month(data.table("toolbox_talk"), "date", month, until)
    ori = in_month(data.table("orientation"), "date", month, until)
    inc = in_month(data.table("incident"), "incident_date", month, until)
    ca = data.table("corrective_actions")
    raised = in_month(ca, "raised", month, until)
    done = in_month(ca, "completed", month, until)
    ca_month = pd.concat([raised, done]).drop_duplicates(subset="row") if not ca.empty else ca

    def signoff(r: Mapping[str, Any]) -> str:
        parts = ["Signed" if not _blank(r["worker_signature"]) else "Not signed"]
        if not _blank(r["supervisor_review"]):
            parts.append(f"reviewed by {text(r['supervisor_review'], 60)}")
        return ", ".join(parts)

    defects = pre[(pre["result"] == "Fail") | pre["defects"].map(lambda v: not _blank(v))] if not pre.empty else pre
    return (
        _table(f"FLHAs ({len(flha)})", ("ID", "Date", "Worker", "Site", "Task", "Hazards", "Controls", "Sign-off"),
               [(r["id"], r["date"], r["worker"], r["site"], r["task"], r["hazards"], r["controls"], signoff(r))
                for _, r in flha.iterrows()], empty="No FLHAs this month.",
               widths=("12%", "8%", "11%", "11%", "13%", "17%", "17%", "11%")),
        _table(f"Equipment pre-starts with defects ({len(defects)} of {len(pre)} pre-starts)",
               ("ID", "Date", "Operator", "Unit", "Result", "Defects", "Out of service", "Action taken", "Closed"),
               [(r["id"], r["date"], r["operator"], r["unit"], r["result"], r["defects"],
                 "Out of service" if r["out_of_service"] is True else ("No" if r["out_of_service"] is False else ""),
                 r["action_taken"], r["closed"]) for _, r in defects.iterrows()], status=4,
               empty="No pre-start reported a defect this month.",
               widths=("12%", "8%", "11%", "9%", "8%", "20%", "9%", "15%", "8%")),
        _table(f"Workplace inspections ({len(ins)})",
               ("ID", "Date", "Inspector", "Site", "Area", "Deficiencies", "Corrective action", "Due", "Closed"),
               [(r["id"], r["date"], r["inspector"], r["site"], r["area"], r["deficiencies"] or "None found",
                 r["corrective_action"], r["due"], r["closed"]) for _, r in ins.iterrows()],
               empty="No workplace inspections this month.",
               widths=("12%", "8%", "11%", "11%", "10%", "18%", "16%", "7%", "7%")),
        _table(f"Toolbox talks ({len(tbt)})", ("ID", "Date", "Topic", "Presenter", "Attendees", "Mgmt", "Notes"),
               [(r["id"], r["date"], r["topic"], r["presenter"], r["attendees"],
                 "Yes" if _yes(r["management_present"]) else "No", r["notes"]) for _, r in tbt.iterrows()],
               empty="No toolbox talks this month.", widths=("12%", "8%", "18%", "12%", "22%", "6%", "22%")),
        _table(f"Incidents and near misses ({len(inc)})",
               ("ID", "Date", "Type", "Reporter", "Description", "Immediate cause", "Root cause", "Corrective actions",
                "Investigation", "Shared with crew"),
               [(r["id"], r["incident_date"], r["type"], r["reporter"], r["description"], r["immediate_cause"],
                 r["root_cause"], r["corrective_actions"],
                 " ".join(x for x in (text(r["investigated_by"], 60), fmt_date(r["investigation_date"])) if x)
                 or "Not investigated", r["communicated_to_crew"]) for _, r in inc.iterrows()],
               empty="No incidents or near misses this month.",
               widths=("10%", "7%", "7%", "9%", "14%", "10%", "12%", "12%", "10%", "9%")),
        _table(f"Orientations ({len(ori)})", ("ID", "Date", "Worker", "Conducted by", "Topics", "Signed"),
               [(r["id"], r["date"], r["worker"], r["conducted_by"], r["topics"],
                 "Signed" if not _blank(r["worker_signature"]) else "Not signed") for _, r in ori.iterrows()],
               empty="No orientations this month.", widths=("13%", "9%", "17%", "17%", "34%", "10%")),
        _table(f"Corrective actions raised or completed ({len(ca_month)})",
               ("Action ID", "Source", "Ref", "Description", "Assigned to", "Raised", "Due", "Completed",
                "Verified"),
               [(r["action_id"], r["source"], r["source_ref"], r["description"], r["assigned_to"], r["raised"],
                 r["due"], r["completed"],
                 " ".join(x for x in (text(r["verified_by"], 60), fmt_date(r["verified"])) if x))
                for _, r in ca_month.sort_values("raised", kind="stable").iterrows()],
               empty="No corrective actions raised or completed this month.",
               widths=("10%", "9%", "12%", "22%", "11%", "8%", "8%", "9%", "11%")),
    )


def _issues(findings: Findings) -> Table:
    issues = findings.issues
    rows = [(r["table"], r["row"], r["column"], r["value"], r["problem"]) for _, r in issues.iterrows()]
    return _table("Data issues", ("Table", "Row", "Column", "Value", "Problem"), rows, cap=ISSUE_ROWS,
                  empty="No data issues: every row was used.", mono=(), limit=160,
                  widths=("15%", "6%", "14%", "25%", "40%"),
                  note=f"The first {ISSUE_ROWS} are listed; data-issues.csv has every one."
                  if len(rows) > ISSUE_ROWS else "")


def build_context(findings: Findings, data: Dataset, month: Month, *, generated_at: datetime,
                  settings: Settings | None = None, engine: str = "weasyprint") -> PackContext:
    """The whole pack as plain values. Pure: the same inputs give the same context."""
    settings = settings or Settings()
    until = min(findings.as_of, month.last)
    lead = _safety_lead(data, settings.audit, until)
    inspection_rows = inspection_plan(data, month, until)
    sections = _element_sections(findings, data, month, until, inspection_rows)
    groups = _actions(findings, data, lead, findings.as_of, settings.audit.lookback_months)
    c = findings.counts
    stats = (
        Stat(str(c.get("expired_tickets", 0) + c.get("missing_tickets", 0)), "expired or missing tickets",
             "red" if c.get("expired_tickets", 0) + c.get("missing_tickets", 0) else "green"),
        Stat(str(c.get("expiring_tickets", 0)), "tickets expiring soon", "amber" if c.get("expiring_tickets") else ""),
        Stat(str(c.get("open_deficiencies", 0)), "open deficiencies", "amber" if c.get("open_deficiencies") else ""),
        Stat(str(c.get("overdue_deficiencies", 0)), "overdue deficiencies",
             "red" if c.get("overdue_deficiencies") else "green"),
        Stat(str(c.get("near_misses", 0)), "near misses, 12 months", "green" if c.get("near_misses") else "red"),
        Stat(str(c.get("data_issues", 0)), "data issues to fix", "amber" if c.get("data_issues") else "green"),
    )
    company = text(findings.company, 120) or "Company"
    cover = Cover(
        company=company, month=month.label, month_key=month.key, as_of=fmt_date(findings.as_of),
        generated_at=f"{generated_at:%Y-%m-%d %H:%M} {generated_at.tzname() or ''}".strip(),
        overall=pct(findings.overall), verdict="Meets" if findings.meets_pass_rule else "Below",
        rule=(f"Certifying Partners pass an audit at {pct(findings.pass_overall)} overall with at least "
              f"{pct(findings.pass_element)} in every element."),
        note=SELF_ASSESSMENT_NOTE, partial_month=findings.as_of < month.last, elements=sections,
        certificate=tuple(_check_row(ch, detail_limit=170) for ch in findings.checks if ch.element == CERTIFICATE),
        stats=stats)
    return PackContext(
        title=f"{company} SECOR audit pack {month.key}",
        author=company,
        subject=f"SECOR self-assessment and records for {month.label}, as of {fmt_date(findings.as_of)}",
        keywords="SECOR, audit pack, safety, Alberta",
        cover=cover, action_groups=groups, elements=sections, appendix=_appendix(data, month, until),
        issues=_issues(findings), engine=engine)
