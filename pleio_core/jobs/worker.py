"""The worker thread of each server process: it claims due jobs and runs them.

Claiming is a transaction on the platform database that marks the job running for this
process: two processes that claim one job write the same object, so ZODB lets the first
commit and gives the second a ``ConflictError`` (on FileStorage, ZEO and RelStorage
alike) — one job never runs twice at once. While it runs, a heartbeat writes the progress
(every ``BEAT`` seconds, if it moved) and renews the lease (every third of it); a process
that dies (SIGKILL, a crash, a restart) stops renewing, and once the lease has run out
any live process claims the job and starts it again. On the same machine a process whose
id is gone is known dead at once, so a restart picks its jobs up without waiting for the
lease.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import transaction
from pyramid.registry import Registry
from ZODB import DB
from ZODB.blob import Blob
from ZODB.interfaces import IBlobStorage
from ZODB.POSException import ConflictError

from pleio_core.clock import monotonic, timestamp
from pleio_core.i18n import _
from pleio_core.storage import PLATFORM_KEY
from pleio_core.storage.retry import committed

from .model import DONE, FAILED, KEEP_DONE, KEEP_FAILED, RUNNING, JobBoard, JobView, job_board

log = logging.getLogger(__name__)

#: seconds a claim holds without being renewed; the heartbeat renews it every ``BEAT``
LEASE = 30.0
BEAT = 2.0
#: seconds between looks for due jobs when nothing wakes the worker
POLL = 2.0
#: seconds between removals of ended jobs past their time
CLEAN_EVERY = 300.0
#: attempts at recording a job's end when they conflict (``storage.retry.committed``).
END_ATTEMPTS = 5


class JobFailed(Exception):
    """A job cannot be done; ``message`` (a translation string) says why, on its page."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class JobLost(Exception):
    """This process no longer holds the job (its lease ran out and another claimed it)."""


@dataclass(frozen=True)
class JobResult:
    """A file a job made: it becomes a blob of the job, offered as ``name``."""

    path: Path
    name: str
    media_type: str


@dataclass(frozen=True)
class JobKind:
    """What runs a kind of job: ``run(registry, running)``, a ``JobResult`` or None."""

    name: str
    run: Callable[[Registry, RunningJob], JobResult | None]


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "?"


def _pid_namespace() -> str:
    try:
        return str(Path("/proc/self/ns/pid").readlink())
    except OSError:
        return "?"


def _start_time(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot); None if there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the name


def process_identity() -> str:
    """This process, as a job's owner: machine, boot, pid namespace, pid, start time."""
    pid = os.getpid()
    return "|".join(
        (socket.gethostname(), _boot_id(), _pid_namespace(), str(pid), _start_time(pid) or "?")
    )


def owner_is_gone(owner: str | None, me: str) -> bool:
    """True if ``owner`` is known to have stopped running the job: this process (asked
    only about jobs it does not run now), or a process of this machine, boot and pid
    namespace whose pid is gone or reused. Of another machine nothing is known: its lease
    decides."""
    if owner is None or owner == me:
        return owner == me
    parts, mine = owner.split("|"), me.split("|")
    if len(parts) != 5 or parts[:3] != mine[:3] or "?" in parts[1:3]:
        return False
    pid, started = int(parts[3]), parts[4]
    return _start_time(pid) != started


class RunningJob:
    """A job this process runs: what it is, and where its runner tells how far it is."""

    def __init__(self, view: JobView, scratch: Path) -> None:
        self.view = view
        self.id, self.kind, self.key, self.params = view.id, view.kind, view.key, view.params
        self.scratch = scratch
        self.done = self.total = self.bytes = 0
        self.lost = threading.Event()

    def progress(self, done: int, total: int | None = None, written: int | None = None) -> None:
        """How far it is; raises ``JobLost`` once another process has taken it over."""
        self.done = done
        if total is not None:
            self.total = total
        if written is not None:
            self.bytes = written
        if self.lost.is_set():
            raise JobLost(self.id)

    def new_file(self, suffix: str = "") -> Path:
        """A path for the result, beside the platform's blobs (it becomes one by a rename)."""
        handle, name = tempfile.mkstemp(prefix="pleio-job-", suffix=suffix, dir=self.scratch)
        os.close(handle)
        return Path(name)


