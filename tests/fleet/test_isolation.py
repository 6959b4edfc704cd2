"""Three clients with overlapping crews, synced and packed by one fleet and mailed through one SMTP server:
every output file and every mail names its own company only. Two more clients fail (a records folder that is
not there, an owner address the server refuses): the others still complete, and the command exits 1."""

from __future__ import annotations

import email
import email.policy
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.fleet.config import load_fleet
from pipeline.fleet.run import FleetResult, run_fleet
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, USER, smtp_server

from .support import MONTH, SHARED_WORKER, DemoClient, demo_client, file_text, three_clients

GONE_COMPANY = "Dunvegan Drilling Ltd."
CONSULTANT = "me@consult.example"
REFUSED = ("eastgate", "Eastgate Energy Services", "owner@eastgate.example", "Eli Eastgater", 8, False)


@dataclass(frozen=True)
class FleetRun:
    root: Path
    fleet_file: Path
    clients: tuple[DemoClient, ...]  # the three that must work
    refused: DemoClient
    sync: FleetResult  # `fleet sync`, run in-process: its rows are the portfolio's input
    pack: Result
    messages: tuple[Any, ...]  # envelopes the server accepted


def _fleet_file(root: Path, clients: tuple[DemoClient, ...], server: Any) -> Path:
    gone = root / "configs" / "dunvegan" / "secor.toml"
    gone.parent.mkdir(parents=True)
    gone.write_text(f'company = "{GONE_COMPANY}"\n[source]\npath = "{root / "records" / "dunvegan"}"\n'
                    '[email]\nto = ["owner@dunvegan.example"]\n', encoding="utf-8")
    entries = "".join(f'[[client]]\nname = "{c.name}"\nconfig = "{c.config}"\n\n' for c in clients)
    entries += f'[[client]]\nname = "dunvegan"\nconfig = "{gone}"\n\n'
    path = root / "fleet.toml"
    path.write_text(f"""[fleet]
out = "out"
workers = 2
consultant_email = ["{CONSULTANT}"]

{entries}
[email]
enabled = true
host = "{server.host}"
port = {server.port}
security = "starttls"
username = "{USER}"
password_env = "{PASSWORD_ENV}"
ca_file = "{server.ca_file}"
sender = "reports@consult.example"
timeout_seconds = 10.0
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fleet_run(tmp_path_factory: pytest.TempPathFactory) -> FleetRun:
    root = tmp_path_factory.mktemp("fleet")
    clients = three_clients(root)
    refused = demo_client(root, *REFUSED)
    with pytest.MonkeyPatch.context() as mp, smtp_server(root) as server:
        mp.setenv(PASSWORD_ENV, PASSWORD)
        server.handler.reject.add(refused.owner)
        path = _fleet_file(root, (*clients, refused), server)
        sync = run_fleet(load_fleet(path), "sync")
        pack = CliRunner().invoke(main, ["fleet", "pack", "--fleet", str(path), "--month", MONTH, "--send"])
        messages = tuple(server.handler.messages)
    return FleetRun(root, path, clients, refused, sync, pack, messages)


def _out(run: FleetRun, name: str) -> Path:
    return run.root / "out" / "clients" / name


def test_each_clients_outputs_live_in_its_own_folder(fleet_run: FleetRun) -> None:
    slugs = {"aurora": "aurora-hydrovac-ltd", "boreal": "boreal-welding-inc", "chinook": "chinook-crane-services"}
    for c in fleet_run.clients:
        out = _out(fleet_run, c.name)
        assert (out / "dashboard.xlsx").is_file()
        assert (out / "packs" / MONTH / f"{slugs[c.name]}-audit-pack-{MONTH}.pdf").is_file(), fleet_run.pack.output
    folders = {p.name for p in (fleet_run.root / "out" / "clients").iterdir()}
    assert {"aurora", "boreal", "chinook", "eastgate"} <= folders <= {"aurora", "boreal", "chinook", "dunvegan",
                                                                       "eastgate"}


def test_every_output_file_names_its_own_company_and_no_other_clients_company_or_crew(fleet_run: FleetRun) -> None:
    everyone = (*fleet_run.clients, fleet_run.refused)
    for c in fleet_run.clients:
        files = sorted(p for p in _out(fleet_run, c.name).rglob("*") if p.is_file() and p.suffix != ".lock")
        kinds = {p.suffix for p in files}
        assert {".xlsx", ".pdf", ".csv", ".json"} <= kinds, files
        texts = {p: file_text(p) for p in files}
        assert any(c.company in t for t in texts.values())
        assert any(c.worker in t for t in texts.values()), "the client's own new worker is in its findings"
        for other in everyone:
            if other is c:
                continue
            for path, text in texts.items():
                assert other.company not in text, f"{path} names {other.company}"
                assert other.worker not in text, f"{path} names {other.worker}, {other.name}'s worker"
        named = [p for p, t in texts.items() if c.company in t]
        assert any(p.suffix == ".pdf" for p in named) and any(p.name == "dashboard.xlsx" for p in named)


def test_the_shared_worker_is_in_both_clients_findings_separately(fleet_run: FleetRun) -> None:
    aurora, boreal, chinook = fleet_run.clients
    for c, expected in ((aurora, True), (boreal, True), (chinook, False)):
        text = file_text(_out(fleet_run, c.name) / "packs" / MONTH / "certifications.csv")
        assert (SHARED_WORKER in text) is expected


def _mail_text(envelope: Any) -> tuple[str, list[str]]:
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    parts = [str(message["Subject"]), str(message["To"])]
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            parts.append(part.get_content())
    pdfs = []
    for attachment in message.iter_attachments():
        pdfs.append(subprocess.run(["pdftotext", "-", "-"], input=attachment.get_content(), capture_output=True,
                                   check=True).stdout.decode())
        parts.append(attachment.get_filename() or "")
    return " ".join(" ".join(parts).split()), [" ".join(p.split()) for p in pdfs]


def test_each_mail_goes_to_its_own_owner_and_names_its_own_company_only(fleet_run: FleetRun) -> None:
    by_owner = {tuple(e.rcpt_tos): e for e in fleet_run.messages if e.rcpt_tos != [CONSULTANT]}
    assert set(by_owner) == {(c.owner,) for c in fleet_run.clients}, fleet_run.pack.output
    assert len(fleet_run.messages) - len(by_owner) <= 1  # the consultant's portfolio, once it is there
    everyone = (*fleet_run.clients, fleet_run.refused)
    for c in fleet_run.clients:
        text, pdfs = _mail_text(by_owner[(c.owner,)])
        assert c.company in text and len(pdfs) == 1 and c.company in pdfs[0]
        for other in everyone:
            if other is not c:
                for where in (text, *pdfs):
                    assert other.company not in where and other.worker not in where and other.owner not in where


def test_failing_clients_are_named_and_exit_1_while_the_others_complete(fleet_run: FleetRun) -> None:
    pack = fleet_run.pack.output
    assert fleet_run.pack.exit_code == 1, pack
    assert [r.row.client for r in fleet_run.sync.failed] == ["dunvegan"]  # eastgate's records are fine
    for c in fleet_run.clients:
        assert f"{c.name} ({c.company}): OK" in pack
    assert "dunvegan" in pack.splitlines()[-1] and "eastgate" in pack.splitlines()[-1]
    assert "3 ok, 2 failed" in pack
    refused = next(line for line in pack.splitlines() if line.startswith("eastgate"))
    assert "FAILED" in refused and "not mailed" in refused and "owner@eastgate.example" in refused
    # The pack itself was made: only its mail failed.
    assert list((_out(fleet_run, "eastgate") / "packs" / MONTH).glob("*.pdf"))


def test_the_rows_carry_each_failure_and_each_clients_figures(fleet_run: FleetRun) -> None:
    result = fleet_run.sync
    rows = {r.client: r for r in result.rows}
    assert rows["dunvegan"].error and "dunvegan" in rows["dunvegan"].error and rows["dunvegan"].overall is None
    for c in fleet_run.clients:
        row = rows[c.name]
        assert row.error == "" and row.company == c.company and row.overall is not None
        assert row.worst_element in range(0, 7) and row.meets_pass_rule is not None
        assert row.over_small_employer_limit is False and row.missing_tickets and row.missing_tickets >= 1
        assert row.last_sync is not None and row.dashboard.endswith("dashboard.xlsx")
    assert result.portfolio and all(p.parent == fleet_run.root / "out" for p in result.portfolio)
