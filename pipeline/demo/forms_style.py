"""The demo company's records written the way a real office's Drive holds them ("forms" style).

The same rows as the template style (same seed, same records, same record IDs), but:

- one response spreadsheet per Google Form, ``FLHA (Responses).xlsx`` ..., each with the single tab
  ``Form Responses 1``; questions as the crew read them (``Worker name (first and last)``), a grid
  question on the pre-trip (``Trip inspection checklist [Brakes]``), a quiz ``Score``, ``Email Address``
  switched on later (so last), office columns added at the right (``Repaired / closed date``,
  ``Mechanic notes``); the incident form as a Sheets CSV download with text timestamps;
- the office's own workbook ``Safety Office.xlsx``: its own tab names (``Employees``, ``Hazard Log``,
  ``CA Log``...), a title row and a blank row above the header on some tabs, its own wordings
  (``Pre-trip``, ``H/M/L``), and the training matrix as a grid (workers down, tickets across, dates in
  the cells, ``N/A``, a note, a legend below) with no Training Records tab;
- half of the incidents name their corrective action in their own row (``see CA-007``) instead of the
  office writing the incident ID into the CA Log's Source Ref.

``write_forms_style`` returns the files written and the header row of each office table (title rows
move the sheet rows the planted findings point at).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .model import COMPANY, forms_text
from .people import MATRIX, VALID_MONTHS

Row = dict[str, object]
Rows = dict[str, list[Row | None]]
Getter = Callable[[Row], object]

FORM_TAB = "Form Responses 1"
OFFICE_BOOK = "Safety Office.xlsx"
CSV_FORM = "incident"  # downloaded from its Sheet as CSV: "<spreadsheet> - Form Responses 1.csv"
FORM_BOOKS = {
    "flha": "FLHA (Responses)",
    "pre_start": "Pre-Trip Inspection (Responses)",
    "workplace_inspection": "Site Inspection (Responses)",
    "incident": "Incident Report (Responses)",
    "toolbox_talk": "Toolbox Talk (Responses)",
    "orientation": "New Worker Orientation (Responses)",
}
# The office's wording of the choices it types (the crew's are in the form getters below).
RESULTS = {"Pass": "No defects", "Minor": "Minor defect(s) - reported", "Fail": "Major defect(s) - do not operate"}
INCIDENT_TYPES = {"Near Miss": "Near miss (no injury or damage)", "First Aid": "First aid",
                  "Medical Aid": "Medical aid (seen by a doctor)", "Lost Time": "Lost time",
                  "Property Damage": "Equipment or property damage", "Vehicle": "Vehicle incident"}
UNMAPPED_TYPE = ("Equipment or property damage", "Property Damage")  # the config's [values] line maps it
CA_SOURCES = {"Pre-Start": "Pre-trip", "Hazard": "Hazard Assessment", "Inspection": "Site inspection"}
RISK_LETTERS = {"High": "H", "Medium": "M", "Low": "L"}
REWORDED = ("pre_start", "action_taken", "Mechanic notes")  # the config's [headers] line maps it
FLHA_CHECKLIST = ("Slips, trips and falls", "Pinch points", "Overhead hazards", "Traffic / mobile equipment",
                  "H2S / sour gas", "Weather", "Ground disturbance", "Noise")
CHECKLIST_ITEMS = ("Brakes", "Lights", "Tires", "Fluid levels", "Fire extinguisher")
NO_DEFICIENCY = ("", "None", "No deficiencies noted.")


def _get(key: str) -> Getter:
    return lambda r: r.get(key)


def _yes(r: Row) -> object:
    return "Yes"


def _result(r: Row) -> object:
    if r.get("result") == "Fail":
        return RESULTS["Fail"]
    return RESULTS["Minor"] if r.get("defects") else RESULTS["Pass"]


# Each form: (header as Google Forms writes it, value of one row). Office columns come last.
FORMS: dict[str, list[tuple[str, Getter]]] = {
    "flha": [
        ("Timestamp", _get("_ts")), ("Worker name (first and last)", _get("worker")),
        ("Date of work", _get("date")), ("Site / LSD", _get("site")), ("Task(s) being performed", _get("task")),
        ("Which of these hazards are present? (check all that apply)", _get("_checklist")),
        ("Hazards identified", _get("hazards")), ("Controls put in place", _get("controls")),
        ("Have all hazards been identified and controlled?", _yes), ("Crew members on site", _get("crew")),
        ("Worker signature (type your name)", _get("worker_signature")),
        ("Supervisor review (name)", _get("supervisor_review")), ("Email Address", _get("_email")),
    ],
    "pre_start": [
        ("Timestamp", _get("_ts")), ("Driver / operator name", _get("operator")),
        ("Date of inspection", _get("date")), ("Unit #", _get("unit")), ("Odometer / hours", _get("_odometer")),
        *[(f"Trip inspection checklist [{item}]", _get(f"_check_{item}")) for item in CHECKLIST_ITEMS],
        ("Overall result", _result), ("Describe any defects", _get("defects")),
        ("Is the unit tagged out / parked?", _get("out_of_service")), ("Score", _get("_score")),
        ("Repaired / closed date", _get("closed")), ("Mechanic notes", _get("action_taken")),
    ],
    "workplace_inspection": [
        ("Timestamp", _get("_ts")), ("Inspected by", _get("inspector")),
        ("Date of inspection", _get("date")), ("Site / location", _get("site")), ("Area inspected", _get("area")),
        ("Deficiencies found (if none, write None)", _get("deficiencies")),
        ("Corrective action required", _get("corrective_action")), ("Target date", _get("due")),
        ("Date closed", _get("closed")),
    ],
    "incident": [
        ("Timestamp", _get("_ts")), ("Your name", _get("reporter")), ("Date of incident", _get("incident_date")),
        ("Type of incident", lambda r: INCIDENT_TYPES.get(str(r.get("type")), r.get("type"))),
        ("What happened? (describe in detail)", _get("description")), ("Immediate cause", _get("immediate_cause")),
        ("Root cause", _get("root_cause")), ("Corrective actions taken or planned", _get("corrective_actions")),
        ("Email Address", _get("_email")), ("Investigated by", _get("investigated_by")),
        ("Investigation date", _get("investigation_date")), ("Communicated to crew?", _get("communicated_to_crew")),
        ("Date closed", _get("closed")),
    ],
    "toolbox_talk": [
        ("Timestamp", _get("_ts")), ("Date of talk", _get("date")), ("Topic of the talk", _get("topic")),
        ("Talk given by", _get("presenter")), ("Names of attendees", _get("attendees")),
        ("Supervisor present?", _get("management_present")), ("Notes / discussion", _get("notes")),
        ("Email Address", _get("_email")),
    ],
    "orientation": [
        ("Timestamp", _get("_ts")), ("Orientation date", _get("date")), ("New worker name", _get("worker")),
        ("Orientation by (supervisor)", _get("conducted_by")), ("Topics covered (check all that apply)",
                                                               _get("topics")),
        ("Worker signature (type full name)", _get("worker_signature")),
    ],
}

# Office tabs: (tab, title rows above the header or (), [(header, getter)]).
OFFICE: list[tuple[str, str, tuple[str, ...], list[tuple[str, Getter]]]] = [
    ("workers", "Employees", (f"{COMPANY} - Employee List",), [
        ("Name", _get("name")), ("Position", _get("role")), ("Date Hired", _get("start_date")),
        ("Date Left", _get("end_date")), ("Email", _get("email")), ("Supervisor", _get("supervisor"))]),
    ("hazard_register", "Hazard Log", ("Hazard Assessment - Hazard Log", "Reviewed at the monthly safety meeting"), [
        ("Hazard No", _get("hazard_id")), ("Task / Activity", _get("task")), ("Hazard", _get("hazard")),
        ("Risk (H/M/L)", lambda r: RISK_LETTERS.get(str(r.get("risk")), r.get("risk"))),
        ("Controls", _get("controls")), ("Responsible", _get("owner")), ("Date Identified", _get("identified")),
        ("Last Reviewed", _get("reviewed")), ("Status", _get("status"))]),
    ("corrective_actions", "CA Log", (), [
        ("CA No", _get("action_id")), ("Source", lambda r: CA_SOURCES.get(str(r.get("source")), r.get("source"))),
        ("Source Ref", _get("source_ref")), ("Corrective Action", _get("description")),
        ("Assigned To", _get("assigned_to")), ("Date Raised", _get("raised")), ("Due Date", _get("due")),
        ("Date Completed", _get("completed")), ("Verified By", _get("verified_by")),
        ("Date Verified", _get("verified"))]),
    ("inspection_schedule", "Inspection Plan", (), [
        ("Equipment / Area", _get("item")), ("Type", _get("type")), ("How Often", _get("frequency")),
        ("Who", _get("responsible"))]),
    ("program", "Safety Program", ("Health & Safety Program - Document Register",), [
        ("Document", _get("document")), ("SECOR Element", _get("element")), ("Signed By", _get("signed_by")),
        ("Date Signed", _get("signed_date")), ("Last Reviewed", _get("review_date")), ("Location", _get("link"))]),
    ("goals", "Safety Goals", (), [
        ("Year", _get("year")), ("Goal", _get("goal")), ("Target", _get("target")), ("Status", _get("status"))]),
]

# The grid: tickets across, in the office's order; a validity in the title means the cell is the completion
# date, "(expiry)" that it is the expiry date, "(no expiry)" a completion date that never runs out.
GRID_TICKETS = (
    ("CSTS", "CSTS (no expiry)", "done"), ("H2S Alive", "H2S Alive (3 yr)", "done"),
    ("Standard First Aid", "Standard First Aid (3 yr)", "done"), ("WHMIS", "WHMIS (3 yr)", "done"),
    ("Ground Disturbance Level II", "Ground Disturbance Level II (3 yr)", "done"),
    ("Fall Protection", "Fall Protection (3 yr)", "done"), ("TDG", "TDG (expiry)", "expiry"),
    ("Confined Space", "Confined Space (3 yr)", "done"),
)
VAGUE_COLUMN = "Other (as required)"  # planted: E5.1, a column that names no ticket (Labourers' cells blank)
VAGUE_ROLES = ("Labourer",)
GRID_NOTE = "booked Nov 18"  # planted: a note in a date cell (a departed worker's, so no ticket changes)
GRID_TITLE_ROWS = 2  # a title row and an "Updated" row, then a blank row
LEGEND = ("Legend: a date under a ticket with (3 yr) is the date taken; under (expiry) it is the expiry date.",
          "N/A = not required for this position. Blank = required, not taken yet.")


def header_rows() -> dict[str, int]:
    """The sheet row of each office table's header (1, or below its title rows and blank row)."""
    out = {key: (len(titles) + 2 if titles else 1) for key, _, titles, _ in OFFICE}
    out["training_matrix"] = GRID_TITLE_ROWS + 2
    return out


