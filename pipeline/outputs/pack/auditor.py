"""The auditor's copy: Findings + Dataset + a period -> a neutral index of the evidence, by SECOR element.

For the owner to hand over at audit time. Per element, what the auditor asks to see, how many records of
it fall in the period, and where they are: record IDs and dates, the tab and file that hold them, and the
program documents with their signature and review dates. It states what is on file and nothing else: no
self-assessment figures, no check verdicts, no to-do list, no data issues (those stay in the owner's pack).

Pure: no I/O, no clock. Every value handed to the template is plain text (the template escapes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ...checks.audit import Findings
from ...checks.base import ELEMENTS, AuditContext
from ...checks.common import is_management, keys, management_names, matches_document, mentions
from ...checks.element4 import inspection_coverage
from ...normalise.dataset import Dataset
from ...normalise.links import action_links, record_key
from ...schema import BY_KEY
from ...settings import Settings
from .evidence import inspection_rows
from .model import Table, make_table
from .month import Month
from .records import affirmative, mentioned_in_talks, prestart_defects, reports_defect
from .values import fmt_date, text, yes

WINDOWS = ("month", "12-months")  # --window: the pack's month, or the audit's 12 months ending with it
ROWS = 200  # rows of an evidence table before "… and N more" (the full lists stay in the sheets)
NOT_READ = "not read"


@dataclass(frozen=True)
class Period:
    """The calendar months the copy covers: one month, or the 12 ending with it."""

    start: Month
    end: Month

    @property
    def first(self) -> date:
        return self.start.first

    @property
    def last(self) -> date:
        return self.end.last

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def key(self) -> str:
        """``2026-10`` or ``2025-12..2026-11``: file names."""
        return self.end.key if self.start == self.end else f"{self.start.key}..{self.end.key}"

    @property
    def label(self) -> str:
        """``October 2026`` or ``December 2025 to November 2026``: what people read."""
        return self.end.label if self.start == self.end else f"{self.start.label} to {self.end.label}"


def audit_period(month: Month, window: str = "month") -> Period:
    """The period of ``--window`` ending with ``month``: the month itself, or the 12 months up to it."""
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}")
    return Period(month if window == "month" else month.shift(-11), month)


@dataclass(frozen=True)
class EvidenceLine:
    """One thing the auditor asks to see: how many records of it the period holds, and where they are."""

    asks: str
    count: str  # "42", or "not read" when its table was not found
    detail: str
    refs: tuple[str, ...]  # record IDs / sheet rows and dates, one line per form
    where: str  # tab (file)


@dataclass(frozen=True)
class AuditorElement:
    number: int
    name: str
    anchor: str
    lines: tuple[EvidenceLine, ...]
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class AuditorContext:
    """Everything templates/auditor.html reads."""

    title: str
    author: str
    subject: str
    keywords: str
    company: str
    period: str  # "December 2025 to November 2026"
    period_key: str
    as_of: str
    generated_at: str
    partial: bool  # the period ends after the as-of date (month in progress)
    documents: Table
    sources: Table
    elements: tuple[AuditorElement, ...]
    by_month: Table
    id_ranges: Table
    engine: str = "weasyprint"


# --------------------------------------------------------------------------- small helpers


def dated(frame: pd.DataFrame, column: str, first: date, until: date) -> pd.DataFrame:
    """Rows dated from ``first`` to ``until`` (both included), oldest first."""
    if frame.empty or column not in frame:
        return frame.iloc[0:0]
    dates = pd.to_datetime(frame[column], errors="coerce")
    mask = ((dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(until))).fillna(False)
    return frame[mask].sort_values(column, kind="stable")


def where(data: Dataset, *table_keys: str) -> str:
    """The tabs (and files) the tables were read from; a table not found says so."""
    parts = []
    for key in table_keys:
        status = data.status.get(key)
        found = status.found_as if status is not None and data.has(key) else None
        parts.append(found or f"{BY_KEY[key].title}: not found in the records read")
    return "; ".join(parts)


def id_refs(frame: pd.DataFrame, column: str, id_column: str = "id") -> str:
    """``FLHA-251201-… to FLHA-261130-…, dated 2025-12-01 to 2026-11-30``; a single record by its ID."""
    if frame.empty:
        return "none in the period"
    ordered = frame.sort_values([column, id_column], kind="stable", na_position="first")
    ids = [text(v, 40) for v in ordered[id_column]]
    dates = [fmt_date(v) for v in ordered[column] if fmt_date(v)]
    span = (f"{dates[0]} to {dates[-1]}" if dates[0] != dates[-1] else dates[0]) if dates else "undated"
    if len(ids) == 1:
        return f"{ids[0]}, dated {span}"
    return f"{ids[0]} to {ids[-1]}, dated {span}"


def row_refs(frame: pd.DataFrame, table_key: str) -> str:
    """``Program rows 2, 3 and 9`` / ``rows 2 to 40``: where office rows sit on their tab."""
    rows = sorted(int(r) for r in frame["row"]) if not frame.empty else []
    if not rows:
        return "no rows"
    title = BY_KEY[table_key].title
    if len(rows) == 1:
        return f"{title} row {rows[0]}"
    if len(rows) > 3:
        gaps = rows != list(range(rows[0], rows[-1] + 1))
        return f"{title} rows {rows[0]} to {rows[-1]}" + (f" ({len(rows)} rows)" if gaps else "")
    return f"{title} rows {', '.join(map(str, rows))}"


def _count(data: Dataset, n: int, *needs: str) -> str:
    """A count, or 'not read' (never 0) when a table it comes from was not found."""
    return NOT_READ if any(not data.has(k) for k in needs) else str(n)


def _n(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _line(data: Dataset, asks: str, n: int, needs: Sequence[str], detail: str, refs: str | Sequence[str],
          tables: Sequence[str] | None = None, shown: str | None = None, any_of: Sequence[str] = ()) -> EvidenceLine:
    """One evidence line; its count says 'not read' (and nothing else is claimed) when a table is missing.

    ``needs``: every one must be read; ``any_of``: at least one (those not read are named after the detail)."""
    count = _count(data, n, *needs)
    if any_of and not any(data.has(k) for k in any_of):
        count = NOT_READ
    lines = (refs,) if isinstance(refs, str) else tuple(refs)
    unread = [BY_KEY[k].title for k in any_of if not data.has(k)]
    if unread:
        detail += f" (not read: {', '.join(unread)})"
    if count == NOT_READ:
        detail, lines = "", ()
    return EvidenceLine(asks, shown if shown and count != NOT_READ else count, detail, lines,
                        where(data, *(tables or needs)))


def _form_refs(*frames: tuple[pd.DataFrame, str]) -> list[str]:
    """``id_refs`` of each non-empty (frame, date column), one line per form."""
    return [id_refs(f, c) for f, c in frames if not f.empty] or ["none in the period"]


def _documents(data: Dataset, kind: str, until: date) -> pd.DataFrame:
    """Program rows that are documents of this kind (checks.common.DOCUMENT_RULES), signed by ``until``."""
    program = data.table("program")
    if program.empty:
        return program
    mine = program[keys(program["document"]).map(lambda d: matches_document(d, kind)).astype(bool)]
    return mine[~(mine["signed_date"] > pd.Timestamp(until))]


def _document_line(data: Dataset, asks: str, kind: str, until: date) -> EvidenceLine:
    docs = _documents(data, kind, until).sort_values(["signed_date", "row"], na_position="first")
    if len(docs) > 1:  # several (one safe work procedure per task): names and dates; reviews are in the list
        detail = "; ".join(f"{text(r['document'], 80)} (signed {fmt_date(r['signed_date']) or 'undated'})"
                           for _, r in docs.iterrows())
    else:
        detail = "; ".join(
            f"{text(r['document'], 80)}: signed {fmt_date(r['signed_date']) or '(no date)'}"
            + (f" by {text(r['signed_by'], 60)}" if text(r["signed_by"]) else "")
            + (f", review date {fmt_date(r['review_date'])}" if fmt_date(r["review_date"]) else "")
            for _, r in docs.iterrows())
    return _line(data, asks, len(docs), ("program",), detail or "no Program row names one", row_refs(docs, "program"))


def documents_table(data: Dataset) -> Table:
    """Every program document with who signed it, when (the version on file), its review date and where it is."""
    program = data.table("program")
    rows = []
    for _, r in program.sort_values(["element", "row"], na_position="last").iterrows():
        el = pd.to_numeric(pd.Series([r["element"]]), errors="coerce").iloc[0]
        rows.append((text(r["document"], 120), f"{int(el)}" if pd.notna(el) else "—", r["signed_by"],
                     r["signed_date"], r["review_date"], r["link"], int(r["row"])))
    empty = "Program was not found in the records read." if not data.has("program") else "No program documents listed."
    return make_table("Program documents", ("Document", "Element", "Signed by", "Signed", "Review date", "Kept at",
                                            "Row"), rows, mono=(), empty=empty,
                      widths=("26%", "8%", "14%", "10%", "10%", "26%", "6%"))


def _element_documents(data: Dataset, asks: str, element: int, until: date) -> EvidenceLine:
    """The Program rows filed under an element (its Element column), for what no document rule names."""
    program = data.table("program")
    mine = program[(pd.to_numeric(program["element"], errors="coerce") == element)
                   & ~(program["signed_date"] > pd.Timestamp(until))] if not program.empty else program
    detail = "; ".join(f"{text(r['document'], 80)} (signed {fmt_date(r['signed_date']) or 'undated'})"
                       for _, r in mine.iterrows())
    return _line(data, asks, len(mine), ("program",), detail or f"no Program row for Element {element}",
                 row_refs(mine, "program"))


# --------------------------------------------------------------------------- the six elements


def _leadership(data: Dataset, settings: Settings, first: date, until: date) -> AuditorElement:
    managers = management_names(data, settings)
    workers = data.table("workers")
    who = ", ".join(dict.fromkeys(text(n, 60) for n in workers["name"][is_management(workers["role"], settings)]))
    talks = dated(data.table("toolbox_talk"), "date", first, until)
    mgmt_talks = talks[talks["management_present"].map(yes) | keys(talks["presenter"]).isin(managers)]
    ins = dated(data.table("workplace_inspection"), "date", first, until)
    mgmt_ins = ins[keys(ins["inspector"]).isin(managers)]
    inc = data.table("incident")
    inv_date = inc["investigation_date"].where(inc["investigation_date"].notna(), inc["incident_date"])
    inc = dated(inc.assign(_inv=inv_date), "_inv", first, until)
    mgmt_inv = inc[keys(inc["investigated_by"]).isin(managers)]
    activity = pd.concat([mgmt_talks[["id", "date"]], mgmt_ins[["id", "date"]],
                          mgmt_inv[["id", "_inv"]].rename(columns={"_inv": "date"})], ignore_index=True)
    months = pd.to_datetime(activity["date"]).dt.to_period("M").nunique() if not activity.empty else 0
    goals = data.table("goals")
    years = list(range(first.year, until.year + 1))
    year_goals = goals[pd.to_numeric(goals["year"], errors="coerce").isin(years)] if not goals.empty else goals
    with_target = int(year_goals["target"].map(lambda v: bool(text(v))).sum()) if not year_goals.empty else 0
    lines = (
        _document_line(data, "Safety policy, signed and dated by the owner or a senior manager", "Safety Policy",
                       until),
        _document_line(data, "Safety responsibilities assigned in writing", "Responsibilities", until),
        _line(data, "Management taking part: toolbox talks, site inspections, incident reviews", len(activity),
              ("workers",),
              f"{_n(len(mgmt_talks), 'toolbox talk')} with management present or presented by a manager, "
              f"{_n(len(mgmt_ins), 'workplace inspection')} and {_n(len(mgmt_inv), 'incident investigation')} by "
              f"a manager ({who or 'no management role on Workers'}); in {_n(months, 'month')} of the period",
              _form_refs((mgmt_talks, "date"), (mgmt_ins, "date"), (mgmt_inv, "_inv")),
              ("workers", "toolbox_talk", "workplace_inspection", "incident"),
              any_of=("toolbox_talk", "workplace_inspection", "incident")),
        _line(data, f"Safety goals and objectives for {', '.join(map(str, years))}", len(year_goals), ("goals",),
              f"{_n(len(year_goals), 'goal')}, {with_target} with a target", row_refs(year_goals, "goals")),
    )
    goal_table = make_table("Safety goals", ("Year", "Goal", "Target", "Status"),
                            [(r["year"], r["goal"], r["target"], r["status"]) for _, r in year_goals.iterrows()],
                            mono=(), empty="No goals recorded for these years.", widths=("8%", "52%", "25%", "15%"))
    return AuditorElement(1, ELEMENTS[1], "element-1", lines, (goal_table,))


def _hazards(data: Dataset, settings: Settings, first: date, until: date) -> AuditorElement:
    flha = dated(data.table("flha"), "date", first, until)
    signed = int(flha["worker_signature"].map(affirmative).sum()) if not flha.empty else 0
    reviewed = int(flha["supervisor_review"].map(affirmative).sum()) if not flha.empty else 0
    sites, workers = keys(flha["site"]).replace("", pd.NA).nunique(), keys(flha["worker"]).nunique()
    register = data.table("hazard_register")
    risks = register["risk"].value_counts() if not register.empty else pd.Series(dtype=int)
    controls = int(register["controls"].map(lambda v: bool(text(v))).sum()) if not register.empty else 0
    reviewed_in = dated(register, "reviewed", first, until)
    words = settings.audit.flha_training_words
    ori = data.table("orientation")
    ori = ori[~(ori["date"] > pd.Timestamp(until)) & mentions(ori["topics"], words)]
    tr = data.table("training_records")
    tr = tr[~(tr["completed"] > pd.Timestamp(until)) & mentions(tr["ticket"], words)]
    trained = set(keys(ori["worker"])) | set(keys(tr["worker"]))
    lines = (
        _document_line(data, "Written hazard identification procedure (how and when FLHAs are done)",
                       "Hazard Identification Procedure", until),
        _line(data, "Completed FLHAs: signed, dated, site-specific", len(flha), ("flha",),
              f"{signed} signed by the worker, {reviewed} reviewed by a supervisor; {_n(sites, 'site')}, "
              f"{_n(workers, 'worker')}", id_refs(flha, "date")),
        _line(data, "Hazard register with the hazards identified and their controls", len(register),
              ("hazard_register",),
              f"{int(risks.get('High', 0))} high, {int(risks.get('Medium', 0))} medium, {int(risks.get('Low', 0))} low "
              f"risk; {controls} with controls written; {len(reviewed_in)} reviewed in the period",
              row_refs(register, "hazard_register")),
        _line(data, "Workers trained on the FLHA process", len(ori) + len(tr), (),
              f"{_n(len(ori), 'orientation')} covering FLHAs, {_n(len(tr), 'training record')} for an FLHA course; "
              f"{_n(len(trained), 'person', 'people')} in all",
              ", ".join(text(i, 40) for i in ori["id"]) or "no orientation record",
              ("orientation", "training_records"), any_of=("orientation", "training_records")),
    )
    table = make_table(
        "Hazard register", ("Hazard ID", "Task", "Hazard", "Risk", "Controls", "Reviewed", "Status"),
        [(r["hazard_id"] or f"row {r['row']}", r["task"], r["hazard"], r["risk"], r["controls"], r["reviewed"],
          r["status"]) for _, r in register.iterrows()], cap=ROWS, limit=200,
        empty="Hazard Register was not found in the records read." if not data.has("hazard_register")
        else "The register has no rows.", widths=("9%", "16%", "22%", "8%", "23%", "10%", "12%"))
    return AuditorElement(2, ELEMENTS[2], "element-2", lines, (table,))


def _controls(data: Dataset, first: date, until: date) -> AuditorElement:
    ca = data.table("corrective_actions")
    raised = dated(ca, "raised", first, until)
    done = dated(ca, "completed", first, until)
    verified = dated(ca, "verified", first, until)
    period = pd.concat([raised, done]).drop_duplicates(subset="row").sort_values("raised", kind="stable") \
        if not ca.empty else ca
    register = data.table("hazard_register")
    high = register[register["risk"] == "High"] if not register.empty else register
    lines = (
        _document_line(data, "Corrective action process: from identified, to controlled, to verified",
                       "Corrective Action Procedure", until),
        _line(data, "Corrective actions completed, not only identified", len(period), ("corrective_actions",),
              f"{len(raised)} raised, {len(done)} completed and {len(verified)} verified in the period",
              id_refs(period, "raised", "action_id")),
        _document_line(data, "Safe work practices or procedures for high-risk tasks", "Safe Work Procedures", until),
        _document_line(data, "PPE requirements by job role", "PPE Requirements", until),
    )
    if data.has("hazard_register"):  # the tasks the safe work procedures are for
        lines = (*lines[:3], _line(data, "High-risk tasks named in the hazard register", len(high),
                                   ("hazard_register",), ", ".join(dict.fromkeys(text(t, 60) for t in high["task"])),
                                   row_refs(high, "hazard_register")), *lines[3:])
    table = make_table(
        "Corrective actions raised or completed in the period",
        ("Action ID", "Source", "Ref", "Description", "Assigned to", "Raised", "Completed", "Verified"),
        [(r["action_id"], r["source"], r["source_ref"], r["description"], r["assigned_to"], r["raised"],
          r["completed"], " ".join(x for x in (text(r["verified_by"], 60), fmt_date(r["verified"])) if x))
         for _, r in period.iterrows()], cap=ROWS, limit=200,
        empty="Corrective Actions was not found in the records read." if not data.has("corrective_actions")
        else "None in the period.", widths=("9%", "9%", "15%", "24%", "12%", "9%", "9%", "13%"), mono=(0, 2))
    return AuditorElement(3, ELEMENTS[3], "element-3", lines, (table,))


def _follow_ups(data: Dataset) -> dict[str, list[str]]:
    """record_key of a finding -> the Corrective Actions IDs linked to it (either way round)."""
    out: dict[str, list[str]] = {}
    links = action_links(data)
    for rid, aid in zip(links["record_id"], links["action_id"], strict=True):
        out.setdefault(record_key(rid), []).append(text(aid, 40))
    return out


def _inspections(findings: Findings, data: Dataset, settings: Settings, first: date, until: date,
                 ) -> AuditorElement:
    schedule = data.table("inspection_schedule")
    freq = schedule["frequency"].value_counts() if not schedule.empty else pd.Series(dtype=int)
    pre = dated(data.table("pre_start"), "date", first, until)
    ins = dated(data.table("workplace_inspection"), "date", first, until)
    ctx = AuditContext(data, settings, findings.as_of, findings.certifications, findings.deficiencies)
    coverage = inspection_coverage(ctx, pd.Timestamp(first), pd.Timestamp(until))
    rows = inspection_rows(coverage)
    done, expected = sum(r[1] for r in rows), sum(r[2] for r in rows)
    defects = prestart_defects(pre)
    with_def = ins[ins["deficiencies"].map(reports_defect).astype(bool)] if not ins.empty else ins
    follow = _follow_ups(data)
    found = [(r["id"], r["date"], "Pre-start", r["unit"], r["defects"] or "Defect reported", r["closed"])
             for _, r in defects.iterrows()]
    found += [(r["id"], r["date"], "Inspection", r["site"], r["deficiencies"], r["closed"])
              for _, r in with_def.iterrows()]
    found.sort(key=lambda f: (pd.Timestamp(f[1]) if pd.notna(f[1]) else pd.Timestamp.min, str(f[0])))
    followed = [(i, d, kind, at, what, ", ".join(follow.get(record_key(i), [])) or "—", closed)
                for i, d, kind, at, what, closed in found]
    with_follow = sum(1 for f in followed if f[5] != "—" or fmt_date(f[6]))
    lines = (
        _document_line(data, "Written inspection procedure", "Inspection Procedure", until),
        _line(data, "Documented inspection schedule: what is inspected and how often", len(schedule),
              ("inspection_schedule",),
              "by frequency: " + ", ".join(f"{int(n)} {str(f).lower()}" for f, n in freq.items()),
              row_refs(schedule, "inspection_schedule")),
        _line(data, "Completed equipment pre-start inspections", len(pre), ("pre_start",),
              f"{_n(keys(pre['unit']).nunique(), 'unit')}, {_n(keys(pre['operator']).nunique(), 'operator')}; "
              f"{len(defects)} reported a defect", id_refs(pre, "date")),
        _line(data, "Completed workplace inspections", len(ins), ("workplace_inspection",),
              f"{_n(keys(ins['site']).nunique(), 'site')}; {len(with_def)} noted deficiencies", id_refs(ins, "date")),
        _line(data, "Inspections against the schedule", done, ("inspection_schedule",),
              f"inspections recorded in {done} of the {expected} scheduled periods with work "
              f"(per item below)", "see the table below", ("inspection_schedule", "pre_start",
                                                           "workplace_inspection"), shown=f"{done} of {expected}"),
        _line(data, "Defects identified and their follow-up", len(followed), (),
              f"{with_follow} with a follow-up record (a linked corrective action or a Closed date)",
              _form_refs((defects, "date"), (with_def, "date")),
              ("pre_start", "workplace_inspection", "corrective_actions"), any_of=("pre_start", "workplace_inspection")),
    )
    cover = make_table(
        "Inspections recorded per scheduled item", ("Item", "Periods with work", "With an inspection", "Counted per"),
        [(item, exp, d, unit) for item, d, exp, unit in rows], mono=(), empty="No scheduled item had work due.",
        widths=("46%", "18%", "18%", "18%"),
        note="A period counts when the company had work in it (any form record); an inspection counts when a "
             "pre-start's Unit or a workplace inspection's Site or Area names the item.")
    table = make_table(
        "Defects found in the period and their follow-up",
        ("ID", "Date", "Type", "Unit or site", "Defect", "Follow-up record", "Closed"), followed, cap=ROWS,
        limit=200, empty="No defects recorded in the period.", widths=("15%", "9%", "11%", "14%", "27%", "15%", "9%"))
    return AuditorElement(4, ELEMENTS[4], "element-4", lines, (cover, table))


def _training(findings: Findings, data: Dataset, first: date, until: date) -> AuditorElement:
    matrix, records = data.table("training_matrix"), data.table("training_records")
    certs = findings.certifications
    current = int(certs["status"].isin(["Current", "Expiring"]).sum()) if not certs.empty else 0
    done_in = dated(records, "completed", first, until)
    ori_all = data.table("orientation")
    ori = dated(ori_all, "date", first, until)
    signed = int(ori["worker_signature"].map(affirmative).sum()) if not ori.empty else 0
    talks = dated(data.table("toolbox_talk"), "date", first, until)
    topics = keys(talks["topic"]).nunique()
    lines = (
        _line(data, "Training matrix: the tickets each role requires", len(matrix), ("training_matrix",),
              f"{_n(keys(matrix['role']).nunique(), 'role')}, {_n(keys(matrix['ticket']).nunique(), 'ticket')}",
              row_refs(matrix, "training_matrix")),
        _line(data, "Worker training records with completion dates", len(records), ("training_records",),
              f"{len(records)} on file for {_n(keys(records['worker']).nunique(), 'worker')}; {len(done_in)} "
              "completed in the period", row_refs(records, "training_records")),
        _line(data, f"Current certifications on file on {fmt_date(until)}", current,
              ("workers", "training_matrix", "training_records"),
              f"{current} of the {_n(len(certs), 'ticket')} the matrix requires of active workers",
              "the training records are listed below", ("training_records",)),
        _line(data, "New worker orientation records with sign-off", len(ori), ("orientation",),
              f"{signed} signed by the worker; {len(ori_all)} on file in all", id_refs(ori, "date")),
        _line(data, "Ongoing safety training: toolbox talks", len(talks), ("toolbox_talk",),
              f"{_n(topics, 'topic')}", id_refs(talks, "date")),
        _element_documents(data, "Written training and orientation program (Program rows for Element 5)", 5, until),
    )
    tables = (
        make_table("Training records on file", ("Worker", "Ticket", "Completed", "Expires", "Certificate no.",
                                                "Provider"),
                   [(r["worker"], r["ticket"], r["completed"], r["expires"], r["certificate_no"], r["provider"])
                    for _, r in records.sort_values(["worker", "ticket"], kind="stable").iterrows()],
                   cap=ROWS, mono=(), empty="No training records read.",
                   widths=("18%", "26%", "11%", "11%", "14%", "20%")),
        make_table("Orientations in the period", ("ID", "Date", "Worker", "Conducted by", "Worker signature"),
                   [(r["id"], r["date"], r["worker"], r["conducted_by"],
                     "Signed" if affirmative(r["worker_signature"]) else "—") for _, r in ori.iterrows()],
                   cap=ROWS, empty="None in the period.", widths=("20%", "12%", "25%", "25%", "18%")),
        make_table("Toolbox talks in the period", ("ID", "Date", "Topic", "Presenter", "Management present"),
                   [(r["id"], r["date"], r["topic"], r["presenter"], "Yes" if yes(r["management_present"]) else "No")
                    for _, r in talks.iterrows()],
                   cap=ROWS, empty="None in the period.", widths=("18%", "11%", "39%", "18%", "14%")),
    )
    return AuditorElement(5, ELEMENTS[5], "element-5", lines, tables)


def _incidents(data: Dataset, first: date, until: date) -> AuditorElement:
    inc = dated(data.table("incident"), "incident_date", first, until)
    types = inc["type"].value_counts() if not inc.empty else pd.Series(dtype=int)
    investigated = inc[inc["investigated_by"].map(lambda v: bool(text(v)))] if not inc.empty else inc
    rooted = int(inc["root_cause"].map(lambda v: bool(text(v))).sum()) if not inc.empty else 0
    shared = (inc["communicated_to_crew"].map(affirmative).astype(bool)
              | mentioned_in_talks(inc["id"], data.table("toolbox_talk"))) if not inc.empty else pd.Series(dtype=bool)
    ca, follow = data.table("corrective_actions"), _follow_ups(data)
    ids = {record_key(i) for i in inc["id"]}
    linked = {a for i in ids for a in follow.get(i, [])}
    # An incident's actions: those linked to an incident of the period, and those raised in it with Source Incident.
    in_period = ~(ca["raised"] > pd.Timestamp(until)) & ~(ca["raised"] < pd.Timestamp(first))
    inc_ca = ca[((ca["source"] == "Incident") & in_period) | ca["action_id"].map(lambda a: text(a, 40) in linked)]
    done = int(inc_ca["completed"].notna().sum()) if not inc_ca.empty else 0
    verified = int(inc_ca["verified"].notna().sum()) if not inc_ca.empty else 0
    kinds = ", ".join(f"{int(n)} {str(t).lower()}" for t, n in types.items())
    lines = (
        _document_line(data, "Written incident investigation procedure", "Incident Investigation Procedure", until),
        _line(data, "Incident and near-miss reports", len(inc), ("incident",), kinds or "none", id_refs(inc,
                                                                                                      "incident_date")),
        _line(data, "Completed investigations with the root cause", len(investigated), ("incident",),
              f"{len(investigated)} with an investigator named, {rooted} with a root cause written",
              id_refs(investigated, "incident_date")),
        _line(data, "Corrective actions following incidents", len(inc_ca), ("corrective_actions",),
              f"{done} completed, {verified} verified", id_refs(inc_ca, "raised", "action_id")),
        _line(data, "Incident findings communicated to the crew", int(shared.sum()), ("incident",),
              f"{int(shared.sum())} of {_n(len(inc), 'report')}: Communicated To Crew answered, or the incident "
              "ID named in a toolbox talk",
              id_refs(inc[shared], "incident_date") if not inc.empty else "none in the period"),
    )
    table = make_table(
        "Incidents and near misses in the period",
        ("ID", "Date", "Type", "Description", "Root cause", "Investigated", "Shared with crew"),
        [(r["id"], r["incident_date"], r["type"], r["description"], r["root_cause"],
          " ".join(x for x in (text(r["investigated_by"], 60), fmt_date(r["investigation_date"])) if x),
          text(r["communicated_to_crew"]) if affirmative(r["communicated_to_crew"])
          else ("In a toolbox talk" if shared.loc[i] else "—")) for i, r in inc.iterrows()],
        cap=ROWS, limit=200, empty="None in the period.", widths=("16%", "9%", "9%", "22%", "21%", "11%", "12%"))
    return AuditorElement(6, ELEMENTS[6], "element-6", lines, (table,))


# --------------------------------------------------------------------------- the whole copy

_FORMS = (("flha", "date", "FLHAs"), ("pre_start", "date", "Pre-starts"),
          ("workplace_inspection", "date", "Workplace inspections"), ("toolbox_talk", "date", "Toolbox talks"),
          ("orientation", "date", "Orientations"), ("incident", "incident_date", "Incidents"))


def _by_month(data: Dataset, period: Period, until: date) -> tuple[Table, Table]:
    """Records per form per month, and each month's first and last record ID per form."""
    months = [period.start.shift(i) for i in range(period.months)]
    counts, ranges = [], []
    for m in months:
        last = min(m.last, until)
        row: list[object] = [m.key]
        for key, column, title in _FORMS:
            recs = dated(data.table(key), column, m.first, last) if m.first <= until else data.table(key).iloc[0:0]
            row.append(str(len(recs)) if data.has(key) else NOT_READ)
            if len(recs):
                ranges.append((title, m.key, len(recs), id_refs(recs, column)))
        counts.append(row)
    totals: list[object] = ["Total"]
    for key, column, _ in _FORMS:  # the whole period: the counts the element sections give
        totals.append(str(len(dated(data.table(key), column, period.first, until))) if data.has(key) else NOT_READ)
    counts.append(totals)
    by_month = make_table("Records per month", ("Month", *(t for _, _, t in _FORMS)), counts, mono=(),
                          widths=("13%", "14%", "14%", "17%", "14%", "14%", "14%"))
    id_table = make_table("Record IDs per month", ("Form", "Month", "Records", "IDs and dates"), ranges, mono=(3,),
                          empty="No form records in the period.", widths=("18%", "10%", "9%", "63%"))
    return by_month, id_table


