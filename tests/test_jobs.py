"""The jobs floor on its own: one claim wins, a lease runs out, a dead process's job is
taken over, a job that keeps stopping is failed, a lost job stops, ended jobs go."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import transaction
from persistent.mapping import PersistentMapping
from ZODB import DB
from ZODB.FileStorage import FileStorage

from pleio_core.jobs import DONE, FAILED, QUEUED, RUNNING, JobLost, JobResult, JobWorker, job_board
from pleio_core.jobs.model import KEEP_DONE, MAX_ATTEMPTS
from pleio_core.jobs.worker import LEASE, owner_is_gone, process_identity
from pleio_core.storage import PLATFORM_KEY


@pytest.fixture
def db(tmp_path: Path):
    database = DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    with database.transaction() as conn:
        conn.root()[PLATFORM_KEY] = PersistentMapping()
    yield database
    database.close()


def queue(db, kind: str = "export", key: str = "kia", now: float | None = None) -> str:
    from pleio_core.clock import timestamp

    with db.transaction() as conn:
        board = job_board(conn.root()[PLATFORM_KEY], create=True)
        return board.start(kind, key, timestamp() if now is None else now).id


def stored(db, kind: str = "export", key: str = "kia"):
    with db.transaction() as conn:
        return job_board(conn.root()[PLATFORM_KEY]).get(kind, key).snapshot()


def worker(db, kinds=None, me: str | None = None) -> JobWorker:
    made = JobWorker(None, db, kinds or {})
    if me is not None:
        made.me = me
    return made


ELSEWHERE = "other-host|boot|pid:[1]|4242|77"


def test_of_many_claims_at_once_one_wins(db) -> None:
    queue(db)
    workers = [worker(db, me=f"host-{n}|b|ns|{n}|1") for n in range(6)]
    start = threading.Barrier(len(workers))
    won = []

    def claim(w: JobWorker) -> None:
        start.wait()
        if w.claim() is not None:
            won.append(w.me)

    threads = [threading.Thread(target=claim, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    job = stored(db)
    assert job.state == RUNNING and job.owner == won[0] and job.attempts == 1


def test_a_lease_that_runs_out_lets_another_process_claim_it(db, clock) -> None:
    queue(db)
    assert worker(db, me=ELSEWHERE).claim() is not None
    here = worker(db)
    clock.advance(LEASE - 1)
    assert here.claim() is None  # still held: the other machine may be running it
    clock.advance(2)
    taken = here.claim()
    assert taken is not None and taken.attempts == 2 and stored(db).owner == here.me


def test_a_process_of_this_machine_that_is_gone_is_known_at_once(db) -> None:
    me = process_identity()
    host, boot, namespace, _pid, _start = me.split("|")
    assert owner_is_gone(f"{host}|{boot}|{namespace}|{2**22 + 7}|123", me)  # no such pid
    assert owner_is_gone(f"{host}|{boot}|{namespace}|{os.getpid()}|1", me)  # pid reused
    assert not owner_is_gone(f"{host}|{boot}|{namespace}|1|{_start_of(1)}", me)  # init lives
    assert not owner_is_gone(ELSEWHERE, me)  # another machine: only its lease says
    queue(db)
    dead = f"{host}|{boot}|{namespace}|{2**22 + 7}|123"
    assert worker(db, me=dead).claim() is not None
    assert worker(db).claim() is not None  # without waiting for the lease


def _start_of(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


def test_a_job_that_keeps_stopping_its_process_is_failed_not_tried_forever(db, clock) -> None:
    queue(db)
    for _ in range(MAX_ATTEMPTS):
        assert worker(db, me=ELSEWHERE).claim() is not None
        clock.advance(LEASE + 1)
    assert worker(db).claim() is None
    job = stored(db)
    assert job.state == FAILED and job.mapping == {"attempts": str(MAX_ATTEMPTS)}
    assert "started ${attempts} times" in job.message


def test_the_process_that_lost_its_job_stops_and_the_new_owner_finishes(db, clock) -> None:
    seen = {}

    def run(registry, running):
        running.progress(1, 2)
        seen["progress"] = stored(db).done
        clock.advance(LEASE + 1)  # this process stalls: another takes the job over
        seen["thief"] = worker(db, me=ELSEWHERE).claim()
        with pytest.raises(JobLost):
            slow._renew(running)
        running.lost.set()  # (what the heartbeat does on JobLost)
        running.progress(2)  # raises JobLost: the runner stops here
        seen["went on"] = True

    slow = worker(db, {"export": _kind(run)})
    queue(db)
    view = slow.claim()
    slow.run(view)
    assert seen["thief"] is not None and "went on" not in seen
    job = stored(db)
    assert job.state == RUNNING and job.owner == ELSEWHERE  # left alone for its new owner


def test_a_result_becomes_the_jobs_blob_and_ended_jobs_go_after_their_time(db, clock) -> None:
    def run(registry, running):
        path = running.new_file(".zip")
        path.write_bytes(b"PK archive")
        running.progress(3, 3)
        return JobResult(path, "kia.zip", "application/zip")

    here = worker(db, {"export": _kind(run)})
    queue(db)
    assert stored(db).state == QUEUED
    assert here.run_one()
    job = stored(db)
    assert job.state == DONE and job.result_size == 10 and job.result_name == "kia.zip"
    with db.transaction() as conn:
        blob = job_board(conn.root()[PLATFORM_KEY]).get("export", "kia").result
        with blob.open() as f:
            assert f.read() == b"PK archive"
    assert not list(Path(here._scratch()).glob("pleio-job-*"))  # nothing left beside it
    assert here.clean_up(force=True) == 0
    clock.advance(KEEP_DONE + 1)
    assert here.clean_up(force=True) == 1
    with db.transaction() as conn:
        assert job_board(conn.root()[PLATFORM_KEY]).get("export", "kia") is None


def test_a_runner_that_breaks_fails_its_job_with_a_message(db) -> None:
    def run(registry, running):
        raise RuntimeError("boom")

    here = worker(db, {"export": _kind(run)})
    queue(db)
    assert here.run_one()
    job = stored(db)
    assert job.state == FAILED and job.message.startswith("Something went wrong")
    assert not job.active and job.owner is None


def test_one_job_per_kind_and_key_at_once(db) -> None:
    from pleio_core.jobs import JobBusy

    queue(db)
    with pytest.raises(JobBusy):
        queue(db)
    queue(db, key="other")  # another site's export is another slot
    queue(db, kind="site-facts", key="")
    transaction.abort()


def _kind(run):
    from pleio_core.jobs import JobKind

    return JobKind("export", run)


def test_a_worker_that_finds_nothing_writes_nothing(db) -> None:
    """Every process polls: looking must not be a write (nor a conflict with anyone)."""
    before = db.lastTransaction()
    here = worker(db)
    assert here.claim() is None and not here.run_one() and here.clean_up(force=True) == 0
    assert db.lastTransaction() == before
    queue(db)
    assert worker(db, me=ELSEWHERE).claim() is not None
    before = db.lastTransaction()
    assert here.claim() is None  # held by a live lease: looked at, left alone
    assert db.lastTransaction() == before


def test_the_heartbeat_writes_only_when_the_progress_moved(db, monkeypatch) -> None:
    """Each beat would be a commit to the platform database, after which every process reads
    its caches of it again (the account summaries): a beat with nothing new writes nothing."""
    import time

    from pleio_core.jobs import worker as worker_module
    from pleio_core.testing import wait_for

    monkeypatch.setattr(worker_module, "BEAT", 0.02)
    seen = {}

    def run(registry, running):
        running.progress(1, 3)
        wait_for(lambda: stored(db).done == 1, timeout=5)  # the first beat wrote it
        still = db.lastTransaction()
        time.sleep(0.3)  # about 15 beats, no progress
        seen["idle beats wrote"] = db.lastTransaction() != still
        running.progress(2)
        seen["moved"] = wait_for(lambda: stored(db).done == 2, timeout=5)

    here = worker(db, {"export": _kind(run)})
    queue(db)
    assert here.run_one()
    assert seen == {"idle beats wrote": False, "moved": True}
    assert stored(db).state == DONE


def test_an_end_that_conflicts_is_recorded_again_with_its_result_whole(db, monkeypatch) -> None:
    """Another process writes the job while this one records its end (the first commit
    conflicts): the end is tried again, and the result, which the aborted attempt's blob
    took away with it, is still there whole."""
    from pleio_core.jobs.model import JobBoard

    end, attempts = JobBoard.end, []

    def end_meanwhile_written(board, job, *args):
        attempts.append(job.state)
        if len(attempts) == 1:
            with db.transaction() as conn:  # another process's write to the same job
                job_board(conn.root()[PLATFORM_KEY]).get("export", "kia").bytes = 1
        return end(board, job, *args)

    monkeypatch.setattr(JobBoard, "end", end_meanwhile_written)

    def run(registry, running):
        path = running.new_file(".zip")
        path.write_bytes(b"PK archive")
        return JobResult(path, "kia.zip", "application/zip")

    here = worker(db, {"export": _kind(run)})
    queue(db)
    assert here.run_one()
    assert attempts == [RUNNING, RUNNING] and stored(db).state == DONE  # tried twice
    with db.transaction() as conn:
        with job_board(conn.root()[PLATFORM_KEY]).get("export", "kia").result.open() as f:
            assert f.read() == b"PK archive"
    assert not list(Path(here._scratch()).glob("pleio-job-*"))  # no link left behind