def prepare(rows: Rows, seed: int) -> None:
    """Add what only this style shows (emails, checklists, odometers) and move half the incident links.

    Draws from its own random generator: the records (and their IDs) are the template style's.
    """
    rng = random.Random(f"forms-{seed}")
    emails = {r["name"]: r["email"] for r in rows["workers"] if r is not None}
    for key, who in (("flha", "worker"), ("incident", "reporter"), ("toolbox_talk", "presenter")):
        for r in rows[key]:
            if r is not None:
                r["_email"] = emails.get(r[who])  # the "dale  KOWALSKI" typo has no address: none is written
    ticked: dict[tuple[object, ...], str] = {}  # a double submit ticks the same boxes
    for r in _live(rows["flha"]):
        same = (r["worker"], r["site"], r["task"], r["hazards"], r["date"])
        r["_checklist"] = ticked.setdefault(same, ", ".join(rng.sample(FLHA_CHECKLIST, rng.randint(2, 4))))
    for r in _live(rows["pre_start"]):
        r["_odometer"] = rng.randrange(800, 240000)
        bad = rng.randrange(len(CHECKLIST_ITEMS)) if r.get("defects") else -1
        for i, item in enumerate(CHECKLIST_ITEMS):
            r[f"_check_{item}"] = "Defect" if i == bad else "OK"
        r["_score"] = f"{len(CHECKLIST_ITEMS) - (bad >= 0)} / {len(CHECKLIST_ITEMS)}"
    for r in _live(rows["workplace_inspection"]):
        if not r.get("deficiencies"):
            r["deficiencies"] = rng.choice(NO_DEFICIENCY) or None
    _links_in_incident_rows(rows)


