"""One action for each check that does not pass and that no record-level action settles."""

from __future__ import annotations

from datetime import date, timedelta

from ..checks.audit import Findings
from ..checks.base import CERTIFICATE, PASS, CheckResult
from ..checks.certificate import AuditCalendar
from ..normalise.dataset import Dataset
from ..schema import BY_KEY
from ..settings import Settings
from . import people, places
from .model import CERTIFICATE_KIND, DOCUMENT, RECORDS, PlanAction

# What to do for each check, in the office's words; the check's own detail follows.
TODO: dict[str, str] = {
    "E1.1": "Have the Safety Policy signed and dated by an active manager",
    "E1.2": "Put everyone's safety responsibilities in writing",
    "E1.3": "Have a manager take part in a safety activity every month",
    "E1.4": "Record this year's safety goals, each with a target",
    "E2.1": "File the written hazard identification procedure",
    "E2.2": "Keep FLHAs on file for every month with work",
    "E2.3": "Have unsigned FLHAs signed, and reviewed by a supervisor",
    "E2.4": "Make FLHAs site-specific: name the site and its own hazards",
    "E2.5": "Review the hazard register",
    "E2.6": "Train every worker on the FLHA process",
    "E3.1": "File the written corrective action procedure",
    "E3.2": "Complete and verify the corrective actions",
    "E3.3": "Write safe work procedures for the high-risk tasks",
    "E3.4": "Document PPE requirements by role",
    "E4.1": "Document the inspection schedule",
    "E4.2": "Do the scheduled inspections",
    "E4.3": "Record a follow-up for every defect found",
    "E5.1": "Name specific tickets in the training matrix",
    "E5.2": "Get the required tickets current",
    "E5.3": "Record a signed orientation for every active worker",
    "E5.4": "Hold toolbox talks at least every two weeks, on new topics",
    "E6.1": "File the written incident investigation procedure",
    "E6.2": "Encourage and record near-miss reports",
    "E6.3": "Record real root causes for incidents",
    "E6.4": "Complete the incident corrective actions",
    "E6.5": "Tell the crew about each incident and record it",
    "S.1": "Plan the move to COR: over the small-employer limit, SECOR no longer applies",
    "S.2": "Book the next SECOR audit with {partner}",
    "S.3": "Have an active worker hold {partner}'s tickets ({tickets})",
}
# The table an action on each check is done in (where to look or add a row).
TABLE: dict[str, str] = {
    "E1.1": "program", "E1.2": "program", "E1.3": "toolbox_talk", "E1.4": "goals", "E2.1": "program",
    "E2.2": "flha", "E2.3": "flha", "E2.4": "flha", "E2.5": "hazard_register", "E2.6": "training_records",
    "E3.1": "program", "E3.2": "corrective_actions", "E3.3": "program", "E3.4": "program",
    "E4.1": "inspection_schedule", "E4.2": "workplace_inspection", "E4.3": "corrective_actions",
    "E5.1": "training_matrix", "E5.2": "training_records", "E5.3": "orientation", "E5.4": "toolbox_talk",
    "E6.1": "program", "E6.2": "incident", "E6.3": "incident", "E6.4": "corrective_actions",
    "E6.5": "incident", "S.1": "workers", "S.2": "program", "S.3": "training_records",
}
# How an action on a check is closed, where "fix it and sync" is not enough to say.
CLOSE: dict[str, str] = {
    "E1.1": "add a Program row for the policy with Signed By (an active manager) and Signed Date",
    "E1.3": "record the manager on a toolbox talk (Management Present), an inspection or an investigation each month",
    "E1.4": "add a Goals row for this year with a Target",
    "E2.2": "file the month's FLHAs (paper ones scanned in count), or note there was no work that month",
    "E2.3": "make the signature and supervisor review required questions on the FLHA form, and sign the ones listed",
    "E2.4": "have crews name the site (LSD or address) and write its own hazards on each FLHA",
    "E2.5": "fill Reviewed with the date of review on each Hazard Register row",
    "E3.3": "add a Program row 'Safe Work Procedure - <task>' for each high-risk task named",
    "E4.2": "submit the inspections the schedule calls for, or correct the schedule's Frequency",
    "E5.1": "replace the vague ticket names with the ticket's name (e.g. 'H2S Alive')",
    "E5.3": "submit an orientation (with the worker's signature) for each worker named",
    "E5.4": "hold the talk on a new topic, with its own notes",
    "E6.2": "ask crews to report near misses on the incident form (type Near Miss)",
    "S.1": "talk to your Certifying Partner about moving to COR",
    "S.2": "book the audit; once held, add a Program row 'SECOR Maintenance Audit <year>' with its Signed Date",
}
_DOCUMENT_CHECKS = frozenset({"E1.1", "E1.2", "E2.1", "E3.1", "E3.3", "E3.4", "E6.1"})
_FLHA_CHECKS = frozenset({"E2.3", "E2.4"})


