"""Context -> HTML (Jinja2, autoescaped) -> PDF (WeasyPrint, or wkhtmltopdf through pdfkit).

Nothing in the document is fetched. The HTML is self-contained: CSS inline, charts
inline SVG. WeasyPrint gets a URL fetcher that serves ``data:`` URLs only and
refuses everything else (file, http, https, ftp...). wkhtmltopdf runs with local
file access, JavaScript, images and plugins off, and every network request sent
to a closed proxy port, so a URL that slipped in could not be loaded either.
Crew text is escaped by Jinja's autoescape: ``<script>`` or ``<img src=...>`` in a
form answer prints as those characters.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ...errors import SecorError
from ..cleaning import display_text
from .model import PackContext
from .values import chip_class

TEMPLATES = Path(__file__).parent / "templates"
ENGINES = ("weasyprint", "wkhtmltopdf")
WKHTMLTOPDF_TIMEOUT = 300  # seconds
# A port nothing listens on: wkhtmltopdf sends every network request there, so none gets out.
DEAD_PROXY = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment: the package's templates, autoescape on for everything."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["chip_class"] = chip_class
    return env


def render_html(context: PackContext) -> str:
    """The pack as one self-contained HTML document, with no character a PDF engine chokes on.

    Cleaned whole at this edge (control characters, lone surrogates: see ``outputs.cleaning``), so
    every piece of crew text is covered wherever the templates put it, for both engines.
    """
    return display_text(environment().get_template("base.html").render(pack=context))


def render_template(template: str, **values: object) -> str:
    """Another of the package's templates (``auditor.html``: the auditor's copy) as one cleaned HTML document."""
    return display_text(environment().get_template(template).render(**values))


# --------------------------------------------------------------------------- WeasyPrint


def _weasy_fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Serves ``data:`` URLs; refuses every other URL before anything is opened, and counts it."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
            self.refused: list[str] = []
            self.served = 0

        def fetch(self, url: str, headers: object = None) -> object:
            scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
            if scheme != "data":
                self.refused.append(url)
                raise ValueError(f"the audit pack loads nothing from outside the document: {url[:80]}")
            self.served += 1
            return super().fetch(url, headers)

    return DataOnlyFetcher


def data_only_fetcher() -> object:
    """A new WeasyPrint URL fetcher that allows only data: URLs (``.refused`` lists what it turned away)."""
    return _weasy_fetcher_class()()


def _weasyprint(html: str, fetcher: object | None = None) -> Rendered:
    from weasyprint import HTML

    fetcher = fetcher or data_only_fetcher()
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(max(level, logging.ERROR))  # refused URLs are expected, not news
    try:
        document = HTML(string=html, base_url=None, url_fetcher=fetcher).render()
        return Rendered(document.write_pdf(), len(document.pages))
    finally:
        logger.setLevel(level)


# --------------------------------------------------------------------------- wkhtmltopdf


def wkhtmltopdf_path() -> str | None:
    return shutil.which("wkhtmltopdf")


def wkhtmltopdf_options(title: str, orientation: str = "Portrait") -> dict[str, str]:
    """The command-line options: letter paper, nothing loaded from disk or network. WeasyPrint reads the page
    size and orientation from the CSS; wkhtmltopdf ignores @page, so a landscape document says so here."""
    return {
        "--page-size": "Letter",
        "--orientation": orientation,
        "--margin-top": "16mm",
        "--margin-bottom": "16mm",
        "--margin-left": "16mm",
        "--margin-right": "16mm",
        "--encoding": "UTF-8",
        "--title": title,
        "--disable-local-file-access": "",
        "--disable-javascript": "",
        "--no-images": "",  # charts are inline SVG, which is not an image load
        "--disable-plugins": "",
        "--disable-external-links": "",
        "--proxy": DEAD_PROXY,
        "--print-media-type": "",
        "--disable-smart-shrinking": "",
        "--quiet": "",
    }


def _wkhtmltopdf(html: str, title: str, orientation: str = "Portrait") -> Rendered:
    import pdfkit

    binary = wkhtmltopdf_path()
    if not binary:
        raise SecorError("the wkhtmltopdf engine is configured but the wkhtmltopdf program is not installed.",
                         fix='Install it (apt-get install wkhtmltopdf) or set [pack] engine = "weasyprint".')
    config = pdfkit.configuration(wkhtmltopdf=binary)
    kit = pdfkit.PDFKit(html, "string", options=None, configuration=config)
    # Only our options: nothing read from <meta name="pdfkit-..."> in the document.
    kit.options = OrderedDict(wkhtmltopdf_options(title, orientation))
    args = kit.command()
    try:
        done = subprocess.run(args, input=html.encode("utf-8"), capture_output=True, timeout=WKHTMLTOPDF_TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        raise SecorError(f"wkhtmltopdf did not finish within {WKHTMLTOPDF_TIMEOUT} seconds.",
                         fix='Set [pack] engine = "weasyprint".') from None
    try:
        kit.handle_error(done.returncode, done.stderr.decode("utf-8", "replace"))
    except OSError as exc:
        raise SecorError(f"wkhtmltopdf failed: {str(exc)[:500]}", fix='Set [pack] engine = "weasyprint".') from None
    if not done.stdout.startswith(b"%PDF"):
        raise SecorError("wkhtmltopdf produced no PDF.", fix='Set [pack] engine = "weasyprint".')
    return Rendered(done.stdout, _count_page_objects(done.stdout))


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _count_page_objects(pdf: bytes) -> int:
    """Pages of a PDF whose objects are not compressed (Qt's writer): its /Type /Page dictionaries."""
    return len(_PAGE_OBJECT.findall(pdf))


# --------------------------------------------------------------------------- entry points


def render(html: str, engine: str = "weasyprint", *, title: str = "SECOR audit pack",
           fetcher: object | None = None, orientation: str = "Portrait") -> Rendered:
    """The PDF for the HTML with the chosen engine, and its page count (``orientation``: wkhtmltopdf's, since
    it does not read @page)."""
    html, title = display_text(html), display_text(title)  # a NUL in a command-line argument is refused
    if engine == "weasyprint":
        return _weasyprint(html, fetcher)
    if engine == "wkhtmltopdf":
        return _wkhtmltopdf(html, title, orientation)
    raise SecorError(f"unknown pack engine '{engine}'.", fix=f"Set [pack] engine to one of: {', '.join(ENGINES)}.")


def render_pdf(html: str, engine: str = "weasyprint", *, title: str = "SECOR audit pack",
               fetcher: object | None = None) -> bytes:
    """The PDF bytes for the HTML with the chosen engine."""
    return render(html, engine, title=title, fetcher=fetcher).pdf


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (pypdf when installed, else counting page objects)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return _count_page_objects(pdf)
    return len(PdfReader(io.BytesIO(pdf)).pages)
