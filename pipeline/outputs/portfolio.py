"""The consultant's portfolio: one table of clients, shown as an .xlsx, a Google tab, a one-page PDF and a mail.

:func:`portfolio_table` is the ONE table; every view shows its header and rows in its order (most at
risk first, see :mod:`pipeline.fleet.portfolio`), percentages as numbers 0..1 formatted as percents.
Client and company names, errors and actions are data: never a formula in a sheet, never markup in
the PDF or the mail (Jinja and ``html.escape`` escape them, the sheet writers store them as text).
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from ..checks.audit import SELF_ASSESSMENT_NOTE
from ..errors import SecorError
from ..fleet.portfolio import (
    BELOW,
    CERTIFICATE,
    GROUP_NAMES,
    REST,
    UNKNOWN,
    ClientRow,
    portfolio_rows,
    risk,
    risk_group,
)
from ..settings import EmailSettings, Settings
from .cleaning import display_text
from .dashboard import AMBER, GREEN, RED, Percent, Sheet
from .files import replacing, write_atomic
from .mail import _headers, _one_line

TITLE = "Portfolio"  # the Google tab, the xlsx sheet
HEADER = ("Risk", "Client", "Company", "Overall", "Worst element", "Worst readiness", "Pass rule", "Next audit",
          "Expired tickets", "Missing tickets", "Overdue deficiencies", "Data issues", "Top action", "Last sync",
          "Last run", "Dashboard", "Pack")
PERCENT_COLUMNS = ("Overall", "Worst readiness")
LINK_COLUMNS = ("Dashboard", "Pack")
WIDTHS = {"Risk": 34, "Client": 18, "Company": 24, "Overall": 9, "Worst element": 9, "Worst readiness": 10,
          "Pass rule": 9, "Next audit": 11, "Expired tickets": 9, "Missing tickets": 9, "Overdue deficiencies": 11,
          "Data issues": 8, "Top action": 48, "Last sync": 16, "Last run": 30, "Dashboard": 30, "Pack": 30}
GROUP_COLOURS = {CERTIFICATE: RED, UNKNOWN: AMBER, BELOW: RED, REST: GREEN}
AT_RISK = (CERTIFICATE, UNKNOWN, BELOW)


class Table(NamedTuple):
    """The portfolio as plain values: what every view shows, in this order."""

    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def last_run(row: ClientRow) -> str:
    """"OK", or "Failed: <the error>" (first line)."""
    return f"Failed: {' '.join(row.error.split())}" if row.error else "OK"


def _pass_rule(row: ClientRow) -> str | None:
    if row.meets_pass_rule is None:
        return None
    return "Meets" if row.meets_pass_rule else "Below"


def _wall_time(when: datetime | None) -> datetime | None:
    """The client's own wall-clock time, without its zone: spreadsheets keep no zones (openpyxl refuses them)."""
    return when.replace(tzinfo=None) if when is not None else None


def _share(value: float | None) -> Percent | None:
    """A readiness figure as a number every writer formats as a percentage; unknown stays None."""
    return None if value is None else Percent(value)


def table_row(row: ClientRow, as_of: date) -> tuple[object, ...]:
    """One client's cells, in :data:`HEADER` order."""
    return (risk(row, as_of), row.client, row.company, _share(row.overall), row.worst_element,
            _share(row.worst_readiness),
            _pass_rule(row), row.next_audit, row.expired_tickets, row.missing_tickets, row.overdue_deficiencies,
            row.data_issues, row.top_action or None, _wall_time(row.last_sync), last_run(row), row.dashboard or None,
            row.pack or None)


def portfolio_table(rows: Iterable[ClientRow], as_of: date) -> Table:
    """Header and one row per client, most at risk first; ``None`` for what is not known."""
    return Table(HEADER, tuple(table_row(r, as_of) for r in portfolio_rows(rows, as_of)))


def is_url(text: str) -> bool:
    return text.lower().startswith(("https://", "http://"))


# --------------------------------------------------------------------------- local: portfolio.xlsx


