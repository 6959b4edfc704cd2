"""The pack reads 'no'-like answers ('no', 'pending', 'N/A') as the checks do (checks.common.affirmed)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from pipeline.checks.common import affirmed
from pipeline.outputs.pack import build_context
from pipeline.outputs.pack.evidence import INCIDENTS_TITLE
from pipeline.outputs.pack.records import affirmative, reports_defect
from tests.builders import dataset

from .fixtures import OCTOBER, company_records, hand_findings

GENERATED = datetime(2026, 11, 1, 6, 0, tzinfo=ZoneInfo("America/Edmonton"))


def test_affirmative_agrees_with_the_checks() -> None:
    answers = ["Yes", "TBT", "Ana Diaz", "no", "No.", "pending", "Not signed", "N/A", "", None, float("nan")]
    assert [affirmative(a) for a in answers] == list(affirmed(pd.Series(answers, dtype=object)))
    assert not reports_defect("None found") and not reports_defect("N/A") and reports_defect("Cracked glass")


def test_pending_and_no_answers_do_not_count_in_the_pack() -> None:
    records = company_records()
    for row in records["flha"]:
        if row["Supervisor Review"]:
            row["Supervisor Review"] = "pending"
    for row in records["incident"]:
        row["Communicated To Crew"] = "no"
    data = dataset(records)
    context = build_context(hand_findings(data, OCTOBER.last), data, OCTOBER, generated_at=GENERATED)

    flha_stats = {s.label: s.value for s in next(e for e in context.elements if e.number == 2).stats}
    assert flha_stats["reviewed by a supervisor"] == "0%"
    incidents = next(t for t in next(e for e in context.elements if e.number == 6).tables
                     if t.title == INCIDENTS_TITLE.format(month=OCTOBER.label))
    assert incidents.rows and {r[6] for r in incidents.rows} == {"Not shared"}

    flhas, incident_table = context.appendix[0], next(t for t in context.appendix if t.title.startswith("Incidents"))
    sign_offs = {r[-1] for r in flhas.rows}
    assert not any("pending" in s for s in sign_offs)
    assert sign_offs <= {"Signed, not reviewed", "Not signed, not reviewed"}
    assert incident_table.rows and {r[-1] for r in incident_table.rows} == {"Not shared"}
