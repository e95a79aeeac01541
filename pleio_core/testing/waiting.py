"""Time in tests: the platform's clock, moved by the test instead of slept on, and
``wait_for`` for what happens in another thread or process (a live server, a file check)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pleio_core.clock import ManualClock, use_clock


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """The platform's clock, stopped at the real moment; ``clock.advance(seconds)`` moves it
    (for everything: scheduling, the page cache, tokens, the site files' check). Put back
    after the test."""
    manual = ManualClock()
    previous = use_clock(manual)
    try:
        yield manual
    finally:
        use_clock(previous)


def wait_for(check: Callable[[], Any], timeout: float = 5.0, interval: float = 0.05) -> Any:
    """Call ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check}")
        time.sleep(interval)
