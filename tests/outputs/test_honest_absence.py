"""A figure that depends on a table that was not read says so on every output, never 0 and never Pass."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from pipeline.checks.audit import Findings
from pipeline.normalise import Dataset
from pipeline.outputs.dashboard import summary_frame
from pipeline.outputs.mail import Headline, pack_html, pack_text
from pipeline.outputs.summary import summary_text
from tests.builders import dataset
from tests.checks.support import AS_OF, findings, good_company, without

NOT_READ = "not read: no Training Records"


@pytest.fixture(scope="module")
def no_records() -> tuple[Findings, Dataset]:
    """A company whose office never made a Training Records tab (and no Incident form either)."""
    tables = without("training_records", "incident")
    return findings(tables), dataset(tables)


def _rows(f: Findings, data: Dataset) -> dict[str, tuple[object, str, str]]:
    frame = summary_frame(f, data.status, datetime(2026, 10, 31, 6, 0), "test")
    return {r["Item"]: (r["Value"], r["Status"], r["Detail"]) for _, r in frame.iterrows()}


def test_dashboard_summary_says_not_read_and_warns_instead_of_a_green_zero(
        no_records: tuple[Findings, Dataset]) -> None:
    rows = _rows(*no_records)
    assert rows["Expired tickets"][:2] == (NOT_READ, "Warn")
    assert rows["Missing tickets"][:2] == (NOT_READ, "Warn")
    assert rows["Near misses reported (last 12 months)"][:2] == ("not read: no Incident", "Warn")
    assert rows["Open deficiencies"][0] == 0


def test_dashboard_near_misses_row_carries_check_e6_2s_verdict() -> None:
    tables = good_company()
    tables["incident"][0]["Type"] = "First Aid"
    f = findings(tables)
    value, status, detail = _rows(f, dataset(tables))["Near misses reported (last 12 months)"]
    assert value == 0 and status == f.check("E6.2").status == "Fail" and detail.startswith("E6.2")


def test_summary_text_says_which_table_was_not_read(no_records: tuple[Findings, Dataset]) -> None:
    f, data = no_records
    text = summary_text(f, data, [])
    assert f"Tickets: {NOT_READ}." in text and "Near misses (12 months): not read: no Incident." in text
    assert "0 expired" not in text


def test_owner_email_says_not_read_and_keeps_it_through_json(no_records: tuple[Findings, Dataset]) -> None:
    f, _ = no_records
    headline = Headline.of(f)
    assert headline.counts["expired_tickets"] is None
    again = Headline.from_dict(json.loads(json.dumps(headline.to_dict())))
    assert again == headline
    text, html = pack_text(again, "2026-10", "pack.pdf"), pack_html(again, "2026-10", "pack.pdf")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("Expired tickets"))
    assert line.strip().endswith(NOT_READ)
    assert f"Expired tickets: <b>{NOT_READ}</b>" in html


def test_pack_cover_shows_not_read_for_the_tickets_figure(no_records: tuple[Findings, Dataset]) -> None:
    from pipeline.outputs.pack.context import _headline

    f, _ = no_records
    stats = {s.label: s for s in _headline(f)}
    tickets = stats["expired or missing tickets (no Training Records)"]
    assert tickets.value == "not read" and tickets.tone == "amber"
    assert stats["open deficiencies"].value == "0"


def test_a_company_with_every_table_shows_plain_numbers() -> None:
    f = findings(good_company(), AS_OF)
    assert f.unread == {} and f.shown("expired_tickets") == "0"


def test_pack_evidence_figures_from_unread_tables_say_not_read(no_records: tuple[Findings, Dataset]) -> None:
    from pipeline.outputs.pack.evidence import honest
    from pipeline.outputs.pack.model import Stat

    _, data = no_records
    stats = honest(data, (Stat("0", "incidents this month"), Stat("4", "FLHAs this month")),
                   (("incident",), ("flha",)))
    assert [(s.value, s.label) for s in stats] == [("not read", "incidents this month (no Incident)"),
                                                   ("4", "FLHAs this month")]


def test_open_deficiencies_without_corrective_actions_say_a_closed_finding_may_be_counted() -> None:
    tables = without("corrective_actions")
    value, _, detail = _rows(findings(tables), dataset(tables))["Open deficiencies"]
    assert isinstance(value, int) and "Corrective Actions not read" in detail
    assert _rows(findings(good_company()), dataset(good_company()))["Open deficiencies"][2] == ""