def _sources(data: Dataset) -> Table:
    rows = [(t.title, where(data, t.key), str(len(data.table(t.key))) if data.has(t.key) else "—")
            for t in BY_KEY.values()]
    return make_table("Where the records are kept", ("Table", "Tab (file)", "Rows used"), rows, mono=(),
                      widths=("28%", "56%", "16%"))


def _sections(findings: Findings, data: Dataset, settings: Settings, first: date, until: date,
              ) -> tuple[AuditorElement, ...]:
    return (
        _leadership(data, settings, first, until),
        _hazards(data, settings, first, until),
        _controls(data, first, until),
        _inspections(findings, data, settings, first, until),
        _training(findings, data, first, until),
        _incidents(data, first, until),
    )


def build_auditor_context(findings: Findings, data: Dataset, period: Period, *, generated_at: datetime,
                          settings: Settings | None = None, engine: str = "weasyprint") -> AuditorContext:
    """The auditor's copy as plain values. Pure: the same inputs give the same context."""
    settings = settings or Settings()
    until = min(findings.as_of, period.last)
    company = text(findings.company, 120) or "Company"
    by_month, id_table = _by_month(data, period, until)
    return AuditorContext(
        title=f"{company} SECOR evidence {period.key}",
        author=company,
        subject=f"Index of {company}'s health and safety records by SECOR element, {period.label}",
        keywords="SECOR, evidence, records, safety, Alberta",
        company=company, period=period.label, period_key=period.key, as_of=fmt_date(until),
        generated_at=f"{generated_at:%Y-%m-%d %H:%M} {generated_at.tzname() or ''}".strip(),
        partial=until < period.last, documents=documents_table(data), sources=_sources(data),
        elements=_sections(findings, data, settings, period.first, until), by_month=by_month, id_ranges=id_table,
        engine=engine)


def element_counts(context: AuditorContext) -> dict[int, tuple[tuple[str, str], ...]]:
    """(what is asked, count) per element: what a reader of the copy sees, for tests and summaries."""
    return {e.number: tuple((line.asks, line.count) for line in e.lines) for e in context.elements}
