"""The demo company's state while it is generated: people, units, workdays and rows per table."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..normalise.ids import record_id
from ..schema import BY_KEY

COMPANY = "Kowalski Oilfield Services Ltd."
DOMAIN = "kowalskioilfield.ca"
YARD = "Edson yard (shop)"

OWNER, OPS_MANAGER, SUPERVISOR = "Owner", "Operations Manager", "Supervisor"
OPERATOR, LABOURER, DRIVER, ADMIN = "Equipment Operator", "Labourer", "Truck Driver", "Office Administrator"
MANAGEMENT = (OWNER, OPS_MANAGER, SUPERVISOR)
FIELD_ROLES = (OPS_MANAGER, SUPERVISOR, OPERATOR, LABOURER, DRIVER)
CREW_LEADS = (OPS_MANAGER, SUPERVISOR)


@dataclass
class Person:
    """One row of Workers, and what the generator needs to know about them."""

    name: str
    role: str
    start: date
    end: date | None = None
    supervisor: str = ""
    units: list[str] = field(default_factory=list)

    @property
    def email(self) -> str:
        first, _, last = self.name.lower().partition(" ")
        return f"{first[0]}{last.replace(' ', '')}@{DOMAIN}"

    @property
    def is_field(self) -> bool:
        return self.role in FIELD_ROLES

    def active(self, day: date) -> bool:
        """Working on ``day``: started, and no End Date on or before it."""
        return self.start <= day and (self.end is None or day < self.end)


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months, the day clipped to the month's length."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def forms_text(ts: datetime) -> str:
    """A timestamp as Google Forms writes it when exported as text: M/D/YYYY H:MM:SS."""
    return f"{ts.month}/{ts.day}/{ts.year} {ts.hour}:{ts.minute:02d}:{ts.second:02d}"


def us_date(d: date) -> str:
    """A date typed as text in the configured month/day/year order."""
    return f"{d.month}/{d.day}/{d.year}"


@dataclass
class Demo:
    """Everything generated so far. Rows are dicts keyed by schema column key;
    form rows also carry ``_ts`` (the real submission moment)."""

    rng: random.Random
    end: date
    start: date
    people: list[Person] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)
    rows: dict[str, list[dict[str, object] | None]] = field(default_factory=dict)
    # planted check id -> record references resolved while generating
    refs: dict[str, list[str]] = field(default_factory=dict)
    # (table key, row dict or sheet row, column key, value, expected problem) of messy cells;
    # row dicts are resolved to sheet rows after the form tables are sorted
    messy: list[tuple[str, dict[str, object] | int, str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for key in BY_KEY:
            self.rows.setdefault(key, [])

    # -- people -----------------------------------------------------------------------------
    def person(self, name: str) -> Person:
        for p in self.people:
            if p.name == name:
                return p
        raise KeyError(name)

    def by_role(self, *roles: str) -> list[Person]:
        return [p for p in self.people if p.role in roles]

    def active(self, day: date, *roles: str) -> list[Person]:
        return [p for p in self.people if p.active(day) and (not roles or p.role in roles)]

    @property
    def owner(self) -> Person:
        return self.by_role(OWNER)[0]

    # -- time -------------------------------------------------------------------------------
    def moment(self, day: date, hour: int, minute_span: int = 60) -> datetime:
        """A submission time on ``day`` from ``hour`` o'clock within ``minute_span`` minutes."""
        return datetime(day.year, day.month, day.day, hour) + timedelta(
            seconds=self.rng.randrange(minute_span * 60))

    def workday_near(self, day: date, *, before: bool = True) -> date:
        """The closest workday on or before (or after) ``day`` within the data range."""
        pool = [d for d in self.workdays if (d <= day if before else d >= day)]
        if not pool:
            return self.workdays[0]
        return pool[-1] if before else pool[0]

    # -- rows -------------------------------------------------------------------------------
    def add(self, table: str, **values: object) -> dict[str, object]:
        row = dict(values)
        self.rows[table].append(row)
        return row

    def ref(self, check_id: str, *records: str) -> None:
        self.refs.setdefault(check_id, []).extend(records)

    def mess(self, table: str, row: dict[str, object] | int, column: str, value: str, problem: str) -> None:
        """Remember a planted messy cell; ``problem`` is a phrase expected on Data Issues ('' = none)."""
        self.messy.append((table, row, column, value, problem))


def rid(table: str, row: dict[str, object]) -> str:
    """The stable record ID the pipeline will give this form response."""
    spec = BY_KEY[table]
    ts = row["_ts"]
    assert isinstance(ts, datetime)
    return record_id(spec.id_prefix, ts)
