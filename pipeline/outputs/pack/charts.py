"""The pack's charts: small matplotlib figures returned as inline SVG text.

No pyplot and no global backend switch: each chart is a ``Figure`` drawn by the
Agg-family SVG canvas, so nothing is shown, nothing is fetched and no state leaks
between runs. Text stays text (``svg.fonttype = none``) so it prints in the
document's font and stays searchable; mathtext is off so a ``$`` in a name is just
a dollar sign. Everything is vector: no embedded raster images.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ...schema import INCIDENT_TYPES

WIDTH_IN = 6.9  # fits the page's text width (letter, 0.8in margins)
NAVY, BLUE, GREY, LIGHT = "#1f3a5f", "#2f6db5", "#b8c2cf", "#e6eaf0"
RED, AMBER, GREEN, TEAL, PURPLE, BROWN = "#c62828", "#e0a100", "#2e7d32", "#00838f", "#6a1b9a", "#8d6e63"
STATUS_COLOURS = {"Current": GREEN, "Expiring": AMBER, "Expired": RED, "Missing": "#7f0000"}
TYPE_COLOURS = dict(zip(INCIDENT_TYPES, (BLUE, TEAL, AMBER, RED, BROWN, PURPLE), strict=True))

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "secor-pack",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": GREY,
    "axes.labelcolor": "#333333",
    "axes.titlesize": 8.5,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _label(value: object, limit: int = 24) -> str:
    s = " ".join(str(value).split()) if value is not None else ""
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _svg(fig: Figure) -> str:
    """The figure as inline SVG: no XML prolog, no DOCTYPE, no metadata block."""
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return svg.strip()


def _figure(height_in: float) -> Figure:
    with matplotlib.rc_context(_RC):
        return Figure(figsize=(WIDTH_IN, height_in), layout="constrained")


def _empty(fig: Figure, message: str) -> str:
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, message, ha="center", va="center", color="#666666", fontsize=8)
    return _svg(fig)


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if frame.empty or column not in frame:
        return pd.Series([], dtype="datetime64[ns]")
    return pd.to_datetime(frame[column], errors="coerce").dropna()


@dataclass(frozen=True)
class WeeklyChart:
    """The FLHAs-per-week chart, and whether its last week is cut short by the month's end or the as-of date."""

    svg: str
    partial: bool = False
    partial_from: date | None = None  # the Monday of the partial week; it counts from there to ``until`` only


PARTIAL_BLUE = "#a9c3e6"  # a partial week: lighter, hatched, labelled "partial"


def flha_per_week(flha: pd.DataFrame, month_first: date, until: date, weeks_before: int = 8) -> WeeklyChart:
    """Bar per week (Monday start): the month's weeks in blue, ``weeks_before`` earlier ones in grey.

    Records are counted up to ``until`` (the month's end, or the as-of date in a month in progress); a last week
    running past it is partial: drawn lighter and hatched, with "partial" under its date."""
    first_monday = month_first - timedelta(days=month_first.weekday())
    start = first_monday - timedelta(weeks=weeks_before)
    mondays = []
    d = start
    while d <= until:
        mondays.append(d)
        d += timedelta(weeks=1)
    dates = _dates(flha, "date")
    dates = dates[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(until))]
    week_of = dates.map(lambda t: (t.date() - timedelta(days=t.weekday())))
    counts = week_of.value_counts()
    values = [int(counts.get(m, 0)) for m in mondays]
    partial = bool(mondays) and mondays[-1] + timedelta(days=6) > until
    fig = _figure(1.9)
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot()
        colours = [BLUE if m >= first_monday else GREY for m in mondays]
        bars = ax.bar(range(len(mondays)), values, color=colours, width=0.7)
        labels = [f"{m:%b} {m.day}" for m in mondays]
        if partial:
            last = bars[-1]
            last.set_facecolor(PARTIAL_BLUE)
            last.set_edgecolor(BLUE)
            last.set_hatch("////")
            last.set_linewidth(0.6)
            labels[-1] += "\npartial"
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], fontsize=8, padding=1.5, color="#333333")
        ax.set_xticks(range(len(mondays)), labels)
        ax.set_ylabel("FLHAs")
        ax.set_ylim(0, max([*values, 1]) * 1.2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color=LIGHT, linewidth=0.6)
        ax.set_axisbelow(True)
    return WeeklyChart(_svg(fig), partial, mondays[-1] if partial else None)


