"""`secor send` and `secor run --once` from the command line."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.state import State, load_state, save_state
from pipeline.cli import main
from pipeline.outputs.mail import Headline
from tests.jobs.helpers import PASSWORD, PASSWORD_ENV, make_findings, pdf_bytes, smtp_server


def _pack(out: Path, month: str = "2026-10") -> Path:
    pdf = out / "packs" / month / f"acme-safety-audit-pack-{month}.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(pdf_bytes(3))
    return pdf


def _config(tmp_path: Path, **email_fields: str | int) -> Path:
    lines = ['company = "Acme Safety"', "[email]", "enabled = true", 'to = ["owner@acme.example"]',
             'sender = "secor@acme.example"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in email_fields.items()]
    path = tmp_path / "secor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_send_dry_run_writes_an_eml_that_parses_and_carries_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pdf = _pack(out)
    headline = Headline.of(make_findings(company="Acme Safety"))
    (pdf.parent / "findings.json").write_text(json.dumps(headline.to_dict()), encoding="utf-8")
    result = CliRunner().invoke(main, ["send", "--month", "2026-10", "--config", str(_config(tmp_path)),
                                       "--out", str(out), "--dry-run"])
    assert result.exit_code == 0, result.output
    eml = out / "mail" / "acme-safety-audit-pack-2026-10.eml"
    assert f"Dry run: not sent; it would go to owner@acme.example. The message is saved at {eml}." in result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Acme Safety SECOR audit pack 2026-10" and message["To"] == "owner@acme.example"
    assert "75% overall" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == pdf.name and attachment.get_content() == pdf.read_bytes()
    assert "2026-10" not in load_state(out).mailed  # a dry run sends nothing and records nothing


def test_send_dry_run_with_no_recipient_says_nothing_would_be_sent(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _pack(out)
    (out / "packs" / "2026-10" / "findings.json").write_text(
        json.dumps(Headline.of(make_findings(company="Acme Safety")).to_dict()), encoding="utf-8")
    config = tmp_path / "secor.toml"
    config.write_text('company = "Acme Safety"\n[email]\nenabled = true\nsender = "secor@acme.example"\n',
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["send", "--month", "2026-10", "--config", str(config), "--out", str(out),
                                       "--dry-run"])
    assert result.exit_code == 0, result.output
    eml = out / "mail" / "acme-safety-audit-pack-2026-10.eml"
    assert result.output.strip() == (f"Dry run: no recipient configured ([email] to is empty) — nothing would be "
                                     f"sent; the message is saved at {eml}.")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] is None and "75% overall" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "2026-10" not in load_state(out).mailed


def test_send_mails_the_top_actions_kept_with_the_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan reaches the message through the headline the scheduler kept in its state when it packed."""
    import dataclasses
    from datetime import date

    from pipeline.plan.model import FAIL_TIER, TICKET, ActionPlan, PlanAction

    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    out = tmp_path / "out"
    pdf = _pack(out)
    renew = PlanAction(key="ticket|ravi sandhu|h2s alive", tier=FAIL_TIER, kind=TICKET,
                       what="Renew Ravi Sandhu's H2S Alive", who="Ravi Sandhu", who_from="holds the ticket",
                       decider="", due=date(2026, 10, 15), due_from="Due on the record", where="Training Records",
                       close="", clears=("E5.2", "S.3"), rank=1)
    findings = dataclasses.replace(make_findings(company="Acme Safety"), plan=ActionPlan(date(2026, 10, 31), (renew,)))
    save_state(out, State(installed_month="2026-11",
                          packs={"2026-10": {"pdf": str(pdf), "headline": Headline.of(findings).to_dict()}}))
    with smtp_server(tmp_path) as server:
        config = _config(tmp_path, host=server.host, port=server.port, username="office@acme.example",
                         password_env=PASSWORD_ENV, ca_file=str(server.ca_file))
        result = CliRunner().invoke(main, ["send", "--month", "2026-10", "--config", str(config), "--out", str(out)])
        assert result.exit_code == 0, result.output
        [envelope] = server.handler.messages
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    text = received.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    assert text.index("1. Renew Ravi Sandhu's H2S Alive\n   Who: Ravi Sandhu\n   By when: overdue since 2026-10-15\n"
                      "   Why: Fail (clears E5.2, S.3)") < text.index("Audit readiness")
    assert "Renew Ravi Sandhu&#39;s H2S Alive" in received.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_send_mails_the_pack_and_records_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    out = tmp_path / "out"
    pdf = _pack(out)
    save_state(out, State(installed_month="2026-11",
                          packs={"2026-10": {"pdf": str(pdf), "headline": Headline.of(make_findings()).to_dict()}}))
    with smtp_server(tmp_path) as server:
        config = _config(tmp_path, host=server.host, port=server.port, username="office@acme.example",
                         password_env=PASSWORD_ENV, ca_file=str(server.ca_file))
        args = ["send", "--month", "2026-10", "--config", str(config), "--out", str(out)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "Sent the 2026-10 pack to owner@acme.example" in result.output
        assert len(server.handler.messages) == 1
        again = CliRunner().invoke(main, args)
        assert "had been mailed before" in again.output and len(server.handler.messages) == 2
    assert load_state(out).mailed["2026-10"]["by"] == "secor send"


def test_send_errors_are_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    missing = CliRunner().invoke(main, ["send", "--month", "2026-10", "--out", str(out), "--dry-run"])
    assert missing.exit_code == 2 and "no audit pack for 2026-10" in missing.output
    bad = CliRunner().invoke(main, ["send", "--month", "Oct 2026", "--out", str(out)])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
    _pack(out)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    config = _config(tmp_path, username="office@acme.example", password_env=PASSWORD_ENV)
    (out / "packs" / "2026-10" / "findings.json").write_text(
        json.dumps(Headline.of(make_findings()).to_dict()), encoding="utf-8")
    unset = CliRunner().invoke(main, ["send", "--month", "2026-10", "--config", str(config), "--out", str(out)])
    assert unset.exit_code == 2 and PASSWORD_ENV in unset.output and "Traceback" not in unset.output


def test_run_once_reports_and_records_a_failing_sync(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", "--once", "--source", str(tmp_path / "nowhere"), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "sync: FAILED" in result.output
    state = load_state(out)
    assert state.last_sync["outcome"] == "failed" and state.health("sync").failures == 1
    assert state.installed_month is not None
    assert "sync: started" in (out / "logs" / "secor.log").read_text(encoding="utf-8")
    # run again at once: the failed sync waits for its backoff, nothing runs, exit 0
    again = CliRunner().invoke(main, ["run", "--once", "--source", str(tmp_path / "nowhere"), "--out", str(out)])
    assert again.exit_code == 0 and "nothing due." in again.output


def test_run_once_with_a_state_file_of_invalid_utf8_starts_afresh(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "state").mkdir(parents=True)
    (out / "state" / "secor-state.json").write_bytes(b"\xff\xfe{garbage")
    result = CliRunner().invoke(main, ["run", "--once", "--source", str(tmp_path / "nowhere"), "--out", str(out)])
    assert result.exit_code == 1, result.output  # the sync fails (no source); the state is not the problem
    assert not isinstance(result.exception, UnicodeDecodeError) and "Traceback" not in result.output
    assert "could not be read" in result.output and "sync: FAILED" in result.output
    assert len(list((out / "state").glob("secor-state.json.corrupt-*"))) == 1
    assert load_state(out).installed_month is not None


@pytest.mark.parametrize("once", [True, False])
def test_run_with_an_output_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path, once: bool) -> None:
    blocker = tmp_path / "hostname"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    out = blocker / "out"
    args = ["run", "--source", str(tmp_path / "nowhere"), "--out", str(out)] + (["--once"] if once else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert f"error: cannot use the output folder '{out}'" in result.output
    assert "Not a directory" in result.output and "--out" in result.output


def test_the_scheduler_does_not_start_with_an_output_folder_it_cannot_write(tmp_path: Path) -> None:
    import threading

    from jobs.scheduler import Scheduler
    from pipeline.errors import SecorError
    from pipeline.settings import Settings

    blocker = tmp_path / "hostname"
    blocker.write_text("x", encoding="utf-8")
    scheduler = Scheduler(Settings(output=str(blocker / "out")), tick_seconds=0.05)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            scheduler.run(install_signals=False)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(3)
    if thread.is_alive():  # it started ticking regardless: stop it, the test has failed
        scheduler.stop()
        thread.join(5)
    assert len(errors) == 1 and isinstance(errors[0], SecorError), errors
    assert str(blocker / "out") in str(errors[0])


def test_send_dry_run_to_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _pack(out)
    (out / "packs" / "2026-10" / "findings.json").write_text(
        json.dumps(Headline.of(make_findings()).to_dict()), encoding="utf-8")
    (out / "mail").write_text("a file where the mail folder goes", encoding="utf-8")
    result = CliRunner().invoke(main, ["send", "--month", "2026-10", "--config", str(_config(tmp_path)),
                                       "--out", str(out), "--dry-run"])
    assert result.exit_code == 2, result.output
    assert f"cannot use the mail folder '{out / 'mail'}'" in result.output and "Traceback" not in result.output
