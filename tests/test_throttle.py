"""The sign-in throttle: limits per key in a sliding window, bounded in memory, thread-safe;
and the same kept in the platform database for processes that share it."""

import threading
from types import SimpleNamespace

import pytest
import transaction
from pyramid.request import Request

from pleio_core.security.throttle import (
    SharedThrottle,
    SignInThrottle,
    Throttle,
    client_address,
    too_many_requests,
)
from pleio_core.storage import PLATFORM_KEY


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_limit_blocks_until_the_window_has_passed(clock: Clock) -> None:
    throttle = Throttle(limit=3, window=60, clock=clock)
    for _ in range(2):
        throttle.hit("k")
    assert throttle.retry_after("k") is None
    clock.now += 10
    throttle.hit("k")
    assert throttle.retry_after("k") == 50  # until the first of the three leaves the window
    clock.now += 49.5
    assert throttle.retry_after("k") == 1  # rounded up: never "0 seconds"
    clock.now += 0.5
    assert throttle.retry_after("k") is None
    assert throttle.retry_after("other") is None


def test_the_window_slides(clock: Clock) -> None:
    throttle = Throttle(limit=2, window=60, clock=clock)
    throttle.hit("k")
    clock.now += 30
    throttle.hit("k")
    assert throttle.retry_after("k") == 30
    clock.now += 30  # the first failure left the window; the second has 30 s to go
    assert throttle.retry_after("k") is None and throttle.failures("k") == 1
    throttle.hit("k")
    assert throttle.retry_after("k") == 30


def test_reset_forgets_a_key(clock: Clock) -> None:
    throttle = Throttle(limit=1, window=60, clock=clock)
    throttle.hit("a")
    throttle.hit("b")
    throttle.reset("a")
    throttle.reset("never seen")
    assert throttle.retry_after("a") is None and throttle.retry_after("b") == 60


def test_memory_is_bounded(clock: Clock) -> None:
    throttle = Throttle(limit=2, window=60, clock=clock, max_keys=100)
    for i in range(1000):
        throttle.hit(f"key{i}")
        throttle.hit(f"key{i}")
    assert len(throttle) == 100
    assert throttle.retry_after("key999") == 60 and throttle.retry_after("key0") is None
    for _ in range(50):
        throttle.hit("key999")
    assert throttle.failures("key999") == 2  # only the latest ``limit`` are kept
    clock.now += 60
    throttle.hit("new")
    assert len(throttle) == 1  # keys whose window has passed are forgotten


def test_bad_arguments() -> None:
    for kw in ({"limit": 0, "window": 1}, {"limit": 1, "window": 0}):
        with pytest.raises(ValueError):
            Throttle(**kw)


def test_threads_lose_no_failures() -> None:
    throttle = Throttle(limit=100_000, window=3600, max_keys=50)
    start = threading.Barrier(8)

    def fail(n: int) -> None:
        start.wait()
        for i in range(500):
            throttle.hit("shared")
            throttle.hit(f"own{n}-{i % 100}")
            throttle.retry_after("shared")

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.failures("shared") == 8 * 500
    assert len(throttle) <= 50


def test_sign_in_throttle_per_account(clock: Clock) -> None:
    throttle = SignInThrottle(clock=clock)
    for address in (f"10.0.0.{i}" for i in range(5)):  # five addresses, one account
        assert throttle.check("anne@example.nl", address) is None
        throttle.failed("anne@example.nl", address)
    assert throttle.check(" Anne@Example.NL", "10.9.9.9") == 15 * 60
    assert throttle.check("bert@example.nl", "10.0.0.1") is None
    throttle.succeeded("anne@example.nl", "10.9.9.9")
    assert throttle.check("anne@example.nl", "10.0.0.1") is None


def test_sign_in_throttle_per_address(clock: Clock) -> None:
    throttle = SignInThrottle(clock=clock)
    for i in range(20):  # one address, many accounts
        throttle.failed(f"user{i}@example.nl", "10.0.0.1")
        clock.now += 1
    assert throttle.check("new@example.nl", "10.0.0.1") == 15 * 60 - 20
    assert throttle.check("new@example.nl", "10.0.0.2") is None
    throttle.succeeded("mine@example.nl", "10.0.0.1")  # a valid account clears nothing here
    assert throttle.check("user0@example.nl", "10.0.0.1") == 15 * 60 - 20


