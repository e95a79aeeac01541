"""More than one process: throughput on RelStorage with one and two processes, against
FileStorage and a bare Pyramid hello world, and what the kill tests lost, in one run.

    .venv/bin/python bench/scale_out.py [--duration 5s] [--rounds 2] [--writes 8] [--keep]

Installations (each the bench deelsite with its four modules and the 1,000-word wiki page,
``sites.py``), each server a ``serve.py`` process (waitress, 4 threads):

* ``filestorage``: the default FileStorage, one process;
* ``relstorage``: every database in a throw-away PostgreSQL on loopback (the tests'
  ``PostgresServer``: ``fsync`` off, files in PostgreSQL with a local blob cache), served
  by one process and then by two.

For each: the anonymous home page (the default settings: the page cache on), the
signed-in member's home page (a real sign-in over HTTP, ``signedin.py``), each with
``wrk --latency`` at 8 connections in all (two processes: two wrk at once, 4 connections
each, their requests/s added), ``--rounds`` times interleaved, the median; and a write
throughput: ``--writes`` seconds of likes and unlikes (``POST @@like``, each a commit) from
8 client threads (``writes.Client``; with two processes the clients alternate between
them), the acknowledged writes per second, with the retried conflicts in the servers'
logs. Hello world is measured in the same rounds; every figure is also a ratio to it.

Then the kill tests of tests/test_durability.py (pytest, with ``PLEIO_DURABILITY_REPORT``):
the writes acknowledged while a process was killed and restarted, and how many of them were
lost or half there afterwards. Everything goes to ``bench/results/scale_out.json``;
docs/performance.md ("More than one process") says what the figures were.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from load import parse_wrk, wrk_command
from provenance import environment, loadavg
from servers import Server, warm_up
from signedin import browser_cookie, check_signed_in_page, create_member
from sites import BENCH_HOST, CONTENT_PATH, EXTRA_SETTINGS, add_content_page, write_site
from writes import Client, conflicts_in, make_members

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CONNECTIONS = 8
WRITERS = 8


def installation(root: Path, settings: dict[str, str]) -> list[str]:
    """The bench site, its content, a signed-in member and the writers' accounts; the
    writers' account ids."""
    root.mkdir(parents=True)
    (root / EXTRA_SETTINGS).write_text(json.dumps(settings))
    write_site(root, "bench", BENCH_HOST)
    add_content_page(root, "bench")
    create_member(root, "bench")
    return make_members(root, "bench", 200)


def relstorage_settings(postgres, tmp: Path) -> dict[str, str]:
    cache = tmp / "blobcache"

    def uri(name: str, blobs: str) -> str:
        return f"{postgres.uri(name)}?blob_dir={cache}/{blobs}&shared_blob_dir=false"

    return {
        "pleio.storage_uri": uri("bench_{site}", "{site}"),
        "pleio.platform_storage_uri": uri("bench_platform", "platform"),
    }


def wrk_at_once(servers: list[Server], path: str, host: str, duration: str, headers: dict) -> dict:
    """wrk against every server at the same moment, the connections shared out; the
    requests/s added up, the errors too, and each wrk's own report."""
    each = CONNECTIONS // len(servers)
    commands = [
        wrk_command(server.url + path, host, duration, connections=each, headers=headers)
        for server in servers
    ]
    running = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]
    reports = [parse_wrk(p.communicate()[0]) for p in running]
    return {
        "requests_per_s": sum(r["requests_per_s"] for r in reports),
        "errors": sum(r["non_2xx_3xx"] + r["socket_errors"] for r in reports),
        "latency_p50_ms": statistics.median(r["latency_p50_ms"] for r in reports),
        "each": reports,
        "commands": [shlex.join(c) for c in commands],
    }


