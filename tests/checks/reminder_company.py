"""A small company as its office keeps it (Workers with Email and 'Reports To'), for the reminder tests.

As of 2026-12-02: Jason's H2S Alive expires 2027-01-05 (34 days), Tyler (no email) has CA-8 due 2026-12-05,
the Safety Policy's year is up 2027-01-15, and the year-3 SECOR maintenance audit is due in 2027-03.
"""

from __future__ import annotations

from typing import Any

from pipeline.settings import EmailSettings, RemindersSettings, Settings

OWNER, FOREMAN, OPERATOR, LABOURER = "Dale Kowalski", "Priya Sandhu", "Jason Whitford", "Tyler Brandt"
OWNER_MAIL, FOREMAN_MAIL, OPERATOR_MAIL, OFFICE_MAIL = (
    "dale@acme.example", "priya@acme.example", "jason@acme.example", "office@acme.example")


def tables(*, renewed: str | None = None, description: str = "Replace cracked ladder foot") -> dict[str, Any]:
    """The records; ``renewed``: Jason's new H2S Alive completion date, a row the office adds on renewal."""
    records = [
        {"Worker": OPERATOR, "Ticket": "H2S Alive", "Completed": "2024-01-05", "Expires": "2027-01-05"},
        {"Worker": LABOURER, "Ticket": "H2S Alive", "Completed": "2024-02-10", "Expires": "2027-02-10"},
        {"Worker": FOREMAN, "Ticket": "Standard First Aid", "Completed": "2024-03-01", "Expires": "2027-03-01"},
    ]
    if renewed:
        records.append({"Worker": OPERATOR, "Ticket": "H2S Alive (Energy Safety Canada)", "Completed": renewed})
    return {
        "workers": [
            {"Employee Name": OWNER, "Position": "Owner", "Hire Date": "2015-04-01", "E-mail": OWNER_MAIL},
            {"Employee Name": FOREMAN, "Position": "Foreman", "Hire Date": "2019-05-01", "E-mail": FOREMAN_MAIL,
             "Reports To": OWNER},
            {"Employee Name": OPERATOR, "Position": "Operator", "Hire Date": "2021-06-14", "E-mail": OPERATOR_MAIL,
             "Reports To": FOREMAN},
            {"Employee Name": LABOURER, "Position": "Labourer", "Hire Date": "2024-02-01", "E-mail": "",
             "Reports To": FOREMAN},
        ],
        "training_matrix": [
            {"Role": "Operator", "Ticket": "H2S Alive", "Valid For Months": 36},
            {"Role": "Labourer", "Ticket": "H2S Alive", "Valid For Months": 36},
            {"Role": "Foreman", "Ticket": "Standard First Aid", "Valid For Months": 36},
        ],
        "training_records": records,
        "corrective_actions": [
            {"Action ID": "CA-7", "Source": "Inspection", "Description": "Guard on bench grinder",
             "Assigned To": FOREMAN, "Raised": "2026-11-20", "Due": "2026-12-10"},
            {"Action ID": "CA-8", "Source": "Inspection", "Description": description,
             "Assigned To": LABOURER, "Raised": "2026-11-25", "Due": "2026-12-05"},
        ],
        "program": [
            {"Document": "Health & Safety Policy", "Signed By": OWNER, "Signed Date": "2026-01-15"},
            {"Document": "SECOR Certificate", "Signed Date": "2025-03-10"},
            {"Document": "SECOR Maintenance Audit 2026", "Signed Date": "2026-03-20"},
        ],
    }


def settings(**reminders: Any) -> Settings:
    return Settings(company="Acme Oilfield <Hauling> & Sons", email=EmailSettings(
        enabled=True, to=(OWNER_MAIL,), alerts_to=(OFFICE_MAIL,), sender="secor@acme.example"),
        reminders=RemindersSettings(enabled=True, **reminders))
