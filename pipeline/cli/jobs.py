"""`secor run` (the scheduler, or one pass of it for cron/systemd) and `secor send` (mail a pack)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.errors import SecorError

from .common import as_of_option, config_option, out_option, parse_as_of, settings_for, source_option


@click.command()
@config_option
@click.option("--once", is_flag=True,
              help="Run what is due now (sync, missed packs, unsent emails) and exit: for cron or a systemd timer.")
@source_option
@out_option
def run(config: str | None, once: bool, source: str | None, out: str | None) -> None:
    """Run the scheduler: the sync daily at [schedule] sync_at and last month's pack on pack_day, company time.

    Starts by catching up anything missed while the machine was off (oldest month first),
    then checks every minute. Each pack is produced and emailed once; a failing job (the
    sync, or one month's pack or email: the other months go on) is retried with a growing
    pause, and after [schedule] failure_alert_after failures in a row the office
    ([email] alerts_to) is emailed once. A sync that could not read every file counts as
    failed. Logs go to stderr and to
    OUT/logs/secor.log; state and lock live in OUT/state/. Stop with Ctrl-C or SIGTERM:
    the current job finishes first and nothing new is started (what was not started is done
    at the next start); a second Ctrl-C stops at once.

    With --once: one pass, then exit (1 if a job failed, 0 otherwise, also when another
    run holds the lock). See docs/scheduling.md for systemd and cron.
    """
    from jobs.scheduler import Scheduler, configure_logging, prepare_folders, run_once

    settings = settings_for(config, source, out)
    prepare_folders(settings)  # a clear error naming the folder, before anything else
    configure_logging(settings)
    if once:
        report = run_once(settings)
        for line in report.lines():
            click.echo(line)
        raise SystemExit(0 if report.ok else 1)
    try:
        Scheduler(settings).run()
    except KeyboardInterrupt:  # the second Ctrl-C: the log said what is abandoned
        click.echo("Stopped.", err=True)
        raise SystemExit(130) from None


@click.command()
@click.option("--month", "month", required=True, metavar="YYYY-MM", help="The month whose pack to send.")
@config_option
@out_option
@click.option("--dry-run", is_flag=True,
              help="Do not send: write the email as OUT/mail/<company>-audit-pack-YYYY-MM.eml instead, and say who "
                   "it would go to (or that [email] to is empty).")
def send(month: str, config: str | None, out: str | None, dry_run: bool) -> None:
    """Email an existing monthly audit pack to the owner ([email] to): the 5 most urgent actions, then readiness.

    The pack must exist (`secor pack --month YYYY-MM`). The SMTP password comes from the
    environment variable named by [email] password_env. Sending records the month as mailed,
    so the scheduler does not send it again; sending a month again by hand is allowed.
    """
    from jobs.mail import send_pack

    settings = settings_for(config, None, out)
    result = send_pack(settings, month, dry_run=dry_run)
    if result.eml is not None:
        click.echo(result.dry_run_text())
        return
    if result.previously_mailed:
        click.echo(f"Note: {month} had been mailed before ({result.previously_mailed}); sent again as asked.")
    click.echo(f"Sent the {month} pack to {result.message['To']}.")


@click.command()
@click.argument("name")
@config_option
@out_option
def forget(name: str, config: str | None, out: str | None) -> None:
    """Confirm that a table or a file/spreadsheet was removed on purpose.

    The scheduled sync and pack expect every table and file the last complete read saw
    (OUT/sources-seen.json; `secor doctor` lists them); one missing makes the read INCOMPLETE
    and no pack is made. NAME is the table (e.g. "Toolbox Talk" or toolbox_talk) or the file
    or spreadsheet name (e.g. "form-responses.xlsx") to stop expecting.
    """
    from jobs.seen import forget as forget_seen

    settings = settings_for(config, None, out)
    what = forget_seen(settings.output, name)
    click.echo(f"Forgot {what}: the scheduled runs no longer expect it.")


@click.command()
@config_option
@out_option
def status(config: str | None, out: str | None) -> None:
    """What the scheduler's state says: each month packed and mailed (or "may have been sent", with how to
    send it again), failing jobs and their next attempt, entries set aside because the clock was ahead, and
    the tables and files the scheduled runs expect. Changes nothing."""
    from jobs.status import status_lines

    settings = settings_for(config, None, out)
    for line in status_lines(settings.output):
        click.echo(line)


@click.command()
@config_option
@source_option
@out_option
@as_of_option
@click.option("--dry-run", is_flag=True,
              help="Send nothing and record nothing: print who would get what and write each email as an .eml "
                   "under OUT/reminders/dry-run/.")
def remind(config: str | None, source: str | None, out: str | None, as_of: str | None, dry_run: bool) -> None:
    """Email today's reminders: tickets about to expire (to the worker, their supervisor and the office),
    deficiencies and corrective actions due soon or overdue (to whoever they are assigned to, and the office),
    program documents to review and the next SECOR maintenance audit (to the owner, [email] to).

    One email per person, each item once per threshold ([reminders] thresholds, due_soon_days); a renewal
    in Training Records stops them. The scheduler does this after the daily sync when [reminders]
    enabled = true; running it again the same day sends only what is still queued. People with no Email on
    Workers, refused addresses and "may have been sent" emails are listed for the office.
    See docs/reminders.md.
    """
    from jobs.remind import dry_run as remind_dry_run
    from jobs.remind import remind as send_reminders
    from jobs.sync import read_and_audit, today_in
    from pipeline.checks.reminders import office_addresses

    settings = settings_for(config, source, out)
    day = parse_as_of(as_of) or today_in(settings)
    if not office_addresses(settings):
        click.echo("Note: no office address ([reminders] office, [email] alerts_to and to are empty): nobody gets "
                   "the office digest, so people with no Email on Workers are told to no one.", err=True)
    dataset, findings = read_and_audit(settings, day)
    if dry_run:
        report = remind_dry_run(settings, findings, dataset, day, Path(settings.output))
        for line in report.lines():
            click.echo(line)
        if report.written:
            click.echo(f"Wrote {len(report.written)} email(s) under {report.written[0].parent} (not sent).")
        return
    if not settings.email.enabled:
        raise SecorError("[email] enabled = false: no reminder can be sent.",
                         fix="Set [email] enabled = true (and host, sender), or use --dry-run.")
    report = send_reminders(settings, findings, dataset, day)
    for line in report.lines():
        click.echo(line)
    click.echo(f"Sent {len(report.sent)} reminder email(s).")


def register(group: click.Group) -> None:
    group.add_command(remind)
    group.add_command(run)
    group.add_command(send)
    group.add_command(forget)
    group.add_command(status)
