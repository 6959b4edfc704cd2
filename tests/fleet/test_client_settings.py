"""What a client runs with: its own config, its own output folder, the consultant's SMTP under its own [email]."""

from __future__ import annotations

from pathlib import Path

from pipeline.fleet.client import ClientJob, client_settings, run_client
from pipeline.fleet.config import Client
from pipeline.settings import EmailSettings


def _client(tmp_path: Path, text: str, **kw: object) -> Client:
    config = tmp_path / "acme" / "secor.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return Client("acme", config, tmp_path / "out" / "clients" / "acme", entry="fleet.toml [[client]] 1", **kw)


def test_outputs_always_go_to_the_clients_own_folder_and_records_default_to_its_config_folder(tmp_path: Path) -> None:
    client = _client(tmp_path, 'company = "Acme Ltd."\noutput = "/shared/outputs"\n')
    settings = client_settings(ClientJob("sync", client))
    assert settings.company == "Acme Ltd."
    assert settings.output == str(tmp_path / "out" / "clients" / "acme")
    assert settings.source.path == str(tmp_path / "acme")


def test_the_configs_own_records_path_is_read_from_its_folder_and_an_entrys_source_wins(tmp_path: Path) -> None:
    client = _client(tmp_path, 'company = "Acme Ltd."\n[source]\npath = "records"\n')
    assert client_settings(ClientJob("sync", client)).source.path == str(tmp_path / "acme" / "records")
    moved = _client(tmp_path, 'company = "Acme Ltd."\n[source]\npath = "records"\n', source=tmp_path / "elsewhere")
    assert client_settings(ClientJob("sync", moved)).source.path == str(tmp_path / "elsewhere")


def test_the_consultants_smtp_serves_a_client_whose_email_section_sets_only_its_owner(tmp_path: Path) -> None:
    client = _client(tmp_path, 'company = "Acme Ltd."\n[email]\nto = ["owner@acme.example"]\n')
    fleet = EmailSettings(enabled=True, host="smtp.consult.example", port=465, security="ssl",
                          sender="reports@consult.example")
    email = client_settings(ClientJob("pack", client, fleet, frozenset({"enabled", "host", "port"}))).email
    assert email.to == ("owner@acme.example",)
    assert (email.enabled, email.host, email.port, email.security) == (True, "smtp.consult.example", 465, "ssl")
    assert email.sender == "reports@consult.example"


def test_a_client_with_its_own_smtp_keeps_it(tmp_path: Path) -> None:
    client = _client(tmp_path, 'company = "Acme Ltd."\n[email]\nto = ["o@acme.example"]\nhost = "mail.acme.example"\n')
    email = client_settings(ClientJob("pack", client, EmailSettings(enabled=True, host="smtp.consult.example"))).email
    assert email.host == "mail.acme.example" and email.enabled


def test_google_clients_share_one_budget_once_the_settings_have_it(tmp_path: Path) -> None:
    client = _client(tmp_path, 'company = "Acme Ltd."\n[source]\nbackend = "google"\nspreadsheets = ["abc"]\n')
    google = client_settings(ClientJob("sync", client, requests_per_minute=120,
                                       quota_file=str(tmp_path / "out" / "google-quota.json"))).google
    if hasattr(google, "quota_file"):  # the shared limiter's settings (h-quota's branch)
        assert google.quota_file == str(tmp_path / "out" / "google-quota.json")
        assert google.requests_per_minute == 120


def test_a_broken_config_comes_back_as_that_clients_error_not_an_exception(tmp_path: Path) -> None:
    client = _client(tmp_path, 'company = "Acme Ltd."\n[audit]\npass_overall = 80\n')
    result = run_client(ClientJob("sync", client))
    assert not result.ok and result.row.client == "acme"
    assert "pass_overall" in result.row.error and "0.8" in result.row.error
    missing = run_client(ClientJob("sync", Client("gone", tmp_path / "gone.toml", tmp_path / "o", entry="e 2")))
    assert not missing.ok and "gone.toml" in missing.row.error and "e 2" in missing.row.error


def test_a_config_file_among_other_clients_needs_its_own_records_folder(tmp_path: Path) -> None:
    config = tmp_path / "clients" / "acme.toml"
    config.parent.mkdir()
    config.write_text('company = "Acme Ltd."\n', encoding="utf-8")
    (tmp_path / "clients" / "other.csv").write_text("Name\nSomeone Else\n", encoding="utf-8")
    result = run_client(ClientJob("sync", Client("acme", config, tmp_path / "out", entry=str(config))))
    assert not result.ok and "[source] path" in result.row.error and "other clients" in result.row.error
