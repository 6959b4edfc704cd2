"""Workers, the work calendar, the Training Matrix and Training Records of the demo company."""

from __future__ import annotations

from datetime import date, timedelta

from .model import (
    ADMIN,
    DRIVER,
    LABOURER,
    OPERATOR,
    OPS_MANAGER,
    OWNER,
    SUPERVISOR,
    Demo,
    Person,
    add_months,
    us_date,
)

# The named cast: the planted problems are about them (see planted.py).
DALE, LINDA, GORD, MARC = "Dale Kowalski", "Linda Kowalski", "Gord Mitchell", "Marc Tremblay"
JASON, RAVI, SHAWNA, TYLER = "Jason Whitford", "Ravi Sandhu", "Shawna Cardinal", "Tyler Brandt"

FIRST_AID, H2S, WHMIS, GD2 = "Standard First Aid", "H2S Alive", "WHMIS", "Ground Disturbance Level II"
FALL, CSTS, TDG, CONFINED = "Fall Protection", "CSTS", "TDG", "Confined Space"
VALID_MONTHS: dict[str, int | None] = {
    FIRST_AID: 36, H2S: 36, WHMIS: 36, GD2: 36, FALL: 36, CSTS: None, TDG: 36, CONFINED: 36,
}
PROVIDERS = {
    FIRST_AID: ("St. John Ambulance", "SJA"), H2S: ("Energy Safety Canada", "H2S"),
    WHMIS: ("ACSA online", "WH"), GD2: ("Energy Safety Canada", "GD2"), FALL: ("Safety Drive Training", "FP"),
    CSTS: ("Energy Safety Canada", "CSTS"), TDG: ("Safety Drive Training", "TDG"),
    CONFINED: ("Energy Safety Canada", "CSE"),
}
MATRIX: dict[str, tuple[str, ...]] = {
    OWNER: (FIRST_AID, H2S, WHMIS, CSTS),
    OPS_MANAGER: (FIRST_AID, H2S, WHMIS, CSTS, GD2),
    SUPERVISOR: (FIRST_AID, H2S, WHMIS, CSTS, GD2, FALL),
    OPERATOR: (FIRST_AID, H2S, WHMIS, CSTS, GD2),
    LABOURER: (FIRST_AID, H2S, WHMIS, CSTS, FALL, CONFINED),
    DRIVER: (FIRST_AID, H2S, WHMIS, CSTS, TDG),
    ADMIN: (FIRST_AID, WHMIS),
}
VAGUE_ROLE, VAGUE_TICKET = "Summer Student", "As required"  # planted: E5.1

FIRST_NAMES = (
    "Brent", "Kyle", "Cody", "Travis", "Darcy", "Wade", "Corey", "Jared", "Dustin", "Lance", "Trent", "Kelsey",
    "Amanda", "Brittany", "Jenna", "Colton", "Brady", "Riley", "Logan", "Carter", "Dylan", "Mason", "Owen",
    "Harpreet", "Gurpreet", "Aman", "Ivan", "Pavel", "Andre", "Luc", "Mathieu", "Kevin", "Shane", "Derek",
    "Curtis", "Troy", "Rhonda", "Tanya", "Crystal", "Nolan", "Justin", "Garrett", "Blake", "Jordan", "Morgan",
)
LAST_NAMES = (
    "Anderson", "Bouchard", "Chernoff", "Dumont", "Ewanchuk", "Fehr", "Gagnon", "Hrycak", "Isaak", "Johal",
    "Kuefler", "Lavoie", "McLeod", "Nguyen", "Olsen", "Prokop", "Quintal", "Rempel", "Schmidt", "Tkachuk",
    "Unger", "Vandenberg", "Wiebe", "Yakimchuk", "Zimmer", "Bergeron", "Cardiff", "Delorme", "Friesen",
    "Gill", "Hansen", "Klassen", "Lachance", "Moroz", "Neufeld", "Pelletier", "Rasmussen", "Sawchuk", "Thiessen",
    "Wong", "Bell", "Campbell", "Dyck", "Ferguson", "Grant", "Hamilton", "Kozak", "Letendre", "Makowecki",
)
EXTRA_ROLES = (OPERATOR, LABOURER, DRIVER, LABOURER, OPERATOR, SUPERVISOR, LABOURER, DRIVER)
HEAVY = ("CAT 320", "Deere 310SL backhoe", "Kubota KX080", "CAT D6 dozer", "Bobcat T770", "Hitachi ZX135",
         "CAT 140 grader", "Komatsu PC210")
TRUCKS = ("Kenworth T880 hydrovac", "Western Star 4700 picker", "Peterbilt 567 tandem gravel",
          "Kenworth T800 lowboy", "Freightliner 114SD water truck")
PICKUPS = ("F-350", "Ram 3500", "Silverado 2500", "F-550 service")
DEFAULT_WORKERS = 8
HOLIDAYS = ((1, 1), (12, 25), (12, 26))


