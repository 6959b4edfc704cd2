"""The tables of SPEC.md: their default tab names, columns, kinds and aliases.

Everything downstream uses the snake_case ``key`` of a table and of a column;
the ``title`` is what the office sees in its sheet and in messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a column's cells are normalised."""

    TEXT = "text"
    NAME = "name"  # a person: matched against Workers
    DATE = "date"
    TIMESTAMP = "timestamp"
    CHOICE = "choice"
    YESNO = "yesno"
    NUMBER = "number"
    MONTHS = "months"  # a duration: "36", "36 months", "3 years"


@dataclass(frozen=True)
class Column:
    """One column of a table."""

    key: str
    title: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    # Choice aliases: the crew's or office's wording -> the canonical value.
    choice_aliases: tuple[tuple[str, str], ...] = ()
    bounds: tuple[float, float] | None = None  # numbers outside are a data issue


@dataclass(frozen=True)
class Table:
    """One table: an office tab or a form's response tab."""

    key: str
    title: str
    columns: tuple[Column, ...]
    is_form: bool = False
    id_prefix: str = ""
    # Columns that order responses submitted in the same second (their IDs get -2, -3...).
    identity: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


def _c(key: str, title: str, kind: Kind = Kind.TEXT, req: bool = False, *aliases: str,
       choices: tuple[str, ...] = (), choice_aliases: tuple[tuple[str, str], ...] = (),
       bounds: tuple[float, float] | None = None) -> Column:
    return Column(key, title, kind, req, tuple(aliases), choices, choice_aliases, bounds)


_TS = _c("timestamp", "Timestamp", Kind.TIMESTAMP, True, "Submitted", "Submitted At", "Submission Time")
_FORM_DATE = _c("date", "Date", Kind.DATE, False, "Date Of Work", "Work Date", "Inspection Date",
                "Date Of Inspection", "Date Of Talk", "Meeting Date", "Orientation Date")

RISKS = ("High", "Medium", "Low")
SOURCES = ("Inspection", "Pre-Start", "Incident", "Hazard", "FLHA", "Audit", "Other")
FREQUENCIES = ("Daily", "Weekly", "Monthly", "Quarterly", "Annually")
INCIDENT_TYPES = ("Near Miss", "First Aid", "Medical Aid", "Lost Time", "Property Damage", "Vehicle")
# Alberta's NSC Standard 13 trip inspection: a minor defect is reported and fixed, a major one means the unit
# may not be driven (Fail = do not operate).
PRE_START_RESULTS = ("Pass", "Minor Defect", "Fail")

# Built-in synonyms: the crew's and office's common wordings -> the canonical value. Case, spacing and
# punctuation do not matter, and an explanation after a known wording ("Near miss (no injury or damage)",
# "Minor defect(s) - reported") is ignored (cells.parse_choice). Offices add their own under [values].
RISK_ALIASES = (("h", "High"), ("hi", "High"), ("high risk", "High"), ("m", "Medium"), ("med", "Medium"),
                ("mod", "Medium"), ("moderate", "Medium"), ("medium risk", "Medium"), ("l", "Low"), ("lo", "Low"),
                ("low risk", "Low"))
SOURCE_ALIASES = (("prestart", "Pre-Start"), ("pre start", "Pre-Start"), ("pre trip", "Pre-Start"),
                  ("pretrip", "Pre-Start"), ("pre trip inspection", "Pre-Start"), ("pre start inspection", "Pre-Start"),
                  ("trip inspection", "Pre-Start"), ("equipment inspection", "Pre-Start"),
                  ("workplace inspection", "Inspection"), ("site inspection", "Inspection"),
                  ("hazard assessment", "Hazard"), ("hazard register", "Hazard"), ("hazard id", "Hazard"),
                  ("hazard identification", "Hazard"), ("field level hazard assessment", "FLHA"),
                  ("incident report", "Incident"), ("near miss", "Incident"), ("investigation", "Incident"),
                  ("internal audit", "Audit"), ("external audit", "Audit"), ("secor audit", "Audit"))
