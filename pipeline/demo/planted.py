"""What the demo company is built to show: the audit checks' expected results, and the messy cells.

``PLANTED`` is the contract for ``generate_demo`` with its default size (8 workers, 14 months) and
any seed and end date: as of ``end`` with the default settings, each check of SPEC.md gives the
``status`` listed (``also`` lists a neighbouring status a stricter or more lenient reading of the
SPEC wording could give). ``records`` name the records behind it; ``DemoCompany.planted`` carries the
same list with the records resolved to record IDs and sheet rows for the company generated.
Both styles of ``generate_demo`` (template and forms) hold the same records, so the same statuses are
planted for both; only sheet rows move (title rows above a header) and the grid training matrix
names its vague column by its header row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .people import FIRST_AID, GD2, H2S, JASON, RAVI, SHAWNA, TYLER, VAGUE_ROLE, VAGUE_TICKET

PASS, WARN, FAIL = "Pass", "Warn", "Fail"


@dataclass(frozen=True)
class Planted:
    """One audit check's expected result as of the end date, and why."""

    check_id: str
    status: str
    planted: str
    records: tuple[str, ...] = ()
    also: tuple[str, ...] = ()

    @property
    def acceptable(self) -> tuple[str, ...]:
        return (self.status, *self.also)


@dataclass(frozen=True)
class PlantedTicket:
    """One certification status planted for the end date (Dashboard - Certifications)."""

    worker: str
    ticket: str
    status: str  # Expired | Missing | Expiring
    days_left: tuple[int, int] | None  # inclusive range; None for Missing


@dataclass(frozen=True)
class Messy:
    """A messy cell planted for the Data Issues tab (``problem`` = '' when the pipeline should just cope)."""

    table: str  # table title
    row: int  # sheet row number (header is row 1)
    column: str  # column title ('' for a whole row)
    value: str
    problem: str  # a phrase expected in the Data Issues problem text, or ''


PLANTED_TICKETS: tuple[PlantedTicket, ...] = (
    PlantedTicket(RAVI, H2S, "Expired", (-20, -20)),
    PlantedTicket(JASON, GD2, "Missing", None),
    PlantedTicket(SHAWNA, FIRST_AID, "Expiring", (32, 35)),
)