def build_people(demo: Demo, workers: int) -> None:
    """The named cast of eight, then more crew up to ``workers`` (a realistic mix of roles)."""
    end, rng = demo.end, demo.rng
    back = lambda years, days=0: add_months(end, -12 * years) - timedelta(days=days)  # noqa: E731
    demo.people = [
        Person(DALE, OWNER, back(17, 40)),
        Person(LINDA, ADMIN, back(12, 95), supervisor=DALE),
        Person(GORD, OPS_MANAGER, back(11, 12), end=end - timedelta(days=150), supervisor=DALE),
        Person(MARC, SUPERVISOR, back(9, 200), supervisor=DALE, units=["T-101 F-350"]),
        Person(JASON, OPERATOR, back(6, 30), supervisor=MARC, units=["EX-01 CAT 308"]),
        Person(RAVI, OPERATOR, back(4, 160), supervisor=MARC, units=["SS-02 Bobcat S650"]),
        Person(SHAWNA, DRIVER, back(3, 75), supervisor=MARC, units=["T-201 Kenworth T800 gravel truck"]),
        Person(TYLER, LABOURER, add_months(end, -9), supervisor=MARC),
    ]
    taken = {p.name for p in demo.people}
    leads = [MARC]
    counters = {"EX": 2, "T1": 2, "T2": 2}
    for i in range(workers - DEFAULT_WORKERS):
        role = EXTRA_ROLES[i % len(EXTRA_ROLES)]
        name = ""
        while not name or name in taken:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        taken.add(name)
        units: list[str] = []
        if role == OPERATOR:
            counters["EX"] += 1
            units = [f"EX-{counters['EX']:02d} {HEAVY[counters['EX'] % len(HEAVY)]}"]
        elif role == DRIVER:
            counters["T2"] += 1
            units = [f"T-2{counters['T2']:02d} {TRUCKS[counters['T2'] % len(TRUCKS)]}"]
        elif role == SUPERVISOR:
            counters["T1"] += 1
            units = [f"T-1{counters['T1']:02d} {PICKUPS[counters['T1'] % len(PICKUPS)]}"]
        hired_in_range = role == LABOURER and rng.random() < 0.4
        if hired_in_range:
            span = max((end - demo.start).days - 30, 1)
            start = demo.start + timedelta(days=rng.randrange(span))
        else:
            start = demo.start - timedelta(days=rng.randrange(60, 3650))
        boss = DALE if role == SUPERVISOR else leads[i % len(leads)]
        demo.people.append(Person(name, role, start, supervisor=boss, units=units))
        if role == SUPERVISOR:
            leads.append(name)


def build_calendar(demo: Demo) -> None:
    """Workdays: Monday to Friday except Christmas, Boxing Day and New Year's, plus some Saturdays."""
    day, days = demo.start, []
    while day <= demo.end:
        wd = day.weekday()
        saturday = wd == 5 and demo.rng.random() < 0.2
        if (wd < 5 and (day.month, day.day) not in HOLIDAYS) or saturday:
            days.append(day)
        day += timedelta(days=1)
    demo.workdays = days


def build_workers(demo: Demo) -> None:
    for p in demo.people:
        demo.add("workers", name=p.name, role=p.role, start_date=p.start, end_date=p.end, email=p.email,
                 supervisor=p.supervisor or None)


def build_matrix(demo: Demo) -> None:
    for role, tickets in MATRIX.items():
        for ticket in tickets:
            demo.add("training_matrix", role=role, ticket=ticket, valid_for_months=VALID_MONTHS[ticket])
    row = demo.add("training_matrix", role=VAGUE_ROLE, ticket=VAGUE_TICKET, valid_for_months=None)
    demo.ref("E5.1", f"Training Matrix row {demo.rows['training_matrix'].index(row) + 2}")


def _record(demo: Demo, worker: str, ticket: str, completed: date, expires: date | None = None) -> dict[str, object]:
    provider, prefix = PROVIDERS[ticket]
    return demo.add("training_records", worker=worker, ticket=ticket, completed=completed, expires=expires,
                    certificate_no=f"{prefix}-{demo.rng.randrange(100000, 999999)}", provider=provider)


def build_training(demo: Demo) -> None:
    """Every active worker holds every required ticket, Current by at least 75 days, except the planted ones."""
    end, rng = demo.end, demo.rng
    for p in demo.people:
        for ticket in MATRIX[p.role]:
            months = VALID_MONTHS[ticket]
            if (p.name, ticket) == (JASON, GD2):
                continue  # planted: Missing
            if (p.name, ticket) == (RAVI, H2S):
                expired = end - timedelta(days=20)
                _record(demo, p.name, ticket, add_months(expired, -72) + timedelta(days=9))
                _record(demo, p.name, ticket, add_months(expired, -36), expires=expired)  # planted: Expired
                continue
            if (p.name, ticket) == (SHAWNA, FIRST_AID):
                _record(demo, p.name, ticket, add_months(end + timedelta(days=35), -36))  # planted: Expiring
                continue
            if months is None:
                _record(demo, p.name, ticket, end - timedelta(days=rng.randrange(200, 3000)))
                continue
            last = add_months(end, -months) + timedelta(days=75)
            completed = last + timedelta(days=rng.randrange(max((end - last).days - 20, 1)))
            if rng.random() < 0.4:  # the previous certificate, renewed since
                _record(demo, p.name, ticket, add_months(completed, -months) - timedelta(days=rng.randrange(60)))
            expires = add_months(completed, months) if rng.random() < 0.3 else None
            _record(demo, p.name, ticket, completed, expires)
    demo.ref("E5.2", f"{RAVI}: {H2S} (Expired)", f"{JASON}: {GD2} (Missing)")
    records = demo.rows["training_records"]
    rows = [r for r in records if r is not None]
    typed = rows[len(rows) // 3]
    assert isinstance(typed["completed"], date)
    typed["completed"] = us_date(typed["completed"])
    demo.mess("training_records", typed, "completed", str(typed["completed"]), "")
    middle = len(records) // 2
    records.insert(middle, None)
    demo.mess("training_records", middle + 2, "", "", "blank row")
