"""Faults: retried with backoff (Retry-After honoured), bounded; 403/404 explained, never retried."""

from __future__ import annotations

import logging
from email.utils import formatdate

import pytest
import requests

from pipeline.errors import SecorError
from pipeline.sources.google import GoogleSource, load_credentials, spreadsheet_key
from pipeline.sources.google_http import GoogleUnavailable, KeyRefused, RetryPolicy, retry_after_seconds

from .data import FORMS, FORMS_KEY, OFFICE, OFFICE_KEY
from .emulator import ACCOUNT


@pytest.fixture
def two(emulator):
    emulator.add_spreadsheet(OFFICE_KEY, "Office records", OFFICE)
    emulator.add_spreadsheet(FORMS_KEY, "Forms", FORMS)
    return emulator


def _calls(emulator, suffix=""):
    return [e for e in emulator.api_requests() if e["path"].endswith(suffix)]


def test_429_is_retried_after_the_time_google_asks(two, make_source, sleeps):
    two.inject("429", 2, retry_after=7, path="values:batchGet")
    wb = make_source([OFFICE_KEY, FORMS_KEY]).read()
    assert wb.problems == () and len(wb.tabs) == len(OFFICE) + len(FORMS)
    assert len(sleeps) == 2 and all(7 <= s <= 8 for s in sleeps)  # Retry-After plus a little jitter
    assert [e["status"] for e in _calls(two, "values:batchGet")] == [429, 429, 200, 200]


@pytest.mark.parametrize("kind", ["500", "503", "slow", "drop"])
def test_server_errors_timeouts_and_dropped_connections_are_retried(two, make_source, sleeps, kind):
    two.inject(kind, 2, delay=1.0)  # "slow" answers after 1 s; the client's timeout is 0.5 s
    wb = make_source([OFFICE_KEY, FORMS_KEY]).read()
    assert wb.problems == () and len(wb.tabs) == len(OFFICE) + len(FORMS)
    assert len(sleeps) == 2
    assert sleeps[0] < sleeps[1] <= 0.05  # exponential backoff, capped by max_backoff_seconds
    assert len(two.api_requests()) == 4 + 2


def test_token_exchange_failures_are_retried_too(two, make_source, sleeps):
    two.inject("drop", 1, path="/token")
    wb = make_source([OFFICE_KEY]).read()
    assert wb.problems == () and len(sleeps) == 1


def test_gives_up_after_max_attempts_and_stops_the_read(two, make_source, sleeps):
    two.inject("503", 10, path=OFFICE_KEY)
    with pytest.raises(GoogleUnavailable) as caught:
        make_source([OFFICE_KEY, FORMS_KEY], max_attempts=3).read()
    assert len(_calls(two, OFFICE_KEY)) == 3  # then stopped
    assert _calls(two, FORMS_KEY) == []  # the other spreadsheet is not read: a partial read is no read
    problem = caught.value.message
    assert problem.startswith(f"reading spreadsheet '{OFFICE_KEY}' stopped: Google Sheets did not answer GET "
                              f"/v4/spreadsheets/{OFFICE_KEY} after 3 attempt(s)")
    assert "HTTP 503 UNAVAILABLE" in problem and "max_attempts is 3" in problem and "run again" in problem
    assert "the previous dashboards stay" in problem


def test_gives_up_at_once_when_google_asks_to_wait_longer_than_allowed(two, make_source, sleeps):
    two.inject("429", 1, retry_after=600, path=OFFICE_KEY)
    with pytest.raises(GoogleUnavailable, match="waiting the 600 s Google asks for") as caught:
        make_source([OFFICE_KEY], max_retry_seconds=60).read()
    assert sleeps == [] and len(two.api_requests()) == 1
    assert "quota is used up" in caught.value.message and "60 s ([google] max_retry_seconds)" in caught.value.message


def test_not_shared_says_whom_to_share_with_and_is_not_retried(two, make_source, sleeps):
    two.spreadsheets[FORMS_KEY].shared = False
    wb = make_source([OFFICE_KEY, FORMS_KEY]).read()
    assert sleeps == [] and len(_calls(two, FORMS_KEY)) == 1
    assert wb.problems == (f"spreadsheet '{FORMS_KEY}' cannot be opened: the service account has no access (The "
                           f"caller does not have permission). Share it with {ACCOUNT} as Viewer (Editor for the "
                           "dashboard spreadsheet).",)
    assert wb.opened[1] == (FORMS_KEY, f"cannot open: Share it with {ACCOUNT} as Viewer (Editor for the dashboard "
                                       "spreadsheet).")
    assert wb.names() == list(OFFICE)


def test_wrong_key_is_a_404_problem(two, make_source, sleeps):
    wb = make_source([OFFICE_KEY, "1NoSuchSpreadsheetCCCCCCCCCCCCCCCCCC"]).read()
    assert sleeps == []
    assert "was not found: the key or URL is wrong" in wb.problems[0]
    assert wb.names() == list(OFFICE)


