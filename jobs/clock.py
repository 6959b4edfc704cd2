"""A clock that jumps: how much time really passed since the last run, and state entries dated in the future.

The wall clock can jump (a dead RTC battery, a wrong manual setting, a bad NTP source). The machine's own
uptime (``CLOCK_BOOTTIME``, counting suspend) cannot, within one boot. So each run keeps ``{boot_id, boot,
wall}``; at the next run of the same boot, ``wall + (uptime now - boot)`` is the time that can be trusted.
When the clock is ahead of it by more than an hour, it jumped forward: packs are due by the trusted time
only, so a pack is never made for a month that has not ended (the sync still runs).

After a reboot there is no such reference; a jump then makes entries dated in the future, and once the clock
is corrected :func:`drop_future` reports them and sets them aside, so the real 1st works as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .state import State, _dt

Uptime = Callable[[], "tuple[str, float] | None"]  # (boot id, seconds since boot, suspend included)
JUMP_TOLERANCE = timedelta(hours=1)  # NTP steps and slow clocks are far smaller
FUTURE_SLACK = timedelta(minutes=10)  # an entry this far ahead of now was written by a clock that was wrong
RETRY_BOUND = timedelta(hours=5)  # the longest backoff is 4 hours: a retry_at further away is not ours


def real_uptime() -> tuple[str, float] | None:
    """This boot's id and CLOCK_BOOTTIME; None where the system has neither (then no jump detection)."""
    try:
        boot_id = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        return boot_id, time.clock_gettime(time.CLOCK_BOOTTIME)
    except (OSError, AttributeError, ValueError):
        return None


def trusted_time(state: State, now: datetime, uptime: tuple[str, float] | None) -> tuple[datetime, str | None]:
    """The time packs may be judged by, and a note when the clock jumped forward since the last run.

    Updates ``state.clock`` (saved with the state) with the trusted time, so a clock that stays wrong is
    still caught at the next run.
    """
    if uptime is None:
        return now, None
    boot_id, boot = uptime
    previous = state.clock if isinstance(state.clock, dict) else {}
    trusted, note = now, None
    try:
        same_boot = previous.get("boot_id") == boot_id and float(previous["boot"]) <= boot
        wall = _dt(previous.get("wall")) if same_boot else None
    except (KeyError, TypeError, ValueError):
        wall = None
    if wall is not None:
        expected = wall + timedelta(seconds=boot - float(previous["boot"]))
        if now - expected > JUMP_TOLERANCE:
            trusted = expected
            if not previous.get("jumped"):
                ahead = _span((now - expected).total_seconds())
                note = (f"the clock says {now.isoformat(timespec='minutes')} but the machine has been up only "
                        f"{_span(boot - float(previous['boot']))} since the last run at "
                        f"{wall.isoformat(timespec='minutes')}: it jumped forward by {ahead}. "
                        f"No pack is made for a month that has not ended by {expected.isoformat(timespec='minutes')}; "
                        "correct the clock (timedatectl / NTP).")
    state.clock = {"boot_id": boot_id, "boot": boot, "wall": trusted.isoformat(), "jumped": trusted != now}
    return trusted, note


def _span(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    return f"{days} d {rest // 3600} h" if days else f"{rest // 3600} h {rest % 3600 // 60} min"


def drop_future(state: State, now: datetime, ended: Callable[[str], bool]) -> list[str]:
    """Set aside (``state.future``) every entry dated after ``now``: written while the clock was ahead.

    A pack or mail of a month not ``ended`` (its pack time not yet reached) by ``now`` is set aside, so that
    month is due again as usual on the real date (its pack was made before the month was over). One of a
    month that had ended was made from the whole month: it is kept, dated ``now``, and not sent again.
    Returns the lines for the log and the run's output (none when nothing was dated in the future).
    """
    limit = now + FUTURE_SLACK
    lines: list[str] = []
    for name, table in (("pack", state.packs), ("mail", state.mailed)):
        for month in sorted(table):
            when = _when(table[month].get("at"))
            if when is None or when <= limit:
                continue
            if ended(month):
                table[month] = {**table[month], "at": now.isoformat(), "clock_was": when.isoformat()}
                continue
            state.future[f"{name} {month}"] = table.pop(month)
            lines.append(f"{name} {month}")
    for key, health in list(state.jobs.items()):
        if any(t is not None and t > limit for t in (health.first_failed, health.last_failed)) or (
                health.retry_at is not None and health.retry_at > now + RETRY_BOUND):
            del state.jobs[key]
            lines.append(f"failure record of {key}")
    if state.last_sync_ok is not None and state.last_sync_ok > limit:
        state.last_sync_ok, state.last_sync = None, {}
        lines.append("last sync")
    for kind, when in list(state.alerts.items()):
        if when > limit:
            del state.alerts[kind]
            lines.append(f"{kind} alert")
    if state.installed_at is not None and state.installed_at > limit:
        state.installed_month, state.installed_at = None, None  # set again from now by run_once
        lines.append("install date")
    if not lines:
        return []
    return [f"state entries dated after now ({now.isoformat(timespec='minutes')}) were written while the clock "
            f"was ahead; they are set aside and ignored: {', '.join(lines)}."]


def _when(value: Any) -> datetime | None:
    try:
        return _dt(value)
    except (TypeError, ValueError):
        return None
