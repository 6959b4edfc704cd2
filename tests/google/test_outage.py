"""Google not answering stops the run; problems the office must fix do not; one time budget per operation."""

from __future__ import annotations

import time
from datetime import date

import pytest
from click.testing import CliRunner

from jobs.sync import run_sync
from pipeline.cli import main
from pipeline.errors import SecorError
from pipeline.outputs.dashboard import TAB_NAMES
from pipeline.sources.google import GoogleSource, load_credentials, policy_from
from pipeline.sources.google_http import GoogleUnavailable, RetryingHTTPClient, RetryPolicy

from .data import FORMS, FORMS_KEY, OFFICE, OFFICE_KEY
from .emulator import ACCOUNT
from .scenarios import FakeTime, SlowNetwork, every_request_slow, not_a_google_sheet
from .test_write import sheets

AS_OF = date(2026, 10, 31)
XLSX_KEY = "1ExcelInDriveDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
MISSING_KEY = "1NoSuchSpreadsheetEEEEEEEEEEEEEEEEEEEEEEEE"


@pytest.fixture
def two(emulator):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    emulator.add_spreadsheet(FORMS_KEY, "Forms", FORMS)
    return emulator


def _dashboards(emulator):
    return {t: emulator.snapshot(OFFICE_KEY, t) for t in TAB_NAMES}


def _posts(emulator):
    return [e for e in emulator.api_requests() if e["method"] == "POST"]


# -- 1. Google not answering is not a "problem": the sync fails and the previous dashboards stay ------------------

def test_google_not_answering_stops_the_sync_and_keeps_the_previous_dashboards(two, make_settings, make_source):
    settings = make_settings([OFFICE_KEY, FORMS_KEY])
    run_sync(settings, as_of=AS_OF, source=make_source([OFFICE_KEY, FORMS_KEY]))
    before = _dashboards(two)
    two.clear_log()
    two.inject("503", 50, path=f"{FORMS_KEY}/values:batchGet")  # the office spreadsheet reads fine, then this

    with pytest.raises(SecorError) as caught:
        run_sync(settings, as_of=AS_OF, source=make_source([OFFICE_KEY, FORMS_KEY]))

    assert isinstance(caught.value, GoogleUnavailable)
    message = caught.value.message
    assert message.startswith("reading spreadsheet 'Forms' stopped: Google Sheets did not answer GET ")
    assert "after 4 attempt(s) (last: HTTP 503 UNAVAILABLE" in message
    assert "the previous dashboards stay as they are" in message and "run again" in message
    assert _posts(two) == []  # nothing was written
    assert _dashboards(two) == before


def test_google_not_answering_stops_at_the_first_spreadsheet(two, make_source):
    two.add_spreadsheet(XLSX_KEY, "Third", {"Goals": OFFICE["Goals"]})
    two.inject("drop", 50, path=OFFICE_KEY)
    with pytest.raises(GoogleUnavailable, match=r"connection failed"):
        make_source([OFFICE_KEY, FORMS_KEY, XLSX_KEY]).read()
    assert {e["path"].split("/")[3].split(":")[0] for e in two.api_requests()} == {OFFICE_KEY}


def test_google_asking_to_wait_too_long_fails_the_sync_command(two, config_file):
    two.inject("429", 5, retry_after=3600, path=FORMS_KEY)
    result = CliRunner().invoke(main, ["sync", "--config", str(config_file), "--as-of", "2026-10-31"])
    assert result.exit_code == 2, result.output
    assert "error: reading spreadsheet" in result.output and "quota is used up" in result.output
    assert "the previous dashboards stay" in result.output
    assert _posts(two) == [] and "Dashboard" not in [t.title for t in two.spreadsheets[OFFICE_KEY].tabs]


@pytest.fixture
def config_file(tmp_path, emulator, key_file):
    path = tmp_path / "google.toml"
    path.write_text(f"""
company = "Acme Excavating"

[source]
backend = "google"
spreadsheets = ["{OFFICE_KEY}", "{FORMS_KEY}"]
credentials = "{key_file}"

[google]
api_endpoint = "{emulator.url}"
timeout_seconds = 5
max_retry_seconds = 60
""", encoding="utf-8")
    return path


