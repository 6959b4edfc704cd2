"""What the last complete scheduled read saw, so a source that comes back smaller is not a "successful" run.

``<out>/sources-seen.json`` keeps the tables read (keys of usable tables) and the files or spreadsheets
opened at the last scheduled sync or pack that read everything. At the next one, a table or file from that
list that is not read now makes the read incomplete: the dashboards say so, and no pack is made or mailed
until it is back (a share not mounted, a cloud folder half synced, a workbook moved away). An office that
really removed one says so with ``secor forget <table or file>``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.errors import SecorError
from pipeline.normalise import Dataset
from pipeline.outputs.files import write_atomic
from pipeline.schema import BY_KEY
from pipeline.sources.base import Workbook

log = logging.getLogger("secor.jobs")

SEEN_FILE = "sources-seen.json"


def seen_path(out: str | Path) -> Path:
    return Path(out) / SEEN_FILE


def load_seen(out: str | Path) -> dict[str, Any]:
    """``{"at", "tables": [...], "files": [...]}`` of the last complete read; empty when none (or unreadable)."""
    try:
        data = json.loads(seen_path(out).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s could not be read (%s); the next complete read writes it again", seen_path(out), exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {"at": str(data.get("at") or ""),
            "tables": sorted({str(t) for t in data.get("tables") or () if str(t) in BY_KEY}),
            "files": sorted({str(f) for f in data.get("files") or ()})}


def save_seen(out: str | Path, seen: dict[str, Any]) -> None:
    text = json.dumps(seen, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path = seen_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))


def seen_now(workbook: Workbook, dataset: Dataset) -> dict[str, list[str]]:
    """The tables read (usable) and the files or spreadsheets opened by this read."""
    return {"tables": sorted(k for k, s in dataset.status.items() if s.usable),
            "files": sorted({what for what, state in workbook.opened if state.startswith("read")})}


def missing_since(previous: dict[str, Any], current: dict[str, list[str]]) -> list[str]:
    """One sentence per table or file read at the last complete read and not read now."""
    when = f" ({previous['at'][:16].replace('T', ' ')})" if previous.get("at") else ""
    out = []
    for key in sorted(set(previous.get("tables", ())) - set(current["tables"])):
        out.append(f"table {BY_KEY[key].title} was read at the last complete sync{when} and is missing now; "
                   f"if it was removed on purpose: `secor forget \"{BY_KEY[key].title}\"`.")
    for name in sorted(set(previous.get("files", ())) - set(current["files"])):
        out.append(f"'{name}' was opened at the last complete sync{when} and is missing now (share not mounted, "
                   f"folder not synced yet?); if it was removed on purpose: `secor forget \"{name}\"`.")
    return out


def check_seen(out: str | Path, workbook: Workbook, dataset: Dataset, now: datetime) -> tuple[str, ...]:
    """The read's missing tables and files as source problems; a complete read is remembered instead."""
    previous = load_seen(out)
    current = seen_now(workbook, dataset)
    missing = missing_since(previous, current)
    if not missing and not workbook.problems:
        try:
            save_seen(out, {"at": now.isoformat(timespec="seconds"), **current})
        except OSError as exc:
            log.warning("could not write %s (%s)", seen_path(out), exc.strerror or exc)
    return tuple(missing)


def with_seen(out: str | Path, workbook: Workbook, dataset: Dataset, now: datetime, settings: Any) -> Dataset:
    """``dataset``, normalised again with the missing tables and files as source problems when there are any."""
    from pipeline.normalise import normalise

    missing = check_seen(out, workbook, dataset, now)
    if not missing:
        return dataset
    for line in missing:
        log.warning("source incomplete: %s", line)
    return normalise(replace(workbook, problems=(*workbook.problems, *missing)), settings)


def forget(out: str | Path, name: str) -> str:
    """Drop a table (key or title) or a file/spreadsheet from what is expected; what was forgotten."""
    seen = load_seen(out)
    wanted = name.strip().casefold()
    for key in seen.get("tables", []):
        if wanted in (key.casefold(), BY_KEY[key].title.casefold()):
            seen["tables"].remove(key)
            save_seen(out, seen)
            return f"table {BY_KEY[key].title}"
    for file in seen.get("files", []):
        if wanted == file.casefold():
            seen["files"].remove(file)
            save_seen(out, seen)
            return f"'{file}'"
    known = [BY_KEY[k].title for k in seen.get("tables", [])] + seen.get("files", [])
    raise SecorError(f"'{name}' is not among the tables and files the scheduled runs expect ({seen_path(out)}).",
                     fix="Use one of: " + (", ".join(f"'{k}'" for k in known) or "(none recorded yet)") + ".")


def seen_lines(out: str | Path, workbook: Workbook | None = None, dataset: Dataset | None = None) -> list[str]:
    """For `secor doctor`: what the scheduled runs expect, and what of it is missing in this read."""
    seen = load_seen(out)
    if not seen.get("at"):
        return ["", f"Scheduled runs: no complete read recorded yet ({seen_path(out)})."]
    lines = ["", f"Scheduled runs expect what the last complete read saw ({seen['at'][:16].replace('T', ' ')}): "
                 f"{len(seen['tables'])} tables; files/spreadsheets: {', '.join(seen['files']) or 'none'}."]
    if workbook is not None and dataset is not None:
        missing = missing_since(seen, seen_now(workbook, dataset))
        lines += [f"MISSING  {m}" for m in missing]
        if missing:
            lines.append("Until it is back (or forgotten), the scheduled sync says INCOMPLETE and no pack is made.")
    return lines