def _live(rows: Sequence[Row | None]) -> list[Row]:
    return [r for r in rows if r is not None]


def _links_in_incident_rows(rows: Rows) -> None:
    """Every second incident names its action in its own row; the CA Log's Source Ref is then left blank."""
    from .model import rid

    actions = {str(a["source_ref"]): a for a in _live(rows["corrective_actions"]) if a.get("source") == "Incident"}
    for i, inc in enumerate(_live(rows["incident"])):
        action = actions.get(rid("incident", inc))
        if action is None or i % 2 == 0:
            continue
        inc["corrective_actions"] = f"{inc['corrective_actions']}. See {action['action_id']}"
        action["source_ref"] = None


def write_forms_style(out: Path, rows: Rows, seed: int) -> tuple[Path, ...]:
    """Write the six form response files and Safety Office.xlsx into ``out``; return their paths."""
    prepare(rows, seed)
    written = []
    for key, book in FORM_BOOKS.items():
        columns = FORMS[key]
        body = [[get(r) for _, get in columns] for r in _rows_of(rows[key])]
        if key == CSV_FORM:
            path = out / f"{book} - {FORM_TAB}.csv"
            _write_csv(path, [h for h, _ in columns], body)
        else:
            path = out / f"{book}.xlsx"
            _write_xlsx(path, [(FORM_TAB, (), [h for h, _ in columns], body)])
        written.append(path)
    tabs: list[tuple[str, tuple[str, ...], list[str], list[list[object]]]] = []
    for key, tab, titles, columns in OFFICE:
        body = [[get(r) for _, get in columns] for r in _rows_of(rows[key])]
        tabs.append((tab, titles, [h for h, _ in columns], body))
        if key == "workers":
            tabs.append(_grid(rows))
    path = out / OFFICE_BOOK
    _write_xlsx(path, tabs)
    written.append(path)
    return tuple(written)


