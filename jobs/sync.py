"""The sync job: read every table, compute the findings, write the dashboards."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline.checks import Findings, audit
from pipeline.normalise import Dataset, normalise
from pipeline.settings import Settings
from pipeline.sources import Source, open_source


@dataclass(frozen=True)
class SyncResult:
    """What a sync read, found and wrote, and how long each stage took (seconds)."""

    dataset: Dataset
    findings: Findings
    written: tuple[str, ...]  # paths or spreadsheet tab URLs
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.dataset.status.values())

    @property
    def problems(self) -> tuple[str, ...]:
        """Files or spreadsheets that could not be read: the findings are incomplete when not empty."""
        return self.dataset.source_problems


def today_in(settings: Settings) -> date:
    """Today in the company's time zone, not the machine's."""
    return datetime.now(settings.zone).date()


def read_and_audit(settings: Settings, as_of: date, source: Source | None = None,
                   timings: dict[str, float] | None = None, *, seen_in: str | Path | None = None,
                   ) -> tuple[Dataset, Findings]:
    """Read the source and run the engine; shared by the sync and pack jobs.

    ``seen_in`` (scheduled runs): compare with what the last complete read saw there (:mod:`jobs.seen`); a
    table or file missing since makes the read incomplete (``dataset.source_problems``).
    """
    timings = timings if timings is not None else {}
    source = source or open_source(settings)
    t0 = time.perf_counter()
    workbook = source.read()
    t1 = time.perf_counter()
    dataset = normalise(workbook, settings)
    if seen_in is not None:
        from .seen import with_seen

        dataset = with_seen(seen_in, workbook, dataset, datetime.now(settings.zone), settings)
    t2 = time.perf_counter()
    findings = audit(dataset, settings, as_of)
    t3 = time.perf_counter()
    timings.update(read=t1 - t0, normalise=t2 - t1, engine=t3 - t2)
    return dataset, findings


def run_sync(settings: Settings, *, as_of: date | None = None, out_dir: str | Path | None = None,
             source: Source | None = None, remember: bool = False) -> SyncResult:
    """One sync: dashboards to ``out_dir/dashboard.xlsx`` (local) or to the office spreadsheet (Google).

    ``remember`` (scheduled runs): a table or file seen at the last complete read and missing now makes the
    read incomplete (:mod:`jobs.seen`).
    """
    from pipeline.outputs.dashboard import dashboard_sheets

    as_of = as_of or today_in(settings)
    source = source or open_source(settings)
    timings: dict[str, float] = {}
    out = Path(out_dir or settings.output)
    dataset, findings = read_and_audit(settings, as_of, source, timings, seen_in=out if remember else None)
    t0 = time.perf_counter()
    generated_at = datetime.now(settings.zone)
    sheets = dashboard_sheets(findings, dataset.status, generated_at, source.describe())
    if settings.source.backend == "google" and hasattr(source, "write_dashboards"):
        written = tuple(source.write_dashboards(sheets))
    else:
        from pipeline.outputs.xlsx import write_dashboard

        written = (str(write_dashboard(sheets, out / "dashboard.xlsx")),)
    timings["write"] = time.perf_counter() - t0
    return SyncResult(dataset, findings, written, timings)
