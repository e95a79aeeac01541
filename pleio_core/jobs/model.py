"""The jobs of the platform as stored: one ``JobBoard`` in the platform database.

A job is keyed by its kind and what it is about (``("export", "kia")``): the board holds
at most one job per key, so "one export of a site at a time" is the shape of the data, not
a rule some code remembers. Starting again replaces a finished job (and its archive).

States: ``queued`` → ``running`` (claimed by one process, under a lease it renews) →
``done`` or ``failed``. A running job whose lease ran out, or whose process is known to be
gone, is due again; a job claimed ``MAX_ATTEMPTS`` times without ending is failed instead
of tried forever (it might be what kills its process).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field, fields
from typing import Any

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.blob import Blob

from pleio_core.i18n import _

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = frozenset({QUEUED, RUNNING})
#: claims of one job before it is failed rather than started again
MAX_ATTEMPTS = 3

Key = tuple[str, str]  # (kind, what it is about: a site's name, or "" for the platform)


class JobBusy(Exception):
    """A job of that kind for that key is queued or running already."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"{job.kind} of {job.key!r} is {job.state}")
        self.job = job


class Slotted:
    """What a job and a view of it both answer: its slot (one job per kind and key at
    once) and whether it is still to be done."""

    kind: str
    key: str
    state: str

    @property
    def slot(self) -> Key:
        return (self.kind, self.key)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


class Job(Slotted, Persistent):
    """One piece of long work, its progress and its outcome (a blob, for an archive)."""

    #: a file the job works on (an uploaded archive), dropped when it ends
    input: Blob | None = None

    def __init__(
        self, kind: str, key: str, created: float, by: str | None, params: dict[str, Any]
    ) -> None:
        self.id = secrets.token_urlsafe(12)  # in download addresses: an old one stops working
        self.kind = kind
        self.key = key
        self.created = created
        self.by = by  # the account that asked, if one did
        self.params = dict(params)
        self.state = QUEUED
        self.attempts = 0
        self.owner: str | None = None  # the process that runs it (``worker.process_identity``)
        self.lease_until = 0.0
        self.started: float | None = None
        self.finished: float | None = None
        self.done = 0
        self.total = 0
        self.bytes = 0
        #: why it failed: a message id of the ``pleio`` domain and its mapping
        self.message: str | None = None
        self.mapping: dict[str, str] = {}
        self.result: Blob | None = None
        self.result_name: str | None = None
        self.result_type: str | None = None
        self.result_size = 0
        #: when it and its result are removed (set when it ends)
        self.expires: float | None = None

    def expired(self, now: float) -> bool:
        """Ended, and past the time it and its result are kept."""
        return not self.active and (self.expires or 0) < now

    def snapshot(self) -> JobView:
        """What a page or the worker needs, as plain values (no ZODB object): the fields
        of ``JobView``, its dictionaries copied."""
        values: dict[str, Any] = {}
        for f in fields(JobView):
            value = getattr(self, f.name)
            values[f.name] = dict(value) if isinstance(value, dict) else value
        return JobView(**values)


@dataclass(frozen=True)
class JobView(Slotted):
    """A job as read in one transaction."""

    id: str
    kind: str
    key: str
    state: str
    created: float
    by: str | None
    params: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
    owner: str | None = None
    lease_until: float = 0.0
    started: float | None = None
    finished: float | None = None
    done: int = 0
    total: int = 0
    bytes: int = 0
    message: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    result_name: str | None = None
    result_type: str | None = None
    result_size: int = 0
    expires: float | None = None

    @property
    def percent(self) -> int:
        """How far it is, 0-100; never 100 before it is done (the last part is unknown)."""
        if self.state == DONE:
            return 100
        if self.total <= 0:
            return 0
        return min(99, self.done * 100 // self.total)


class JobBoard(Persistent):
    """Every job of the platform, one per (kind, key), and the index of those due."""

    def __init__(self) -> None:
        self.jobs: OOBTree = OOBTree()  # (kind, key) → Job
        self.active: OOBTree = OOBTree()  # (kind, key) → job id, while queued or running

    def get(self, kind: str, key: str) -> Job | None:
        job: Job | None = self.jobs.get((kind, key))
        return job

    def start(
        self,
        kind: str,
        key: str,
        now: float,
        by: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> Job:
        """A new queued job; ``JobBusy`` if one for the same slot is queued or running."""
        old = self.get(kind, key)
        if old is not None and old.active:
            raise JobBusy(old)
        job = Job(kind, key, now, by, params or {})
        self.jobs[job.slot] = job
        self.active[job.slot] = job.id
        return job

    def active_jobs(self) -> Iterator[Job]:
        for slot in list(self.active.keys()):
            job = self.jobs.get(slot)
            if job is not None and job.active:
                yield job
            else:  # (never: the two are changed together)
                del self.active[slot]

    def next_due(self, now: float, is_gone: Callable[[Job], bool]) -> Job | None:
        """The oldest job no live process runs: queued, or running under a lease that ran
        out or for a process ``is_gone`` says has ended. One started too often is failed
        on the way (and not returned)."""
        due = []
        for job in self.active_jobs():
            if job.state == QUEUED or job.lease_until < now or is_gone(job):
                due.append(job)
        for job in sorted(due, key=lambda j: j.created):
            if job.attempts >= MAX_ATTEMPTS:
                self.end(
                    job,
                    FAILED,
                    now,
                    keep=KEEP_FAILED,
                    message=_(
                        "It was started ${attempts} times and stopped each time before it ended."
                    ),
                    mapping={"attempts": str(job.attempts)},
                )
                continue
            return job
        return None

    def claim(self, job: Job, owner: str, now: float, lease: float) -> None:
        job.state = RUNNING
        job.owner = owner
        job.attempts += 1
        job.started = now
        job.lease_until = now + lease
        job.done = job.total = job.bytes = 0

    def end(
        self,
        job: Job,
        state: str,
        now: float,
        keep: float,
        message: str | None = None,
        mapping: dict[str, str] | None = None,
    ) -> None:
        job.state = state
        job.finished = now
        job.expires = now + keep
        job.owner = None
        job.message = str(message) if message is not None else None  # the id, not the class
        job.mapping = dict(mapping or {})
        job.input = None  # its room comes back at the next pack
        self.active.pop(job.slot, None)

    def past_their_time(self, now: float) -> list[Job]:
        return [j for j in self.jobs.values() if j.expired(now)]

    def remove(self, job: Job) -> None:
        """Forget an ended job; its blob goes at the next pack of the platform database."""
        if self.jobs.get(job.slot) is job:
            del self.jobs[job.slot]


#: how long a finished job's result is offered, and how long a failure is shown (seconds)
KEEP_DONE = 24 * 3600.0
KEEP_FAILED = 7 * 24 * 3600.0


def job_board(platform: MutableMapping[str, Any], create: bool = False) -> JobBoard | None:
    """The board in a platform root (None while there is none, unless ``create``)."""
    board: JobBoard | None = platform.get("jobs")
    if board is None and create:
        board = platform["jobs"] = JobBoard()
    return board