def _rows_of(rows: Sequence[Row | None]) -> list[Row]:
    return [r if r is not None else {} for r in rows]


def _grid(rows: Rows) -> tuple[str, tuple[str, ...], list[str], list[list[object]]]:
    """The Training Matrix tab: one row per worker (departed ones too), one column per ticket."""
    held: dict[tuple[str, str], Row] = {}
    for r in _live(rows["training_records"]):
        key = (str(r["worker"]), str(r["ticket"]))
        if key not in held or _day(r["completed"]) >= _day(held[key]["completed"]):
            held[key] = r
    header = ["Name", "Position", *(title for _, title, _ in GRID_TICKETS), VAGUE_COLUMN, "Notes"]
    body: list[list[object]] = []
    for w in _live(rows["workers"]):
        name, role = str(w["name"]), str(w["role"])
        line: list[object] = [name, role]
        for ticket, _, kind in GRID_TICKETS:
            record = held.get((name, ticket))
            if ticket not in MATRIX.get(role, ()):
                line.append("N/A")
            elif record is None:
                line.append(None)  # required, not held (Jason Whitford's GD2: planted)
            elif w.get("end_date") and ticket == "Ground Disturbance Level II":
                line.append(GRID_NOTE)
            elif kind == "expiry":
                line.append(_expiry(record, ticket))
            else:
                line.append(record["completed"])  # a date typed as text stays text
        line.append(None if role in VAGUE_ROLES else "N/A")
        line.append(f"left {_day(w['end_date']):%b %d, %Y}" if w.get("end_date") else None)
        body.append(line)
    body.append([])
    body.extend([[text] for text in LEGEND])
    return "Training Matrix", (f"{COMPANY} - Training Matrix", "Updated monthly by the office"), header, body


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.strptime(str(value), "%m/%d/%Y").date()  # the demo's one date typed as text


def _expiry(record: Row, ticket: str) -> date:
    from .model import add_months

    expires = record.get("expires")
    if isinstance(expires, date):
        return expires
    months = VALID_MONTHS[ticket]
    assert months is not None
    return add_months(_day(record["completed"]), months)


def _cell(sheet: object, value: object) -> object:
    """Text that starts with '=' is written as text, never as a formula."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        cell.data_type = "s"
        return cell
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _write_xlsx(path: Path, tabs: Sequence[tuple[str, tuple[str, ...], list[str], list[list[object]]]]) -> None:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, titles, header, body in tabs:
        sheet = book.create_sheet(name)
        sheet.freeze_panes = f"A{len(titles) + 2 + bool(titles)}"
        for title in titles:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            sheet.append([cell])
        if titles:
            sheet.append([])
        cells = []
        for h in header:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for line in body:
            sheet.append([_cell(sheet, v) for v in line])
    book.save(path)


def _write_csv(path: Path, header: list[str], body: list[list[object]]) -> None:
    """As Sheets downloads a tab: timestamps and dates as text (M/D/YYYY H:MM:SS, M/D/YYYY)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for line in body:
            writer.writerow([_csv_text(v) for v in line])


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return forms_text(value)
    if isinstance(value, date):
        return f"{value.month}/{value.day}/{value.year}"
    return str(value)
