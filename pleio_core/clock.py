"""The platform's clock: every "now" of the core and the bundled modules is read here.

One clock per process, the system's by default. A test installs a ``ManualClock`` and moves
it (``advance``) instead of sleeping until a scheduled moment has come; the
``pleio_core.testing`` fixture ``clock`` does that and puts the system clock back after.
Code asks ``now()`` (an aware UTC datetime), ``timestamp()`` (seconds since the epoch) or
``monotonic()`` (for intervals) — never ``datetime.now`` or ``time.time`` itself.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

#: The time people read and write: Dutch time (a site in another zone is not asked for yet).
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    def timestamp(self) -> float:
        """Seconds since the epoch."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for intervals only)."""


class SystemClock:
    def timestamp(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that stands still until it is moved: ``advance(seconds)``, ``set(moment)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._timestamp = (start or datetime.now(UTC)).timestamp()
        self._monotonic = 1_000_000.0

    def timestamp(self) -> float:
        return self._timestamp

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._timestamp, UTC)

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float | timedelta) -> None:
        step = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
        if step < 0:
            raise ValueError("a clock does not go back; set() a moment instead")
        with self._lock:
            self._timestamp += step
            self._monotonic += step

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._timestamp = moment.timestamp()


_clock: Clock = SystemClock()


def use_clock(clock: Clock) -> Clock:
    """Install ``clock`` for the whole process; the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def timestamp() -> float:
    return _clock.timestamp()


def monotonic() -> float:
    return _clock.monotonic()


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.fromtimestamp(_clock.timestamp(), UTC)


def local_time(when: datetime) -> datetime:
    """``when`` in Dutch time, as people read it (stored moments are UTC)."""
    return when.astimezone(LOCAL_ZONE)