def write_load(servers: list[Server], accounts: list[str], seconds: float) -> dict:
    """``WRITERS`` threads liking and unliking the bench page for ``seconds``, client n on
    server n mod the number of servers; acknowledged writes per second."""
    statuses: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()
    offsets = [server.log.stat().st_size for server in servers]
    deadline = time.perf_counter() + seconds

    def work(number: int) -> None:
        client = Client(servers[number % len(servers)], number, accounts[number::WRITERS])
        seen: collections.Counter[int] = collections.Counter()
        try:
            while time.perf_counter() < deadline:
                seen[client.like()] += 1
        finally:
            client.close()
            with lock:
                statuses.update(seen)

    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    logs = []
    for server, offset in zip(servers, offsets, strict=True):
        with server.log.open(errors="replace") as f:
            f.seek(offset)
            logs.append(conflicts_in(f.read()))
    acknowledged = sum(n for status, n in statuses.items() if 200 <= status < 400)
    return {
        "seconds": elapsed,
        "acknowledged_per_s": acknowledged / elapsed,
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "count_5xx": sum(n for status, n in statuses.items() if status >= 500),
        "retried_conflicts": sum(sum(log["retried_conflicts_by_class"].values()) for log in logs),
        "server_logs": logs,
    }


class Setup:
    """One storage's servers (started by ``start``), its member cookie and writers."""

    def __init__(self, name: str, root: Path, tmp: Path, accounts: list[str]) -> None:
        self.name, self.root, self.tmp, self.accounts = name, root, tmp, accounts
        self.servers: list[Server] = []
        self.cookie = ""
        self.page_cache: str | None = None

    def start(self, count: int) -> None:
        self.stop()
        for n in range(count):
            self.servers.append(
                Server("pleio", self.tmp / f"{self.name}-{count}-{n}.log", root=self.root)
            )
        for server in self.servers:
            seen, _body = warm_up(server, "/", BENCH_HOST, requests=20)
            self.page_cache = seen.get("X-Pleio-Cache")  # hit: the anonymous page is cached
            warm_up(server, CONTENT_PATH, BENCH_HOST, requests=5)
        self.cookie, _ = browser_cookie(self.servers[0], BENCH_HOST)
        for server in self.servers:  # the one cookie is good on every process
            seen, body = warm_up(server, "/", BENCH_HOST, requests=20, headers=self.headers)
            check_signed_in_page(200, seen, body.decode(), f"{self.name} signed-in home")

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie}

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers = []


def measure_pages(setups: dict, hello: Server, duration: str, rounds: int) -> dict:
    """Every (setup, processes) configuration's two pages and hello world, ``rounds`` times
    interleaved; the medians and ratios."""
    configs = [("filestorage", 1), ("relstorage", 1), ("relstorage", 2)]
    runs: dict[str, list[dict]] = collections.defaultdict(list)
    for _ in range(rounds):
        for name, count in configs:
            setup = setups[name]
            setup.start(count)
            try:
                key = f"{name}_{count}"
                runs["hello"].append(wrk_at_once([hello], "/", "", duration, {}))
                anonymous = wrk_at_once(setup.servers, "/", BENCH_HOST, duration, {})
                runs[f"{key}_anonymous"].append({**anonymous, "page_cache": setup.page_cache})
                runs[f"{key}_signed_in"].append(
                    wrk_at_once(setup.servers, "/", BENCH_HOST, duration, setup.headers)
                )
            finally:
                setup.stop()
    hello_rps = statistics.median(r["requests_per_s"] for r in runs["hello"])
    return {
        key: {
            "requests_per_s": (rps := statistics.median(r["requests_per_s"] for r in found)),
            "ratio_to_hello": rps / hello_rps,
            "errors": sum(r["errors"] for r in found),
            "runs": found,
        }
        for key, found in runs.items()
    }


def measure_writes(setups: dict, seconds: float) -> dict:
    result = {}
    for name, count in (("filestorage", 1), ("relstorage", 1), ("relstorage", 2)):
        setup = setups[name]
        setup.start(count)
        try:
            result[f"{name}_{count}"] = write_load(setup.servers, setup.accounts, seconds)
        finally:
            setup.stop()
    return result


def kill_tests(tmp: Path) -> dict:
    """tests/test_durability.py's two kill tests, with their figures written to ``tmp``."""
    reports = tmp / "durability"
    reports.mkdir()
    cmd = [
        str(Path(sys.executable).with_name("pytest")), "-q", "-n", "0", "-p", "no:cacheprovider",
        "tests/test_durability.py", "-k", "killed or fstest", "--basetemp", str(tmp / "pytest"),
    ]  # fmt: skip
    done = subprocess.run(
        cmd, cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "PLEIO_DURABILITY_REPORT": str(reports)},
    )  # fmt: skip
    found = {p.stem: json.loads(p.read_text()) for p in sorted(reports.glob("*.json"))}
    tail = done.stdout.strip().splitlines()[-1:] if done.stdout.strip() else []
    return {"command": shlex.join(cmd), "exit_status": done.returncode, "summary": tail, **found}


