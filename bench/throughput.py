"""Requests/s of the Pleio deelsite pages against a bare Pyramid hello world.

Three waitress processes (4 threads each): the hello-world app, Pleio with its page cache
(the default) and Pleio with ``pleio.page_cache = false``. Each Pleio installation has one
deelsite, ``bench.localhost``, with the four modules enabled. Every target is warmed up and
checked (200, and served from the page cache or not, as intended) before wrk loads it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from load import run_wrk
from servers import Server, warm_up
from sites import BENCH_HOST, write_site


@dataclass(frozen=True)
class Target:
    key: str
    server: str
    path: str
    host: str | None
    cache: str | None  # the X-Pleio-Cache header expected after warming up


TARGETS = (
    Target("hello", "hello", "/", None, None),
    Target("home", "pleio", "/", BENCH_HOST, "hit"),
    Target("wiki", "pleio", "/wiki/", BENCH_HOST, "hit"),
    Target("home_nocache", "pleio_nocache", "/", BENCH_HOST, None),
    Target("wiki_nocache", "pleio_nocache", "/wiki/", BENCH_HOST, None),
)

PAGE_CACHE = {"hello": None, "pleio": True, "pleio_nocache": False}


def start_servers(tmp: Path) -> dict[str, Server]:
    servers: dict[str, Server] = {}
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        servers["hello"] = Server("hello", tmp / "hello.log")
        for key, settings in (("pleio", {}), ("pleio_nocache", {"pleio.page_cache": "false"})):
            root = tmp / key
            write_site(root, "bench", BENCH_HOST)
            servers[key] = Server("pleio", tmp / f"{key}.log", root=root, settings=settings)
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers


def check(target: Target, server: Server) -> None:
    headers = warm_up(server, target.path, target.host or f"127.0.0.1:{server.port}")
    seen = headers.get("X-Pleio-Cache")
    if seen != target.cache:
        raise RuntimeError(f"{target.key}: X-Pleio-Cache is {seen!r}, expected {target.cache!r}")


def run_throughput(tmp: Path, duration: str, rounds: int) -> dict:
    """wrk each target ``rounds`` times (interleaved); per target the median requests/s."""
    servers = start_servers(tmp)
    try:
        runs: dict[str, list[dict]] = {t.key: [] for t in TARGETS}
        for target in TARGETS:
            check(target, servers[target.server])
        for _ in range(rounds):
            for target in TARGETS:
                server = servers[target.server]
                runs[target.key].append(run_wrk(server.url + target.path, target.host, duration))
        memory = {key: server.memory_kb() for key, server in servers.items()}
        startup = {key: server.ready for key, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    result: dict = {"runs": runs, "memory_kb": memory, "startup": startup, "targets": {}}
    hello = statistics.median(r["requests_per_s"] for r in runs["hello"])
    for target in TARGETS:
        rps = statistics.median(r["requests_per_s"] for r in runs[target.key])
        result["targets"][target.key] = {
            "path": target.path,
            "host": target.host,
            "page_cache": PAGE_CACHE[target.server],
            "requests_per_s": rps,
            "ratio_to_hello": rps / hello,
            "ratio_per_round": [
                run["requests_per_s"] / base["requests_per_s"]
                for run, base in zip(runs[target.key], runs["hello"], strict=True)
            ],
            "errors": sum(r["non_2xx_3xx"] + r["socket_errors"] for r in runs[target.key]),
        }
    return result