INSPECTION_ITEMS = 14  # bars in the inspections chart: the items furthest behind


def inspections_done(rows: Sequence[tuple[str, int, int] | tuple[str, int, int, str]],
                     limit: int = INSPECTION_ITEMS) -> str:
    """Horizontal bars: expected (light) behind done (green when met, amber when short, red when none).

    A row is (label, done, expected) or (label, done, expected, unit): "4 of 5 weeks"."""
    ordered = sorted(rows, key=lambda r: (r[1] / r[2]) if r[2] else 2.0)[:limit]
    if not ordered:
        return _empty(_figure(0.8), "No scheduled items.")
    fig = _figure(0.5 + 0.24 * len(ordered))
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot()
        y = list(range(len(ordered)))[::-1]
        expected = [r[2] for r in ordered]
        done = [r[1] for r in ordered]
        ax.barh(y, expected, color=LIGHT, height=0.7, label="expected", edgecolor=GREY, linewidth=0.5)
        colours = [GREEN if (e == 0 or d >= e) else (AMBER if d else RED) for d, e in zip(done, expected, strict=True)]
        ax.barh(y, done, color=colours, height=0.4, label="done")
        units = [r[3] if len(r) > 3 else "" for r in ordered]
        top = max([*expected, *done, 1])
        for yi, d, e, unit in zip(y, done, expected, units, strict=True):
            ax.text(max(d, e) + top * 0.01, yi, f"{d} of {e} {unit}".rstrip(), va="center", fontsize=8,
                    color="#333333")
        ax.set_yticks(y, [_label(r[0], 30) for r in ordered])
        ax.set_xlim(0, top * (1.35 if any(units) else 1.18))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(handles=[Patch(facecolor=LIGHT, edgecolor=GREY, label="expected"),
                           Patch(facecolor=GREEN, label="done (met)"), Patch(facecolor=AMBER, label="done (short)")],
                  loc="lower right", ncols=3, bbox_to_anchor=(1, 1.0))
    return _svg(fig)


AGE_BUCKETS = ((0, 7, "0–7 days"), (8, 30, "8–30"), (31, 60, "31–60"), (61, 90, "61–90"), (91, 10**9, "over 90"))


