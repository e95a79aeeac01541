"""Long work in the background: jobs kept in the platform database, run by any process.

A page starts a job (``start_job``) and shows how far it is (``job_of``); the worker
thread of every server process (``worker.JobWorker``, started with the app) claims due
jobs and runs them. Kinds of job are declared with ``config.add_job_kind(name, run)``: the
site export (``exchange``) and the sites page's facts (``admin``).

Why the platform database: every process of every machine opens it already (a directory
beside the storage is not shared between machines on RelStorage or ZEO), a commit there is
what makes a claim exclusive, and a job's result is a blob in it, so any process can offer
the download (see docs/architecture.md, "Jobs").
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.events import ApplicationCreated
from pyramid.request import Request

from pleio_core.clock import timestamp
from pleio_core.services import PLATFORM_DATABASE, Service

from .model import (
    ACTIVE,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Job,
    JobBoard,
    JobBusy,
    JobView,
    job_board,
)
from .worker import JobFailed, JobKind, JobLost, JobResult, JobWorker, RunningJob

__all__ = [
    "ACTIVE",
    "DONE",
    "FAILED",
    "JOB_WORKER",
    "QUEUED",
    "RUNNING",
    "Job",
    "JobBoard",
    "JobBusy",
    "JobFailed",
    "JobKind",
    "JobLost",
    "JobResult",
    "JobView",
    "JobWorker",
    "RunningJob",
    "includeme",
    "job_board",
    "job_of",
    "jobs_of_kind",
    "start_job",
]

JOB_WORKER: Service[JobWorker] = Service(
    "job worker", "pleio_core.jobs", "This process's worker thread and the kinds of job."
)


def job_of(request: Request, kind: str, key: str) -> JobView | None:
    """The job of ``kind`` for ``key`` as this request's transaction sees it; None if there
    is none, or the one there is past its time."""
    job = stored_job(request, kind, key)
    return job.snapshot() if job is not None else None


def jobs_of_kind(request: Request, kind: str) -> list[JobView]:
    """Every job of ``kind`` there is (queued, running, or ended and not past its time)."""
    board = job_board(request.platform_root)
    if board is None:
        return []
    found = board.jobs.values(min=(kind, ""), max=(kind, "\U0010ffff"))
    now = timestamp()
    return [job.snapshot() for job in found if not job.expired(now)]


def stored_job(request: Request, kind: str, key: str) -> Job | None:
    """The stored job itself (for its blob), if it is not past its time."""
    board = job_board(request.platform_root)
    job = board.get(kind, key) if board is not None else None
    if job is None or job.expired(timestamp()):
        return None
    return job


def start_job(
    request: Request, kind: str, key: str, params: dict[str, Any] | None = None
) -> JobView:
    """Queue a job in the request's transaction; this process's worker looks at once after
    the commit. ``JobBusy`` if one of the same kind for ``key`` is queued or running."""
    board = job_board(request.platform_root, create=True)
    assert board is not None
    by = request.identity.id if request.identity is not None else None
    job = board.start(kind, key, timestamp(), by=by, params=params)
    worker = JOB_WORKER(request.registry)

    def wake(committed: bool) -> None:
        if committed:
            worker.wake()

    request.tm.get().addAfterCommitHook(wake)
    return job.snapshot()


def add_job_kind(config: Configurator, name: str, run: Any) -> None:
    """Declare a kind of job: ``run(registry, running)`` does it, telling its progress
    with ``running.progress(done, total)``; it returns a ``JobResult`` (a file to offer)
    or None, and raises ``JobFailed(message)`` to end it with a message for its page."""
    kinds = JOB_WORKER(config.registry).kinds

    def register() -> None:
        kinds[name] = JobKind(name, run)

    config.action(("pleio job kind", name), register)


def includeme(config: Configurator) -> None:
    worker = JobWorker(config.registry, PLATFORM_DATABASE(config.registry), {})
    JOB_WORKER.provide(config, worker)
    config.add_directive("add_job_kind", add_job_kind)

    def start(event: ApplicationCreated) -> None:
        JOB_WORKER(event.app.registry).start()

    config.add_subscriber(start, ApplicationCreated)
