"""`secor status`: what the scheduler's state says, in a few lines (months mailed or "may have been sent",
failing jobs, entries set aside because they were dated in the future, what the scheduled runs expect)."""

from __future__ import annotations

from pathlib import Path

from .seen import seen_lines
from .state import MAYBE_SENT, SENDING, load_state, state_path


def status_lines(out: str | Path) -> list[str]:
    """The state under ``out`` for a person; reading it changes nothing."""
    state = load_state(out)
    lines = [f"State: {state_path(out)}"]
    lines += [f"  note: {n}" for n in state.notes]
    if state.installed_month:
        lines.append(f"Installed {state.installed_month}; last successful sync: "
                     + (state.last_sync_ok.isoformat(timespec="minutes") if state.last_sync_ok else "never"))
    for month in sorted(set(state.packs) | set(state.mailed)):
        mail = state.mailed.get(month)
        if mail is None:
            what = "not mailed yet"
        elif mail.get("skipped"):
            what = f"not mailed ({mail['skipped']})"
        elif mail.get("status") in (MAYBE_SENT, SENDING):
            what = (f"MAY HAVE BEEN SENT ({mail.get('error') or 'outcome unknown'}): not sent again by itself; "
                    f"`secor send --month {month}` sends it again")
        else:
            what = f"mailed {str(mail.get('at', ''))[:16]}" + (f" to {', '.join(mail['to'])}" if mail.get("to") else "")
        lines.append(f"  {month}: {'packed' if month in state.packs else 'no pack'}; {what}")
    for key in sorted(k for k, h in state.jobs.items() if h.failures):
        h = state.jobs[key]
        retry = h.retry_at.isoformat(timespec="minutes") if h.retry_at else "next run"
        lines.append(f"  FAILING {key}: {h.failures} time(s), next attempt {retry}: {h.last_error}")
    box = state.reminders
    if box.get("last"):
        queued = [e for e in (box.get("outbox") or {}).values() if e.get("status") == "pending"]
        lines.append(f"  reminders: last planned for {box['last']}; {len(box.get('sent') or {})} item(s) reminded; "
                     f"{len(queued)} email(s) queued" + (f"; {len(box['office_notes'])} note(s) waiting for the "
                                                         "office" if box.get("office_notes") else ""))
    if state.future:
        lines.append(f"  set aside (dated in the future, written while the clock was ahead): "
                     f"{', '.join(sorted(state.future))}")
    if state.clock.get("jumped"):
        lines.append(f"  the clock is ahead of the machine's uptime: packs wait until {state.clock.get('wall')}")
    return lines + seen_lines(out)