def check_actions(findings: Findings, data: Dataset, settings: Settings, as_of: date,
                  lead: tuple[str | None, str], calendar: AuditCalendar | None,
                  settled: set[str]) -> list[PlanAction]:
    """An action for every check that is not passed and not in ``settled`` (check ids record actions clear)."""
    refs = {r for c in findings.checks for r in c.records}
    form_ids = places.form_id_index(data, refs)
    todo = [c for c in findings.checks if c.status != PASS and c.id not in settled]
    unread: dict[str, list[CheckResult]] = {}
    for check in todo:
        if check.unread_table:
            unread.setdefault(BY_KEY[check.unread_table].title, []).append(check)
    out = [_table_action(title, checks, data, settings, as_of, lead) for title, checks in unread.items()]
    for check in todo:
        if check.unread_table:
            continue
        who, who_from = _owner(check, data, as_of, lead, form_ids)
        due, due_from = _due(check, settings, as_of, calendar)
        table = TABLE.get(check.id, "program")
        shown = [_place(data, r, form_ids, table) for r in check.records[:3]]
        where = "; ".join(shown) + (f" (+{len(check.records) - 3} more)" if len(check.records) > 3 else "")
        detail = check.detail if len(check.detail) <= 220 else check.detail[:219] + "\u2026"
        out.append(PlanAction(
            key=f"check|{check.id}", tier=0, kind=_kind(check), what=f"{_todo(check, settings)}: {detail}",
            who=who, who_from=who_from, decider="" if who else people.decider(*lead), due=due, due_from=due_from,
            where=where or places.add_row(data, table),
            close=CLOSE.get(check.id, f"fix it in {places.tab_of(data, table)}"),  # judged again at the next sync
            clears=(check.id,), records=check.records, element=check.element))
    return out


def _table_action(title: str, checks: list[CheckResult], data: Dataset, settings: Settings, as_of: date,
                  lead: tuple[str | None, str]) -> PlanAction:
    """A table that was not read is one thing to do, whatever number of checks cannot run without it."""
    who, who_from = people.lead_who(*lead)
    days = settings.audit.action_days_fail
    ids = [c.id for c in checks]
    return PlanAction(
        key=f"table|{title.casefold()}", tier=0, kind=RECORDS,
        what=f"Give the pipeline the {title} table: it was not found, so {', '.join(ids)} cannot be judged",
        who=who, who_from=who_from, decider="" if who else people.decider(*lead),
        due=as_of + timedelta(days=days), due_from=f"[audit] action_days_fail: {days} days",
        where="run `secor doctor`: it says which tab it looked for and the [tables] line to map yours",
        close=f"add or map the {title} tab; {', '.join(ids)} are judged at the next sync",
        clears=tuple(ids), element=min(c.element for c in checks) if checks else 0)


def _todo(check: CheckResult, settings: Settings) -> str:
    audit = settings.audit
    return TODO.get(check.id, check.name).format(partner=audit.partner, tickets=" and ".join(audit.partner_tickets))


def _place(data: Dataset, reference: str, form_ids: dict[str, tuple[str, int]], table: str) -> str:
    """Where a reference is; a reference that is not a row ('2026-08', a name) is shown on its table's tab."""
    place = places.of_reference(data, reference, form_ids)
    return place if place != reference else f"{places.tab_of(data, table)}: {reference}"


def _kind(check: CheckResult) -> str:
    if check.element == CERTIFICATE and check.id != "S.3":
        return CERTIFICATE_KIND
    return DOCUMENT if check.id in _DOCUMENT_CHECKS else RECORDS


def _owner(check: CheckResult, data: Dataset, as_of: date, lead: tuple[str | None, str],
           form_ids: dict[str, tuple[str, int]]) -> tuple[str | None, str]:
    if check.id in _DOCUMENT_CHECKS:
        signer = _signer(check, data, as_of)
        if signer:
            return signer, "signed the document"
    if check.id in _FLHA_CHECKS:
        flha = data.table("flha")
        ids = [r for r in check.records if form_ids.get(r, ("",))[0] == "flha"]
        sup = people.supervisor_of(data, flha.loc[flha["id"].isin(ids), "worker"], as_of)
        if sup:
            return sup, "supervises the workers of these FLHAs"
    return people.lead_who(*lead)


def _signer(check: CheckResult, data: Dataset, as_of: date) -> str | None:
    """The active signer of the Program row a document check names (a signer who left cannot re-sign)."""
    program = data.table("program")
    active = people.active_names(data, as_of)
    for ref in check.records:
        if not ref.startswith("Program row "):
            continue
        hit = program[program["row"].astype(str) == ref.removeprefix("Program row ")]
        if not hit.empty:
            name = people.named(hit.iloc[0]["signed_by"])
            if name and " ".join(name.split()).casefold() in {n.casefold() for n in active.values()}:
                return name
    return None


def _due(check: CheckResult, settings: Settings, as_of: date,
         calendar: AuditCalendar | None) -> tuple[date, str]:
    audit = settings.audit
    if check.id == "S.2" and calendar is not None and calendar.next_title.endswith("maintenance audit"):
        start, end = calendar.next_start.date(), calendar.next_end.date()
        if as_of > end:
            return end, f"the {calendar.next_title} was due by {end.isoformat()} (S.2)"
        return start, f"the {calendar.next_title} is due in {start:%Y-%m} (S.2)"
    if check.id == "S.2" and calendar is not None:
        return calendar.expiry.date(), "the certificate's expiry (S.2)"
    if check.element == CERTIFICATE and check.id != "S.3":
        days, rule = audit.action_days_certificate, "action_days_certificate"
    elif check.status == "Fail":
        days, rule = audit.action_days_fail, "action_days_fail"
    else:
        days, rule = audit.action_days_warn, "action_days_warn"
    return as_of + timedelta(days=days), f"[audit] {rule}: {days} days"
