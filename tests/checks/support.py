"""A well-kept small company as records, and helpers to run one check or the whole engine on variations of it.

The company is audited as of 2026-10-31 (a month end, so every month of the window is complete): the window
is 2025-11-01..2026-10-31. Work happens every Monday: an FLHA, a pre-start of Unit 12, a toolbox talk with
the owner present; the shop is inspected on the first Monday of each month.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pipeline.checks.audit import Findings, audit
from pipeline.checks.base import AuditContext, CheckResult
from pipeline.checks.certifications import certifications
from pipeline.checks.deficiencies import deficiencies
from pipeline.checks.registry import load_all
from pipeline.normalise.ids import record_id
from pipeline.settings import AuditSettings, Settings
from tests.builders import dataset

AS_OF = date(2026, 10, 31)
Tables = dict[str, list[dict[str, Any]]]

OWNER, OPERATOR, LABOURER = "Dale Kowalski", "Priya Sandhu", "Sam Lee"
INCIDENT_TS = "2026-05-12 16:00:00"
FAILED_PRE_START_TS = "2026-03-02 06:45:00"


def rid(prefix: str, timestamp: str, *identity: str) -> str:
    """The record ID the normaliser gives a response: prefix and Timestamp (identity orders same-second ones)."""
    return record_id(prefix, datetime.fromisoformat(timestamp))


INCIDENT_ID = rid("INC", INCIDENT_TS, LABOURER, "Near Miss")
FAILED_PRE_START_ID = rid("PS", FAILED_PRE_START_TS, OPERATOR, "Unit 12")


def mondays(start: date = date(2025, 11, 3), end: date = AS_OF) -> list[date]:
    days, d = [], start
    while d <= end:
        days.append(d)
        d += timedelta(days=7)
    return days


def good_company() -> Tables:
    """Records of a company that passes every check as of AS_OF. Each call returns a fresh copy."""
    weeks = mondays()
    tables: Tables = {
        "workers": [
            {"Name": OWNER, "Role": "Owner", "Start Date": "2019-03-01"},
            {"Name": OPERATOR, "Role": "Equipment Operator", "Start Date": "2023-05-15"},
            {"Name": LABOURER, "Role": "Labourer", "Start Date": "2024-02-01"},
        ],
        "training_matrix": [
            {"Role": "Owner", "Ticket": "CSTS", "Valid For Months": None},
            {"Role": "Owner", "Ticket": "Standard First Aid", "Valid For Months": 36},
            {"Role": "Equipment Operator", "Ticket": "H2S Alive", "Valid For Months": 36},
            {"Role": "Equipment Operator", "Ticket": "Standard First Aid", "Valid For Months": 36},
            {"Role": "Labourer", "Ticket": "H2S Alive", "Valid For Months": 36},
        ],
        "training_records": [
            {"Worker": OWNER, "Ticket": "CSTS-2020", "Completed": "2020-04-01"},
            {"Worker": OWNER, "Ticket": "CSTS", "Completed": "2020-04-01"},
            {"Worker": OWNER, "Ticket": "Standard First Aid", "Completed": "2025-06-01"},
            {"Worker": OPERATOR, "Ticket": "H2S Alive", "Completed": "2025-06-01"},
            {"Worker": OPERATOR, "Ticket": "Standard First Aid", "Completed": "2025-06-01"},
            {"Worker": LABOURER, "Ticket": "H2S Alive", "Completed": "2025-06-01"},
        ],
        "program": [
            {"Document": "Health and Safety Policy", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "Roles and Responsibilities", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "Hazard Identification Procedure", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "Corrective Action Procedure", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "Safe Work Procedure - Trenching", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "PPE Requirements by Role", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "Inspection Procedure", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "Incident Investigation Procedure", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "SECOR Certificate", "Signed Date": "2026-03-10"},
        ],
        "goals": [{"Year": 2026, "Goal": "Zero lost-time incidents", "Target": "0 LTI"}],
        "hazard_register": [
            {"Hazard ID": "H-1", "Task": "Trenching", "Hazard": "Cave-in", "Risk": "High", "Controls": "Shoring",
             "Identified": "2024-04-01", "Reviewed": "2026-06-01", "Status": "Controlled"},
            {"Hazard ID": "H-2", "Task": "Driving", "Hazard": "Wildlife", "Risk": "Medium",
             "Controls": "Slow down at dusk", "Identified": "2024-04-01", "Reviewed": "2026-06-01",
             "Status": "Controlled"},
        ],
        "inspection_schedule": [
            {"Item": "Unit 12", "Type": "Equipment", "Frequency": "Daily"},
            {"Item": "Shop", "Type": "Workplace", "Frequency": "Monthly"},
        ],
        "flha": [
            {"Timestamp": f"{d} 07:00:00", "Worker": OPERATOR, "Site": f"LSD {i % 10:02d}-12-045-05W5",
             "Task": "Trenching", "Hazards": f"Trench {i} m from pipeline crossing {i}", "Controls": "Shoring",
             "Worker Signature": OPERATOR, "Supervisor Review": OWNER}
            for i, d in enumerate(weeks)
        ],
        "pre_start": [
            {"Timestamp": f"{d} 06:30:00", "Operator": OPERATOR, "Unit": "Unit 12", "Result": "Pass"}
            for d in weeks
        ],
        "workplace_inspection": [
            {"Timestamp": f"{d} 09:00:00", "Inspector": OWNER, "Site": "Shop", "Area": "Yard"}
            for d in weeks if d.day <= 7
        ],
        "toolbox_talk": [
            {"Timestamp": f"{d} 07:30:00", "Topic": f"Topic number {i}", "Presenter": OWNER,
             "Attendees": f"{OPERATOR}, {LABOURER}", "Management Present": "Yes"}
            for i, d in enumerate(weeks)
        ],
        "orientation": [
            {"Timestamp": "2024-02-01 08:00:00", "Worker": w, "Conducted By": OWNER,
             "Topics": "FLHA process, PPE, emergency plan", "Worker Signature": w}
            for w in (OWNER, OPERATOR, LABOURER)
        ],
        "incident": [
            {"Timestamp": INCIDENT_TS, "Incident Date": "2026-05-12", "Reporter": LABOURER, "Type": "Near Miss",
             "Description": "Excavator bucket swung within 1 m of a labourer",
             "Root Cause": "No spotter assigned because the crew was short; swing radius not in the SWP",
             "Corrective Actions": "Assign a spotter; add swing radius to the trenching SWP",
             "Investigated By": OWNER, "Investigation Date": "2026-05-13",
             "Communicated To Crew": "Yes, toolbox talk 2026-05-18"},
        ],
        "corrective_actions": [
            {"Action ID": "CA-1", "Source": "Incident", "Source Ref": INCIDENT_ID,
             "Description": "Add swing radius to the SWP", "Assigned To": OWNER, "Raised": "2026-05-13",
             "Due": "2026-06-12", "Completed": "2026-05-20", "Verified By": OWNER, "Verified": "2026-05-27"},
        ],
    }
    # One failed pre-start, fixed and verified: the defect has its follow-up.
    tables["pre_start"].append({"Timestamp": FAILED_PRE_START_TS, "Operator": OPERATOR, "Unit": "Unit 12",
                                "Result": "Fail", "Defects": "Hydraulic leak", "Out Of Service": "Yes"})
    tables["corrective_actions"].append(
        {"Action ID": "CA-2", "Source": "Pre-Start", "Source Ref": FAILED_PRE_START_ID.lower() + " ",
         "Description": "Replace hose", "Assigned To": OPERATOR, "Raised": "2026-03-02", "Completed": "2026-03-03",
         "Verified By": OWNER, "Verified": "2026-03-04"})
    return tables


def changed(tables: Mapping[str, Sequence[Mapping[str, Any]]] | None = None, **replace: list[dict[str, Any]]
            ) -> Tables:
    """A copy of ``tables`` (default: the good company) with some tables replaced; [] empties a table."""
    out = copy.deepcopy(dict(tables) if tables is not None else good_company())
    out.update(replace)
    return out


def without(*keys: str, tables: Tables | None = None) -> Tables:
    """A copy of the tables with some tables missing altogether."""
    out = copy.deepcopy(tables if tables is not None else good_company())
    for key in keys:
        out.pop(key, None)
    return out


def settings(**audit: Any) -> Settings:
    return Settings(audit=AuditSettings(**audit))


def context(tables: Tables, as_of: date = AS_OF, config: Settings | None = None) -> AuditContext:
    config = config or Settings()
    data = dataset(tables, config)
    return AuditContext(data, config, as_of, certifications(data, config, as_of),
                        deficiencies(data, config, as_of))


def run(check_id: str, tables: Tables, as_of: date = AS_OF, config: Settings | None = None) -> CheckResult:
    """Run one registered check on the tables."""
    return load_all()[check_id].run(context(tables, as_of, config))


def findings(tables: Tables, as_of: date = AS_OF, config: Settings | None = None) -> Findings:
    config = config or Settings()
    return audit(dataset(tables, config), config, as_of)
