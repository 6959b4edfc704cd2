"""Plain-text summaries for the terminal: after a sync, and from `secor doctor`."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ..checks.audit import SELF_ASSESSMENT_NOTE, Findings
from ..normalise.dataset import Dataset
from ..normalise.discovery import BY_BOOK, BY_HEADERS, BY_NAME, CONFIGURED
from ..normalise.values import unmapped_values_text
from ..schema import BY_KEY, TABLES
from ..settings import Settings, toml_string
from ..sources.base import Workbook

URGENT_LINES = 5  # actions of the plan printed after a sync


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
    top = findings.plan.top(URGENT_LINES)
    if top:
        lines.append(f"Most urgent ({len(findings.plan)} actions in all, on Dashboard - Actions):")
        lines.extend(f"  {a.rank}. {a.line(findings.as_of)}" for a in top)
    rows = sum(s.rows_read for s in dataset.status.values())
    lines.append(f"Read {rows} rows from {sum(1 for s in dataset.status.values() if s.usable)} tables.")
    unusable = [s.title for s in dataset.status.values() if not s.usable]
    if unusable:
        lines.append(f"Not read (missing, or a required column missing): {', '.join(unusable)}. "
                     "The checks that need them fail; `secor doctor` says what to add.")
    lines.append("Wrote:")
    lines.extend(f"  {w}" for w in written)
    return "\n".join(lines)


_HOW = {CONFIGURED: "as configured", BY_NAME: "by its tab name", BY_BOOK: "by its spreadsheet's name",
        BY_HEADERS: "recognised from its headers", f"grid {CONFIGURED}": "as configured",
        f"grid {BY_NAME}": "by its tab name", f"grid {BY_HEADERS}": "recognised from its layout"}
_GUESSED = (BY_BOOK, BY_HEADERS, f"grid {BY_HEADERS}")  # found without a name: worth pinning


def header_suggestion(table_key: str, missing_title: str, unused: Sequence[str]) -> str | None:
    """A ready-to-paste ``[headers.<table>]`` line for a required column: the closest unused header, if any."""
    table = BY_KEY[table_key]
    column = next(c for c in table.columns if c.title == missing_title)
    if not unused:
        return None
    names = [h.casefold() for h in unused]
    # A header close to one of the column's wordings, else the header closest to its title.
    by_alias = [m for a in column.aliases for m in difflib.get_close_matches(a.casefold(), names, n=1, cutoff=0.6)]
    best = by_alias[-1] if by_alias else difflib.get_close_matches(missing_title.casefold(), names, n=1, cutoff=0)[0]
    pick = unused[names.index(best)]
    return f"[headers.{table_key}]\n{column.key} = [{toml_string(pick)}]"


def _table_lines(dataset: Dataset) -> tuple[list[str], list[str], bool]:
    """One line per table, and the config lines that would pin or fix what was guessed."""
    lines: list[str] = []
    pins: list[str] = []
    ok = True
    for table in TABLES:
        st = dataset.status[table.key]
        if st.found_as is None:
            ok = False
            lines.append(f"MISSING  {table.title}: no tab named '{table.title}' (or an alias or configured name), "
                         "and no tab has its columns.")
            continue
        how = _HOW.get(st.found_by, st.found_by)
        sure = "" if st.confidence in ("sure", "") else f", {st.confidence}"
        where = f"{table.title} in {st.found_as} ({how}{sure})"
        if st.found_by in _GUESSED and st.pin not in pins:
            pins.append(st.pin)
        if st.missing_columns:
            ok = False
            lines.append(f"MISSING  {where}: required column(s) {', '.join(st.missing_columns)} not found; "
                         f"headers seen: {', '.join(h for h in st.headers if h) or '(none)'}")
            for title in st.missing_columns:
                line = header_suggestion(table.key, title, st.unused_headers)
                if line:
                    lines.append(f"         if '{title}' is one of those, add to the config:")
                    lines.extend(f"           {x}" for x in line.split("\n"))
            continue
        extra = f"; ignored columns: {', '.join(st.unused_headers)}" if st.unused_headers else ""
        header = f"; header on row {st.header_row}" if st.header_row != 1 else ""
        lines.append(f"ok       {where}: {st.rows_read} rows, {st.rows_used} used, "
                     f"{st.rows_rejected} not used{header}{extra}")
    return lines, pins, ok


def doctor_text(source: str, workbook: Workbook, dataset: Dataset, access: Sequence[str] = (),
                settings: Settings | None = None) -> tuple[str, bool]:
    """Table by table: found where and how (how sure), rows, missing required columns, config lines to paste.

    ``ok`` is False when anything required is missing, or the Dashboard tabs cannot be written
    (``access``: what the source says about that, Google mode only).
    """
    lines = [f"Source: {source}"]
    for what, state in workbook.opened:
        lines.append(f"  {what}: {state}")
    lines.extend(f"  {a}" for a in access)
    writable = not any("only a Viewer" in a for a in access)
    for problem in workbook.problems:
        lines.append(f"  problem: {problem}")
    lines.append("")
    unopened = [what for what, state in workbook.opened if state.startswith(("cannot open", "could not be"))]
    if unopened:
        # Tables in a spreadsheet that did not open would all be listed as missing: noise that hides the fix.
        lines.append(f"STOPPED: {', '.join(unopened)} could not be opened. Fix that first (see the problem above), "
                     "then run `secor doctor` again; tables are listed once every source opens.")
        return "\n".join(lines), False
    table_lines, pins, tables_ok = _table_lines(dataset)
    lines.extend(table_lines)
    if pins:
        lines.append("")
        if settings is not None and settings.tables:
            lines.append("Found without a name in the config. To keep these choices whatever tabs are added later, "
                         "add these lines under [tables] in the config:")
        else:
            lines.append("Found without a name in the config. To keep these choices whatever tabs are added later, "
                         "paste into the config:")
            lines.append("  [tables]")
        lines.extend(f"  {p}" for p in pins)
    issues = dataset.issues
    notes = issues[(issues["severity"] == "warning") & (issues["row"].isna())]
    if len(notes):
        lines.append("")
        lines.append("Worth a look:")
        lines.extend(f"  {p}" for p in notes["problem"])
    unmapped = unmapped_values_text(dataset, settings)
    if unmapped:
        lines.append("")
        lines.extend(unmapped)
    lines.append("")
    lines.append(f"Data issues: {len(issues)} ({int((issues['severity'] == 'rejected').sum())} rows not used). "
                 "`secor sync` lists them on Dashboard - Data Issues.")
    return "\n".join(lines), tables_ok and writable and not workbook.problems
