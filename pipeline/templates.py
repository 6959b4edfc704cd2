"""The blank office workbook and the Google Forms guide, generated from the schema.

``write_office_template(path)`` writes ``secor-records.xlsx``: every office tab with its headers
(the schema titles), a bold frozen header row, column widths, dropdowns where SPEC.md lists the
values, and one example row. ``forms_markdown()`` is ``forms.md``: each Google Form as a list of
questions, their type, and the header each produces. Regenerate both with
``python -m pipeline.templates`` (or ``secor template``).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .schema import BY_KEY, FORM_TABLES, OFFICE_TABLES, Column, Kind, Table

OFFICE_FILE = "secor-records.xlsx"
FORMS_GUIDE = "forms.md"
LAST_ROW = 1000  # validations and date formats reach this row
WORKER_NAMES = "Workers!$A$2:$A$1000"
TICKETS = "'Training Matrix'!$B$2:$B$1000"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

EXAMPLES: dict[str, dict[str, object]] = {
    "workers": {"name": "Dale Kowalski", "role": "Owner", "start_date": date(2009, 4, 1),
                "email": "dkowalski@example.ca"},
    "training_matrix": {"role": "Owner", "ticket": "H2S Alive", "valid_for_months": 36},  # Dale is the Owner
    "training_records": {"worker": "Dale Kowalski", "ticket": "H2S Alive", "completed": date(2025, 3, 14),
                         "expires": date(2028, 3, 14), "certificate_no": "H2S-204118",
                         "provider": "Energy Safety Canada"},
    "hazard_register": {"hazard_id": "HZ-001", "task": "Ground disturbance / excavation",
                        "hazard": "Contact with buried pipelines or utilities", "risk": "High",
                        "controls": "Locates, hand expose within 1 m, ground disturbance checklist",
                        "owner": "Dale Kowalski", "identified": date(2024, 5, 6), "reviewed": date(2026, 5, 4),
                        "status": "Controlled"},
    "corrective_actions": {"action_id": "CA-001", "source": "Pre-Start", "source_ref": "PS-260512-064512",
                           "description": "Replace leaking hydraulic hose on SS-02", "assigned_to": "Dale Kowalski",
                           "raised": date(2026, 5, 12), "due": date(2026, 5, 19), "completed": date(2026, 5, 14),
                           "verified_by": "Dale Kowalski", "verified": date(2026, 5, 15)},
    "inspection_schedule": {"item": "T-101 F-350", "type": "Equipment", "frequency": "Daily",
                            "responsible": "Dale Kowalski"},
    "program": {"document": "Safety Policy", "element": 1, "signed_by": "Dale Kowalski",
                "signed_date": date(2026, 1, 12), "review_date": date(2026, 1, 12),
                "link": "Shared drive > Safety > Program > Safety Policy.pdf"},
    "goals": {"year": 2026, "goal": "Report near misses", "target": "At least 4 near misses reported",
              "status": "On track"},
}

# Dropdowns beyond the schema's choices: (table, column) -> (list formula, strict)
EXTRA_LISTS: dict[tuple[str, str], tuple[str, bool]] = {
    ("program", "element"): ('"1,2,3,4,5,6"', True),
    ("training_records", "ticket"): (TICKETS, False),
}
WIDE = {"hazard", "controls", "description", "goal", "target", "link", "document", "task", "source_ref"}


def _width(col: Column) -> float:
    if col.key in WIDE:
        return 40
    if col.kind in (Kind.DATE, Kind.TIMESTAMP):
        return 13
    if col.kind is Kind.NAME:
        return 22
    return max(12, len(col.title) + 4)


def _validation(table: Table, col: Column) -> DataValidation | None:
    """The data validation of one column, or None."""
    extra = EXTRA_LISTS.get((table.key, col.key))
    if extra:
        formula, strict = extra
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            errorStyle="stop" if strict else "warning")
        dv.error = "Pick a value from the list." if strict else "Not in the list; check the spelling."
    elif col.kind is Kind.CHOICE:
        dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True)
        dv.error = f"Pick one of: {', '.join(col.choices)}."
    elif (col.kind is Kind.NAME and table.key != "workers") or (table.key, col.key) == ("workers", "supervisor"):
        dv = DataValidation(type="list", formula1=WORKER_NAMES, allow_blank=True, errorStyle="warning")
        dv.error = "Not a name on the Workers tab; add the worker there or check the spelling."
    elif col.kind is Kind.DATE:
        dv = DataValidation(type="date", operator="greaterThan", formula1="18264", allow_blank=True,
                            errorStyle="warning")  # 18264 = 1950-01-01
        dv.error = "Type a date, e.g. 2026-10-31."
    elif col.kind in (Kind.NUMBER, Kind.MONTHS):
        low, high = (int(b) for b in col.bounds or (1, 120))
        # Months may be typed "3 years": warn, don't refuse.
        dv = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                            allow_blank=True, errorStyle="warning" if col.kind is Kind.MONTHS else "stop")
        dv.error = f"Type a whole number from {low} to {high}."
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = col.title
    return dv


def _office_sheet(sheet: Worksheet, table: Table) -> None:
    bold = Font(bold=True)
    example = EXAMPLES[table.key]
    for i, col in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        head = sheet.cell(row=1, column=i, value=col.title)
        head.font, head.fill = bold, HEADER_FILL
        head.alignment = Alignment(vertical="center")
        sheet.column_dimensions[letter].width = _width(col)
        cell = sheet.cell(row=2, column=i, value=example.get(col.key))
        if col.kind is Kind.DATE:
            cell.number_format = "yyyy-mm-dd"
        dv = _validation(table, col)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(dv)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}1"


def write_office_template(path: Path) -> Path:
    """Write the office workbook: one tab per office table (SPEC.md order), headers from the schema."""
    book = Workbook()
    book.remove(book.active)
    for key in OFFICE_TABLES:
        table = BY_KEY[key]
        _office_sheet(book.create_sheet(table.title), table)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


# -- Google Forms ---------------------------------------------------------------------------
OFFICE_ADDED = {("pre_start", "closed"), ("workplace_inspection", "closed"), ("incident", "closed")}
PARAGRAPH = {"hazards", "controls", "defects", "action_taken", "deficiencies", "corrective_action", "description",
             "immediate_cause", "root_cause", "corrective_actions", "notes", "topics"}
MANY_NAMES = {"crew", "attendees"}
HINTS: dict[tuple[str, str], str] = {
    ("flha", "site"): "LSD or site name, e.g. LSD 04-12-045-05W5 (not 'various')",
    ("flha", "hazards"): "the hazards of this site and task today, in your own words",
    ("flha", "worker_signature"): "type your full name to sign",
    ("flha", "supervisor_review"): "supervisor types their name after reviewing",
    ("pre_start", "unit"): "e.g. T-101 F-350: the same text as the unit's Item on the Inspection Schedule",
    ("pre_start", "out_of_service"): "Yes when the unit is tagged out",
    ("workplace_inspection", "due"): "date the corrective action is due",
    ("incident", "root_cause"): "why it happened underneath, not a repeat of the description",
    ("incident", "communicated_to_crew"): "e.g. Yes - toolbox talk 2026-10-14",
    ("toolbox_talk", "management_present"): "Yes when the owner, a manager or a supervisor attended",
    ("orientation", "topics"): "include 'Hazard identification and FLHA process'",
    ("orientation", "worker_signature"): "the new worker types their full name to sign",
}


def _question_type(table: Table, col: Column) -> str:
    if col.kind is Kind.DATE:
        return "Date"
    if (table.key, col.key) == ("pre_start", "unit"):
        return "Dropdown: unit numbers"
    if col.kind is Kind.CHOICE:
        return "Multiple choice: " + " / ".join(col.choices)
    if col.kind is Kind.YESNO:
        return "Multiple choice: Yes / No"
    if col.kind is Kind.NAME:
        return "Dropdown: worker names exactly as on Workers"
    if col.key in MANY_NAMES:
        return "Checkboxes: worker names (answers arrive comma-joined)"
    if col.key == "topics":
        return "Checkboxes: the topics covered"
    if col.key in PARAGRAPH:
        return "Paragraph"
    return "Short answer"


def forms_markdown() -> str:
    """forms.md: every Google Form as the questions to create and the headers they produce."""
    out = [
        "# Google Forms for the crew", "",
        "Generated by `python -m pipeline.templates` from `pipeline/schema.py`; do not edit by hand.", "",
        "Each form writes one response tab. Name the tab as in the heading (or map its name in the",
        "config `[tables]`). Google Forms uses the question title as the column header, so type each",
        "question title exactly as in the *Question (= header)* column (case, spaces and a trailing `?` or `*` do not",
        "matter); the other wordings listed are also recognised. Forms adds the `Timestamp` column itself.",
        "Columns marked *office adds* are not questions: the office adds them to the right of the",
        "response tab and fills them in.", "",
    ]
    for key in FORM_TABLES:
        table = BY_KEY[key]
        out += [f"## {table.title}", "", f"Response tab: `{table.title}`. Record IDs: `{table.id_prefix}-…`.", "",
                "| # | Question (= header) | Type | Required | Also recognised | Note |",
                "|---|---|---|---|---|---|"]
        n = 0
        for col in table.columns:
            if col.kind is Kind.TIMESTAMP:
                qtype, number = "automatic (Google Forms)", "-"
            elif (key, col.key) in OFFICE_ADDED:
                qtype, number = "office adds: date column", "-"
            else:
                n += 1
                qtype, number = _question_type(table, col), str(n)
            note = HINTS.get((key, col.key), "blank = the Timestamp's date" if col.key == "date" else "")
            aliases = ", ".join(col.aliases) or "-"
            out.append(f"| {number} | {col.title} | {qtype} | {'yes' if col.required else 'no'} | {aliases} "
                       f"| {note} |")
        out.append("")
    return "\n".join(out)


def write_templates(folder: Path) -> tuple[Path, Path]:
    """Write secor-records.xlsx and forms.md into ``folder``."""
    folder = Path(folder)
    office = write_office_template(folder / OFFICE_FILE)
    guide = folder / FORMS_GUIDE
    guide.write_text(forms_markdown(), encoding="utf-8")
    return office, guide


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in write_templates(Path(args[0] if args else "sheets_templates")):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
