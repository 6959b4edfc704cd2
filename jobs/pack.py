"""The pack job: the monthly audit pack PDF and its machine-readable files for one month.

Wiring only: read and audit as of the month's last day (``jobs.sync.read_and_audit``),
then the pure builders of ``pipeline.outputs.pack``, then the month's files built in
``OUT/packs/.YYYY-MM.tmp-<pid>/`` and swapped in whole for ``OUT/packs/YYYY-MM/``.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipeline.checks import Findings
from pipeline.errors import SecorError
from pipeline.outputs.files import replacing_folder, write_atomic, write_lines_atomic
from pipeline.outputs.pack import (
    Month,
    build_context,
    machine_files,
    parse_month,
    record_files,
    render,
    render_html,
)
from pipeline.outputs.pack.auditor import Period, audit_period, build_auditor_context
from pipeline.outputs.pack.month import previous_month
from pipeline.outputs.pack.render import render_template
from pipeline.settings import Settings
from pipeline.sources import Source

from .sync import read_and_audit, today_in


@dataclass(frozen=True)
class PackResult:
    """What one pack run wrote, what it found, and how long it took (seconds, whole run)."""

    month: str  # "2026-10"
    pdf: Path
    files: tuple[Path, ...]  # the PDF first, then findings.json, the CSVs and records-<form>.csv
    findings: Findings
    pages: int
    seconds: float


def company_slug(company: str) -> str:
    """``Prairie Hydrovac Ltd.`` -> ``prairie-hydrovac-ltd``: safe in any file system."""
    ascii_name = unicodedata.normalize("NFKD", company).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].strip("-") or "company"


def pack_folder(out: str | Path, month: Month) -> Path:
    return Path(out) / "packs" / month.key


def pdf_name(company: str, month: Month) -> str:
    return f"{company_slug(company)}-audit-pack-{month.key}.pdf"


def last_month(settings: Settings) -> Month:
    """The calendar month before today's, in the company's time zone (``--last-month``)."""
    return previous_month(today_in(settings))


def pack_as_of(month: Month, today: date) -> date:
    """The month's last day; today for the month in progress. A month not yet begun is an error."""
    if month.first > today:
        raise SecorError(f"{month.label} has not started yet (today is {today.isoformat()}).",
                         fix="Choose a month up to the current one, e.g. --last-month.")
    return min(month.last, today)


def run_pack(settings: Settings, month: str | Month, *, out_dir: str | Path | None = None,
             source: Source | None = None, remember: bool = False) -> PackResult:
    """Build the pack for ``month`` (``YYYY-MM``) as of its last day and write it under ``out_dir/packs/``.

    ``remember`` (scheduled runs): not made when a table or file of the last complete read is missing.
    """
    t0 = time.perf_counter()
    m = parse_month(month)
    today = today_in(settings)
    as_of = pack_as_of(m, today)
    seen_in = Path(out_dir or settings.output) if remember else None
    dataset, findings = read_and_audit(settings, as_of, source, seen_in=seen_in)
    if dataset.source_problems:
        # A pack is evidence for an auditor and is made once per month: never from part of the records.
        raise SecorError(
            f"the pack for {m.label} was not made because part of the records could not be read: "
            + " ".join(dataset.source_problems),
            fix="Fix that, then make the pack again (the scheduler retries by itself).")
    generated_at = datetime.now(settings.zone)
    engine = settings.pack.engine
    context = build_context(findings, dataset, m, generated_at=generated_at, settings=settings, engine=engine)
    document = render(render_html(context), engine, title=context.title)
    folder = pack_folder(out_dir or settings.output, m)
    # Built beside the month's folder and swapped in whole: a kill never leaves a new PDF with old CSVs.
    with replacing_folder(folder) as new:
        names = [write_atomic(new / pdf_name(settings.company, m), document.pdf).name]
        for name, text in machine_files(findings, m, generated_at, dataset.status).items():
            names.append(write_atomic(new / name, text.encode("utf-8")).name)
        for name, lines in record_files(dataset, m, min(findings.as_of, m.last)).items():
            names.append(write_lines_atomic(new / name, lines).name)  # streamed: never the whole list as text
    written = tuple(folder / name for name in names)
    return PackResult(m.key, written[0], written, findings, document.pages, time.perf_counter() - t0)


