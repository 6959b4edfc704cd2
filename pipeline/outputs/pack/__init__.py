"""The monthly audit pack: a PDF organised by the six SECOR elements, and its machine-readable files.

Pure builders only (no reading of sources, no writing of files): ``build_context``
turns Findings + Dataset + a month into the template context, ``render_html`` and
``render_pdf`` make the document, ``machine_files`` the JSON and CSVs beside it,
``record_files`` the month's full record lists (CSV, made row by row).
``jobs.pack`` wires them to the source and to the disk.
"""

from .appendix import record_files
from .context import build_context
from .data import machine_files
from .model import PackContext
from .month import Month, parse_month, previous_month
from .render import ENGINES, Rendered, page_count, render, render_html, render_pdf

__all__ = [
    "ENGINES",
    "Month",
    "PackContext",
    "Rendered",
    "build_context",
    "machine_files",
    "page_count",
    "parse_month",
    "previous_month",
    "record_files",
    "render",
    "render_html",
    "render_pdf",
]
