"""Forms CSV downloads as each account locale writes them, read from files through the whole reader."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.normalise import normalise
from pipeline.settings import Settings
from pipeline.sources.local import LocalSource

HEADER = '"Timestamp","Worker name (first and last)","Site / LSD","Task(s) being performed",' \
         '"Hazards identified","Controls put in place","Which hazards are present? (check all that apply)"'

# (locale, the Timestamp as that locale's download writes it, the moment in Edmonton)
LOCALES = [
    ("en-US, Mountain", "2026/10/13 7:41:09 AM GMT-6", pd.Timestamp(2026, 10, 13, 7, 41, 9)),
    ("es-419", "2026/07/18 1:47:02 p.m. GMT-6", pd.Timestamp(2026, 7, 18, 13, 47, 2)),
    ("en-CA", "2026/10/13 9:00:00 a.m. MDT", pd.Timestamp(2026, 10, 13, 9, 0, 0)),
    ("Atlantic", "2022/06/22 11:07:29 AM AST", pd.Timestamp(2022, 6, 22, 9, 7, 29)),  # UTC-4 to MDT
    ("East Africa", "2025/09/01 10:09:52 AM UTC+3", pd.Timestamp(2025, 9, 1, 1, 9, 52)),
    ("India", "2026/09/27 9:30:00 AM GMT+5:30", pd.Timestamp(2026, 9, 26, 22, 0, 0)),
    ("Sheet CSV, no zone", "4/9/2026 15:22:41", pd.Timestamp(2026, 4, 9, 15, 22, 41)),
]


@pytest.mark.parametrize(("locale", "stamp", "edmonton"), LOCALES, ids=[x[0] for x in LOCALES])
def test_a_forms_csv_timestamp_becomes_company_time(tmp_path: Path, locale: str, stamp: str,
                                                    edmonton: pd.Timestamp) -> None:
    body = (f'"{stamp}","Jason Miller","LSD 04-12","Valve change","H2S, pinch points",'
            '"Monitor, gloves","H2S;Slips, trips and falls"\n')
    (tmp_path / "FLHA (Responses) - Form Responses 1.csv").write_text(HEADER + "\n" + body, encoding="utf-8")
    ds = normalise(LocalSource(tmp_path).read(), Settings())
    flha = ds.table("flha")
    assert list(flha["timestamp"]) == [edmonton]
    assert list(flha["date"]) == [edmonton.normalize()]  # a blank Date takes the company-time day


def test_a_semicolon_csv_with_a_multi_line_answer_keeps_one_record_per_response(tmp_path: Path) -> None:
    """Excel in French Canada saves with ';'; a long answer keeps its line breaks inside quotes."""
    rows = [HEADER.replace('","', '";"'),
            '"2026/10/13 7:41:09 AM GMT-6";"Jason Miller";"Pad 7";"Valve";"H2S\nand noise";"Monitor";"H2S"',
            '"2026/10/14 7:05:00 AM GMT-6";"Ravi Singh";"Pad 9";"Test";"Noise";"Plugs";"Noise"']
    (tmp_path / "FLHA (Responses) - Form Responses 1.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ds = normalise(LocalSource(tmp_path).read(), Settings())
    flha = ds.table("flha")
    assert list(flha["hazards"]) == ["H2S\nand noise", "Noise"]
    assert list(flha["row"]) == [2, 3]
    # The free-text Hazards column is judged for copy-paste; the checkbox question is not read as Hazards.
    assert "hazards" not in ds.status["flha"].checklist_columns
