"""Against the real Google Sheets API: skipped unless credentials and a scratch spreadsheet are given.

    SECOR_LIVE_CREDENTIALS=/path/to/key.json \\
    SECOR_LIVE_SPREADSHEET=https://docs.google.com/spreadsheets/d/<key>/edit \\
    SECOR_LIVE_WRITE=1 \\
    .venv/bin/pytest tests/google/test_live.py -v

Share the spreadsheet with the key's service account (Editor if SECOR_LIVE_WRITE=1).
Reading never changes anything. With SECOR_LIVE_WRITE=1 the test also writes the
five Dashboard tabs (and nothing else) and checks every other tab is unchanged:
use a scratch spreadsheet or a copy. See docs/google.md, "Live test".
"""

from __future__ import annotations

import os
from datetime import date

import pandas as pd
import pytest

from pipeline.outputs.dashboard import TAB_NAMES, Sheet
from pipeline.settings import GoogleSettings
from pipeline.sources.google import GoogleSource, load_credentials, sheet_range, spreadsheet_key

CREDENTIALS = os.environ.get("SECOR_LIVE_CREDENTIALS", "")
SPREADSHEET = os.environ.get("SECOR_LIVE_SPREADSHEET", "")

pytestmark = pytest.mark.skipif(not (CREDENTIALS and SPREADSHEET),
                                reason="set SECOR_LIVE_CREDENTIALS and SECOR_LIVE_SPREADSHEET to run against Google")


@pytest.fixture
def source() -> GoogleSource:
    return GoogleSource([SPREADSHEET], load_credentials(CREDENTIALS), GoogleSettings())


def _other_tabs(source: GoogleSource) -> dict[str, object]:
    """Properties and formulas/values of every tab that is not a Dashboard tab."""
    key = spreadsheet_key(SPREADSHEET)
    meta = source.metadata(key)
    sheets = [s for s in meta["sheets"] if s["properties"]["title"] not in TAB_NAMES]
    if not sheets:
        return {}
    data = source.http.values_batch_get(key, [sheet_range(s["properties"]["title"]) for s in sheets],
                                        params={"valueRenderOption": "FORMULA"})
    return {"sheets": sheets, "values": data["valueRanges"]}


def test_live_read_takes_two_requests(source: GoogleSource) -> None:
    before = source.http.attempts
    wb = source.read()
    assert wb.problems == (), wb.problems
    assert source.http.attempts - before == 2
    print(wb.opened)


@pytest.mark.skipif(os.environ.get("SECOR_LIVE_WRITE") != "1", reason="set SECOR_LIVE_WRITE=1 to write Dashboard tabs")
def test_live_write_touches_only_the_dashboard_tabs(source: GoogleSource) -> None:
    others = _other_tabs(source)
    frame = pd.DataFrame({"Item": ["Live test", "Formula text"], "Value": [date.today(), '=IMPORTXML("x", "//a")'],
                          "Status": ["Pass", "Fail"], "Detail": ["", ""]})
    # The first tab as the summary (no filter), the others with a frozen ID column and, on the second, a
    # sentence above the header: every kind of request the real dashboards send (merge, unmerge, auto row
    # heights, clear filter); written twice, as two syncs would.
    sheets = tuple(Sheet(t, frame, "Status", filter=i > 0, frozen_columns=1,
                         intro=(("Note", "A sentence across the tab, merged right of the frozen column."),) if i == 1
                         else ()) for i, t in enumerate(TAB_NAMES))
    source.write_dashboards(sheets)
    before = source.http.attempts
    written = source.write_dashboards(sheets)
    assert source.http.attempts - before == 2 and len(written) == len(TAB_NAMES)
    key = spreadsheet_key(SPREADSHEET)
    back = source.http.values_batch_get(key, [sheet_range(TAB_NAMES[0])],
                                        params={"valueRenderOption": "UNFORMATTED_VALUE"})
    # A formula would evaluate (to an error here); text comes back as typed.
    assert back["valueRanges"][0]["values"][2][1] == '=IMPORTXML("x", "//a")'
    assert _other_tabs(source) == others
