"""Toolbox talks, incidents and orientations (forms) and the office tables around them."""

from __future__ import annotations

from datetime import date, timedelta

from .field import follow_up
from .model import CREW_LEADS, FIELD_ROLES, Demo, add_months, rid
from .people import DALE, GORD, JASON, MARC, SHAWNA, TYLER
from .text import DISCUSSION, INCIDENT_STORIES, ORIENTATION_TOPICS, PASTED_PROCEDURE, TOPIC_POINTS, TOPICS

HAZARDS = (
    ("Ground disturbance / excavation", "Contact with buried pipelines or utilities", "High",
     "Locates, hand expose within 1 m, ground disturbance checklist"),
    ("Work near sour gas (H2S)", "H2S exposure at wellsites and batteries", "High",
     "H2S Alive for all, personal monitors, muster points, SCBA for sour work"),
    ("Hoisting and rigging with picker truck", "Dropped or swinging loads, power line contact", "High",
     "Lift plan, tag lines, rigging inspected before use, spotter"),
    ("Confined space entry", "Toxic or oxygen-deficient atmosphere in tanks and vaults", "High",
     "Entry permit, gas test, attendant, rescue plan"),  # planted: E3.3, no Safe Work Procedure
    ("Working at heights on tanks and trailers", "Falls over 3 m", "High",
     "Fall protection with 100% tie-off, ladder inspection"),
    ("Driving lease and resource roads", "Rollover, collision with industrial traffic", "Medium",
     "Radio-assisted roads, speed limits, journey management"),
    ("Operating excavator and skid steer", "Struck-by and rollover", "Medium",
     "Spotters, swing radius flagged, seatbelts"),
    ("Hot work in shop", "Fire and burns", "Medium", "Hot work permit, fire watch, extinguisher at hand"),
    ("Manual handling of pipe and mats", "Back and hand injuries", "Low",
     "Mechanical lifting, two-person lifts, gloves"),
    ("Office work", "Ergonomic strain", "Low", "Adjustable workstations, breaks"),
)
NO_PROCEDURE = "Confined space entry"


def build_toolbox(demo: Demo) -> None:
    rng, end, start = demo.rng, demo.end, demo.start
    firsts: dict[tuple[int, int], date] = {}
    for d in demo.workdays:
        firsts.setdefault(d.isocalendar()[:2], d)

    def week_of(days_back: int) -> date | None:
        d = end - timedelta(days=days_back)
        return firsts.get(d.isocalendar()[:2]) if d >= start else None
    repeats = [week_of(n) for n in (70, 56, 42)]
    emoji, pasted, shouty = week_of(150), week_of(230), week_of(180)
    repeated: dict[str, object] = {}
    for k, day in enumerate(firsts.values()):
        leads = [p.name for p in demo.active(day, *CREW_LEADS)]
        presenters = [DALE, *leads]
        topic = TOPICS[k % len(TOPICS)]
        notes = f"{TOPIC_POINTS[topic]}. {rng.choice(DISCUSSION)}"
        if day in repeats:  # planted: E5.4, the same talk three times in six weeks
            topic = str(repeated.setdefault("topic", topic))
            notes = str(repeated.setdefault("notes", notes))
        attendees = [p.name for p in demo.active(day, *FIELD_ROLES)]
        row = demo.add("toolbox_talk", _ts=demo.moment(day, 7, 25), date=day, topic=topic,
                       presenter=presenters[k % len(presenters)], attendees=", ".join(attendees),
                       management_present="Yes", notes=notes)
        if day in repeats:
            demo.ref("E5.4", rid("toolbox_talk", row))
        if day == emoji:
            row["notes"] = f"{notes} Good talk, crew was into it 👍"
            demo.mess("toolbox_talk", row, "notes", str(row["notes"]), "")
        if day == pasted:
            row["notes"] = (f"{notes} " + PASTED_PROCEDURE * 20)[:4999] + "."  # 5,000 characters
            demo.mess("toolbox_talk", row, "notes", str(row["notes"]), "")
        if day == shouty:
            row["presenter"] = "dale  KOWALSKI"
            demo.mess("toolbox_talk", row, "presenter", "dale  KOWALSKI", "")


def _incident(demo: Demo, days_back: int, story: tuple[str, ...], reporter: str | None = None,
              planted: str = "") -> None:
    rng, end = demo.rng, demo.end
    day = demo.workday_near(end - timedelta(days=days_back))
    if reporter is None or not demo.person(reporter).active(day):
        reporter = rng.choice([p.name for p in demo.active(day, *FIELD_ROLES) if p.role not in CREW_LEADS])
    kind, description, immediate, root, actions = story
    investigator = MARC if demo.person(MARC).active(day) else DALE
    investigated = min(day + timedelta(days=rng.randint(1, 3)), end)
    closed = min(investigated + timedelta(days=rng.randint(7, 20)), end)
    row = demo.add("incident", _ts=demo.moment(day, 15, 150), incident_date=day, reporter=reporter, type=kind,
                   description=description, immediate_cause=immediate, root_cause=root,
                   corrective_actions=actions, investigated_by=investigator, investigation_date=investigated,
                   communicated_to_crew=f"Yes - toolbox talk {investigated + timedelta(days=3):%Y-%m-%d}",
                   closed=closed)
    inc = rid("incident", row)
    follow_up(demo, "Incident", inc, actions, investigator, investigated, closed, DALE)
    if planted:
        demo.ref(planted, inc)
    if kind == "Property Damage" and days_back == 290:
        row["description"] = f"{description} <script>alert(1)</script>"
        demo.mess("incident", row, "description", str(row["description"]), "")


