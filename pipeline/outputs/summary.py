"""Plain-text summaries for the terminal: after a sync, and from `secor doctor`."""

from __future__ import annotations

from collections.abc import Sequence

from ..checks.audit import SELF_ASSESSMENT_NOTE, Findings
from ..normalise.dataset import Dataset
from ..schema import TABLES
from ..sources.base import Workbook


def urgent_items(findings: Findings, limit: int = 3) -> list[str]:
    """The most urgent things to fix, one line each: expired/missing tickets, overdue deficiencies, failed checks."""
    items: list[str] = []
    certs = findings.certifications
    for _, c in certs[certs["status"].isin(["Expired", "Missing"])].head(limit).iterrows():
        items.append(f"{c['worker']}: {c['ticket']} {str(c['status']).lower()}")
    defs = findings.deficiencies
    for _, d in defs[defs["status"] == "Overdue"].head(limit).iterrows():
        items.append(f"{d['id']}: overdue {d['source'].lower()} deficiency, {int(d['age_days'])} days old")
    for c in findings.checks:
        if c.status == "Fail":
            items.append(f"{c.title}: {c.detail}")
    return items[:limit]


def summary_text(findings: Findings, dataset: Dataset, written: Sequence[str]) -> str:
    """What a person reads after `secor sync`."""
    lines = [f"{findings.company}: SECOR readiness as of {findings.as_of.isoformat()}"]
    if dataset.source_problems:
        lines.append("INCOMPLETE: part of the records could not be read, so these figures miss them:")
        lines.extend(f"  - {p}" for p in dataset.source_problems)
    for e in findings.elements:
        lines.append(f"  Element {e.element} {e.name:<52} {round(100 * e.readiness):>3}%")
    verdict = "meets" if findings.meets_pass_rule else "does not meet"
    lines.append(f"  Overall {round(100 * findings.overall)}%: {verdict} the Partners' rule "
                 f"({round(100 * findings.pass_overall)}% overall, {round(100 * findings.pass_element)}% per element).")
    lines.append(f"  ({SELF_ASSESSMENT_NOTE})")
    c = findings.shown  # "3", or "not read: no Training Records" when a table it needs was not read
    tickets = (f"Tickets: {c('expired_tickets')} expired, {c('missing_tickets')} missing, "
               f"{c('expiring_tickets')} expiring." if findings.counts.get("expired_tickets") is not None
               else f"Tickets: {c('expired_tickets')}.")
    defs = (f"Deficiencies: {c('open_deficiencies')} open, {c('overdue_deficiencies')} overdue."
            if findings.counts.get("open_deficiencies") is not None else f"Deficiencies: {c('open_deficiencies')}.")
    lines.append(f"{tickets} {defs} Near misses (12 months): {c('near_misses')}. Data issues: {c('data_issues')}.")
    urgent = urgent_items(findings)
    if urgent:
        lines.append("Most urgent:")
        lines.extend(f"  - {u}" for u in urgent)
    rows = sum(s.rows_read for s in dataset.status.values())
    lines.append(f"Read {rows} rows from {sum(1 for s in dataset.status.values() if s.usable)} tables.")
    unusable = [s.title for s in dataset.status.values() if not s.usable]
    if unusable:
        lines.append(f"Not read (missing, or a required column missing): {', '.join(unusable)}. "
                     "The checks that need them fail; `secor doctor` says what to add.")
    lines.append("Wrote:")
    lines.extend(f"  {w}" for w in written)
    return "\n".join(lines)


def doctor_text(source: str, workbook: Workbook, dataset: Dataset) -> tuple[str, bool]:
    """Table by table: found where, rows, missing required columns.

    ``ok`` is False when anything required is missing.
    """
    lines = [f"Source: {source}"]
    for what, state in workbook.opened:
        lines.append(f"  {what}: {state}")
    for problem in workbook.problems:
        lines.append(f"  problem: {problem}")
    ok = not workbook.problems
    lines.append("")
    for table in TABLES:
        st = dataset.status[table.key]
        if st.found_as is None:
            ok = False
            lines.append(f"MISSING  {table.title}: no tab named '{table.title}' (or an alias/configured name).")
            continue
        if st.missing_columns:
            ok = False
            lines.append(f"MISSING  {table.title} in {st.found_as}: required column(s) "
                         f"{', '.join(st.missing_columns)} not found; headers seen: "
                         f"{', '.join(h for h in st.headers if h) or '(none)'}")
            continue
        extra = f"; ignored columns: {', '.join(st.unused_headers)}" if st.unused_headers else ""
        lines.append(f"ok       {table.title} in {st.found_as}: {st.rows_read} rows, {st.rows_used} used, "
                     f"{st.rows_rejected} not used{extra}")
    issues = dataset.issues
    notes = issues[(issues["severity"] == "warning") & (issues["row"].isna())]
    if len(notes):
        lines.append("")
        lines.append("Worth a look:")
        lines.extend(f"  {p}" for p in notes["problem"])
    lines.append("")
    lines.append(f"Data issues: {len(issues)} ({int((issues['severity'] == 'rejected').sum())} rows not used). "
                 "`secor sync` lists them on Dashboard - Data Issues.")
    return "\n".join(lines), ok