def test_api_disabled_says_to_enable_it(two, make_source):
    two.api_enabled = False
    wb = make_source([OFFICE_KEY]).read()
    assert "Google Sheets API is not enabled" in wb.problems[0] and "press Enable" in wb.problems[0]


def test_a_key_google_does_not_know_stops_the_run(two, make_settings, tmp_path):
    stranger = tmp_path / "other.json"
    two.write_key_file(stranger)
    two.public_keys.pop(ACCOUNT)  # Google no longer knows the key that signed the assertion
    settings = make_settings([OFFICE_KEY])
    src = GoogleSource(settings.source.spreadsheets, load_credentials(stranger), settings.google)
    with pytest.raises(KeyRefused, match="refused the service-account key"):
        src.read()


def test_missing_or_broken_key_file(tmp_path):
    with pytest.raises(SecorError, match="not found"):
        load_credentials(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SecorError, match="not a usable service-account key file"):
        load_credentials(tmp_path / "bad.json")
    with pytest.raises(SecorError, match="credentials is not set"):
        load_credentials("")


def test_key_file_readable_by_others_is_warned_about(key_file, caplog):
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        load_credentials(key_file)
    assert "can be read by other users" in caplog.text and "chmod 600" in caplog.text
    caplog.clear()
    key_file.chmod(0o600)
    with caplog.at_level(logging.WARNING):
        load_credentials(key_file)
    assert caplog.text == ""


def test_keys_and_urls():
    assert spreadsheet_key(f"https://docs.google.com/spreadsheets/d/{OFFICE_KEY}/edit#gid=0") == OFFICE_KEY
    assert spreadsheet_key(f"  {OFFICE_KEY} ") == OFFICE_KEY
    with pytest.raises(SecorError, match="neither a spreadsheet URL nor a key"):
        spreadsheet_key("https://example.com/my sheet")


def test_policy_rewrites_only_the_default_root_and_backs_off():
    p = RetryPolicy(api_endpoint="http://127.0.0.1:9/prefix/", jitter=lambda: 1.0, backoff_seconds=1,
                    max_backoff_seconds=8)
    assert p.rewrite("https://sheets.googleapis.com/v4/spreadsheets/x") == "http://127.0.0.1:9/prefix/v4/spreadsheets/x"
    assert p.rewrite("https://www.googleapis.com/drive/v3/files") == "https://www.googleapis.com/drive/v3/files"
    assert [p.delay(a, None) for a in range(1, 7)] == [1, 2, 4, 8, 8, 8]
    assert p.delay(1, 30.0) == 31.0
    assert RetryPolicy().rewrite("https://sheets.googleapis.com/v4/x") == "https://sheets.googleapis.com/v4/x"


def test_retry_after_header_forms():
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds(formatdate(1_000_030, usegmt=True), now=1_000_000) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_plain_http_endpoint_is_refused_unless_local(make_settings):
    from pipeline.settings import GoogleSettings
    from pipeline.sources.google import policy_from

    with pytest.raises(SecorError, match="must start with https://"):
        policy_from(GoogleSettings(api_endpoint="http://sheets.example.com"))
    assert policy_from(GoogleSettings(api_endpoint="http://localhost:8080")).api_endpoint == "http://localhost:8080"


def test_emulator_rejects_what_the_discovery_document_does_not_define(two, make_source):
    src = make_source([OFFICE_KEY])
    src.read()  # gets a token
    session = src.http.session
    base = f"{two.url}/v4/spreadsheets/{OFFICE_KEY}"
    bad = session.get(base + "/values:batchGet", params={"ranges": "Workers", "valueRenderOptions": "RAW"})
    assert bad.status_code == 400
    assert bad.json() == {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message":
                                    "Invalid JSON payload received. Unknown name \"valueRenderOptions\": Cannot bind "
                                    "query parameter. Field 'valueRenderOptions' could not be found in request "
                                    "message."}}
    bad = session.get(base + "/values:batchGet", params={"ranges": "Workers", "valueRenderOption": "RAW"})
    assert bad.status_code == 400 and "valueRenderOption" in bad.json()["error"]["message"]
    bad = session.post(base + ":batchUpdate", json={"requests": [{"updateCells": {"rowz": []}}]})
    assert bad.status_code == 400 and "Unknown name \"rowz\"" in bad.json()["error"]["message"]
    assert session.delete(base).status_code == 404
    assert requests.get(base, timeout=5).json()["error"]["status"] == "UNAUTHENTICATED"


def test_an_endpoint_that_is_not_the_sheets_api_is_a_problem_not_a_crash(two, make_source, monkeypatch):
    src = make_source([OFFICE_KEY])
    monkeypatch.setattr(src.http, "values_batch_get", lambda *a, **k: {"valueRanges": ["<html>"] * len(OFFICE)})
    wb = src.read()
    assert "was not what the Sheets API sends" in wb.problems[0]