def build_incidents(demo: Demo, workers: int) -> None:
    """Four incidents in the 12-month window (exactly one near miss), more before it, more for a bigger crew."""
    near, vehicle, first_aid, damage, medical, near2 = INCIDENT_STORIES
    _incident(demo, 75, near, TYLER, planted="E6.2")
    _incident(demo, 130, vehicle, MARC)
    _incident(demo, 200, first_aid, JASON, planted="E6.3")
    _incident(demo, 290, damage, SHAWNA)
    older = (near2, medical, damage, near, vehicle)
    back = 395
    while demo.end - timedelta(days=back) >= demo.start + timedelta(days=7):
        _incident(demo, back, older[(back // 100) % len(older)])
        back += 115
    for k in range((workers - 8) // 8):
        _incident(demo, 40 + (37 * k) % 300, (vehicle, damage, medical, near2)[k % 4])


def build_orientation(demo: Demo) -> None:
    first = demo.workdays[0]
    for p in demo.people:
        day = demo.workday_near(p.start, before=False) if p.start >= first else first
        by = MARC if p.name == DALE else DALE if p.name == MARC else demo.rng.choice((DALE, MARC))
        demo.add("orientation", _ts=demo.moment(day, 8, 60), date=day, worker=p.name, conducted_by=by,
                 topics=", ".join(ORIENTATION_TOPICS), worker_signature=p.name)


def build_office(demo: Demo) -> None:
    """Hazard Register, Program, Goals, Inspection Schedule and the audit and hazard follow-ups."""
    rng, end = demo.rng, demo.end
    for i, (task, hazard, risk, controls) in enumerate(HAZARDS, start=1):
        row = demo.add("hazard_register", hazard_id=f"HZ-{i:03d}", task=task, hazard=hazard, risk=risk,
                       controls=controls, owner=MARC if risk == "High" else DALE,
                       identified=end - timedelta(days=rng.randrange(400, 2500)),
                       reviewed=end - timedelta(days=rng.randrange(20, 150)), status="Controlled")
        if task == NO_PROCEDURE:
            demo.ref("E3.3", f"HZ-{i:03d}", f"Hazard Register row {i + 1}")
        if task == "Office work":
            row["identified"] = f"02/30/{end.year}"
            demo.mess("hazard_register", row, "identified", str(row["identified"]), "not a real date")
    signed = lambda days: end - timedelta(days=days)  # noqa: E731
    docs: list[tuple[str, int | None, str | None, date]] = [
        ("Safety Policy", 1, GORD, signed(240)),  # planted: E1.1, signed by a worker who has left
        ("Responsibilities", 1, DALE, signed(235)),
        ("Hazard Identification Procedure", 2, DALE, signed(230)),
        ("Corrective Action Procedure", 3, DALE, signed(230)),
        *[(f"Safe Work Procedure - {t}", 3, MARC, signed(rng.randrange(60, 300)))
          for t, _, risk, _ in HAZARDS if risk == "High" and t != NO_PROCEDURE],
        ("PPE Requirements", 3, DALE, signed(228)),
        ("Emergency Response Plan", 3, MARC, signed(120)),
        ("Inspection Procedure", 4, DALE, signed(225)),
        ("Training and Orientation Program", 5, DALE, signed(225)),
        ("Incident Investigation Procedure", 6, DALE, signed(220)),
        ("SECOR Certificate", None, None, add_months(end, -12) + timedelta(days=40)),  # S.2 Warn
    ]
    for document, element, by, when in docs:
        row = demo.add("program", document=document, element=element, signed_by=by, signed_date=when,
                       review_date=when if element else None,
                       link=f"Shared drive > Safety > Program > {document}.pdf")
        if document == "Safety Policy":
            demo.ref("E1.1", f"Program row {len(demo.rows['program']) + 1}")
        if document == "SECOR Certificate":
            demo.ref("S.2", f"Program row {len(demo.rows['program']) + 1}")
            row["link"] = "ACSA certificate letter (Shared drive > Safety > SECOR)"
    for year in range(demo.start.year, end.year + 1):
        current = year == end.year
        for goal, target, done in (
                ("Zero lost time incidents", "0 lost time incidents", "Met"),
                ("FLHA completed every field shift", "100% of field shifts", "Not met - 97%"),
                ("Report every near miss", "At least 4 near misses reported a year", "Met"),
                ("Monthly management site visit", "12 documented visits", "Met")):
            demo.add("goals", year=year, goal=goal, target=target, status="On track" if current else done)
    for p in demo.people:
        for unit in p.units:
            demo.add("inspection_schedule", item=unit, type="Equipment", frequency="Daily", responsible=p.name)
    demo.add("inspection_schedule", item="Edson yard (shop)", type="Workplace", frequency="Weekly",
             responsible=DALE)
    raised = max(end - timedelta(days=320), demo.start)
    follow_up(demo, "Audit", "SECOR audit", "Add a site-specific hazards question to the FLHA form", MARC, raised,
              raised + timedelta(days=21), DALE, due_days=30)
    follow_up(demo, "Hazard", "HZ-003", "Buy tag lines for the picker truck", MARC, end - timedelta(days=100),
              end - timedelta(days=90), DALE)
    follow_up(demo, "Hazard", "HZ-008", "Install a second extinguisher at the welding bay", DALE,
              end - timedelta(days=10), None, None, due_days=30)