def _link(target: str, folder: Path) -> str:
    """A URL as it is; a path relative to the portfolio's folder, so a copied folder keeps its links."""
    if is_url(target):
        return target
    try:
        return Path(os.path.relpath(Path(target).resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return Path(target).as_posix()


def build_portfolio_workbook(rows: Iterable[ClientRow], as_of: date, folder: Path) -> Workbook:
    """The Portfolio sheet, written as the dashboard tabs are (formats, frozen header, printing one page wide),
    with the Risk and Client columns kept in view, the risk colour and links to each client's files."""
    from .xlsx import build_workbook

    ordered = portfolio_rows(rows, as_of)
    book = build_workbook([replace(portfolio_sheet(ordered, as_of), frozen_columns=2)])
    ws = book[TITLE]
    at = {name: i for i, name in enumerate(HEADER, start=1)}
    fills = {g: PatternFill("solid", fgColor=colour) for g, colour in GROUP_COLOURS.items()}
    for r, client in enumerate(ordered, start=2):
        for name in LINK_COLUMNS:
            cell = ws.cell(row=r, column=at[name])
            if isinstance(cell.value, str) and cell.value:
                cell.hyperlink = _link(cell.value, folder)
                cell.style = "Hyperlink"
        ws.cell(row=r, column=at["Risk"]).fill = fills[risk_group(client, as_of)]
    ws.print_options.gridLines = True
    return book


def write_portfolio_xlsx(rows: Iterable[ClientRow], path: Path, as_of: date) -> Path:
    """Write ``portfolio.xlsx`` beside its final name and move it into place (readers never see half)."""
    path = Path(path)
    book = build_portfolio_workbook(rows, as_of, path.parent)
    with replacing(path) as tmp:
        book.save(tmp)
    return path


# --------------------------------------------------------------------------- Google: the Portfolio tab


def portfolio_sheet(rows: Iterable[ClientRow], as_of: date) -> Sheet:
    """The table as a dashboard :class:`Sheet` (what ``outputs.sheets`` writes), titled ``Portfolio``."""
    table = portfolio_table(rows, as_of)
    frame = pd.DataFrame(list(table.rows), columns=list(table.header), dtype=object)
    return Sheet(TITLE, frame, "Pass rule", WIDTHS)


def _decorate(requests: list[dict[str, Any]], ordered: Sequence[ClientRow], as_of: date) -> None:
    """Links for URLs, and the risk colour on the rows ``tab_requests`` wrote."""
    from .sheets import rgb

    write = next(r["updateCells"] for r in requests if "rows" in r.get("updateCells", {}))
    at = {name: i for i, name in enumerate(HEADER)}
    for client, row in zip(ordered, write["rows"][1:], strict=True):
        cells = row["values"]
        for name in LINK_COLUMNS:
            text = cells[at[name]].get("userEnteredValue", {}).get("stringValue", "")
            if is_url(text):  # a local path means nothing to a browser: plain text
                cells[at[name]].setdefault("userEnteredFormat", {})["textFormat"] = {"link": {"uri": text}}
        colour = GROUP_COLOURS[risk_group(client, as_of)]
        cells[at["Risk"]].setdefault("userEnteredFormat", {})["backgroundColor"] = rgb(colour)


def write_portfolio_tab(source: Any, key: str | None, rows: Iterable[ClientRow], as_of: date,
                        now: datetime | None = None) -> str:
    """Rewrite (or add) the ``Portfolio`` tab of spreadsheet ``key``: two requests, one atomic batchUpdate.

    ``source`` is the consultant's GoogleSource (its retries and time budget apply); ``key`` defaults to
    its dashboard spreadsheet, ``now`` (the "Last refreshed" stamp) to the time in its time zone. Only the
    Portfolio tab is addressed; every other tab of that spreadsheet is left as it is. Returns a line with its URL.
    """
    # Imported here: local mode never loads the Google client.
    from .sheets import _new_id, _tabs, add_sheet, apply_batch, tab_requests

    key = key or source.dashboard_key
    if now is None:
        zone = ZoneInfo(source.timezone) if getattr(source, "timezone", None) else None
        now = datetime.now(zone) if zone else datetime.now().astimezone()
    stamp = now.replace(tzinfo=None, microsecond=0)
    ordered = portfolio_rows(rows, as_of)
    sheet = portfolio_sheet(ordered, as_of)

    def build(meta: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
        tabs = _tabs(meta)
        clash = next((t for t in tabs if t != TITLE and t.casefold() == TITLE.casefold()), None)
        if clash is not None:  # Sheets takes it for ours, and it is not ours to rewrite
            raise SecorError(f"spreadsheet '{source.titles.get(key, key)}' has a tab '{clash}', which Google Sheets "
                             f"takes for the '{TITLE}' tab; the portfolio was not written.",
                             fix=f"Rename the tab '{clash}' or delete it, then run again.")
        requests: list[dict[str, Any]] = []
        sid = tabs.get(TITLE)
        if sid is None:
            sid = _new_id(set(tabs.values()))
            requests.append(add_sheet(sid, TITLE, 2, len(HEADER)))
        body = tab_requests(sid, sheet, stamp)
        _decorate(body, ordered, as_of)
        return requests + body, sid

    with source.http.operation("the portfolio write"):
        sid = apply_batch(source, key, build)
    return f"{TITLE} in '{source.titles.get(key, key)}': {source.url(key, sid)}"


# --------------------------------------------------------------------------- the one-page PDF


def _text(value: object, limit: int) -> str:
    """One line of at most ``limit`` characters (a row is one line tall, so 40 clients fit a page)."""
    text = " ".join(display_text(str(value)).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _cell(value: object, name: str) -> str:
    if value is None:
        return ""
    if name in PERCENT_COLUMNS and isinstance(value, (int, float)):
        return f"{round(100 * value)}%"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


PDF_LIMITS = {"Risk": 44, "Client": 22, "Company": 28, "Top action": 60, "Last run": 40}


def _href(target: str) -> str:
    """Where a link cell points in the PDF: a URL, or a file URI for an absolute path ("" for neither)."""
    if is_url(target):
        return target
    path = Path(target)
    return path.as_uri() if path.is_absolute() else ""


def portfolio_context(rows: Iterable[ClientRow], as_of: date, generated_at: datetime | None = None) -> dict[str, Any]:
    """What the template shows: the table's cells as short text, each row's group, counts per group."""
    ordered = portfolio_rows(rows, as_of)
    table = portfolio_table(ordered, as_of)
    body = []
    for client, values in zip(ordered, table.rows, strict=True):
        cells = []
        for name, value in zip(table.header, values, strict=True):
            if name in LINK_COLUMNS:
                cells.append({"link": _href(str(value)) if value else "", "text": "open" if value else ""})
            else:
                cells.append({"text": _text(_cell(value, name), PDF_LIMITS.get(name, 30)), "link": ""})
        body.append({"group": risk_group(client, as_of), "cells": cells})
    groups = [risk_group(r, as_of) for r in ordered]
    return {
        "title": f"SECOR portfolio as of {as_of.isoformat()}",
        "as_of": as_of.isoformat(),
        "generated": (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M"),
        "header": table.header,
        "numeric": [i for i, n in enumerate(table.header) if n in PERCENT_COLUMNS or n.endswith(
            ("tickets", "deficiencies", "issues", "element"))],
        "rows": body,
        "counts": [(GROUP_NAMES[g], groups.count(g), g) for g in (CERTIFICATE, UNKNOWN, BELOW, REST)],
        "total": len(ordered),
        "note": SELF_ASSESSMENT_NOTE,
    }


def portfolio_html(rows: Iterable[ClientRow], as_of: date, generated_at: datetime | None = None) -> str:
    """The portfolio page as self-contained HTML (Jinja, autoescaped: names are never markup)."""
    from .pack.render import environment

    context = portfolio_context(rows, as_of, generated_at)
    return display_text(environment().get_template("portfolio.html").render(p=context))


def render_portfolio_pdf(rows: Iterable[ClientRow], path: Path, as_of: date, settings: Settings,
                         generated_at: datetime | None = None) -> Path:
    """The one-page portfolio PDF (landscape A4; 40 clients fit one page), written atomically."""
    from .pack.render import render

    document = portfolio_html(rows, as_of, generated_at)
    rendered = render(document, settings.pack.engine, title=f"SECOR portfolio {as_of.isoformat()}",
                      orientation="Landscape")
    return write_atomic(Path(path), rendered.pdf)


# --------------------------------------------------------------------------- the consultant's mail


def _lines(ordered: Sequence[ClientRow], as_of: date) -> tuple[list[str], list[str]]:
    """One line per client, at risk and the rest: "client (company): reason"."""
    def line(r: ClientRow) -> str:
        name = _one_line(r.client) + (f" ({_one_line(r.company)})" if r.company and r.company != r.client else "")
        reason = risk(r, as_of)
        if risk_group(r, as_of) == REST and r.overall is not None:
            reason += f", {round(100 * r.overall)}% overall"
        return f"{name}: {reason}"
    risky = [line(r) for r in ordered if risk_group(r, as_of) in AT_RISK]
    rest = [line(r) for r in ordered if risk_group(r, as_of) not in AT_RISK]
    return risky, rest


def portfolio_subject(rows: Sequence[ClientRow], as_of: date) -> str:
    at_risk = sum(1 for r in rows if risk_group(r, as_of) in AT_RISK)
    return f"SECOR portfolio {as_of.isoformat()}: {at_risk} of {len(rows)} clients at risk"


def portfolio_text(rows: Iterable[ClientRow], as_of: date, pdf_name: str) -> str:
    """Plain-text body: the clients at risk first, one line each, then the others."""
    ordered = portfolio_rows(rows, as_of)
    risky, rest = _lines(ordered, as_of)
    out = [f"SECOR portfolio as of {as_of.isoformat()}: {len(ordered)} clients, {len(risky)} at risk.",
           f"The one-page portfolio is attached ({pdf_name}).", ""]
    out += ["At risk, most urgent first:", *(f"  {line}" for line in risky)] if risky else ["No client is at risk."]
    if rest:
        out += ["", "Meeting the pass rule:", *(f"  {line}" for line in rest)]
    out += ["", SELF_ASSESSMENT_NOTE, "", "-- ", "Sent by the SECOR records pipeline."]
    return "\n".join(out) + "\n"


def portfolio_mail_html(rows: Iterable[ClientRow], as_of: date, pdf_name: str) -> str:
    """The HTML part: the same lines as :func:`portfolio_text`, every value escaped."""
    e_ = html.escape
    ordered = portfolio_rows(rows, as_of)
    risky, rest = _lines(ordered, as_of)
    parts = ["<!DOCTYPE html><html><body>",
             f"<h2>SECOR portfolio as of {e_(as_of.isoformat())}</h2>",
             f"<p>{len(ordered)} clients, <b>{len(risky)} at risk</b>. "
             f"The one-page portfolio is attached ({e_(pdf_name)}).</p>"]
    if risky:
        parts.append("<h3>At risk, most urgent first</h3><ol>" + "".join(f"<li>{e_(x)}</li>" for x in risky) + "</ol>")
    else:
        parts.append("<p>No client is at risk.</p>")
    if rest:
        parts.append("<h3>Meeting the pass rule</h3><ul>" + "".join(f"<li>{e_(x)}</li>" for x in rest) + "</ul>")
    parts.append(f"<p><i>{e_(SELF_ASSESSMENT_NOTE)}</i></p></body></html>")
    return "".join(parts)


def portfolio_message(rows: Iterable[ClientRow], as_of: date, sender: str, to: Sequence[str],
                      pdf_path: str | Path) -> EmailMessage:
    """The consultant's mail: the clients at risk first (text + HTML, the same lines), the PDF attached."""
    ordered = portfolio_rows(rows, as_of)
    pdf = Path(pdf_path)
    try:
        data = pdf.read_bytes()
    except OSError as exc:
        raise SecorError(f"cannot read the portfolio PDF '{pdf}': {exc.strerror or exc}.",
                         fix="Run `secor fleet pack` first.") from None
    msg = EmailMessage()
    _headers(msg, EmailSettings(sender=sender), tuple(to), portfolio_subject(ordered, as_of))
    msg.set_content(portfolio_text(ordered, as_of, pdf.name))
    msg.add_alternative(portfolio_mail_html(ordered, as_of, pdf.name), subtype="html")
    msg.add_attachment(data, maintype="application", subtype="pdf", filename=pdf.name)
    return msg


# --------------------------------------------------------------------------- what the fleet runner calls


def write_portfolio_pdf(rows: Iterable[ClientRow], path: Path, as_of: date, settings: Settings | None = None) -> Path:
    """:func:`render_portfolio_pdf` with the default engine unless the consultant's settings say otherwise."""
    return render_portfolio_pdf(rows, path, as_of, settings or Settings())


def send_portfolio(email_settings: EmailSettings, pdf_path: Path, rows: Iterable[ClientRow], as_of: date) -> None:
    """Mail the portfolio to ``email_settings.to`` over the consultant's SMTP (``[email]`` of the fleet file)."""
    from .mail import _sender, send_message

    message = portfolio_message(rows, as_of, _sender(email_settings), email_settings.to, pdf_path)
    send_message(Settings(email=email_settings), message)