def print_table(results: dict) -> None:
    pages, writes = results["pages"], results["writes"]
    hello = pages["hello"]["requests_per_s"]
    print(f"\n{'':44} {'req/s':>8} {'ratio':>6}")
    print(f"{'hello world':44} {hello:8.0f} {1:6.2f}")
    for key, label in (
        ("filestorage_1", "FileStorage, 1 process"),
        ("relstorage_1", "RelStorage, 1 process"),
        ("relstorage_2", "RelStorage, 2 processes"),
    ):
        for page in ("anonymous", "signed_in"):
            found = pages[f"{key}_{page}"]
            errors = f"  ({found['errors']} errors)" if found["errors"] else ""
            cache = found["runs"][0].get("page_cache")
            errors += f"  (page cache: {cache})" if page == "anonymous" else ""
            print(
                f"{label + ', ' + page.replace('_', '-') + ' home':44} "
                f"{found['requests_per_s']:8.0f} {found['ratio_to_hello']:6.3f}{errors}"
            )
        write = writes[key]
        print(
            f"{label + ', likes acknowledged/s':44} {write['acknowledged_per_s']:8.1f} "
            f"{write['acknowledged_per_s'] / hello:6.4f}  "
            f"(5xx {write['count_5xx']}, {write['retried_conflicts']} retried conflicts)"
        )
    for name in ("postgresql", "filestorage"):
        kill = results["kill"].get(name)
        if kill:
            print(
                f"kill test, {kill['storage']}: {kill['acknowledged_total']} writes acknowledged, "
                f"{kill['in_flight_at_the_kill']} in flight at the kill, "
                f"{kill['lost_or_half_written']} lost or half written, "
                f"{kill['server_errors']} 5xx"
            )
    if results["kill"]:
        print(f"kill tests: {' '.join(results['kill']['summary'])}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="5s", help="wrk -d per page (default 5s)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every page (median)")
    parser.add_argument("--writes", type=float, default=8.0, help="seconds of each write load")
    parser.add_argument("--no-kill", action="store_true", help="leave out the kill tests")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "scale_out.json")
    parser.add_argument("--keep", action="store_true", help="keep the installations and logs")
    args = parser.parse_args(argv)
    from pleio_core.testing.postgres import PostgresServer

    run = environment("bench/scale_out.py", argv or sys.argv[1:])
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pleio-scale-out-"))
    postgres = PostgresServer(Path(tempfile.mkdtemp(prefix="pleio-scale-out-pg-")))
    hello = Server("hello", tmp / "hello.log")
    results: dict = {}
    try:
        setups = {
            "filestorage": Setup("filestorage", tmp / "fs", tmp, installation(tmp / "fs", {})),
            "relstorage": Setup(
                "relstorage", tmp / "pg", tmp,
                installation(tmp / "pg", relstorage_settings(postgres, tmp)),
            ),
        }  # fmt: skip
        print(f"pages: wrk -c{CONNECTIONS} -d{args.duration} x {args.rounds} ...", flush=True)
        results["pages"] = measure_pages(setups, hello, args.duration, args.rounds)
        print(f"writes: {WRITERS} clients x {args.writes:g} s ...", flush=True)
        results["writes"] = measure_writes(setups, args.writes)
        print("kill tests ...", flush=True)
        results["kill"] = {} if args.no_kill else kill_tests(tmp)
    except Exception:
        print(f"failed; logs are in {tmp}", file=sys.stderr)
        args.keep = True
        raise
    finally:
        hello.stop()
        postgres.stop()
        shutil.rmtree(postgres.base, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    results["environment"] = {
        **run,
        "loadavg_after": loadavg(),
        "elapsed_s": time.perf_counter() - started,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nwritten to {args.output}" + (f"; logs in {tmp}" if args.keep else ""))


if __name__ == "__main__":
    main()
