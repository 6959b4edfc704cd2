"""`secor doctor` lists the choice wordings it did not understand, with the config lines to paste."""

from __future__ import annotations

from pipeline.normalise import normalise
from pipeline.outputs.summary import doctor_text
from pipeline.settings import Settings
from tests.builders import workbook

WORKERS = [{"Name": "Priya Sandhu", "Role": "Equipment Operator", "Start Date": "2020-01-01"}]
INCIDENT = {"Timestamp": "2026/04/02 7:15:00 AM GMT-6", "Incident Date": "2026-04-01", "Reporter": "Priya Sandhu",
            "Description": "Cut on a sharp edge"}


def test_doctor_ends_with_the_unmapped_values_and_the_block_to_paste() -> None:
    wb = workbook({"workers": WORKERS, "incident": [{**INCIDENT, "Type": "Cut hand"}, {**INCIDENT, "Type": "Cut hand",
                                                                                       "Reporter": "priya sandhu"}]})
    text, _ = doctor_text("test", wb, normalise(wb, Settings()))
    assert "Incident / Type: 'Cut hand' x2  ->  [values.incident.type] \"Cut hand\" = \"?\"" in text
    assert "\n  [values.incident.type]\n  \"Cut hand\" = \"?\"\n" in text
    assert text.rstrip().splitlines()[-1].startswith("Data issues:")


def test_doctor_says_nothing_about_values_when_all_are_understood() -> None:
    wb = workbook({"workers": WORKERS, "incident": [{**INCIDENT, "Type": "Near miss (no injury or damage)"}]})
    assert "Values not understood" not in doctor_text("test", wb, normalise(wb, Settings()))[0]
