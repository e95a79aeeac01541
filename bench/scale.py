"""Many deelsites in one process: start-up time, first requests to cold sites, memory.

With ``count`` site files (all four modules each) and ``pleio.max_open_sites = 64``:

* start-up: ``make_configurator(...).make_wsgi_app()`` in a fresh ``serve.py`` process,
  repeated; the median is the figure;
* cold: one GET of ``/`` on each site in turn, over one kept-alive HTTP connection, timed at
  the client. Each is the first request the site ever gets: it opens (creates) the site's
  FileStorage and blob directory, creates its SiteRoot and module folders, commits, and
  renders the home page;
* memory: VmRSS of the serving process after all those requests (and its peak, VmHWM);
* reopen: up to ``reopen`` of the first sites again, only those the LRU has closed by then
  (the first ``count - 64``), so each request reopens an existing FileStorage; the page
  cache entries of a site are dropped when its database is closed.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from servers import Server, get
from sites import write_scale_sites


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "count": len(ms),
        "median_ms": statistics.median(ms),
        "p90_ms": statistics.quantiles(ms, n=10)[-1] if len(ms) > 1 else ms[0],
        "mean_ms": statistics.fmean(ms),
        "max_ms": ms[-1],
        "first_ms": seconds[0] * 1000,  # the process's first page: templates get compiled
    }


def first_requests(server: Server, names: list[str]) -> tuple[list[float], dict[str, int]]:
    """GET / on each site once; the client-side times and the X-Pleio-Cache values seen.

    Each answer must be a 200 rendered now (a page-cache miss), not a cached page.
    """
    times: list[float] = []
    cache: dict[str, int] = {}
    conn = server.connection()
    try:
        for name in names:
            start = time.perf_counter()
            status, headers, _body = get(conn, "/", f"{name}.localhost")
            times.append(time.perf_counter() - start)
            value = headers.get("X-Pleio-Cache", "none")
            if status != 200 or value != "miss":
                raise RuntimeError(f"site {name} answered {status}, X-Pleio-Cache {value}")
            cache[value] = cache.get(value, 0) + 1
    finally:
        conn.close()
    return times, cache


def health(server: Server) -> dict:
    conn = server.connection()
    try:
        status, _headers, body = get(conn, "/_health", "localhost")
    finally:
        conn.close()
    return json.loads(body) if status == 200 else {"status": status}


def run_scale(
    root: Path, logs: Path, count: int, startup_repeats: int, reopen: int, max_open: int = 64
) -> dict:
    started = time.perf_counter()
    names = write_scale_sites(root, count)
    result: dict = {"sites": count, "max_open_sites": max_open}
    result["write_site_files_s"] = time.perf_counter() - started
    settings = {"pleio.max_open_sites": str(max_open)}

    starts: list[dict] = []
    server = None
    for attempt in range(startup_repeats):
        server = Server("pleio", logs / "scale.log", root=root, settings=settings)
        starts.append(server.ready)
        if attempt < startup_repeats - 1:
            server.stop()
    assert server is not None
    with server:
        result["startup_runs"] = starts
        result["startup"] = {
            key: statistics.median(s[key] for s in starts)
            for key in ("import_s", "build_s", "ready_s")
        }
        result["rss_after_startup_kb"] = server.ready["rss_kb"]

        times, cache = first_requests(server, names)
        result["cold"] = {**summary_ms(times), "cache_header": cache}
        result["memory_after_cold_kb"] = server.memory_kb()
        result["databases_created"] = len(list((root / "var" / "sites").glob("*/Data.fs")))
        result["health_after_cold"] = health(server)

        closed = names[: max(0, min(reopen, count - max_open))]  # the least recently used
        if closed:
            times, cache = first_requests(server, closed)
            result["reopen"] = {**summary_ms(times), "cache_header": cache}
            result["memory_after_reopen_kb"] = server.memory_kb()
    result["elapsed_s"] = time.perf_counter() - started
    return result
