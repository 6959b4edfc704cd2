"""The wordings doctor lists as not understood: counted, with a config line that maps them when pasted."""

from __future__ import annotations

import tomllib

from pipeline.normalise.values import unmapped_values, unmapped_values_text
from pipeline.settings import settings_from_dict
from tests.builders import dataset

WORKERS = [{"Name": "Priya Sandhu", "Role": "Equipment Operator", "Start Date": "2020-01-01"}]


def _incident(i: int, kind: str) -> dict[str, str]:
    # Shaped like a Forms export: long questions, a Forms CSV timestamp.
    return {"Timestamp": f"2026/04/{i:02d} 7:15:00 AM GMT-6", "Date of incident": "2026-04-01",
            "Reported by": "Priya Sandhu", "Type of incident": kind, "What happened?": "Slipped on the deck"}


def _pre_start(i: int, result: str, oos: str) -> dict[str, str]:
    return {"Timestamp": f"4/{i}/2026 6:30:00", "Driver": "Priya Sandhu", "Unit #": f"T-10{i}",
            "Overall result": result, "Unit out of service?": oos}


TABLES = {
    "workers": WORKERS,
    "incident": [_incident(i, k) for i, k in enumerate(
        ["Cut hand", "cut hand.", "Cut hand", "Near miss (no injury or damage)", "Slip - first aid given"], 1)],
    "pre_start": [_pre_start(1, "Unit OK", "Parked for the night"), _pre_start(2, "No defects", "No")],
}


def test_unknown_wordings_are_counted_once_per_spelling_most_frequent_first() -> None:
    found = unmapped_values(dataset(TABLES))
    assert [(u.table, u.column, u.value, u.count) for u in found] == [
        ("incident", "type", "Cut hand", 3),
        ("incident", "type", "Slip - first aid given", 1),
        ("pre_start", "out_of_service", "Parked for the night", 1),
        ("pre_start", "result", "Unit OK", 1),
    ]


def test_a_close_wording_gets_a_guess_and_a_far_one_is_left_for_the_office() -> None:
    guesses = {u.value: u.guess for u in unmapped_values(dataset(TABLES))}
    assert guesses == {"Cut hand": None, "Slip - first aid given": "First Aid", "Unit OK": "Pass",
                       "Parked for the night": None}


def test_each_line_names_table_column_count_config_line_and_the_allowed_values() -> None:
    lines = unmapped_values_text(dataset(TABLES))
    assert lines[0].startswith("Values not understood: 4")
    assert lines[1] == ("  Incident / Type: 'Cut hand' x3  ->  [values.incident.type] \"Cut hand\" = \"?\"   "
                        "(one of: Near Miss, First Aid, Medical Aid, Lost Time, Property Damage, Vehicle)")
    assert "(one of: Yes, No)" in lines[3]


def test_the_paste_block_is_valid_toml_and_once_filled_in_maps_every_value() -> None:
    lines = unmapped_values_text(dataset(TABLES))
    start = next(i for i, line in enumerate(lines) if line.startswith("To map them")) + 1
    block = "\n".join(lines[start:])
    block = block.replace('"Cut hand" = "?"', '"Cut hand" = "First Aid"').replace(
        '"Parked for the night" = "?"', '"Parked for the night" = "Yes"')
    config = settings_from_dict({"values": tomllib.loads(block)["values"]})
    again = dataset(TABLES, config)
    assert unmapped_values_text(again, config) == []
    assert list(again.table("incident")["type"]) == ["First Aid"] * 3 + ["Near Miss", "First Aid"]
    assert list(again.table("pre_start")["out_of_service"]) == [True, False]


def test_nothing_is_listed_when_every_wording_is_understood() -> None:
    assert unmapped_values_text(dataset({"workers": WORKERS, "pre_start": [_pre_start(1, "Pass", "No")]})) == []