def test_the_longer_wait_wins(clock: Clock) -> None:
    throttle = SignInThrottle(account_limit=1, address_limit=1, window=100, clock=clock)
    throttle.failed("anne@example.nl", "10.0.0.1")
    clock.now += 40
    throttle.failed("bert@example.nl", "10.0.0.2")
    assert throttle.check("anne@example.nl", "10.0.0.2") == 100
    assert throttle.check("anne@example.nl", "10.0.0.3") == 60


def test_too_many_requests() -> None:
    response = too_many_requests(61)
    assert response.status_int == 429
    assert response.headers["Retry-After"] == "61"
    assert "Try again in 2 minutes" in response.detail
    assert "Try again in 1 minute." in too_many_requests(5).detail


def test_client_address() -> None:
    assert client_address(Request.blank("/", remote_addr="192.0.2.7")) == "192.0.2.7"
    assert client_address(Request.blank("/")) == "unknown"  # no REMOTE_ADDR in the environ


# -- shared between processes: the counts in the platform database ---------------------------


@pytest.fixture
def platform_db():
    from pleio_core.storage import open_platform_database

    db = open_platform_database("memory://")
    yield db
    db.close()


def test_shared_throttle_keeps_the_sliding_window(clock: Clock, platform_db) -> None:
    throttle = SharedThrottle("t", limit=3, window=60, database=lambda: platform_db, clock=clock)
    for _ in range(2):
        throttle.hit("k")
    assert throttle.retry_after("k") is None
    clock.now += 10
    throttle.hit("k")
    assert throttle.retry_after("k") == 50
    clock.now += 50
    assert throttle.retry_after("k") is None and throttle.failures("k") == 1
    throttle.hit("k")
    throttle.hit("k")
    assert throttle.retry_after("k") == 10  # until the one of 50 s ago leaves the window
    throttle.reset("k")
    throttle.reset("never seen")
    assert throttle.failures("k") == 0


def test_two_processes_count_the_same_failures(clock: Clock, platform_db) -> None:
    """Two throttles on one database, as two processes on one RelStorage or ZEO server."""

    def process() -> SignInThrottle:
        return SignInThrottle(clock=clock, shared_in=lambda: platform_db)

    one, two = process(), process()
    for i in range(5):
        (one if i % 2 else two).failed("anne@example.nl", f"10.0.0.{i}")
    assert one.check("anne@example.nl", "10.0.0.9") == two.check("Anne@example.nl", "x") == 900
    two.succeeded("anne@example.nl", "10.0.0.9")
    assert one.check("anne@example.nl", "10.0.0.9") is None


def test_a_failure_counts_when_the_request_is_rolled_back(clock: Clock, platform_db) -> None:
    throttle = SharedThrottle("t", limit=1, window=60, database=lambda: platform_db, clock=clock)
    request_tm = transaction.TransactionManager()
    conn = platform_db.open(transaction_manager=request_tm)
    conn.root()["something"] = 1  # the request's own change
    throttle.hit("k")
    request_tm.abort()  # the request failed (a 429, a 500): its own changes go, the count stays
    conn.close()
    assert throttle.retry_after("k") == 60


def test_shared_counts_are_bounded(clock: Clock, platform_db) -> None:
    throttle = SharedThrottle(
        "t", limit=2, window=60, database=lambda: platform_db, clock=clock, max_keys=10
    )
    for i in range(25):
        throttle.hit(f"key{i}")
    stored = _stored(platform_db, "t")
    assert len(stored.current) + len(stored.previous) <= 20
    assert throttle.failures("key24") == 1
    for _ in range(5):
        throttle.hit("key24")
    assert _stored(platform_db, "t").current["key24"] == (clock.now, clock.now)  # latest 2
    clock.now += 121  # two windows later: both generations are gone at the next failure
    throttle.hit("new")
    stored = _stored(platform_db, "t")
    assert list(stored.current) == ["new"] and not len(stored.previous)


def _stored(db, name: str):
    conn = db.open()
    try:
        stored = conn.root()[PLATFORM_KEY]["throttles"][name]
        return SimpleNamespace(current=dict(stored.current), previous=dict(stored.previous))
    finally:
        conn.close()


def test_processes_at_once_lose_no_failures(platform_db) -> None:
    """Threads of two throttles hit one key at once: the conflicts are tried again."""
    throttles = [
        SharedThrottle("t", limit=1000, window=3600, database=lambda: platform_db) for _ in range(2)
    ]
    start = threading.Barrier(4)

    def fail(n: int) -> None:
        start.wait()
        for _ in range(25):
            throttles[n % 2].hit("shared")

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttles[0].failures("shared") == 100
