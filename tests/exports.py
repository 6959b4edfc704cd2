"""Records shaped the way real offices have them, not the way our templates are.

Google Forms: one response spreadsheet per form, its tab always "Form Responses 1", questions as
the crew read them, "Email Address" switched on later (so at the end), a quiz "Score", a grid
question as one column per row ("Trip inspection checklist [Brakes]"), office columns added at
the right. Office sheets: a title row and a blank row above the header.
"""

from __future__ import annotations

from datetime import datetime

FORM_TAB = "Form Responses 1"

FLHA_HEADER = [
    "Timestamp", "Worker name (first and last)", "Date of work", "Site / LSD", "Task(s) being performed",
    "Hazards identified", "Controls put in place", "Which of these hazards are present? (check all that apply)",
    "Have all hazards been identified and controlled?", "Crew members on site", "Supervisor", "Email Address",
]
FLHA_ROWS = [
    [datetime(2026, 11, 2, 7, 5, 12), "Jason Miller", None, "LSD 04-12-045-03W5", "Replace wellhead valve",
     "H2S, pinch points, slips, trips and falls", "Gas monitor, gloves, housekeeping",
     "H2S, Pinch points, Slips, trips and falls", "Yes", "Jason Miller, Ravi Singh", "Dale Kowalski",
     "jason@example.com"],
    [datetime(2026, 11, 3, 6, 55, 40), "Ravi Singh", None, "Pad 7, Drayton Valley", "Pressure test flowline",
     "Stored energy, noise", "Isolation, hearing protection", "Stored energy, Noise", "Yes", "Ravi Singh",
     "Dale Kowalski", None],
]

PRE_TRIP_HEADER = [
    "Timestamp", "Driver / operator name", "Unit #", "Odometer / hours", "Trip inspection checklist [Brakes]",
    "Trip inspection checklist [Lights]", "Trip inspection checklist [Tires]", "Overall result",
    "Describe any defects", "Is the unit tagged out / parked?", "Score", "Repaired / closed date",
    "Mechanic notes",
]
PRE_TRIP_ROWS = [
    [datetime(2026, 11, 2, 6, 30, 1), "Jason Miller", "T-14", "184220", "OK", "OK", "OK", "Pass", "", "No",
     "3 / 3", None, None],
    [datetime(2026, 11, 4, 6, 41, 9), "Ravi Singh", "T-22", "99120", "OK", "Defect", "OK", "Fail",
     "Left brake light out", "Yes", "2 / 3", datetime(2026, 11, 5), "Bulb replaced"],
]

INCIDENT_HEADER = [
    "Timestamp", "Your name", "Date of incident", "Type of incident", "What happened? (describe in detail)",
    "Immediate cause", "Root cause", "Corrective actions", "Email Address",
]
INCIDENT_ROWS = [
    ["11/06/2026 14:02:11", "Ravi Singh", "11/06/2026", "Near Miss", "Load shifted on the deck while strapping",
     "Strap not tensioned", "No pre-load check in the procedure", "CA-2", "ravi@example.com"],
]

WORKERS_TITLED = [
    ["ACME Oilfield Ltd. - Employee list", None, None],
    ["Updated Nov 2026", None, None],
    [None, None, None],
    ["Name", "Position", "Date Hired"],
    ["Dale Kowalski", "Owner", datetime(2015, 3, 1)],
    ["Jason Miller", "Operator", datetime(2021, 5, 3)],
    ["Ravi Singh", "Labourer", datetime(2024, 2, 12)],
]


def form_book(header: list[object], rows: list[list[object]]) -> dict[str, list[list[object]]]:
    """One response spreadsheet: a single "Form Responses 1" tab."""
    return {FORM_TAB: [list(header), *[list(r) for r in rows]]}