class JobWorker:
    """Claims due jobs of the platform database and runs them, one at a time, in a thread."""

    def __init__(self, registry: Registry, db: DB, kinds: dict[str, JobKind]) -> None:
        self.registry = registry
        self.db = db
        self.kinds = kinds
        self.me = process_identity()
        self.running: set[str] = set()  # the ids of the jobs this process runs now
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cleaned = monotonic()

    # -- the thread ---------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="pleio-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop looking for jobs (the one running finishes first)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._thread = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Look now (a job was queued by this process)."""
        self._wake.set()

    def _closed(self) -> bool:
        return "_mvcc_storage" not in vars(self.db)  # DB.close() removes it

    def _loop(self) -> None:
        while not self._stop.is_set() and not self._closed():
            try:
                ran = self.run_one()
            except Exception:
                if self._closed():
                    break
                log.exception("the job worker failed; it looks again in %s s", POLL)
                ran = False
            if not ran:
                self._wake.wait(POLL)
                self._wake.clear()

    # -- one step (the tests call it without the thread) ---------------------------------

    @contextlib.contextmanager
    def _board(self) -> Iterator[JobBoard]:
        """The board in a transaction of its own, committed at the end. Until a job was ever
        started there is none, and an empty one is given (not stored: a worker that only
        looks never writes)."""
        tm = transaction.TransactionManager()
        conn = self.db.open(transaction_manager=tm)
        try:
            with tm:
                yield job_board(conn.root()[PLATFORM_KEY]) or JobBoard()
        finally:
            conn.close()

    def run_one(self) -> bool:
        """Claim the oldest due job and run it to its end; False if none was due."""
        self.clean_up()
        claimed = self.claim()
        if claimed is None:
            return False
        self.run(claimed)
        return True

    def claim(self) -> JobView | None:
        running = set(self.running)
        try:
            with self._board() as board:
                job = board.next_due(
                    timestamp(),
                    lambda job: job.id not in running and owner_is_gone(job.owner, self.me),
                )
                if job is None:
                    return None
                if job.owner is not None:
                    log.warning(
                        "job %s (%s of %r) was left by %s: started again",
                        job.id, job.kind, job.key, job.owner,
                    )  # fmt: skip
                board.claim(job, self.me, timestamp(), LEASE)
                view = job.snapshot()
        except ConflictError:
            return None  # another process changed it first: look again
        log.info("job %s (%s of %r) claimed, attempt %s", view.id, view.kind, view.key,
                 view.attempts)  # fmt: skip
        return view

    def _scratch(self) -> Path:
        storage = self.db.storage
        if IBlobStorage.providedBy(storage):
            return Path(storage.temporaryDirectory())
        return Path(tempfile.gettempdir())

    def run(self, view: JobView) -> None:
        running = RunningJob(view, self._scratch())
        self.running.add(view.id)
        beating = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(running, beating), name="pleio-job-lease", daemon=True
        )
        beat.start()
        try:
            outcome = self._outcome(view, running)
        finally:
            beating.set()
            beat.join()
            self.running.discard(view.id)
        if outcome is not None:
            self._end(running, *outcome)

    def _outcome(
        self, view: JobView, running: RunningJob
    ) -> tuple[str, Any, JobResult | None] | None:
        """What the job came to: its state, why it failed, its result; None if another
        process took it over meanwhile."""
        try:
            kind = self.kinds.get(view.kind)
            if kind is None:
                raise JobFailed(_("This kind of job is not known here."))
            return DONE, None, kind.run(self.registry, running)
        except JobLost:
            log.warning("job %s was taken over by another process: stopped here", view.id)
            return None
        except JobFailed as failed:
            return FAILED, failed.message, None
        except Exception:
            log.exception("job %s (%s of %r) failed", view.id, view.kind, view.key)
            return FAILED, _("Something went wrong on the server. Try again later."), None

    def _heartbeat(self, running: RunningJob, stopped: threading.Event) -> None:
        """Every ``BEAT``: the progress, if it moved; the lease, once a third of it has
        passed. Each is a commit to the platform database, which every process's caches
        of it (the account summaries) then read again, so an idle beat writes nothing."""
        written = (running.done, running.total, running.bytes)
        renewed = monotonic()
        while not stopped.wait(BEAT):
            progress = (running.done, running.total, running.bytes)
            if progress == written and monotonic() - renewed < LEASE / 3:
                continue
            try:
                self._renew(running)
            except JobLost:
                running.lost.set()
                return
            except Exception:  # a conflict, a database that does not answer: next beat
                log.warning("could not renew the lease of job %s", running.id, exc_info=True)
                continue
            written, renewed = progress, monotonic()

    def _mine(self, board: JobBoard, running: RunningJob):
        job = board.get(running.kind, running.key)
        if job is None or job.id != running.id or job.owner != self.me or job.state != RUNNING:
            raise JobLost(running.id)
        return job

    def _renew(self, running: RunningJob) -> None:
        with self._board() as board:
            job = self._mine(board, running)
            job.lease_until = timestamp() + LEASE
            job.done, job.total, job.bytes = running.done, running.total, running.bytes

    def _end(
        self, running: RunningJob, state: str, message: Any, result: JobResult | None = None
    ) -> None:
        """Record how the job ended, with its result as a blob of the job; tried again on a
        write conflict. A job whose end could not be recorded is still running on the
        board: once its lease runs out it is claimed and run again."""
        # consumeFile moves the file it is given into the blob, and an aborted commit
        # removes it from there: each attempt is given a fresh link of the result
        kept = result.path.with_name(result.path.name + ".kept") if result is not None else None
        mapping = getattr(message, "mapping", None) or {}
        tm = transaction.TransactionManager()
        conn = self.db.open(transaction_manager=tm)

        def record() -> None:
            board = job_board(conn.root()[PLATFORM_KEY]) or JobBoard()
            job = self._mine(board, running)
            job.done, job.total, job.bytes = running.done, running.total, running.bytes
            if result is not None and kept is not None:
                kept.unlink(missing_ok=True)
                os.link(result.path, kept)
                job.result = Blob()
                job.result.consumeFile(str(kept))
                job.result_name = result.name
                job.result_type = result.media_type
                job.result_size = result.path.stat().st_size
            board.end(
                job,
                state,
                timestamp(),
                KEEP_DONE if state == DONE else KEEP_FAILED,
                message,
                {k: str(v) for k, v in mapping.items()},
            )

        try:
            committed(tm, record, END_ATTEMPTS, f"pleio: job {running.id} {state}")
            log.info("job %s (%s of %r) %s", running.id, running.kind, running.key, state)
        except JobLost:
            log.warning("job %s was taken over before it ended here", running.id)
        except ConflictError:
            log.warning(
                "job %s: its end conflicted %d times: not recorded", running.id, END_ATTEMPTS
            )
        finally:
            conn.close()
            for path in (kept, result.path if result is not None else None):
                if path is not None:
                    path.unlink(missing_ok=True)

    def clean_up(self, force: bool = False) -> int:
        """Remove ended jobs past their time (their results with them); how many."""
        if not force and monotonic() - self._cleaned < CLEAN_EVERY:
            return 0
        self._cleaned = monotonic()
        try:
            with self._board() as board:
                gone = board.past_their_time(timestamp())
                for job in gone:
                    board.remove(job)
        except ConflictError:
            return 0
        if gone:
            log.info("removed %s ended jobs past their time", len(gone))
        return len(gone)
