"""Element 3: Hazard Controls."""

from __future__ import annotations

from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result
from .common import document_check, documents, graded, keys, missing_table, plural, refs, text_key
from .deficiencies import AWAITING, OPEN, OVERDUE, all_findings
from .registry import check

# Words that do not identify a task: "Safe Work Procedure - Working at Heights" is about "heights".
_FILLER = frozenset({
    "and", "the", "for", "with", "from", "into", "onto", "of", "on", "in", "at", "to", "a", "an", "or",
    "safe", "work", "working", "job", "procedure", "procedures", "practice", "practices", "swp", "sjp",
    "task", "tasks", "operation", "operations", "operating",
})
_STEM = 4  # words compare by their first 4 letters: "excavating" ~ "excavation", "lifts" ~ "lifting"


def _stems(key: str) -> set[str]:
    return {w[:_STEM] for w in key.split() if w not in _FILLER and len(w) >= 3}


@check("E3.1", 3, "Written corrective action procedure")
def corrective_action_procedure(ctx: AuditContext) -> CheckResult:
    """A dated Program row whose Document mentions corrective action(s)."""
    return document_check("E3.1", ctx, "Corrective Action Procedure")


@check("E3.2", 3, "Corrective actions completed, none overdue, completed ones verified")
def corrective_actions_done(ctx: AuditContext) -> CheckResult:
    """From the open deficiencies (every source, see deficiencies.py): Fail when any is Overdue, Warn when
    any is completed but not verified, or when there is nothing to judge (no finding and no corrective action
    on record by as-of); Pass otherwise."""
    missing = missing_table("E3.2", ctx.data, "corrective_actions")
    if missing:
        return missing
    ca = ctx.data.table("corrective_actions")
    ca = ca[ca["raised"] <= ctx.as_of_ts]
    completed = int((ca["completed"] <= ctx.as_of_ts).sum())
    found = all_findings(ctx.data, ctx.settings)["found"]
    n_findings = int((~(found > ctx.as_of_ts)).sum())
    if ca.empty and n_findings == 0:
        return result("E3.2", WARN, "no findings and no corrective actions on record: nothing to judge")
    defs = ctx.deficiencies
    overdue = defs[defs["status"] == OVERDUE]
    awaiting = defs[defs["status"] == AWAITING]
    open_ = defs[defs["status"] == OPEN]
    detail = (f"{completed} of {plural(len(ca), 'corrective action')} completed; "
              f"{plural(len(overdue), 'deficiency', 'deficiencies')} overdue, {len(awaiting)} completed but not "
              f"verified, {len(open_)} open within their due date")
    status = FAIL if len(overdue) else WARN if len(awaiting) else PASS
    return result("E3.2", status, detail, [*overdue["id"], *awaiting["id"]])


@check("E3.3", 3, "Safe work procedures for high-risk tasks")
def safe_work_procedures(ctx: AuditContext) -> CheckResult:
    """Every distinct Task with a High risk row in the hazard register has a Program row that is a safe work
    procedure (e.g. 'SWP - Trenching') naming it: every word of the task (filler words aside) matches the
    first 4 letters of a word of that document."""
    missing = missing_table("E3.3", ctx.data, "hazard_register", "program")
    if missing:
        return missing
    register = ctx.data.table("hazard_register")
    high = register[(register["risk"] == "High") & ~(register["identified"] > ctx.as_of_ts)]
    high = high.assign(task_key=keys(high["task"]))
    high = high[high["task_key"] != ""].drop_duplicates("task_key")
    if high.empty:
        return result("E3.3", WARN, "no High risk task in the hazard register: no safe work procedure to judge "
                                    "(is every hazard's Risk filled in?)")
    procedures = [_stems(text_key(d)) for d in documents(ctx.data.table("program"), "Safe Work Procedures",
                                                           ctx)["document"]]
    covered = high["task_key"].map(lambda t: any(_stems(t) <= p for p in procedures if p)).astype(bool)
    without = high[~covered]
    n_covered = int(covered.sum())
    detail = (f"{n_covered} of {plural(len(high), 'High risk task')} {'has' if n_covered == 1 else 'have'} "
              "a safe work procedure")
    if not without.empty:
        detail += "; none for " + ", ".join(without["task"].head(10)) + (" …" if len(without) > 10 else "")
    return result("E3.3", graded(len(without), len(high), ctx.settings.audit.shortfall_warn_share), detail,
                  refs(without, "hazard_register"))


@check("E3.4", 3, "PPE requirements documented by role")
def ppe_requirements(ctx: AuditContext) -> CheckResult:
    """A dated Program row for PPE requirements ('PPE', 'Personal Protective Equipment'). Whether it is
    written by role is for the reader: the records cannot show it."""
    return document_check("E3.4", ctx, "PPE Requirements")

