"""The fleet file: clients listed or found in a folder, paths from the file's folder, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import SecorError
from pipeline.fleet.config import load_fleet


def _write(folder: Path, text: str) -> Path:
    path = folder / "fleet.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _client_folder(root: Path, name: str) -> Path:
    config = root / name / "secor.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'company = "{name.title()} Ltd."\n', encoding="utf-8")
    return config


def test_entries_and_a_clients_folder_make_one_list_with_paths_from_the_fleet_files_folder(tmp_path: Path) -> None:
    _client_folder(tmp_path / "clients", "bravo")
    (tmp_path / "clients" / "charlie.toml").write_text('company = "Charlie Ltd."\n', encoding="utf-8")
    (tmp_path / "clients" / "notes").mkdir()  # a folder without a secor.toml is not a client, and is said
    (tmp_path / "clients" / "readme.txt").write_text("not a client", encoding="utf-8")
    path = _write(tmp_path, """
clients_folder = "clients/"

[fleet]
out = "out"
workers = 3
consultant_email = ["me@consult.example"]

[[client]]
name = "alpha"
config = "alpha/secor.toml"
source = "alpha/records"

[email]
host = "smtp.consult.example"
ca_file = "ca.pem"

[google]
requests_per_minute = 45
""")
    fleet = load_fleet(path)
    assert [c.name for c in fleet.clients] == ["alpha", "bravo", "charlie"]
    alpha, bravo, charlie = fleet.clients
    assert alpha.config == tmp_path / "alpha" / "secor.toml" and alpha.source == tmp_path / "alpha" / "records"
    assert alpha.out == tmp_path / "out" / "clients" / "alpha"
    assert bravo.config == tmp_path / "clients" / "bravo" / "secor.toml" and bravo.source is None
    assert charlie.config == tmp_path / "clients" / "charlie.toml"
    assert charlie.out == tmp_path / "out" / "clients" / "charlie"
    assert fleet.workers == 3 and fleet.consultant_email == ("me@consult.example",)
    assert fleet.email is not None and fleet.email.host == "smtp.consult.example"
    assert fleet.email.ca_file == str(tmp_path / "ca.pem") and fleet.email_keys == {"host", "ca_file"}
    assert fleet.requests_per_minute == 45 and fleet.quota_file == tmp_path / "out" / "google-quota.json"
    assert fleet.problems == (f"'{tmp_path / 'clients' / 'notes'}' is skipped: it has no secor.toml "
                              "(add the client's config there).",)


def test_defaults_are_two_workers_and_outputs_beside_the_fleet_file(tmp_path: Path) -> None:
    fleet = load_fleet(_write(tmp_path, '[[client]]\nname = "a"\nconfig = "a.toml"\n'))
    assert fleet.workers == 2 and fleet.out == tmp_path / "outputs" and fleet.email is None
    assert fleet.requests_per_minute is None


def test_an_own_out_folder_overrides_the_shared_layout(tmp_path: Path) -> None:
    fleet = load_fleet(_write(tmp_path, '[[client]]\nname = "a"\nconfig = "a.toml"\nout = "/srv/a"\n'))
    assert fleet.clients[0].out == Path("/srv/a")


@pytest.mark.parametrize(("text", "words"), [
    ('[fleet]\nworkers = 0\n[[client]]\nname = "a"\nconfig = "a.toml"\n', ["[fleet]", "'workers' is 0"]),
    ('[fleet]\nworker = 2\n[[client]]\nname = "a"\nconfig = "a.toml"\n', ["unknown setting 'worker'", "workers"]),
    ('[[client]]\nname = "a"\n', ["[[client]] 1 ('a')", "has no 'config'"]),
    ('[[client]]\nname = "../etc"\nconfig = "a.toml"\n', ["cannot be a folder name"]),
    ('[[client]]\nname = "a"\nconfig = "a.toml"\n[[client]]\nname = "A"\nconfig = "b.toml"\n',
     ["[[client]] 2 ('A')", "also", "[[client]] 1"]),
    ('[[client]]\nname = "a"\nconfig = "a.toml"\nout = "x"\n[[client]]\nname = "b"\nconfig = "b.toml"\nout = "x"\n',
     ["output folder", "own out folder"]),
    ('[fleet]\nout = "o"\n', ["no clients", "clients_folder"]),
    ('clients_folder = "nope"\n', ["clients_folder", "'", "nope", "not found"]),
    ('[[client]]\nname = "a"\nconfig = "a.toml"\n[email]\nto = ["x@y.example"]\n',
     ["[email]", "'to' does not belong", "consultant_email"]),
    ('[[client]]\nname = "a"\nconfig = "a.toml"\n[email]\nport = "25"\n', ["[email]", "email.port", "whole number"]),
    ('[[client]]\nname = "a"\nconfig = "a.toml"\n[google]\nrequests_per_minute = -1\n',
     ["[google]", "requests_per_minute", "60 requests a minute"]),
    ('[[client]]\nname = "a"\nconfig = "a.toml"\n[fleet]\nconsultant_email = "me"\n', ["consultant_email"]),
    ('[[client]\nname = "a"\n', ["not valid TOML"]),
])
def test_mistakes_name_the_file_the_entry_and_the_fix(tmp_path: Path, text: str, words: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SecorError) as err:
        load_fleet(path)
    message = str(err.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_a_missing_fleet_file_says_how_to_give_one(tmp_path: Path) -> None:
    with pytest.raises(SecorError, match="--fleet"):
        load_fleet(tmp_path / "fleet.toml")


def test_only_some_clients_by_name_and_a_wrong_name_lists_the_right_ones(tmp_path: Path) -> None:
    from pipeline.fleet.config import only_clients

    fleet = load_fleet(_write(tmp_path, '[[client]]\nname = "a"\nconfig = "a.toml"\n'
                                        '[[client]]\nname = "b"\nconfig = "b.toml"\n'))
    assert [c.name for c in only_clients(fleet, ["B"]).clients] == ["b"]
    assert only_clients(fleet, []) is fleet
    with pytest.raises(SecorError, match="Use one of: a, b"):
        only_clients(fleet, ["c"])
