"""What a check is, what it gets, and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..normalise.dataset import Dataset
from ..normalise.links import action_links
from ..settings import Settings

PASS, WARN, FAIL = "Pass", "Warn", "Fail"
STATUSES = (FAIL, WARN, PASS)  # most urgent first

ELEMENTS: dict[int, str] = {
    1: "Management Leadership and Organizational Commitment",
    2: "Hazard Identification and Assessment",
    3: "Hazard Controls",
    4: "Ongoing Inspections",
    5: "Qualifications and Training",
    6: "Incident Investigation",
}
CERTIFICATE = 0  # the S.* checks: the certificate itself, not an element


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict: status, a one-line reason with counts, and the records behind it."""

    id: str  # "E2.3"
    element: int  # 1-6, or CERTIFICATE
    name: str  # "FLHAs signed and reviewed"
    status: str  # PASS | WARN | FAIL
    detail: str
    records: tuple[str, ...] = ()  # record IDs or "Table row N" the office can go to
    unread_table: str = ""  # the key of the table it needs and that was not read ("" when it could run)

    @property
    def title(self) -> str:
        return f"{self.id} {self.name}"


@dataclass(frozen=True)
class AuditContext:
    """Everything a check may read. Checks never change it."""

    data: Dataset
    settings: Settings
    as_of: date
    certifications: pd.DataFrame  # see certifications.CERTIFICATION_COLUMNS
    deficiencies: pd.DataFrame  # see deficiencies.DEFICIENCY_COLUMNS
    # normalise.links.action_links(data), computed once by audit() for every check that follows links.
    links: pd.DataFrame | None = None

    def action_links(self) -> pd.DataFrame:
        """Findings and corrective actions linked either way (computed here when not given)."""
        return self.links if self.links is not None else action_links(self.data)

    @property
    def as_of_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)

    @property
    def window_start(self) -> pd.Timestamp:
        """First day of the look-back window (as-of minus lookback_months, exclusive of older)."""
        return self.as_of_ts - pd.DateOffset(months=self.settings.audit.lookback_months) + pd.Timedelta(days=1)


CheckFunction = Callable[[AuditContext], CheckResult]


@dataclass(frozen=True)
class Check:
    """A registered check: its id, element, name and function."""

    id: str
    element: int
    name: str
    run: CheckFunction


def result(check_id: str, status: str, detail: str, records: object = ()) -> CheckResult:
    """Build a CheckResult for a registered check id (element and name come from the registry)."""
    from .registry import REGISTRY

    spec = REGISTRY[check_id]
    recs = tuple(str(r) for r in records) if not isinstance(records, str) else (records,)
    return CheckResult(spec.id, spec.element, spec.name, status, detail, recs)
