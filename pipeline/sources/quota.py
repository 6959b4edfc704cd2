"""One Sheets API budget for every process that uses the same service account.

Google counts Sheets requests per service account ("per user": 60 read and 60 write
requests a minute) and per project (300 a minute). A consultant's fleet runs many
clients at once, one process each, all with one service account; each pacing itself
would together go over the limit, and a 429 answered to one would not slow the others
(a 429 storm). So every request of every process asks one :class:`RateLimiter` first:

* at most ``budget`` requests in any ``window`` seconds (``[google] requests_per_minute``
  over ``[google] window_seconds``; a budget of 0 paces nothing);
* after a 429, :meth:`RateLimiter.pause` records "nobody sends before T", and every other
  process waits until then too.

The state is shared through ``[google] quota_file``: a small JSON file (the request
times still inside the window, future reservations included, and the pause) read and
rewritten while holding ``<quota_file>.lock`` (:mod:`filelock`, as jobs/state.py: ``flock`` on
Linux), so it works across processes on one machine (a local disk: such locks are not
reliable on network file systems). Without a file
the state lives in memory, one per :class:`~pipeline.sources.google.GoogleSource`.

Reservations, not polling: :meth:`RateLimiter.acquire` takes the lock once, books the
first free slot (at or after the last booked one, so processes are served in turn) and
sleeps until it; after waking it checks the pause once more, as a 429 may have come
in while it slept. The clock is ``time.time``: the only clock processes share.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from filelock import FileLock

from ..errors import SecorError

log = logging.getLogger(__name__)

# Times further ahead than this are junk (a clock set back, a hand-edited file) and are dropped.
HORIZON_SECONDS = 3600.0


@dataclass
class QuotaState:
    """What processes share: booked request times (sorted; some may be in the future) and the pause."""

    times: list[float] = field(default_factory=list)
    pause_until: float = 0.0

    def prune(self, now: float, window: float) -> None:
        """Drop times that left the window and junk from the far future."""
        self.times = sorted(t for t in self.times if now - window < t <= now + HORIZON_SECONDS)
        if self.pause_until > now + HORIZON_SECONDS:
            self.pause_until = now

    def to_json(self) -> str:
        return json.dumps({"times": self.times, "pause_until": self.pause_until})

    @classmethod
    def from_json(cls, text: str) -> QuotaState:
        """The state in ``text``; ValueError when it is not one (a damaged file)."""
        if not text.strip():
            return cls()
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        times, pause = data.get("times", []), data.get("pause_until", 0.0)
        numbers = [*times, pause] if isinstance(times, list) else None
        if numbers is None or not all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in numbers):
            raise ValueError("times and pause_until must be numbers")
        return cls([float(t) for t in times], float(pause))


class QuotaStore(Protocol):
    """Where the state lives; ``locked()`` yields it for reading and changing, saved on exit."""

    def locked(self) -> contextlib.AbstractContextManager[QuotaState]: ...


class MemoryStore:
    """The state of one process (threads share it safely)."""

    def __init__(self) -> None:
        self._state = QuotaState()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def locked(self) -> Iterator[QuotaState]:
        with self._lock:
            yield self._state


class FileStore:
    """The state in a JSON file shared by processes, changed while holding its lock file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self.lock = FileLock(str(self.path) + ".lock")
        try:  # open it now: a path that cannot work is a setting to fix, said before any request
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.lock:
                os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        except OSError as exc:
            raise SecorError(f"[google] quota_file '{self.path}' cannot be opened for writing ({exc.strerror}).",
                             fix="Set quota_file under [google] to a file on a local disk that every fleet "
                                 "process can write, e.g. \"outputs/google-quota.json\", or \"\" for none.") from None

    @contextlib.contextmanager
    def locked(self) -> Iterator[QuotaState]:
        with self.lock, open(self.path, "a+", encoding="utf-8", errors="replace") as f:
            f.seek(0)
            text = f.read()
            try:
                state = QuotaState.from_json(text)
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                log.warning("quota file %s was damaged (%s); starting it afresh", self.path, exc)
                state = QuotaState()
            yield state
            new = state.to_json()
            if new != text:
                f.seek(0)
                f.truncate()
                f.write(new)
                f.flush()


class RateLimiter:
    """At most ``budget`` requests in any ``window`` seconds, and nobody sends during a pause.

    ``clock`` and ``sleep`` are injectable for tests; processes sharing a :class:`FileStore` must
    use the same clock (``time.time``).
    """

    def __init__(self, budget: int, window: float = 60.0, store: QuotaStore | None = None, *,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.budget = budget
        self.window = window
        self.store: QuotaStore = store or MemoryStore()
        self.clock = clock
        self.sleep = sleep
        self._own_pause = 0.0  # the pause this limiter recorded: its caller waits it in its own retry delay

    def acquire(self) -> float:
        """Block until a request may be sent; the time of the slot it was given (``clock``)."""
        slot = self._book(None)
        while True:
            wait = slot - self.clock()
            if wait > 0:
                self.sleep(wait)
            again = self._book(slot)  # a 429 may have paused everyone while this one slept
            if again == slot:
                return slot
            slot = again

    def pause(self, seconds: float) -> None:
        """After a 429: no process sends before ``seconds`` from now (an earlier pause is extended, not cut)."""
        try:
            with self.store.locked() as state:
                now = self.clock()
                state.prune(now, self.window)
                mine = now + max(0.0, seconds)
                if mine >= state.pause_until:  # a longer pause of another process stays, and is not this one's
                    state.pause_until = self._own_pause = mine
        except OSError as exc:
            log.warning("could not record the Google quota pause (%s); other processes will not know", exc)

    def paused_for(self) -> float:
        """Seconds until a pause another process recorded ends (0 when none): what acquire would wait at least."""
        try:
            with self.store.locked() as state:
                if state.pause_until == self._own_pause:
                    return 0.0
                return max(0.0, state.pause_until - self.clock())
        except OSError:
            return 0.0

    def _book(self, held: float | None) -> float:
        """Book the next free slot, or keep ``held`` (already booked) when the pause allows it."""
        try:
            with self.store.locked() as state:
                now = self.clock()
                state.prune(now, self.window)
                pause = state.pause_until if state.pause_until != self._own_pause else 0.0
                if held is not None:
                    if held >= pause:
                        return held
                    with contextlib.suppress(ValueError):
                        state.times.remove(held)  # give the slot back, book one after the pause
                slot = max(now, pause)
                if self.budget > 0:
                    if state.times:
                        slot = max(slot, state.times[-1])
                    inside = [t for t in state.times if t > slot - self.window]
                    if len(inside) >= self.budget:
                        slot = inside[-self.budget] + self.window
                    state.times.append(slot)
                return slot
        except OSError as exc:  # the file went away or the disk is full: send unpaced rather than stop the sync
            log.warning("could not use the Google quota file (%s); this request is not paced", exc)
            return held if held is not None else self.clock()


def unlimited() -> RateLimiter:
    """A limiter that paces nothing (a bare transport, a budget of 0)."""
    return RateLimiter(0)


def limiter_from(requests_per_minute: int, window_seconds: float, quota_file: str) -> RateLimiter:
    """The limiter of the ``[google]`` settings: shared through ``quota_file`` when set, else in memory."""
    store: QuotaStore = FileStore(quota_file) if quota_file else MemoryStore()
    return RateLimiter(requests_per_minute, window_seconds, store)
