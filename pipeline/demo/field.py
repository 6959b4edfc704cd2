"""What the crew submits from the field: FLHAs, equipment pre-starts, workplace inspections."""

from __future__ import annotations

from datetime import date, timedelta

from .model import CREW_LEADS, DRIVER, LABOURER, OPERATOR, YARD, Demo, Person, add_months, rid
from .people import DALE, JASON, RAVI, SHAWNA, TYLER
from .text import (
    COPY_PASTE_CONTROLS,
    COPY_PASTE_HAZARDS,
    MAJOR_DEFECTS,
    MINOR_DEFECTS,
    PLANTED_DEFECT,
    SHOP_TASKS,
    SITE_CONDITIONS,
    SITE_DEFICIENCIES,
    SITES,
    TASKS,
    YARD_DEFICIENCIES,
)

MEAN_TEMP = (-13, -10, -5, 3, 9, 13, 16, 15, 10, 4, -5, -11)  # Edson, by month
WINDS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
HYPERLINK = '=HYPERLINK("http://example.com","click")'


def follow_up(demo: Demo, source: str, ref: str, description: str, assigned: str, raised: date,
              completed: date | None, verifier: str | None, due_days: int = 14) -> dict[str, object]:
    """A Corrective Actions row (its Action ID is given once all rows are known)."""
    end = demo.end
    completed = min(completed, end) if completed else None
    verified = min(completed + timedelta(days=demo.rng.randrange(4)), end) if completed and verifier else None
    return demo.add("corrective_actions", source=source, source_ref=ref, description=description,
                    assigned_to=assigned, raised=raised, due=raised + timedelta(days=due_days),
                    completed=completed, verified_by=verifier if verified else None, verified=verified)


def gap_month(demo: Demo) -> tuple[int, int] | None:
    """The calendar month with no FLHAs (planted, E2.2): four months before the end month."""
    first = add_months(demo.end.replace(day=1), -4)
    return (first.year, first.month) if first >= demo.start else None


def _weather(demo: Demo, day_temp: float) -> str:
    """The weather line of one crew's FLHAs: the day's temperature, local wind and ground."""
    rng = demo.rng
    temp = round(day_temp + rng.uniform(-2.5, 2.5))
    text = f"{temp:+d}°C, wind {rng.choice(WINDS)} {rng.randrange(5, 55, 5)} km/h"
    if temp < -2 and rng.random() < 0.5:
        text += ", icy lease road"
    elif temp > 2 and rng.random() < 0.25:
        text += ", rain, muddy lease"
    return text


def build_field(demo: Demo) -> None:
    rng, end = demo.rng, demo.end
    leads_all = [p for p in demo.people if p.role in CREW_LEADS]
    sites = list(SITES)
    for _ in range(6 * max(len(leads_all) - 2, 0)):
        sites.append(f"LSD {rng.randrange(1, 17):02d}-{rng.randrange(1, 37):02d}-0{rng.randrange(40, 60)}-"
                     f"{rng.randrange(1, 26):02d}W5")
    conditions = {s: rng.sample(SITE_CONDITIONS, 2) for s in sites}
    conditions[YARD] = [("forklift and truck traffic in yard", "walkways marked, spotter for trucks")] * 2
    jobs: dict[str, list[object]] = {}
    gap = gap_month(demo)
    after = [d for d in demo.workdays if d >= end - timedelta(days=60)]
    copy_days = [d for d in after if demo.person(TYLER).active(d)][:12]
    various_days = set(copy_days[::2][:5])
    unsigned_days = [d for d in demo.workdays if d >= end - timedelta(days=40)][:12]
    failed_day = demo.workday_near(end - timedelta(days=20))
    yard_days: dict[tuple[int, int], date] = {}
    for d in demo.workdays:  # the owner inspects the yard on the first workday of each week
        yard_days.setdefault(d.isocalendar()[:2], d)
    defect_day = next(d for d in yard_days.values() if d >= end - timedelta(days=40))
    typo_day = next(d for d in yard_days.values() if d >= end - timedelta(days=70))

    for day in demo.workdays:
        day_temp = MEAN_TEMP[day.month - 1] + rng.gauss(0, 6)
        leads = [p for p in leads_all if p.active(day)]
        members = demo.active(day, OPERATOR, LABOURER, DRIVER)
        crews: dict[str, list[Person]] = {lead.name: [lead] for lead in leads}
        for i, m in enumerate(members):
            crews[leads[i % len(leads)].name].append(m)
        for lead in leads:
            job = jobs.get(lead.name)
            if job is None or int(job[1]) <= 0:  # type: ignore[call-overload]
                busy = {str(j[0]) for j in jobs.values()}
                free = [s for s in sites if s not in busy] or sites
                job = jobs[lead.name] = ([YARD, rng.randint(1, 2)] if rng.random() < 0.05
                                         else [rng.choice(free), rng.randint(3, 12)])
            job[1] = int(job[1]) - 1  # type: ignore[call-overload]
            site = str(job[0])
            crew = crews[lead.name]
            weather = _weather(demo, day_temp)
            for p in crew:
                if gap != (day.year, day.month):
                    _flha(demo, p, lead, crew, site, day, weather, conditions[site],
                          copy=day in copy_days and p.name == TYLER, various=day in various_days,
                          unsigned=day in unsigned_days and p.name == SHAWNA)
                for unit in p.units:
                    _pre_start(demo, p, lead, unit, day, planted=(p.name == RAVI and day == failed_day))
            if day.weekday() == 2:
                _inspection(demo, lead.name, site, "Lease and work area", day, SITE_DEFICIENCIES, 0.2)
        if yard_days[day.isocalendar()[:2]] == day:
            _yard_inspection(demo, day, planted=day == defect_day, typo=day == typo_day)

    _plant_flha_extras(demo)
    if gap:
        demo.ref("E2.2", f"{gap[0]}-{gap[1]:02d}")  # the month with work and no FLHA


