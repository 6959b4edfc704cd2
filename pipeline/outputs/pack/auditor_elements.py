"""The auditor's copy's six sections: per SECOR element, the evidence lines and the tables of records.

What an auditor asks to see per element (the seeds' checklists), counted over the period from the
Dataset; facts only, no verdicts. Pure: Findings + Dataset + dates in, frozen values out.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ...checks.audit import Findings
from ...checks.base import ELEMENTS, AuditContext
from ...checks.common import is_management, keys, management_names, mentions
from ...checks.element4 import inspection_coverage
from ...normalise.dataset import Dataset
from ...normalise.links import action_links, record_key
from ...settings import Settings
from .auditor_lines import (
    ROWS,
    AuditorElement,
    dated,
    document_line,
    element_documents,
    form_refs,
    id_refs,
    line,
    n_of,
    on_file,
    row_refs,
)
from .evidence import inspection_rows
from .model import make_table
from .records import affirmative, mentioned_in_talks, prestart_defects, reports_defect
from .values import fmt_date, text, yes


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
        document_line(data, "Safety policy, signed and dated by the owner or a senior manager", "Safety Policy",
                      until),
        document_line(data, "Safety responsibilities assigned in writing", "Responsibilities", until),
        line(data, "Management taking part: toolbox talks, site inspections, incident reviews", len(activity),
             ("workers",),
             f"{n_of(len(mgmt_talks), 'toolbox talk')} with management present or presented by a manager, "
             f"{n_of(len(mgmt_ins), 'workplace inspection')} and {n_of(len(mgmt_inv), 'incident investigation')} by "
             f"a manager ({who or 'no management role on Workers'}); in {n_of(months, 'month')} of the period",
             form_refs((mgmt_talks, "date"), (mgmt_ins, "date"), (mgmt_inv, "_inv")),
             ("workers", "toolbox_talk", "workplace_inspection", "incident"),
             any_of=("toolbox_talk", "workplace_inspection", "incident")),
        line(data, f"Safety goals and objectives for {', '.join(map(str, years))}", len(year_goals), ("goals",),
             f"{n_of(len(year_goals), 'goal')}, {with_target} with a target", row_refs(year_goals, "goals")),
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
    register = on_file(data.table("hazard_register"), "identified", until)
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
        document_line(data, "Written hazard identification procedure (how and when FLHAs are done)",
                      "Hazard Identification Procedure", until),
        line(data, "Completed FLHAs: signed, dated, site-specific", len(flha), ("flha",),
             f"{signed} signed by the worker, {reviewed} reviewed by a supervisor; {n_of(sites, 'site')}, "
             f"{n_of(workers, 'worker')}", id_refs(flha, "date")),
        line(data, "Hazard register with the hazards identified and their controls", len(register),
             ("hazard_register",),
             f"{int(risks.get('High', 0))} high, {int(risks.get('Medium', 0))} medium, {int(risks.get('Low', 0))} low "
             f"risk; {controls} with controls written; {len(reviewed_in)} reviewed in the period",
             row_refs(register, "hazard_register")),
        line(data, "Workers trained on the FLHA process", len(ori) + len(tr), (),
             f"{n_of(len(ori), 'orientation')} covering FLHAs, {n_of(len(tr), 'training record')} for an FLHA course; "
             f"{n_of(len(trained), 'person', 'people')} in all",
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
    register = on_file(data.table("hazard_register"), "identified", until)
    high = register[register["risk"] == "High"] if not register.empty else register
    lines = (
        document_line(data, "Corrective action process: from identified, to controlled, to verified",
                      "Corrective Action Procedure", until),
        line(data, "Corrective actions completed, not only identified", len(period), ("corrective_actions",),
             f"{len(raised)} raised, {len(done)} completed and {len(verified)} verified in the period",
             id_refs(period, "raised", "action_id")),
        document_line(data, "Safe work practices or procedures for high-risk tasks", "Safe Work Procedures", until),
        document_line(data, "PPE requirements by job role", "PPE Requirements", until),
    )
    if data.has("hazard_register"):  # the tasks the safe work procedures are for
        lines = (*lines[:3], line(data, "High-risk tasks named in the hazard register", len(high),
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
        document_line(data, "Written inspection procedure", "Inspection Procedure", until),
        line(data, "Documented inspection schedule: what is inspected and how often", len(schedule),
             ("inspection_schedule",),
             "by frequency: " + ", ".join(f"{int(n)} {str(f).lower()}" for f, n in freq.items()),
             row_refs(schedule, "inspection_schedule")),
        line(data, "Completed equipment pre-start inspections", len(pre), ("pre_start",),
             f"{n_of(keys(pre['unit']).nunique(), 'unit')}, {n_of(keys(pre['operator']).nunique(), 'operator')}; "
             f"{len(defects)} reported a defect", id_refs(pre, "date")),
        line(data, "Completed workplace inspections", len(ins), ("workplace_inspection",),
             f"{n_of(keys(ins['site']).nunique(), 'site')}; {len(with_def)} noted deficiencies", id_refs(ins, "date")),
        line(data, "Inspections against the schedule", done, ("inspection_schedule",),
             f"inspections recorded in {done} of the {expected} scheduled periods with work "
             f"(per item below)", "see the table below", ("inspection_schedule", "pre_start",
                                                          "workplace_inspection"), shown=f"{done} of {expected}"),
        line(data, "Defects identified and their follow-up", len(followed), (),
             f"{with_follow} with a follow-up record (a linked corrective action or a Closed date)",
             form_refs((defects, "date"), (with_def, "date")),
             ("pre_start", "workplace_inspection", "corrective_actions"),
             any_of=("pre_start", "workplace_inspection")),
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
    matrix, records = data.table("training_matrix"), on_file(data.table("training_records"), "completed", until)
    certs = findings.certifications
    current = int(certs["status"].isin(["Current", "Expiring"]).sum()) if not certs.empty else 0
    done_in = dated(records, "completed", first, until)
    ori_all = data.table("orientation")
    ori = dated(ori_all, "date", first, until)
    signed = int(ori["worker_signature"].map(affirmative).sum()) if not ori.empty else 0
    talks = dated(data.table("toolbox_talk"), "date", first, until)
    topics = keys(talks["topic"]).nunique()
    lines = (
        line(data, "Training matrix: the tickets each role requires", len(matrix), ("training_matrix",),
             f"{n_of(keys(matrix['role']).nunique(), 'role')}, {n_of(keys(matrix['ticket']).nunique(), 'ticket')}",
             row_refs(matrix, "training_matrix")),
        line(data, "Worker training records with completion dates", len(records), ("training_records",),
             f"{len(records)} on file for {n_of(keys(records['worker']).nunique(), 'worker')}; {len(done_in)} "
             "completed in the period", row_refs(records, "training_records")),
        line(data, f"Current certifications on file on {fmt_date(until)}", current,
             ("workers", "training_matrix", "training_records"),
             f"{current} of the {n_of(len(certs), 'ticket')} the matrix requires of active workers",
             "the training records are listed below", ("training_records",)),
        line(data, "New worker orientation records with sign-off", len(ori), ("orientation",),
             f"{signed} signed by the worker; {len(ori_all)} on file in all", id_refs(ori, "date")),
        line(data, "Ongoing safety training: toolbox talks", len(talks), ("toolbox_talk",),
             f"{n_of(topics, 'topic')}", id_refs(talks, "date")),
        element_documents(data, "Written training and orientation program (Program rows for Element 5)", 5, until),
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
    done = int((inc_ca["completed"] <= pd.Timestamp(until)).sum()) if not inc_ca.empty else 0
    verified = int((inc_ca["verified"] <= pd.Timestamp(until)).sum()) if not inc_ca.empty else 0
    kinds = ", ".join(f"{int(n)} {str(t).lower()}" for t, n in types.items())
    lines = (
        document_line(data, "Written incident investigation procedure", "Incident Investigation Procedure", until),
        line(data, "Incident and near-miss reports", len(inc), ("incident",), kinds or "none",
             id_refs(inc, "incident_date")),
        line(data, "Completed investigations with the root cause", len(investigated), ("incident",),
             f"{len(investigated)} with an investigator named, {rooted} with a root cause written",
             id_refs(investigated, "incident_date")),
        line(data, "Corrective actions following incidents", len(inc_ca), ("corrective_actions",),
             f"{done} completed, {verified} verified", id_refs(inc_ca, "raised", "action_id")),
        line(data, "Incident findings communicated to the crew", int(shared.sum()), ("incident",),
             f"{int(shared.sum())} of {n_of(len(inc), 'report')}: Communicated To Crew answered, or the incident "
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


def element_sections(findings: Findings, data: Dataset, settings: Settings, first: date, until: date,
                     ) -> tuple[AuditorElement, ...]:
    """The six sections in element order."""
    return (
        _leadership(data, settings, first, until),
        _hazards(data, settings, first, until),
        _controls(data, first, until),
        _inspections(findings, data, settings, first, until),
        _training(findings, data, first, until),
        _incidents(data, first, until),
    )