def test_problems_the_office_must_fix_stay_problems_and_the_others_are_read(two, make_source, monkeypatch):
    """Not shared, wrong key, an Excel file in Drive: one sentence each, as a corrupt file is in local mode."""
    two.spreadsheets[FORMS_KEY].shared = False
    two.add_spreadsheet(XLSX_KEY, "Old records.xlsx", {"Goals": OFFICE["Goals"]})
    not_a_google_sheet(two, XLSX_KEY, monkeypatch)
    wb = make_source([FORMS_KEY, XLSX_KEY, MISSING_KEY, OFFICE_KEY]).read()
    assert wb.names() == list(OFFICE)  # the last spreadsheet is still read
    not_shared, excel, missing = wb.problems
    assert f"Share it with {ACCOUNT} as Viewer" in not_shared
    assert "is an Excel file stored in Google Drive" in excel and "Save as Google Sheets" in excel
    assert "was not found: the key or URL is wrong" in missing
    assert [state.split(":")[0] for _, state in wb.opened] == ["cannot open"] * 3 + ["read"]


# -- 2. One time budget per operation ------------------------------------------------------------------------------

def _fake_source(make_settings, fake: FakeTime, spreadsheets, **google) -> GoogleSource:
    settings = make_settings(spreadsheets, **google)
    return GoogleSource(settings.source.spreadsheets, load_credentials(settings.source.credentials),
                        settings.google, timezone=settings.timezone,
                        policy=policy_from(settings.google, sleep=fake.sleep, clock=fake.clock, jitter=lambda: 0.0,
                                           backoff_seconds=1.0, max_backoff_seconds=32.0))


def test_a_sync_with_every_request_timing_out_ends_within_max_retry_seconds(two, make_settings):
    """The reviewer's case: timeout 2 s, max_retry_seconds 10, every request slow; it used to take 26 s and more."""
    fake = FakeTime()
    settings = make_settings([OFFICE_KEY, FORMS_KEY], timeout_seconds=2.0, max_retry_seconds=10.0, max_attempts=6)
    src = _fake_source(make_settings, fake, [OFFICE_KEY, FORMS_KEY], timeout_seconds=2.0, max_retry_seconds=10.0,
                       max_attempts=6)
    network = SlowNetwork(fake)
    src.http.session = network
    with pytest.raises(GoogleUnavailable) as caught:
        run_sync(settings, as_of=AS_OF, source=src)
    assert fake.now - 1000.0 <= 10.0
    # attempts at 0, 2.5 and 5.5 s; the next would wait 2 s and could take 2 s more: 7.5 + 2 + 2 > 10
    assert [round(at - 1000.0, 1) for _, _, at in network.sent] == [0.0, 2.5, 5.5]
    assert fake.slept == [0.5, 1.0]
    assert "after 3 attempt(s) (last: timed out); gave up after trying for 8 s" in caught.value.message
    assert "would not end within the read's 10 s ([google] max_retry_seconds)" in caught.value.message


def test_the_read_has_one_deadline_for_all_its_spreadsheets(two, make_settings):
    """Slow but answering: the first spreadsheet uses 7 s of 10; what is left is not enough to retry the second."""
    fake = FakeTime()
    src = _fake_source(make_settings, fake, [OFFICE_KEY, FORMS_KEY], timeout_seconds=2.0, max_retry_seconds=10.0,
                       max_attempts=6)
    network = SlowNetwork(fake, src.http.session, answer_seconds=3.5,
                          failing=lambda method, url: FORMS_KEY in url)
    src.http.session = network
    with pytest.raises(GoogleUnavailable, match=r"after 1 attempt\(s\) \(last: timed out\)") as caught:
        src.read()
    assert fake.now - 1000.0 <= 10.0 and len(network.sent) == 3  # office: 2 requests; forms: 1 attempt, no retry
    assert "reading spreadsheet '1FormsKey" in caught.value.message

    fake.advance(100)  # the next read has a budget of its own
    network.failing = lambda method, url: False
    network.answer_seconds = 2.0
    assert src.read().names() == [*OFFICE, *FORMS]


