"""Office and Forms records as .xlsx files, and the same workbooks loaded into the emulator as Sheets would."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from .emulator import Emulator, Spreadsheet

OFFICE = {
    "Workers": [
        ["Name", "Role", "Start Date", "End Date", "Email", "Supervisor"],
        ["Dale Kowalski", "Owner", datetime(2019, 3, 1), None, "dale@example.com", None],
        ["  priya   singh ", "Labourer", datetime(2024, 5, 6), None, None, "Dale Kowalski"],
        ["Marc Tremblay", "Operator", "2023-04-17", datetime(2026, 2, 27), None, "Dale Kowalski"],
        [None, None, None, None, None, None],
        ["Ana Lopez", "Operator", "4/1/2025", None, "=HYPERLINK(\"mailto:ana@example.com\")", "Dale Kowalski"],
    ],
    "Training Matrix": [
        ["Role", "Ticket", "Valid For Months"],
        ["Owner", "CSTS", None],
        ["Owner", "Standard First Aid", 36],
        ["Labourer", "CSTS", None],
        ["Operator", "Ground Disturbance", 36],
    ],
    "Training Records": [
        ["Worker", "Ticket", "Completed", "Expires", "Certificate No"],
        ["Dale Kowalski", "CSTS", datetime(2020, 1, 10), None, 12345],
        ["Dale Kowalski", "Standard First Aid", datetime(2023, 6, 2), None, "SFA-88"],
        ["Priya Singh", "CSTS", datetime(2024, 5, 6), None, None],
        ["Dail Kowalski", "Ground Disturbance", "not a date", None, "🚜"],
    ],
    "Corrective Actions": [
        ["Action ID", "Source", "Source Ref", "Description", "Assigned To", "Raised", "Due", "Completed"],
        ["CA-1", "Inspection", None, "Replace cracked ladder", "Dale Kowalski", datetime(2026, 9, 1),
         datetime(2026, 9, 15), None],
        ["CA-2", "Hazard", None, "<script>alert(1)</script>" + "x" * 5000, "Priya Singh", datetime(2026, 8, 1),
         None, datetime(2026, 8, 20)],
    ],
    "Goals": [["Year", "Goal", "Target"], [2026, "Zero lost time", "0 LTI"]],
}


def _flha_rows(n: int) -> list[list[object]]:
    rows: list[list[object]] = [["Timestamp", "Date", "Worker", "Site", "Task", "Hazards", "Controls",
                                 "Worker Signature", "Supervisor Review", "Extra Question"]]
    start = datetime(2026, 6, 1, 7, 3, 22)
    for i in range(n):
        ts = start + timedelta(days=i, minutes=i)
        rows.append([ts, None if i % 3 else ts.date(), ["Dale Kowalski", "Priya Singh", "marc tremblay"][i % 3],
                     f"LSD 0{i % 4}-12", "Trenching", "Cave-in, Traffic", "Shoring, Spotter", "yes", None,
                     i if i % 2 else None])
    rows.append(rows[2][:])  # a double tap
    rows.append(["11/21/2026 14:03:22", None, "Priya Singh", "Yard", "Loading", "Pinch points", "Gloves",
                 None, None, None])
    return rows


FORMS = {
    "FLHA": _flha_rows(20),
    "Pre-Start": [
        ["Timestamp", "Operator", "Unit", "Result", "Defects", "Out Of Service"],
        [datetime(2026, 9, 3, 6, 45, 1), "Marc Tremblay", "T-12", "Fail", "Brake light out", "Yes"],
        [datetime(2026, 9, 4, 6, 40, 0), "Ana Lopez", "T-12", "Pass", None, "No"],
        [datetime(2026, 9, 5, 6, 40, 0), "Ana Lopez", None, "Maybe", None, True],
    ],
}


def xlsx_rows(path: Path) -> dict[str, list[list[object]]]:
    """Every tab's cell values as a person typed them (dates as dates), for loading into the emulator."""
    book = openpyxl.load_workbook(path, data_only=True)
    out: dict[str, list[list[object]]] = {}
    for ws in book.worksheets:
        out[ws.title] = [[_typed(c) for c in row] for row in ws.iter_rows(values_only=True)]
    return out


def _typed(value: object) -> object:
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date()
    if isinstance(value, date):
        return value
    return value


def upload(emulator: Emulator, path: Path, key: str) -> Spreadsheet:
    """The workbook as a Google spreadsheet titled like the file (Drive's "Open with Google Sheets")."""
    return emulator.add_spreadsheet(key, path.name, xlsx_rows(path))


OFFICE_KEY = "1OfficeKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
FORMS_KEY = "1FormsKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
