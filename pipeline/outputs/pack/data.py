"""The pack's machine-readable files: findings.json and one CSV per table. Pure: names -> text.

The CSVs have the Dashboard tabs' columns. Every text field is quoted, and a formula
prefix (= + - @ tab CR) gets an apostrophe before it, at the start of the field AND after
any , ; or tab inside it: an Excel whose list separator is ';' (French Canada, most of
Europe) splits ``brake leak;=cmd|' /C calc'!A0`` into two cells and would run the second
one. findings.json keeps values as they are.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain
from typing import Any

import pandas as pd

from ...checks.audit import SELF_ASSESSMENT_NOTE, Findings
from ...normalise.dataset import TableStatus
from ..cleaning import encodable
from ..dashboard import (
    certifications_frame,
    deficiencies_frame,
    issues_frame,
    plain_value,
    readiness_frame,
)
from .month import Month

FINDINGS_JSON = "findings.json"
CSV_FILES = ("certifications.csv", "deficiencies.csv", "readiness.csv", "data-issues.csv")


def _json_value(value: object) -> Any:
    v = plain_value(value)
    if isinstance(v, datetime):
        return v.isoformat(timespec="seconds")
    if hasattr(v, "isoformat"):
        return v.isoformat()  # type: ignore[union-attr]
    return v


def findings_dict(findings: Findings, month: Month, generated_at: datetime) -> dict[str, Any]:
    """Checks, element readiness, counts, as-of and company, as plain JSON values."""
    return {
        "company": findings.company,
        "month": month.key,
        "as_of": findings.as_of.isoformat(),
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "overall_readiness": round(findings.overall, 4),
        "meets_pass_rule": findings.meets_pass_rule,
        "pass_rule": {"overall": findings.pass_overall, "every_element": findings.pass_element},
        "note": SELF_ASSESSMENT_NOTE,
        "elements": [
            {"element": e.element, "name": e.name, "readiness": round(e.readiness, 4), "checks": e.checks,
             "passed": e.passed, "warned": e.warned, "failed": e.failed}
            for e in findings.elements
        ],
        "checks": [
            {"id": c.id, "element": c.element, "name": c.name, "status": c.status, "detail": c.detail,
             "records": list(c.records)}
            for c in findings.checks
        ],
        "counts": {k: None if v is None else int(v) for k, v in findings.counts.items()},
        "unread": {k: list(v) for k, v in findings.unread.items()},  # counts whose tables were not read
        # The whole action plan as ranked, with the texts the views show (who_text, tier_name, clears_text).
        "plan": {"as_of": findings.as_of.isoformat(), "actions": [
            {**dataclasses.asdict(a), "who_text": a.who_text, "tier_name": a.tier_name, "clears_text": a.clears_text}
            for a in findings.plan]},
    }


def findings_json(findings: Findings, month: Month, generated_at: datetime) -> str:
    return json.dumps(findings_dict(findings, month, generated_at), indent=2, ensure_ascii=False,
                      default=_json_value) + "\n"


# A formula prefix (= + - @, and tab or CR, which some readers also take) at the start, or after a delimiter or
# line break some reader splits on (spaces between allowed).
_FORMULA_AT = re.compile(r"(^|[,;\t\r\n])( *)(?=[=+\-@\t\r])")


def guard_formulas(value: str) -> str:
    """``brake leak;=cmd`` -> ``brake leak;'=cmd``: no cell a spreadsheet could cut from it starts a formula."""
    return _FORMULA_AT.sub(r"\1\2'", value)


def _csv_cell(value: object) -> object:
    v = plain_value(value)
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if hasattr(v, "isoformat"):
        return v.isoformat()  # type: ignore[union-attr]
    if isinstance(v, str):
        return guard_formulas(v)
    return v


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV text one row at a time (header first), formula-like text guarded, made UTF-8 encodable.

    A generator, so a list of 200,000 records is written as it is read, never held whole as text.
    """
    buf = io.StringIO()
    # Every text field quoted (numbers stay numbers), so a delimiter inside one never splits it.
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for i, row in enumerate(chain([columns], rows)):
        writer.writerow(list(row) if i == 0 else [_csv_cell(v) for v in row])
        yield encodable(buf.getvalue())
        buf.seek(0)
        buf.truncate()


def frame_csv(frame: pd.DataFrame) -> str:
    """A frame as CSV text (header row first), formula-like text guarded."""
    return "".join(csv_lines(list(frame.columns), frame.itertuples(index=False)))


def machine_files(findings: Findings, month: Month, generated_at: datetime,
                  statuses: Mapping[str, TableStatus] | None = None) -> dict[str, str]:
    """File name -> text, for the folder beside the PDF: crew text as read, only made UTF-8 encodable.
    ``statuses`` (the dataset's) name the tab each data issue's table was read from."""
    files = {
        FINDINGS_JSON: findings_json(findings, month, generated_at),
        "certifications.csv": frame_csv(certifications_frame(findings)),
        "deficiencies.csv": frame_csv(deficiencies_frame(findings)),
        "readiness.csv": frame_csv(readiness_frame(findings)),
        "data-issues.csv": frame_csv(issues_frame(findings, statuses)),
    }
    return {name: encodable(text) for name, text in files.items()}
