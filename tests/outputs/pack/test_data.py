"""The machine-readable files beside the PDF: JSON values and CSV cells."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pandas as pd

from pipeline.outputs.pack.data import CSV_FILES, FINDINGS_JSON, frame_csv, machine_files
from pipeline.outputs.pack.month import Month

from .fixtures import OCTOBER, company_dataset, hand_findings


def test_formula_like_text_is_guarded_in_csv() -> None:
    frame = pd.DataFrame({"Description": ['=HYPERLINK("http://x")', "+1 call", "@SUM(A1)", "plain", None],
                          "Age Days": [1, 2, 3, 4, 5],
                          "Found": pd.to_datetime(["2026-10-01"] * 5)})
    rows = list(csv.reader(io.StringIO(frame_csv(frame))))
    assert rows[0] == ["Description", "Age Days", "Found"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+1 call", "'@SUM(A1)", "plain", ""]
    assert rows[1][1:] == ["1", "2026-10-01"]


def test_machine_files_names_and_json() -> None:
    data = company_dataset()
    findings = hand_findings(data, OCTOBER.last)
    files = machine_files(findings, Month(2026, 10), datetime(2026, 11, 1, 6, 0))
    assert set(files) == {FINDINGS_JSON, *CSV_FILES}
    doc = json.loads(files[FINDINGS_JSON])
    assert doc["as_of"] == "2026-10-31" and doc["generated_at"] == "2026-11-01T06:00:00"
    assert len(doc["checks"]) == len(findings.checks)
    assert doc["checks"][2]["records"] == list(findings.checks[2].records)
    assert doc["meets_pass_rule"] is findings.meets_pass_rule
    certs = list(csv.DictReader(io.StringIO(files["certifications.csv"])))
    assert len(certs) == len(findings.certifications)