def test_a_request_that_cannot_fit_is_not_sent():
    fake = FakeTime()
    network = SlowNetwork(fake)
    policy = RetryPolicy(timeout_seconds=2.0, max_attempts=6, max_retry_seconds=10.0, sleep=fake.sleep,
                         clock=fake.clock, jitter=lambda: 0.0)
    http = RetryingHTTPClient(None, network, policy=policy)
    with http.operation("the read"):
        fake.advance(8.5)  # earlier requests of the same read took 8.5 s
        with pytest.raises(GoogleUnavailable, match=r"GET /v4/spreadsheets/x was not sent, as the read had already "
                                                    r"taken 8 s and an attempt of up to 2 s"):
            http.request("get", "https://sheets.googleapis.com/v4/spreadsheets/x")
    assert network.sent == []
    with pytest.raises(GoogleUnavailable, match="within the request's 10 s"):  # outside an operation: its own budget
        http.request("get", "https://sheets.googleapis.com/v4/spreadsheets/x")
    assert len(network.sent) == 3


def test_the_dashboard_write_has_one_deadline_for_its_requests(two, make_source, make_settings):
    make_source([OFFICE_KEY]).write_dashboards(sheets(3))
    before = _dashboards(two)
    fake = FakeTime()
    src = _fake_source(make_settings, fake, [OFFICE_KEY], timeout_seconds=2.0, max_retry_seconds=10.0,
                       max_attempts=6)
    network = SlowNetwork(fake, src.http.session, answer_seconds=6.0, failing=lambda method, url: method == "POST")
    src.http.session = network
    with pytest.raises(GoogleUnavailable, match=r"did not answer POST .*:batchUpdate after 1 attempt") as caught:
        src.write_dashboards(sheets(5))
    assert "within the dashboard write's 10 s" in caught.value.message
    assert fake.now - 1000.0 <= 10.0
    assert _dashboards(two) == before


def test_every_request_slow_on_the_wire_ends_within_the_budget(two, make_settings):
    """The same on a real socket: answers after 0.5 s, timeout 0.2 s, 1 s for the whole read, real sleeps."""
    settings = make_settings([OFFICE_KEY, FORMS_KEY], timeout_seconds=0.2, max_retry_seconds=1.0, max_attempts=20)
    src = GoogleSource(settings.source.spreadsheets, load_credentials(settings.source.credentials), settings.google,
                       policy=policy_from(settings.google, backoff_seconds=0.05, max_backoff_seconds=0.1))
    src.metadata(OFFICE_KEY)  # gets the token first: the token exchange is not what is measured
    two.clear_log()
    every_request_slow(two, 0.5)
    started = time.monotonic()
    with pytest.raises(GoogleUnavailable, match="the read's 1 s"):
        run_sync(settings, as_of=AS_OF, source=src)
    assert time.monotonic() - started < 1.4
    assert _posts(two) == []


# -- 5. Settings that cannot work are named before any request ----------------------------------------------------

@pytest.mark.parametrize(("name", "value", "rule"), [
    ("timeout_seconds", 0, "more than 0"), ("timeout_seconds", -1.5, "more than 0"),
    ("max_attempts", 0, "at least 1"), ("max_retry_seconds", 0, "more than 0")])
def test_impossible_google_settings_are_a_clear_error_naming_the_setting(make_settings, name, value, rule):
    settings = make_settings([OFFICE_KEY], **{name: value})
    with pytest.raises(SecorError, match=rf"^\[google\] {name} is {value}; it must be {rule}\."):
        GoogleSource.from_settings(settings)


def test_a_budget_smaller_than_one_request_is_a_clear_error(make_settings):
    settings = make_settings([OFFICE_KEY], timeout_seconds=30.0, max_retry_seconds=10.0)
    with pytest.raises(SecorError, match=r"max_retry_seconds \(10\) is less than timeout_seconds \(30\)"):
        GoogleSource.from_settings(settings)
