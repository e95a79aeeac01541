"""Slowing down password guessing: failed sign-ins counted per account and per address.

A sign-in view asks ``check`` before it looks at the password, answers
``too_many_requests`` while that gives a number of seconds, and reports the outcome with
``failed`` or ``succeeded``. Counts live in this process's memory: with several processes
an attacker gets each process's allowance, which still turns millions of guesses into a
handful per quarter of an hour.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from pyramid.httpexceptions import HTTPTooManyRequests
from pyramid.request import Request

from pleio_core.services import MAIL_THROTTLE, SIGNIN_THROTTLE

from .accounts import Account
from .passwords import verify_password

MAX_KEYS = 100_000
WINDOW = 15 * 60.0


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
            if times is None or len(times) < self.limit:
                return None
            # the oldest of the latest ``limit`` failures leaving the window lifts the block
            wait = times[0] + self.window - self.clock()
        return max(1, math.ceil(wait)) if wait > 0 else None

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
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.accounts = Throttle(account_limit, window, clock, max_keys)
        self.addresses = Throttle(address_limit, window, clock, max_keys)

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
    throttle: Throttle = MAIL_THROTTLE(request.registry)
    address = client_address(request)
    wait = throttle.retry_after(address)
    if wait:
        raise too_many_requests(wait)
    throttle.hit(address)
