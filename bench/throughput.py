"""Requests/s of the Pleio deelsite pages against a bare Pyramid hello world.

Up to three waitress processes (4 threads each): the hello-world app, Pleio with its page
cache (the default) and Pleio with ``pleio.page_cache = false``. Each Pleio installation has
one deelsite, ``bench.localhost``, with the four modules enabled and one public wiki page of
1,000 words with 10 comments (``sites.add_content_page``). Every target is warmed up
and checked (200, and served from the page cache or not, as intended) before wrk loads it.

The signed-in target (``signed_in=True``) is the home page for a member of the deelsite,
on the default server: the account is made with the ``pleio`` command before that server
starts, the cookie comes from the real sign-in flow over HTTP (see ``signedin.py``), and the
page is checked to be the signed-in one before and after the load. On that server, the
sign-in itself is timed as well.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from load import run_wrk
from servers import Server, warm_up
from signedin import browser_cookie, check_signed_in_page, create_member, measure_sign_in
from sites import BENCH_HOST, CONTENT_PATH, add_content_page, write_site


@dataclass(frozen=True)
class Target:
    key: str
    server: str
    path: str
    host: str | None
    cache: str | None  # the X-Pleio-Cache header expected after warming up
    signed_in: bool = False  # with the cookies of a signed-in member


HELLO = Target("hello", "hello", "/", None, None)
ANONYMOUS = (
    Target("home", "pleio", "/", BENCH_HOST, "hit"),
    Target("wiki", "pleio", "/wiki/", BENCH_HOST, "hit"),
    Target("content", "pleio", CONTENT_PATH, BENCH_HOST, "hit"),
    Target("home_nocache", "pleio_nocache", "/", BENCH_HOST, None),
    Target("wiki_nocache", "pleio_nocache", "/wiki/", BENCH_HOST, None),
    Target("content_nocache", "pleio_nocache", CONTENT_PATH, BENCH_HOST, None),
)
SIGNED_IN = Target("home_signedin", "pleio", "/", BENCH_HOST, None, signed_in=True)

SERVER_SETTINGS = {"pleio": {}, "pleio_nocache": {"pleio.page_cache": "false"}}
PAGE_CACHE = {"hello": None, "pleio": True, "pleio_nocache": False}


def start_servers(tmp: Path, keys: list[str], member_of: str | None) -> tuple[dict, str | None]:
    """The servers ``keys`` (name to Server). With ``member_of`` (a server's key), the bench
    account is first made a member of that server's deelsite; its password hash is returned.
    """
    servers: dict[str, Server] = {}
    password_hash = None
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        for key in keys:
            if key == "hello":
                servers[key] = Server("hello", tmp / "hello.log")
                continue
            root = tmp / key
            write_site(root, "bench", BENCH_HOST)
            add_content_page(root, "bench")
            if key == member_of:
                password_hash = create_member(root, "bench")
            settings = SERVER_SETTINGS[key]
            servers[key] = Server("pleio", tmp / f"{key}.log", root=root, settings=settings)
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers, password_hash


def check(
    target: Target, server: Server, headers: dict[str, str] | None = None, after: bool = False
) -> dict[str, str]:
    """Warm up and check ``target``; the last answer's headers.

    A signed-in page must be the member's page. Before the load it must set no cookie; after
    the load a reissued sign-in cookie is allowed (the sign-in cookie's ``reissue_time`` is
    10 minutes, which a long run can pass), and reported.
    """
    host = target.host or f"127.0.0.1:{server.port}"
    seen, body = warm_up(server, target.path, host, headers=headers)
    if target.signed_in:
        what = f"{target.key} {host}{target.path}" + (" after the load" if after else "")
        check_signed_in_page(200, seen, body.decode(), what, new_cookie=after)
    cache = seen.get("X-Pleio-Cache")
    if cache != target.cache:
        raise RuntimeError(f"{target.key}: X-Pleio-Cache is {cache!r}, expected {target.cache!r}")
    return seen


def run_throughput(
    tmp: Path,
    duration: str,
    rounds: int,
    anonymous: bool = True,
    signed_in: bool = True,
    sign_ins: int = 20,
) -> dict:
    """wrk each target ``rounds`` times (interleaved); per target the median requests/s.

    Hello world always; the anonymous pages if ``anonymous``; the signed-in home page and
    the sign-in timings (``sign_ins`` of them) if ``signed_in``.
    """
    targets = [HELLO, *(ANONYMOUS if anonymous else ()), *((SIGNED_IN,) if signed_in else ())]
    keys = list(dict.fromkeys(t.server for t in targets))
    servers, password_hash = start_servers(tmp, keys, SIGNED_IN.server if signed_in else None)
    result: dict = {"targets": {}}
    headers: dict[str, dict[str, str]] = {}
    try:
        runs: dict[str, list[dict]] = {t.key: [] for t in targets}
        for target in targets:
            if target.signed_in:
                server = servers[target.server]
                cookie, result["signed_in_browser"] = browser_cookie(server, target.host)
                headers[target.key] = {"Cookie": cookie}
            check(target, servers[target.server], headers.get(target.key))
        if signed_in:
            # before the load, while the servers are idle
            server = servers[SIGNED_IN.server]
            result["signin"] = measure_sign_in(server, SIGNED_IN.host, password_hash, sign_ins)
        for _ in range(rounds):
            for target in targets:
                server = servers[target.server]
                url = server.url + target.path
                extra = headers.get(target.key)
                runs[target.key].append(run_wrk(url, target.host, duration, extra))
        for target in targets:
            if target.signed_in:  # still the signed-in page after the load
                seen = check(target, servers[target.server], headers[target.key], after=True)
                result["set_cookie_after_load"] = seen.get("Set-Cookie")
        memory = {key: server.memory_kb() for key, server in servers.items()}
        startup = {key: server.ready for key, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    result.update(runs=runs, memory_kb=memory, startup=startup)
    hello = statistics.median(r["requests_per_s"] for r in runs["hello"])
    for target in targets:
        rps = statistics.median(r["requests_per_s"] for r in runs[target.key])
        result["targets"][target.key] = {
            "path": target.path,
            "host": target.host,
            "page_cache": PAGE_CACHE[target.server],
            "signed_in": target.signed_in,
            "requests_per_s": rps,
            "ratio_to_hello": rps / hello,
            "ratio_per_round": [
                run["requests_per_s"] / base["requests_per_s"]
                for run, base in zip(runs[target.key], runs["hello"], strict=True)
            ],
            "errors": sum(r["non_2xx_3xx"] + r["socket_errors"] for r in runs[target.key]),
        }
    return result