PRE_START_ALIASES = (("passed", "Pass"), ("ok", "Pass"), ("good", "Pass"), ("no defects", "Pass"),
                     ("no defect", "Pass"), ("no defects found", "Pass"), ("good to go", "Pass"),
                     ("all good", "Pass"), ("minor defect", "Minor Defect"), ("minor defects", "Minor Defect"),
                     ("minor", "Minor Defect"), ("failed", "Fail"), ("major defect", "Fail"),
                     ("major defects", "Fail"), ("major", "Fail"), ("do not operate", "Fail"),
                     ("out of service", "Fail"))
INCIDENT_ALIASES = (("nearmiss", "Near Miss"), ("close call", "Near Miss"), ("near miss close call", "Near Miss"),
                    ("first aid only", "First Aid"), ("first aid injury", "First Aid"),
                    ("medical treatment", "Medical Aid"), ("medical aid injury", "Medical Aid"),
                    ("lti", "Lost Time"), ("lost time injury", "Lost Time"), ("lost time incident", "Lost Time"),
                    ("equipment damage", "Property Damage"), ("damage", "Property Damage"), ("mva", "Vehicle"),
                    ("mvi", "Vehicle"), ("motor vehicle", "Vehicle"), ("motor vehicle incident", "Vehicle"),
                    ("vehicle incident", "Vehicle"), ("motor vehicle accident", "Vehicle"))