def bench_pack(settings: Settings, month: str | Month, *, out_dir: str | Path | None = None,
               source: Source | None = None,
               engines: tuple[str, ...] = ("weasyprint", "wkhtmltopdf")) -> dict[str, tuple[float, int]]:
    """Seconds and pages of one pack per engine (engines whose program is missing are skipped)."""
    import shutil

    from pipeline.settings import PackSettings

    figures: dict[str, tuple[float, int]] = {}
    for engine in engines:
        if engine == "wkhtmltopdf" and not shutil.which("wkhtmltopdf"):
            continue
        run = settings.replace(pack=PackSettings(**{**settings.pack.__dict__, "engine": engine}))
        result = run_pack(run, month, out_dir=Path(out_dir or settings.output) / f"bench-{engine}", source=source)
        figures[engine] = (result.seconds, result.pages)
    return figures


# --------------------------------------------------------------------------- the auditor's copy

AUDITOR_FOLDER = "auditor"  # OUT/packs/auditor/: beside the month folders, never swapped away with one


@dataclass(frozen=True)
class AuditorCopyResult:
    """The auditor's copy one run wrote: its period (``2025-12..2026-11``), the PDF and its pages."""

    period: str
    pdf: Path
    findings: Findings
    pages: int
    seconds: float


def file_safe(company: str) -> str:
    """``Kowalski Oilfield Services Ltd.`` as it can stand in a file name on any system (no / \\ : * ? ...)."""
    ascii_name = unicodedata.normalize("NFKD", company).encode("ascii", "ignore").decode("ascii")
    name = " ".join(re.sub(r"[^A-Za-z0-9 &,'()._-]+", " ", ascii_name).split())[:60]
    return name.strip().lstrip(".").strip() or "Company"  # a leading dot would hide the file


def auditor_pdf_name(company: str, period: Period) -> str:
    """``Kowalski Oilfield Services Ltd. SECOR evidence 2025-12..2026-11.pdf``."""
    return f"{file_safe(company)} SECOR evidence {period.key}.pdf"


def run_auditor_copy(settings: Settings, month: str | Month, *, window: str = "month",
                     out_dir: str | Path | None = None, source: Source | None = None) -> AuditorCopyResult:
    """The auditor's copy for ``month`` (``window="month"``) or the 12 months ending with it (``"12-months"``).

    Read and audited as of the month's last day like the pack; written as one file under
    ``out_dir/packs/auditor/`` (atomically: a reader sees the old file or the new one). Never mailed.
    """
    t0 = time.perf_counter()
    m = parse_month(month)
    period = audit_period(m, window)
    as_of = pack_as_of(m, today_in(settings))
    dataset, findings = read_and_audit(settings, as_of, source)
    if dataset.source_problems:
        # Evidence handed to an auditor: never from part of the records.
        raise SecorError(
            f"the auditor's copy for {period.label} was not made because part of the records could not be read: "
            + " ".join(dataset.source_problems), fix="Fix that, then make it again.")
    context = build_auditor_context(findings, dataset, period, generated_at=datetime.now(settings.zone),
                                    settings=settings, engine=settings.pack.engine)
    document = render(render_template("auditor.html", copy=context), settings.pack.engine, title=context.title)
    folder = Path(out_dir or settings.output) / "packs" / AUDITOR_FOLDER
    pdf = write_atomic(folder / auditor_pdf_name(settings.company, period), document.pdf)
    return AuditorCopyResult(period.key, pdf, findings, document.pages, time.perf_counter() - t0)
