"""A small company's records for the pack tests, and Findings built from them without the checks.

``company_records`` writes the tables as an office would (header text -> value),
read through the real normaliser by ``tests.builders.dataset``. ``hand_findings``
uses the real certifications/deficiencies frames but made-up check verdicts, so
the renderer can be tested whatever state the checks are in.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from pipeline.checks.audit import Findings, score_elements
from pipeline.checks.base import CERTIFICATE, FAIL, PASS, WARN, CheckResult
from pipeline.normalise.dataset import Dataset
from pipeline.outputs.pack.month import Month
from pipeline.settings import Settings
from tests.builders import dataset

ROLES = {
    "Owner": ("CSTS", "Standard First Aid"),
    "Supervisor": ("CSTS", "Standard First Aid", "H2S Alive"),
    "Operator": ("CSTS", "Standard First Aid", "H2S Alive", "Ground Disturbance Level II"),
    "Labourer": ("CSTS", "WHMIS"),
}
NAMES = ("Dale Kowalski", "Priya Sandhu", "Marc Tremblay", "Jenna Whitehorse", "Ravi Patel", "Kyle Friesen",
         "Amanda Chen", "Tomasz Nowak", "Leah Cardinal", "Brett Olson", "Sara Lindqvist", "Omar Haddad")
SITES = ("LSD 04-12-045-23W4", "Pad 7 Drayton Valley", "Nisku Yard Bay 3", "Wetaskiwin pipeline ROW")
UNITS = ("Unit 12 Pickup", "Unit 21 Skid Steer", "Unit 33 Hydrovac")
TASKS = ("Hydrovac daylighting", "Fence repair", "Pipe handling", "Loading trailer", "Site cleanup")
HAZARDS = ("Overhead lines, buried utilities, slips on mud", "Pinch points, manual lifting",
           "Traffic on lease road, H2S possible", "Heavy equipment reversing, noise", "Cold stress, ice")

CHECKS = (
    ("E1.1", 1, "Safety policy signed, dated and current"), ("E1.2", 1, "Responsibilities assigned in writing"),
    ("E1.3", 1, "Management takes part"), ("E1.4", 1, "Safety goals for the current year"),
    ("E2.1", 2, "Written hazard identification procedure"), ("E2.2", 2, "FLHAs on file and recent"),
    ("E2.3", 2, "FLHAs signed and reviewed"), ("E2.4", 2, "FLHAs site-specific"),
    ("E2.5", 2, "Hazard register present and reviewed"), ("E2.6", 2, "Workers trained on the FLHA process"),
    ("E3.1", 3, "Written corrective action procedure"), ("E3.2", 3, "Corrective actions completed and verified"),
    ("E3.3", 3, "Safe work procedures for high-risk tasks"), ("E3.4", 3, "PPE requirements by role"),
    ("E4.1", 4, "Inspection schedule documented"), ("E4.2", 4, "Inspections done as scheduled"),
    ("E4.3", 4, "Every defect has a follow-up"), ("E5.1", 5, "Training matrix names specific tickets"),
    ("E5.2", 5, "No expired or missing tickets"), ("E5.3", 5, "Orientation for every worker"),
    ("E5.4", 5, "Ongoing training"), ("E6.1", 6, "Written incident investigation procedure"),
    ("E6.2", 6, "Near misses reported"), ("E6.3", 6, "Root cause for every incident"),
    ("E6.4", 6, "Incident corrective actions implemented"), ("E6.5", 6, "Findings communicated to the crew"),
    ("S.1", CERTIFICATE, "Still a small employer"), ("S.2", CERTIFICATE, "Maintenance audit calendar"),
    ("S.3", CERTIFICATE, "Certifying Partner training"),
)


def _ts(d: date, hour: int = 7, minute: int = 5) -> str:
    return f"{d:%Y-%m-%d} {hour:02d}:{minute:02d}:00"


def _workdays(month: Month) -> list[date]:
    d, out = month.first, []
    while d <= month.last:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


OCTOBER = Month(2026, 10)


def company_records(month: Month = OCTOBER, workers: int = 10, *, flha_per_day: int = 3,
                    incidents: bool = True, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """Office tables and a month of form responses (plus a year of incidents) for ``workers`` people."""
    rnd = random.Random(seed)
    names = NAMES[:workers]
    sup, third = names[min(1, workers - 1)], names[min(2, workers - 1)]
    roles = ["Owner", "Supervisor"] + [rnd.choice(("Operator", "Labourer")) for _ in names[2:]]
    roles = roles[:workers]
    people = [{"Name": n, "Role": r, "Start Date": "2021-03-01", "Supervisor": sup if r != "Owner" else ""}
              for n, r in zip(names, roles, strict=True)]
    matrix = [{"Role": r, "Ticket": t, "Valid For Months": 36 if t != "WHMIS" else 12}
              for r, tickets in ROLES.items() for t in tickets]
    training = []
    for i, (n, r) in enumerate(zip(names, roles, strict=True)):
        for j, t in enumerate(ROLES[r]):
            if (i + j) % 7 == 3:
                continue  # missing
            completed = month.last - timedelta(days=(900 + 60 * ((i + j) % 5)) if (i * j) % 4 == 1 else 200)
            training.append({"Worker": n, "Ticket": t, "Completed": f"{completed:%Y-%m-%d}",
                             "Provider": "Enform" if t == "H2S Alive" else "St John"})
    days = _workdays(month)
    flha, pre, ins, tbt = [], [], [], []
    for k, d in enumerate(days):
        for f in range(flha_per_day):
            w = names[(k + f) % len(names)]
            flha.append({"Timestamp": _ts(d, 6 + f // 60, (7 * k + f) % 60), "Worker": w,
                         "Site": SITES[(k + f) % len(SITES)], "Task": TASKS[(k * 3 + f) % len(TASKS)],
                         "Hazards": HAZARDS[(k + 2 * f) % len(HAZARDS)], "Controls": "Spotter, PPE, call-before-dig",
                         "Crew": ", ".join(names[:3]), "Worker Signature": w if (k + f) % 9 else "",
                         "Supervisor Review": sup if (k + f) % 4 else ""})
        for u, unit in enumerate(UNITS):
            fail = (k + u) % 11 == 5
            pre.append({"Timestamp": _ts(d, 6, 30 + u), "Operator": names[(k + u) % len(names)], "Unit": unit,
                        "Result": "Fail" if fail else "Pass", "Defects": "Cracked windshield; low hydraulic fluid"
                        if fail else "", "Out Of Service": "Yes" if fail and u == 2 else "No",
                        "Action Taken": "Topped up, parts ordered" if fail else ""})
        if d.weekday() == 2:
            ins.append({"Timestamp": _ts(d, 13), "Inspector": sup, "Site": SITES[k % len(SITES)],
                        "Area": "Shop" if k % 2 else "Lease", "Deficiencies": "Extinguisher tag expired"
                        if k % 3 == 0 else "", "Corrective Action": "Replace extinguisher" if k % 3 == 0 else "",
                        "Due": f"{d + timedelta(days=7):%Y-%m-%d}" if k % 3 == 0 else ""})
        if d.weekday() == 0:
            tbt.append({"Timestamp": _ts(d, 7, 0), "Topic": ("Hand safety", "Working near overhead lines",
                                                              "Cold stress", "Ground disturbance",
                                                              "Fatigue")[len(tbt) % 5],
                        "Presenter": sup, "Attendees": ", ".join(names[: max(1, len(names) - 2)]),
                        "Management Present": "Yes" if k % 2 == 0 else "No", "Notes": "Reviewed the hazards."})
    incident_rows = []
    if incidents:
        for m in range(12):
            mm = month.shift(-m)
            if m % 3 == 0 or m == 0:
                incident_rows.append({"Timestamp": _ts(mm.first + timedelta(days=9), 15), "Incident Date":
                                      f"{mm.first + timedelta(days=9):%Y-%m-%d}", "Reporter": names[-1],
                                      "Type": "Near Miss", "Description": "Skid steer reversed close to a worker.",
                                      "Root Cause": "No spotter assigned for reversing in tight area; "
                                      "backup alarm muffled by mud.", "Corrective Actions": "Spotter rule",
                                      "Investigated By": sup, "Investigation Date":
                                      f"{mm.first + timedelta(days=10):%Y-%m-%d}", "Communicated To Crew": "TBT"})
        incident_rows.append({"Timestamp": _ts(month.first + timedelta(days=20), 11), "Incident Date":
                              f"{month.first + timedelta(days=20):%Y-%m-%d}", "Reporter": names[0],
                              "Type": "First Aid", "Description": "Cut hand on sheet metal",
                              "Root Cause": "Cut hand on sheet metal"})
    actions = [
        {"Action ID": "CA-101", "Source": "Inspection", "Source Ref": "", "Description": "Replace extinguisher",
         "Assigned To": sup, "Raised": f"{month.first + timedelta(days=2):%Y-%m-%d}",
         "Due": f"{month.first + timedelta(days=9):%Y-%m-%d}"},
        {"Action ID": "CA-102", "Source": "Hazard", "Description": "Install guard rail on mezzanine",
         "Assigned To": names[0], "Raised": f"{month.shift(-2).first:%Y-%m-%d}",
         "Due": f"{month.shift(-2).first + timedelta(days=20):%Y-%m-%d}"},
        {"Action ID": "CA-103", "Source": "Incident", "Description": "Buy cut-resistant gloves",
         "Assigned To": sup, "Raised": f"{month.first + timedelta(days=21):%Y-%m-%d}",
         "Completed": f"{month.first + timedelta(days=23):%Y-%m-%d}"},
    ]
    hazards = [{"Hazard ID": f"HZ-{i:02d}", "Task": t, "Hazard": h, "Risk": ("High", "Medium", "Low")[i % 3],
                "Controls": "" if i == 1 else "Procedure + PPE", "Owner": sup, "Identified": "2025-05-01",
                "Reviewed": "2026-06-01", "Status": "Open" if i % 2 else "Controlled"}
               for i, (t, h) in enumerate(zip(TASKS, HAZARDS, strict=True))]
    schedule = [{"Item": u, "Type": "Equipment", "Frequency": "Daily", "Responsible": third} for u in UNITS]
    schedule += [{"Item": SITES[0], "Type": "Workplace", "Frequency": "Weekly", "Responsible": sup},
                 {"Item": "Nisku Yard Bay 3", "Type": "Workplace", "Frequency": "Monthly", "Responsible": sup},
                 {"Item": "Fire extinguishers", "Type": "Workplace", "Frequency": "Quarterly"}]
    program = [
        {"Document": "Safety Policy", "Element": 1, "Signed By": names[0], "Signed Date": "2026-02-01"},
        {"Document": "Responsibilities", "Element": 1, "Signed By": names[0], "Signed Date": "2026-02-01"},
        {"Document": "Hazard Identification Procedure", "Element": 2, "Signed By": names[0],
         "Signed Date": "2025-01-10"},
        {"Document": "Corrective Action Procedure", "Element": 3},
        {"Document": "Safe Work Procedure - Hydrovac daylighting", "Element": 3},
        {"Document": "Inspection Procedure", "Element": 4, "Signed By": sup, "Signed Date": "2025-03-03"},
        {"Document": "Incident Investigation Procedure", "Element": 6, "Signed By": names[0],
         "Signed Date": "2025-03-03"},
    ]
    goals = [{"Year": month.year, "Goal": "Every FLHA reviewed by a supervisor", "Target": "100%", "Status": "82%"},
             {"Year": month.year, "Goal": "Report near misses", "Target": "1 per month", "Status": "On track"}]
    orientation = [{"Timestamp": _ts(days[0], 8), "Worker": names[-1], "Conducted By": sup,
                    "Topics": "FLHA process, PPE, emergency response", "Worker Signature": names[-1]}]
    return {
        "workers": people, "training_matrix": matrix, "training_records": training, "hazard_register": hazards,
        "corrective_actions": actions, "inspection_schedule": schedule, "program": program, "goals": goals,
        "flha": flha, "pre_start": pre, "workplace_inspection": ins, "incident": incident_rows,
        "toolbox_talk": tbt, "orientation": orientation,
    }


def company_dataset(**kwargs: Any) -> Dataset:
    return dataset(company_records(**kwargs))


def hand_findings(data: Dataset, as_of: date, company: str = "Prairie Hydrovac Ltd.",
                  statuses: dict[str, str] | None = None) -> Findings:
    """Findings with the real certifications and deficiencies frames and made-up check verdicts."""
    from pipeline.checks.certifications import certifications
    from pipeline.checks.deficiencies import deficiencies

    settings = Settings(company=company)
    certs = certifications(data, settings, as_of)
    defs = deficiencies(data, settings, as_of)
    pattern = (PASS, PASS, WARN, PASS, FAIL)
    checks = []
    for i, (cid, element, name) in enumerate(CHECKS):
        status = (statuses or {}).get(cid, pattern[i % len(pattern)])
        records = tuple(f"FLHA-2610{i:02d}-{k:05X}" for k in range(i % 4 * 7)) if status != PASS else ()
        checks.append(CheckResult(cid, element, name, status, f"{name}: {status.lower()} (made-up verdict {i}).",
                                  records))
    ordered = tuple(checks)
    return Findings(
        company=company, as_of=as_of, certifications=certs, deficiencies=defs, checks=ordered,
        elements=score_elements(ordered), issues=data.issues,
        counts={"expired_tickets": int((certs["status"] == "Expired").sum()),
                "missing_tickets": int((certs["status"] == "Missing").sum()),
                "expiring_tickets": int((certs["status"] == "Expiring").sum()),
                "open_deficiencies": len(defs), "overdue_deficiencies": int((defs["status"] == "Overdue").sum()),
                "near_misses": 4, "data_issues": len(data.issues)},
        pass_overall=0.8, pass_element=0.5)


GENERATED_AT = datetime(2026, 11, 1, 6, 0)