TABLES: tuple[Table, ...] = (
    Table("workers", "Workers", (
        _c("name", "Name", Kind.NAME, True, "Worker", "Worker Name", "Full Name", "Employee", "Employee Name"),
        _c("role", "Role", Kind.TEXT, True, "Position", "Job Title", "Title", "Job Role"),
        _c("start_date", "Start Date", Kind.DATE, True, "Start", "Hire Date", "Hired", "Date Hired"),
        _c("end_date", "End Date", Kind.DATE, False, "End", "Termination Date", "Left", "Date Left"),
        _c("email", "Email", Kind.TEXT, False, "Email Address", "E-mail"),
        _c("supervisor", "Supervisor", Kind.NAME, False, "Reports To", "Manager"),
    ), aliases=("Employees", "Staff", "Worker List")),
    Table("training_matrix", "Training Matrix", (
        _c("role", "Role", Kind.TEXT, True, "Position", "Job Title", "Job Role"),
        _c("ticket", "Ticket", Kind.TEXT, True, "Training", "Certification", "Course", "Required Ticket",
           "Required Training"),
        _c("valid_for_months", "Valid For Months", Kind.MONTHS, False, "Valid Months", "Validity Months",
           "Validity", "Months Valid", "Renewal Months", "Valid For", bounds=(1, 600)),
    ), aliases=("Matrix", "Training Requirements")),
    Table("training_records", "Training Records", (
        _c("worker", "Worker", Kind.NAME, True, "Name", "Worker Name", "Employee"),
        _c("ticket", "Ticket", Kind.TEXT, True, "Training", "Certification", "Course"),
        _c("completed", "Completed", Kind.DATE, True, "Completed On", "Date Completed", "Completion Date",
           "Issued", "Issue Date", "Date"),
        _c("expires", "Expires", Kind.DATE, False, "Expiry", "Expiry Date", "Expiration", "Expiration Date",
           "Expires On", "Valid Until"),
        _c("certificate_no", "Certificate No", Kind.TEXT, False, "Certificate", "Certificate Number",
           "Cert No", "Cert Number", "Card Number"),
        _c("provider", "Provider", Kind.TEXT, False, "Training Provider", "Issued By", "Trainer"),
    ), aliases=("Training", "Tickets", "Training Log")),
    Table("hazard_register", "Hazard Register", (
        _c("hazard_id", "Hazard ID", Kind.TEXT, False, "ID", "Hazard No", "Hazard Number"),
        _c("task", "Task", Kind.TEXT, True, "Job", "Activity", "Job Task"),
        _c("hazard", "Hazard", Kind.TEXT, True, "Hazards", "Hazard Description"),
        _c("risk", "Risk", Kind.CHOICE, False, "Risk Level", "Risk Rating", "Rating",
           choices=RISKS, choice_aliases=RISK_ALIASES),
        _c("controls", "Controls", Kind.TEXT, False, "Control", "Control Measures", "Controls In Place"),
        _c("owner", "Owner", Kind.NAME, False, "Responsible", "Assigned To"),
        _c("identified", "Identified", Kind.DATE, False, "Date Identified", "Identified On", "Date"),
        _c("reviewed", "Reviewed", Kind.DATE, False, "Date Reviewed", "Last Reviewed", "Review Date"),
        _c("status", "Status", Kind.CHOICE, False, choices=("Open", "Controlled"),
           choice_aliases=(("closed", "Controlled"), ("in place", "Controlled"), ("controls in place", "Controlled"),
                           ("complete", "Controlled"), ("done", "Controlled"))),
    ), aliases=("Hazards", "Hazard Log", "Hazard Assessment")),
    Table("corrective_actions", "Corrective Actions", (
        _c("action_id", "Action ID", Kind.TEXT, True, "ID", "CA ID", "Action No", "Action Number", "CA No"),
        _c("source", "Source", Kind.CHOICE, False, "Source Type", "Origin", choices=SOURCES,
           choice_aliases=SOURCE_ALIASES),
        _c("source_ref", "Source Ref", Kind.TEXT, False, "Source Reference", "Reference", "Ref", "Record ID",
           "Finding ID"),
        _c("description", "Description", Kind.TEXT, True, "Action", "Corrective Action", "Details"),
        _c("assigned_to", "Assigned To", Kind.NAME, False, "Assigned", "Responsible", "Owner", "Who"),
        _c("raised", "Raised", Kind.DATE, True, "Date Raised", "Raised On", "Opened", "Date"),
        _c("due", "Due", Kind.DATE, False, "Due Date", "Target Date"),
        _c("completed", "Completed", Kind.DATE, False, "Date Completed", "Completed On", "Closed"),
        _c("verified_by", "Verified By", Kind.NAME, False, "Verifier"),
        _c("verified", "Verified", Kind.DATE, False, "Verified On", "Date Verified", "Verification Date"),
    ), aliases=("Actions", "CA Log", "Corrective Action Log")),
    Table("inspection_schedule", "Inspection Schedule", (
        _c("item", "Item", Kind.TEXT, True, "Equipment", "Unit", "Area", "What"),
        _c("type", "Type", Kind.CHOICE, False, "Inspection Type", choices=("Equipment", "Workplace")),
        _c("frequency", "Frequency", Kind.CHOICE, True, "How Often", choices=FREQUENCIES,
           choice_aliases=(("annual", "Annually"), ("yearly", "Annually"), ("day", "Daily"),
                           ("week", "Weekly"), ("month", "Monthly"), ("quarter", "Quarterly"))),
        _c("responsible", "Responsible", Kind.NAME, False, "Who", "Inspector", "Assigned To"),
    ), aliases=("Inspections Schedule", "Inspection Plan")),
    Table("program", "Program", (
        _c("document", "Document", Kind.TEXT, True, "Title", "Name", "Program Document"),
        _c("element", "Element", Kind.NUMBER, False, "SECOR Element", bounds=(1, 6)),
        _c("signed_by", "Signed By", Kind.NAME, False, "Signed", "Signature", "Approved By"),
        _c("signed_date", "Signed Date", Kind.DATE, False, "Date Signed", "Signed On", "Approved On",
           "Issue Date"),
        _c("review_date", "Review Date", Kind.DATE, False, "Reviewed", "Last Reviewed", "Next Review"),
        _c("link", "Link", Kind.TEXT, False, "URL", "File", "Location"),
    ), aliases=("Program Documents", "Documents", "Safety Program")),
    Table("goals", "Goals", (
        _c("year", "Year", Kind.NUMBER, True, bounds=(2000, 2100)),
        _c("goal", "Goal", Kind.TEXT, True, "Objective", "Safety Goal"),
        _c("target", "Target", Kind.TEXT, False, "Measure"),
        _c("status", "Status", Kind.TEXT, False, "Progress"),
    ), aliases=("Safety Goals", "Objectives")),
    Table("flha", "FLHA", (
        _TS, _FORM_DATE,
        _c("worker", "Worker", Kind.NAME, True, "Name", "Your Name", "Worker Name", "Completed By"),
        _c("site", "Site", Kind.TEXT, True, "Location", "Site Location", "Job Site", "Site Name", "LSD"),
        _c("task", "Task", Kind.TEXT, True, "Job", "Task Description", "Job Description", "Work Task"),
        _c("hazards", "Hazards", Kind.TEXT, True, "Hazards Identified", "Identified Hazards", "Hazard"),
        _c("controls", "Controls", Kind.TEXT, True, "Control Measures", "Controls In Place", "Control"),
        _c("crew", "Crew", Kind.TEXT, False, "Crew Members", "Workers On Site"),
        _c("worker_signature", "Worker Signature", Kind.TEXT, False, "Signature", "Signed", "Sign"),
        _c("supervisor_review", "Supervisor Review", Kind.TEXT, False, "Reviewed By", "Supervisor",
           "Supervisor Signature"),
    ), is_form=True, id_prefix="FLHA", identity=("worker", "site"),
        aliases=("Field Level Hazard Assessment", "FLHA Responses", "Hazard Assessment Form")),
    Table("pre_start", "Pre-Start", (
        _TS, _FORM_DATE,
        _c("operator", "Operator", Kind.NAME, True, "Name", "Your Name", "Driver", "Operator Name"),
        _c("unit", "Unit", Kind.TEXT, True, "Unit Number", "Unit No", "Equipment", "Vehicle", "Unit #"),
        _c("result", "Result", Kind.CHOICE, True, "Overall Result", "Inspection Result", "Pass Fail",
           choices=PRE_START_RESULTS, choice_aliases=PRE_START_ALIASES),
        _c("defects", "Defects", Kind.TEXT, False, "Defects Found", "Deficiencies", "Issues", "Describe Any Defects",
           "Defects Noted", "List Any Defects", "Defects Or Concerns", "Describe Defects"),
        _c("out_of_service", "Out Of Service", Kind.YESNO, False, "Unit Out Of Service", "OOS",
           "Tagged Out", "Is The Unit Tagged Out", "Is The Unit Tagged Out Parked", "Unit Tagged Out",
           "Is The Unit Out Of Service", "Taken Out Of Service"),
        _c("action_taken", "Action Taken", Kind.TEXT, False, "Action", "Follow Up"),
        _c("closed", "Closed", Kind.DATE, False, "Date Closed", "Repaired"),
    ), is_form=True, id_prefix="PS", identity=("operator", "unit"),
        aliases=("Prestart", "Pre Start Inspection", "Equipment Pre-Start", "Pre-Start Inspection",
                 "Pre-Trip Inspection", "Pre-Trip", "Trip Inspection", "Pre-Use Inspection", "Vehicle Inspection",
                 "Daily Vehicle Inspection", "Circle Check")),
    Table("workplace_inspection", "Workplace Inspection", (
        _TS, _FORM_DATE,
        _c("inspector", "Inspector", Kind.NAME, True, "Name", "Inspected By", "Your Name"),
        _c("site", "Site", Kind.TEXT, True, "Location", "Job Site"),
        _c("area", "Area", Kind.TEXT, False, "Area Inspected", "Item", "Equipment"),
        _c("deficiencies", "Deficiencies", Kind.TEXT, False, "Deficiencies Found", "Defects", "Findings"),
        _c("corrective_action", "Corrective Action", Kind.TEXT, False, "Action Required", "Corrective Actions"),
        _c("due", "Due", Kind.DATE, False, "Due Date", "Target Date"),
        _c("closed", "Closed", Kind.DATE, False, "Date Closed", "Completed"),
    ), is_form=True, id_prefix="INS", identity=("inspector", "site"),
        aliases=("Inspections", "Site Inspection", "Workplace Inspections")),
    Table("incident", "Incident", (
        _TS,
        _c("incident_date", "Incident Date", Kind.DATE, True, "Date Of Incident", "Date", "When"),
        _c("reporter", "Reporter", Kind.NAME, True, "Reported By", "Your Name", "Name"),
        _c("type", "Type", Kind.CHOICE, True, "Incident Type", "Type Of Incident", "Category",
           choices=INCIDENT_TYPES,
           choice_aliases=INCIDENT_ALIASES),
        _c("description", "Description", Kind.TEXT, True, "What Happened", "Incident Description", "Details"),
        _c("immediate_cause", "Immediate Cause", Kind.TEXT, False, "Direct Cause"),
        _c("root_cause", "Root Cause", Kind.TEXT, False, "Root Causes", "Underlying Cause", "Basic Cause"),
        _c("corrective_actions", "Corrective Actions", Kind.TEXT, False, "Corrective Action", "Actions"),
        _c("investigated_by", "Investigated By", Kind.NAME, False, "Investigator"),
        _c("investigation_date", "Investigation Date", Kind.DATE, False, "Date Investigated"),
        _c("communicated_to_crew", "Communicated To Crew", Kind.TEXT, False, "Communicated", "Shared With Crew",
           "Crew Informed"),
        _c("closed", "Closed", Kind.DATE, False, "Date Closed"),
    ), is_form=True, id_prefix="INC", identity=("reporter", "type"),
        aliases=("Incidents", "Incident Report", "Near Miss", "Incident / Near Miss")),
    Table("toolbox_talk", "Toolbox Talk", (
        _TS, _FORM_DATE,
        _c("topic", "Topic", Kind.TEXT, True, "Subject", "Talk Topic", "Topics Discussed", "Topic Of Talk",
           "Topic Of The Talk", "Meeting Topic"),
        _c("presenter", "Presenter", Kind.NAME, True, "Presented By", "Led By", "Your Name", "Talk Given By",
           "Meeting Led By"),
        _c("attendees", "Attendees", Kind.TEXT, True, "Attendance", "Crew Present", "Workers Present",
           "Names Of Attendees", "Who Attended", "Crew In Attendance", "Attendee Names"),
        _c("management_present", "Management Present", Kind.YESNO, False, "Management Attended",
           "Supervisor Present"),
        _c("notes", "Notes", Kind.TEXT, False, "Discussion", "Comments", "Notes Discussion"),
    ), is_form=True, id_prefix="TBT", identity=("presenter", "topic"),
        aliases=("Toolbox Talks", "Toolbox Meeting", "Safety Meeting", "Tailgate Meeting")),
    Table("orientation", "Orientation", (
        _TS, _FORM_DATE,
        _c("worker", "Worker", Kind.NAME, True, "New Worker", "Worker Name", "Name"),
        _c("conducted_by", "Conducted By", Kind.NAME, True, "Orientation By", "Trainer", "Presenter"),
        _c("topics", "Topics", Kind.TEXT, False, "Topics Covered", "Items Covered"),
        _c("worker_signature", "Worker Signature", Kind.TEXT, False, "Signature", "Signed", "Sign"),
    ), is_form=True, id_prefix="ORI", identity=("worker",),
        aliases=("Orientations", "New Worker Orientation", "Worker Orientation")),
)

BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}
OFFICE_TABLES = tuple(t.key for t in TABLES if not t.is_form)
FORM_TABLES = tuple(t.key for t in TABLES if t.is_form)

# Columns every normalised table carries beside its own.
ROW = "row"  # the sheet row number as the office sees it (header is row 1)
ID = "id"  # stable record ID (form tables only)