def _flha(demo: Demo, p: Person, lead: Person, crew: list[Person], site: str, day: date, weather: str,
          conditions: list[tuple[str, str]], *, copy: bool, various: bool, unsigned: bool) -> None:
    rng = demo.rng
    tasks = SHOP_TASKS if site == YARD else TASKS[p.role]
    task, pairs = rng.choice(tasks)
    picked = rng.sample(pairs, min(2, len(pairs)))
    condition = conditions[rng.randrange(2)]
    hazards = ", ".join(h for h, _ in picked) + f"; {condition[0]}; {weather}"
    controls = "; ".join(c for _, c in picked) + f"; {condition[1]}"
    row = demo.add(
        "flha", _ts=demo.moment(day, 6, 75) + timedelta(minutes=30),
        date=day if rng.random() < 0.85 else None, worker=p.name, site=site, task=task, hazards=hazards,
        controls=controls, crew=", ".join(c.name for c in crew if c is not p) or None,
        worker_signature=p.name, supervisor_review=DALE if p is lead else lead.name)
    if copy:
        row.update(hazards=COPY_PASTE_HAZARDS, controls=COPY_PASTE_CONTROLS)
        if various:
            row["site"] = "Various"
        demo.ref("E2.4", rid("flha", row))
    if unsigned:
        row["worker_signature"] = None
        demo.ref("E2.3", rid("flha", row))


def _plant_flha_extras(demo: Demo) -> None:
    """The double submit and the formula-looking Hazards cell (Data Issues)."""
    rows = [r for r in demo.rows["flha"] if r is not None]
    day = demo.workday_near(demo.end - timedelta(days=30))
    original = next(r for r in rows if r["worker"] == JASON and r["_ts"].date() == day)  # type: ignore[union-attr]
    twin = dict(original, _ts=original["_ts"] + timedelta(seconds=20))  # type: ignore[operator]
    demo.rows["flha"].append(twin)
    demo.mess("flha", twin, "timestamp", "", "double submit")
    day = demo.workday_near(demo.end - timedelta(days=45))
    row = next(r for r in rows if r["worker"] == RAVI and r["_ts"].date() == day)  # type: ignore[union-attr]
    row["hazards"] = HYPERLINK
    demo.mess("flha", row, "hazards", HYPERLINK, "")


def _pre_start(demo: Demo, p: Person, lead: Person, unit: str, day: date, *, planted: bool) -> None:
    rng = demo.rng
    row = demo.add("pre_start", _ts=demo.moment(day, 6, 45), date=day if rng.random() < 0.85 else None,
                   operator=p.name, unit=unit, result="Pass", defects=None, out_of_service="No",
                   action_taken=None, closed=None)
    if planted:
        row.update(result="Fail", defects=PLANTED_DEFECT, out_of_service="Yes")
        demo.ref("E4.3", rid("pre_start", row))
        demo.ref("E3.2", rid("pre_start", row))
        return
    roll = rng.random()
    if roll < 0.012:
        defect, action = rng.choice(MAJOR_DEFECTS)
        closed = min(day + timedelta(days=rng.randint(0, 4)), demo.end)
        row.update(result="Fail", defects=defect, out_of_service="Yes" if rng.random() < 0.5 else "No",
                   action_taken=action, closed=closed)
        if rng.random() < 0.5:
            follow_up(demo, "Pre-Start", rid("pre_start", row), f"{unit}: {action}", lead.name, day, closed, DALE)
    elif roll < 0.04:
        defect, action = rng.choice(MINOR_DEFECTS)
        row.update(defects=defect, action_taken=action, closed=day)


def _inspection(demo: Demo, inspector: str, site: str, area: str, day: date,
                findings: tuple[tuple[str, str], ...], rate: float, *, force: bool = False) -> dict[str, object]:
    rng = demo.rng
    row = demo.add("workplace_inspection", _ts=demo.moment(day, 15, 120), date=day, inspector=inspector,
                   site=site, area=area, deficiencies=None, corrective_action=None, due=None, closed=None)
    if force or rng.random() < rate:
        finding, action = rng.choice(findings)
        closed = min(day + timedelta(days=rng.randint(1, 6)), demo.end)
        row.update(deficiencies=finding, corrective_action=action, due=day + timedelta(days=7), closed=closed)
        if not force and rng.random() < 0.4:
            follow_up(demo, "Inspection", rid("workplace_inspection", row), action, inspector, day, closed, DALE)
    return row


def _yard_inspection(demo: Demo, day: date, *, planted: bool, typo: bool) -> None:
    row = _inspection(demo, DALE, YARD, "Shop, yard and fuel storage", day, YARD_DEFICIENCIES,
                      0.0 if typo else 0.25, force=planted)
    if planted:  # planted: E3.2, completed but never verified
        row.update(deficiencies="eyewash bottle in shop past its expiry date", corrective_action="replace eyewash",
                   closed=None)
        ca = follow_up(demo, "Inspection", rid("workplace_inspection", row), "Replace expired eyewash bottle in shop",
                       "Linda Kowalski", day, day + timedelta(days=4), None)
        ca["_planted"] = "E3.2"
        demo.ref("E3.2", rid("workplace_inspection", row))
    if typo:
        # Identity uses the typed name; the ID is computed after this change.
        row["inspector"] = "Dale Kowalsky"
        demo.mess("workplace_inspection", row, "inspector", "Dale Kowalsky", "did you mean Dale Kowalski?")