PLANTED: tuple[Planted, ...] = (
    Planted("E1.1", FAIL, "Safety Policy signed and dated 240 days before end, but by Gord Mitchell, "
            "whose End Date (150 days before end) says he has left", ("Program row 2",)),
    Planted("E1.2", PASS, "Program row 'Responsibilities' (element 1), signed and dated"),
    Planted("E1.3", PASS, "weekly toolbox talks with Management Present = Yes given by the owner or a "
            "supervisor, weekly yard inspections by the owner, incidents investigated by the supervisor"),
    Planted("E1.4", PASS, "four Goals rows for every year of the data, the end year included"),
    Planted("E2.1", PASS, "Program row 'Hazard Identification Procedure' (element 2)"),
    Planted("E2.2", WARN, "no FLHA at all in the calendar month four months before the end month, "
            "while pre-starts, inspections and toolbox talks go on that month (a month with work); "
            "FLHAs every other workday up to the end date: 1 month of 12 with work is missing",
            ("YYYY-MM of the gap month",), also=(FAIL,)),
    Planted("E2.3", WARN, "12 FLHAs by Shawna Cardinal (the first 12 workdays from 40 days before end) have no "
            "Worker Signature; every other FLHA is signed and has a Supervisor Review",
            ("12 FLHA IDs",), also=(FAIL,)),
    Planted("E2.4", WARN, f"{TYLER}'s FLHAs on 12 workdays from 60 days before end all have the same Hazards "
            "text across several sites and days, 5 of them with site 'Various'; all other FLHAs name a real "
            "site and have their own hazards text", ("12 FLHA IDs",), also=(FAIL,)),
    Planted("E2.5", PASS, "Hazard Register with 10 rows, all Reviewed within the last 150 days"),
    Planted("E2.6", PASS, "every Orientation lists 'Hazard identification and FLHA process' in Topics"),
    Planted("E3.1", PASS, "Program row 'Corrective Action Procedure' (element 3)"),
    Planted("E3.2", FAIL, "one overdue deficiency (the E4.3 pre-start, out of service with no follow-up); one "
            "Corrective Actions row (Source Inspection, the shop eyewash) Completed but with no Verified By / "
            "Verified; one open action raised 10 days before end, due in 20 days. Read over Corrective Actions "
            "rows alone (none overdue), it is Warn",
            ("Pre-Start ID", "Workplace Inspection ID", "Action ID"), also=(WARN,)),
    Planted("E3.3", FAIL, "Hazard Register task 'Confined space entry' is High risk and no Program row "
            "'Safe Work Procedure - Confined space entry' exists; the other four High tasks have one",
            ("HZ-004", "Hazard Register row 5"), also=(WARN,)),
    Planted("E3.4", PASS, "Program row 'PPE Requirements' (element 3)"),
    Planted("E4.1", PASS, "Inspection Schedule: every unit Daily (Equipment), Edson yard (shop) Weekly (Workplace)"),
    Planted("E4.2", PASS, "a pre-start for every unit on every workday (Mon-Fri except Dec 25-26 and Jan 1, "
            "plus some Saturdays) and a Workplace Inspection of Edson yard (shop) every week"),
    Planted("E4.3", FAIL, f"{RAVI}'s pre-start of SS-02 Bobcat S650 on the workday 20 days before end: "
            "Result Fail, Out Of Service Yes, no Action Taken, no Closed, no Corrective Actions row (an "
            "overdue open deficiency); every other defect has a Closed date or a linked Corrective Action",
            ("Pre-Start ID",)),
    Planted("E5.1", FAIL, f"Training Matrix row Role '{VAGUE_ROLE}', Ticket '{VAGUE_TICKET}' (no worker has "
            "that role, so it adds no certification)", ("Training Matrix row 35",), also=(WARN,)),
    Planted("E5.2", FAIL, f"{RAVI}'s {H2S} expired 20 days before end; {JASON} has no {GD2} record; "
            f"({SHAWNA}'s {FIRST_AID} is Expiring, not overdue)",
            (f"{RAVI}: {H2S} (Expired)", f"{JASON}: {GD2} (Missing)")),
    Planted("E5.3", PASS, "an Orientation with Worker Signature for every worker"),
    Planted("E5.4", WARN, "toolbox talks every week, but the talks of the weeks 10, 8 and 6 weeks before end "
            "have the same topic and the same notes", ("3 Toolbox Talk IDs, the first occurrence included",),
            also=(FAIL,)),
    Planted("E6.1", PASS, "Program row 'Incident Investigation Procedure' (element 6)"),
    Planted("E6.2", PASS, "exactly one Near Miss in the window (75 days before end), investigated",
            ("Incident ID",)),
    Planted("E6.3", FAIL, "the First Aid incident 200 days before end has a Root Cause identical to its "
            "Description; the other incidents have a real root cause", ("Incident ID",), also=(WARN,)),
    Planted("E6.4", PASS, "every incident has a Corrective Actions row (Source Incident, Source Ref = its ID) "
            "Completed and Verified, and a Closed date"),
    Planted("E6.5", PASS, "every incident has 'Communicated To Crew' filled ('Yes - toolbox talk <date>')"),
    Planted("S.1", PASS, "8 people on Workers (one left 150 days before end): never more than 10 active"),
    Planted("S.2", WARN, "Program row 'SECOR Certificate' signed one year and 40 days before end: the year-2 "
            "maintenance audit falls in the month 40 days after end, less than 60 days away",
            ("Program row 15",)),
    Planted("S.3", PASS, "Dale Kowalski and Marc Tremblay are active and hold current CSTS and Standard First Aid"),
)


def resolve(refs: dict[str, list[str]], workers: int) -> tuple[Planted, ...]:
    """PLANTED with the records of one generated company; S.1 fails once the company is over 10 people."""
    out = []
    for p in PLANTED:
        records = tuple(refs.get(p.check_id, ())) or p.records
        if p.check_id == "S.1" and workers > 10:
            p = replace(p, status=FAIL, planted=f"{workers} people on Workers, more than 10 of them active "
                        "at once (over the small-employer limit of 10)")
        out.append(replace(p, records=records))
    return tuple(out)
