"""What happens between two attempts of a request that hit a write conflict.

``pyramid_retry`` replays a request whose commit raised ``ConflictError`` (up to
``retry.attempts`` times in all, see ``pleio_core.DEFAULTS``), straight away. Straight away
is what makes conflicts pile up: the writers that collided start again together and
collide again. So before each replay the request waits a random time below a ceiling
that doubles with every attempt ("full jitter": BASE_DELAY, 2×, 4×, … up to MAX_DELAY),
which spreads the writers out. Each retry is logged on ``pleio.conflicts`` with the
object that conflicted (its oid and class), so a hot spot can be found from the log.

A replay reuses the request's WSGI environ, so whatever the failed attempt changed there
would be seen by the next one as if the client had sent it. Setting a cookie does that:
``new_csrf_token`` (the sign-in renews the CSRF token) writes the new token into
``HTTP_COOKIE``, and the replayed sign-in would then refuse the form's token as stale. So
the cookies the client sent are kept at the first attempt and put back before each replay.

A replay after a conflict on an object also waits its turn: replays after conflicts on the
same object run one at a time in this process (a lock per object, striped), so writers
queued on one page do not keep colliding with each other; only first attempts, and other
processes, can still get in between, and the jittered wait is for those.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import transaction
from pyramid.config import Configurator
from pyramid.events import NewRequest
from pyramid_retry import IBeforeRetry
from ZODB.POSException import ConflictError
from ZODB.utils import oid_repr

log = logging.getLogger("pleio.conflicts")
T = TypeVar("T")

#: Where the environ keeps the ``Cookie`` header as the client sent it.
SENT_COOKIES = "pleio.sent_cookies"
#: Where it keeps the oid of the object the last attempt conflicted on.
CONFLICTED = "pleio.conflicted_oid"
#: The first wait is below this many seconds; each further one below twice the last.
BASE_DELAY = 0.01
#: No single wait is longer than this.
MAX_DELAY = 0.5


def backoff(failed_attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after attempt number ``failed_attempt`` (0 is the first) failed."""
    return rand() * min(MAX_DELAY, BASE_DELAY * 2**failed_attempt)


def committed(
    manager: transaction.TransactionManager, work: Callable[[], T], attempts: int, note: str
) -> T:
    """``work()`` in a transaction of ``manager`` (noted ``note``), committed; its answer.

    On a write conflict the transaction is aborted and, after a ``backoff``, tried again,
    ``attempts`` times in all (then the conflict is raised); anything else aborts and is
    raised. For writes outside a request, which ``pyramid_retry`` does not replay.
    """
    for attempt in range(attempts):
        manager.begin()
        manager.get().note(note)
        try:
            answer = work()
            manager.commit()
            return answer
        except ConflictError:
            manager.abort()
            if attempt == attempts - 1:
                raise
            time.sleep(backoff(attempt))
        except BaseException:
            manager.abort()
            raise
    raise ValueError(f"committed(attempts={attempts}): at least one attempt")


def describe(exc: BaseException) -> str:
    """The conflict as the log names it: the object's oid and class, when known."""
    if isinstance(exc, ConflictError):
        oid = oid_repr(exc.oid) if exc.oid is not None else "?"
        return f"{type(exc).__name__} on oid {oid} class {exc.class_name or '?'}"
    return type(exc).__name__


def restore_sent_cookies(environ: dict) -> None:
    sent = environ.get(SENT_COOKIES)
    if sent is None:
        environ.pop("HTTP_COOKIE", None)
    else:
        environ["HTTP_COOKIE"] = sent


class Retries:
    """The subscribers: ``new_request`` at every attempt, ``before_retry`` between two
    (logs the conflict, puts the sent cookies back, then waits: ``sleep`` for tests)."""

    #: Locks that replays after a conflict on the same object take (by oid, striped).
    LOCKS = 64

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sleep = sleep
        self._locks = [threading.Lock() for _ in range(self.LOCKS)]

    def new_request(self, event: NewRequest) -> None:
        request = event.request
        environ = request.environ
        if SENT_COOKIES not in environ:  # the first attempt: the cookies as sent
            environ[SENT_COOKIES] = environ.get("HTTP_COOKIE")
        oid = environ.pop(CONFLICTED, None)
        if oid is not None:  # a replay: one at a time per object, until this one is done
            lock = self._locks[hash(oid) % self.LOCKS]
            lock.acquire()
            request.add_finished_callback(lambda _request: lock.release())

    def before_retry(self, event: object) -> None:
        environ = event.environ  # type: ignore[attr-defined]
        exc = event.exception  # type: ignore[attr-defined]
        failed = environ.get("retry.attempt", 0)
        delay = backoff(failed)
        log.info(
            "retry %d/%d of %s %s after %s (waiting %.0f ms)",
            failed + 1,
            environ.get("retry.attempts", 0) - 1,
            environ.get("REQUEST_METHOD", ""),
            environ.get("PATH_INFO", ""),
            describe(exc),
            delay * 1000,
        )
        if SENT_COOKIES in environ:
            restore_sent_cookies(environ)
        if isinstance(exc, ConflictError) and exc.oid is not None:
            environ[CONFLICTED] = exc.oid
        self.sleep(delay)


def includeme(config: Configurator) -> None:
    retries = Retries()
    config.add_subscriber(retries.new_request, NewRequest)
    config.add_subscriber(retries.before_retry, IBeforeRetry)