def deficiencies_by_age(defs: pd.DataFrame) -> str:
    """Open deficiencies per age bucket, stacked by status (Overdue, Open, Awaiting Verification)."""
    if defs.empty:
        return _empty(_figure(0.8), "No open deficiencies.")
    ages = pd.to_numeric(defs["age_days"], errors="coerce").fillna(0)
    statuses = [("Overdue", RED), ("Open", BLUE), ("Awaiting Verification", AMBER)]
    fig = _figure(1.8)
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot()
        bottom = [0] * len(AGE_BUCKETS)
        for status, colour in statuses:
            mine = ages[defs["status"] == status]
            values = [int(((mine >= lo) & (mine <= hi)).sum()) for lo, hi, _ in AGE_BUCKETS]
            ax.bar(range(len(AGE_BUCKETS)), values, bottom=bottom, color=colour, width=0.6, label=status)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for x, total in enumerate(bottom):
            if total:
                ax.text(x, total, str(total), ha="center", va="bottom", fontsize=8, color="#333333")
        ax.set_xticks(range(len(AGE_BUCKETS)), [b[2] for b in AGE_BUCKETS])
        ax.set_ylim(0, max([*bottom, 1]) * 1.2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("open")
        ax.grid(axis="y", color=LIGHT, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="upper right")
    return _svg(fig)


def training_grid(certs: pd.DataFrame, max_workers: int = 40, max_tickets: int = 16) -> str:
    """Worker x ticket grid, one square per required ticket, coloured by status."""
    workers = list(dict.fromkeys(str(w) for w in sorted(certs["worker"].astype(str))))[:max_workers]
    tickets = list(dict.fromkeys(str(t) for t in sorted(certs["ticket"].astype(str))))[:max_tickets]
    if not workers or not tickets:
        return _empty(_figure(0.8), "No required tickets.")
    status = {(str(r.worker), str(r.ticket)): str(r.status) for r in certs.itertuples()}
    height = 0.9 + 0.2 * len(workers)
    width = min(WIDTH_IN, 2.6 + 0.62 * len(tickets))
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, min(height, 9.0)), layout="constrained")
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot()
        for yi, w in enumerate(workers):
            for xi, t in enumerate(tickets):
                s = status.get((w, t))
                colour = STATUS_COLOURS.get(s or "", "#ffffff")
                ax.add_patch(Rectangle((xi + 0.06, yi + 0.08), 0.88, 0.84, facecolor=colour,
                                       edgecolor=GREY if s is None else "white", linewidth=0.6))
        ax.set_xlim(0, len(tickets))
        ax.set_ylim(len(workers), 0)
        ax.set_xticks([i + 0.5 for i in range(len(tickets))], [_label(t, 18) for t in tickets],
                      rotation=30, ha="left", rotation_mode="anchor")
        ax.xaxis.tick_top()
        ax.set_yticks([i + 0.5 for i in range(len(workers))], [_label(w, 26) for w in workers])
        ax.tick_params(length=0)
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_aspect("auto")
        ax.legend(handles=[Patch(facecolor=c, label=s) for s, c in STATUS_COLOURS.items()]
                  + [Patch(facecolor="white", edgecolor=GREY, label="not required")],
                  loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=5)
    return _svg(fig)


def incidents_by_type(incidents: pd.DataFrame, start: date, until: date) -> str:
    """Stacked bars per month from ``start`` to ``until``, one colour per incident type."""
    months = pd.period_range(pd.Timestamp(start), pd.Timestamp(until), freq="M")
    dates = pd.to_datetime(incidents["incident_date"], errors="coerce") if not incidents.empty else pd.Series([])
    frame = pd.DataFrame({"month": dates.dt.to_period("M") if len(dates) else [],
                          "type": incidents["type"] if not incidents.empty else []})
    frame = frame[frame["month"].isin(months)] if len(frame) else frame
    fig = _figure(1.9)
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot()
        bottom = [0] * len(months)
        shown = []
        for kind in INCIDENT_TYPES:
            mine = frame[frame["type"] == kind]["month"].value_counts() if len(frame) else pd.Series(dtype=int)
            values = [int(mine.get(m, 0)) for m in months]
            if any(values):
                ax.bar(range(len(months)), values, bottom=bottom, color=TYPE_COLOURS[kind], width=0.65, label=kind)
                shown.append(kind)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xticks(range(len(months)), [f"{m.strftime('%b')}\n{m.year}" if m.month == 1 or i == 0
                                           else m.strftime("%b") for i, m in enumerate(months)])
        ax.set_ylim(0, max([*bottom, 1]) * 1.25)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("reports")
        ax.grid(axis="y", color=LIGHT, linewidth=0.6)
        ax.set_axisbelow(True)
        if shown:
            ax.legend(loc="upper left", ncols=min(len(shown), 6))
        else:
            ax.text(0.5, 0.5, "No incidents or near misses reported in these 12 months.", transform=ax.transAxes,
                    ha="center", va="center", color=RED, fontsize=8)
    return _svg(fig)
