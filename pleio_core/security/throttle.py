"""Slowing down password guessing: failed sign-ins counted per account and per address.

A sign-in view asks ``check`` before it looks at the password, answers
``too_many_requests`` while that gives a number of seconds, and reports the outcome with
``failed`` or ``succeeded``.

Where the counts live depends on the platform database: on a storage only this process can
open (FileStorage) they stay in its memory (``Throttle``); on one that several processes
share (RelStorage, ZEO) they are kept in the platform database (``SharedThrottle``), so a
guesser gets the same allowance whichever process answers, and a restart forgets nothing.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, MutableMapping
from typing import Any, Protocol

import transaction
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.httpexceptions import HTTPTooManyRequests
from pyramid.request import Request
from ZODB import DB

from pleio_core.services import MAIL_THROTTLE, SIGNIN_THROTTLE
from pleio_core.storage import PLATFORM_KEY
from pleio_core.storage.retry import committed

from .accounts import Account
from .passwords import verify_password

log = logging.getLogger(__name__)

MAX_KEYS = 100_000
WINDOW = 15 * 60.0
#: Tries of a write to the shared counts that conflicts with another process's (the same
#: key failing at the same moment); the last conflict goes up to the request, which
#: pyramid_retry tries again.
ATTEMPTS = 8


class Limiter(Protocol):
    """At most ``limit`` failures per key within any ``window`` seconds."""

    limit: int
    window: float

    def hit(self, key: str) -> None: ...
    def retry_after(self, key: str) -> int | None: ...
    def failures(self, key: str) -> int: ...
    def reset(self, key: str) -> None: ...


class Throttle:
    """At most ``limit`` failures per key within any ``window`` seconds (a sliding window).

    Memory stays bounded: a key is forgotten once its last failure has left the window, and
    beyond ``max_keys`` keys the one that failed longest ago is dropped. Only the latest
    ``limit`` failures of a key are kept, as only they decide when it is allowed again.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("limit and max_keys must be at least 1, window above 0")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        # ordered by last failure, oldest first, so expired keys are found at the front
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of keys remembered."""
        return len(self._failures)

    def hit(self, key: str) -> None:
        """Record a failure of ``key``."""
        with self._lock:
            now = self.clock()
            self._forget_expired(now)
            times = self._failures.get(key)
            if times is None:
                times = self._failures[key] = deque(maxlen=self.limit)
            else:
                self._failures.move_to_end(key)
            times.append(now)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def retry_after(self, key: str) -> int | None:
        """Whole seconds until ``key`` may try again (at least 1), or None if it may now."""
        with self._lock:
            times = self._failures.get(key)
            if times is None:
                return None
            return _wait(times, self.limit, self.window, self.clock())

    def failures(self, key: str) -> int:
        """How many failures of ``key`` are in the window (counting at most ``limit``)."""
        with self._lock:
            since = self.clock() - self.window
            return sum(1 for t in self._failures.get(key, ()) if t > since)

    def reset(self, key: str) -> None:
        """Forget the failures of ``key``."""
        with self._lock:
            self._failures.pop(key, None)

    def _forget_expired(self, now: float) -> None:
        failures = self._failures
        while failures:
            key, times = next(iter(failures.items()))
            if times[-1] > now - self.window:
                return
            del failures[key]


def _wait(
    times: tuple[float, ...] | deque[float], limit: int, window: float, now: float
) -> int | None:
    """Whole seconds until a key with these failure ``times`` (oldest first) may try again."""
    if len(times) < limit:
        return None
    # the oldest of the latest ``limit`` failures leaving the window lifts the block
    wait = times[-limit] + window - now
    return max(1, math.ceil(wait)) if wait > 0 else None


class StoredFailures(Persistent):
    """One shared throttle's failures in the platform database: two generations.

    Each generation is an ``OOBTree`` of key → the times (wall clock) of its latest
    failures, and covers at most ``window`` seconds: when the current one is that old it
    becomes the previous one and the previous one is dropped (everything in it has left the
    window), so what is kept is bounded by two windows' worth of failing keys, and a
    generation that reaches ``max_keys`` keys is rotated early. Failures of different keys
    touch different tree buckets, which ZODB resolves without a conflict.
    """

    def __init__(self, started: float) -> None:
        self.started = started
        self.current: OOBTree = OOBTree()
        self.current_keys = Length()
        self.previous: OOBTree = OOBTree()

    def times(self, key: str, since: float) -> tuple[float, ...]:
        both = self.previous.get(key, ()) + self.current.get(key, ())
        return tuple(t for t in both if t > since)

    def rotate_if_due(self, now: float, window: float, max_keys: int) -> None:
        full = self.current_keys() >= max_keys
        if now - self.started < window and not full:
            return
        # when full, the previous generation goes before its time: bounded at 2 × max_keys
        self.previous = self.current if now - self.started < 2 * window else OOBTree()
        if full:
            log.warning("a shared throttle has %d keys: older failures are forgotten", max_keys)
        self.current = OOBTree()
        self.current_keys = Length()
        self.started = now


class SharedThrottle:
    """``Throttle``'s limits, counted in the platform database for every process at once.

    Each call reads or writes in a transaction of its own (not the request's), so a failure
    is counted even when the request that saw it is answered with an error and rolled back.
    Times are the wall clock, the one clock that processes on different machines share.
    """

    def __init__(
        self,
        name: str,
        limit: int,
        window: float,
        database: Callable[[], DB],
        clock: Callable[[], float] = time.time,
        max_keys: int = MAX_KEYS,
    ) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("limit and max_keys must be at least 1, window above 0")
        self.name = name
        self.limit = limit
        self.window = window
        self.database = database
        self.clock = clock
        self.max_keys = max_keys

    def _stored(self, conn: Any, create: bool) -> StoredFailures | None:
        platform: MutableMapping[str, Any] = conn.root()[PLATFORM_KEY]
        throttles = platform.get("throttles")
        if throttles is None:
            if not create:
                return None
            throttles = platform["throttles"] = OOBTree()
        stored = throttles.get(self.name)
        if stored is None and create:
            stored = throttles[self.name] = StoredFailures(self.clock())
        return stored

    def _read(self, key: str) -> tuple[float, ...]:
        tm = transaction.TransactionManager()
        conn = self.database().open(transaction_manager=tm)
        try:
            stored = self._stored(conn, create=False)
            return () if stored is None else stored.times(key, self.clock() - self.window)
        finally:
            tm.abort()
            conn.close()

    def _write(self, change: Callable[[StoredFailures, float], None]) -> None:
        tm = transaction.TransactionManager()
        conn = self.database().open(transaction_manager=tm)
        try:

            def work() -> None:
                stored = self._stored(conn, create=True)
                assert stored is not None  # (made when missing)
                change(stored, self.clock())

            committed(tm, work, ATTEMPTS, f"throttle {self.name}")
        finally:
            conn.close()

    def hit(self, key: str) -> None:
        def add(stored: StoredFailures, now: float) -> None:
            stored.rotate_if_due(now, self.window, self.max_keys)
            if key not in stored.current:
                stored.current_keys.change(1)
            # only the latest ``limit`` failures decide when the key may try again
            kept = stored.times(key, now - self.window)[1 - self.limit :] if self.limit > 1 else ()
            stored.current[key] = (*kept, now)
            if key in stored.previous:  # its latest failures moved to the current generation
                del stored.previous[key]

        self._write(add)

    def retry_after(self, key: str) -> int | None:
        return _wait(self._read(key), self.limit, self.window, self.clock())

    def failures(self, key: str) -> int:
        return len(self._read(key)[-self.limit :])

    def reset(self, key: str) -> None:
        if not self._read(key):
            return  # nothing to forget: no write, no conflict

        def forget(stored: StoredFailures, now: float) -> None:
            for generation in (stored.current, stored.previous):
                if key in generation:
                    del generation[key]

        self._write(forget)


def make_limiter(
    name: str,
    limit: int,
    window: float,
    shared_in: Callable[[], DB] | None = None,
    clock: Callable[[], float] | None = None,
    max_keys: int = MAX_KEYS,
) -> Limiter:
    """A ``Throttle`` in this process's memory (on its monotonic clock), or with
    ``shared_in`` (the platform database) a ``SharedThrottle`` named ``name`` in it (on the
    wall clock, the one processes on several machines share)."""
    if shared_in is None:
        return Throttle(limit, window, clock or time.monotonic, max_keys)
    return SharedThrottle(name, limit, window, shared_in, clock or time.time, max_keys)


class SignInThrottle:
    """Failed sign-ins limited per account e-mail address and per client address.

    The account limit stops guessing one account's password from many addresses; the
    address limit stops one address trying a few passwords on many accounts. The address
    limit is higher because many people may share one address (an office behind NAT).
    """

    def __init__(
        self,
        account_limit: int = 5,
        address_limit: int = 20,
        window: float = WINDOW,
        clock: Callable[[], float] | None = None,
        max_keys: int = MAX_KEYS,
        shared_in: Callable[[], DB] | None = None,
    ) -> None:
        """In this process's memory, or with ``shared_in`` (the platform database) in it."""
        self.accounts = make_limiter(
            "sign-in accounts", account_limit, window, shared_in, clock, max_keys
        )
        self.addresses = make_limiter(
            "sign-in addresses", address_limit, window, shared_in, clock, max_keys
        )

    def check(self, email: str, address: str) -> int | None:
        """Seconds until this sign-in may be tried (the longer of both waits), or None."""
        waits = (
            self.accounts.retry_after(_account_key(email)),
            self.addresses.retry_after(address),
        )
        return max((w for w in waits if w is not None), default=None)

    def failed(self, email: str, address: str) -> None:
        self.accounts.hit(_account_key(email))
        self.addresses.hit(address)

    def succeeded(self, email: str, address: str) -> None:
        """Clear the account's failures, and only those.

        The address's failures stay: otherwise one valid account would let an attacker clear
        their own address between guesses at other accounts.
        """
        self.accounts.reset(_account_key(email))


def _account_key(email: str) -> str:
    # "Anne@x.nl" and "anne@x.nl " are the same account to a guesser
    return email.strip().lower()


def too_many_requests(retry_after: int) -> HTTPTooManyRequests:
    """A 429 answer saying when to try again, in the ``Retry-After`` header and in words."""
    minutes = max(1, math.ceil(retry_after / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return HTTPTooManyRequests(
        detail=f"Too many failed sign-in attempts. Try again in {minutes} {unit}.",
        headers={"Retry-After": str(retry_after)},
    )


def client_address(request: Request) -> str:
    """The client's IP address, the key of the per-address limit.

    Behind a reverse proxy, waitress's ``trusted_proxy`` settings (``trusted_proxy``,
    ``trusted_proxy_headers``) already rewrite ``REMOTE_ADDR`` to the real client, so this
    needs no header parsing of its own (and trusts no ``X-Forwarded-For`` a client sends).
    """
    return request.remote_addr or "unknown"


def check_password_throttled(request: Request, account: Account, password: str) -> bool:
    """``verify_password`` for pages that ask a signed-in account for its password again.

    The sign-in throttle counts these too: else a signed-in session would be a way to
    guess the password without limit. A right password does not clear the count.
    """
    throttle: SignInThrottle = SIGNIN_THROTTLE(request.registry)
    address = client_address(request)
    wait = throttle.check(account.email, address)
    if wait:
        raise too_many_requests(wait)
    if verify_password(account, password):
        return True
    throttle.failed(account.email, address)
    return False


def count_mail_request(request: Request) -> None:
    """Count a request that may send an e-mail (registration, password reset) per client
    address; 429 past the limit, so these forms cannot flood someone's inbox."""
    throttle: Limiter = MAIL_THROTTLE(request.registry)
    address = client_address(request)
    wait = throttle.retry_after(address)
    if wait:
        raise too_many_requests(wait)
    throttle.hit(address)
