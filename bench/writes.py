"""Write throughput: likes, comments and page edits at 1, 8 and 32 concurrent clients.

    .venv/bin/python bench/writes.py [--duration 8] [--clients 1,8,32] [--keep]

One Pleio server process (``serve.py``: waitress, 4 threads, FileStorage) with the bench
deelsite and two public wiki pages: ``bench-page`` (1,000 words, 10 comments) and
``edit-page`` (one line per client: 40 paragraphs). ``--accounts`` members (default 200) are
made in the platform and the site database in one transaction each, before the server
starts; each client signs in with a cookie signed with the bench secret (what the sign-in
would set: ``<account id>.<epoch>``) and the double-submit CSRF cookie and token.

Each load runs ``--duration`` seconds with N client threads, each on its own kept-alive
connection, one request after the other:

* ``like``: ``POST /wiki/bench-page/@@like`` (the form), each request by the next of the
  client's accounts, liking or unliking (each a write);
* ``comment``: ``POST /wiki/bench-page/@@comment`` (the form), a new comment;
* ``edit``: ``PATCH /api/v1/content/wiki/edit-page`` with the client's own line changed and
  the serial of the last answer it had: edits saved in between are merged (409 only if
  they overlap, which these never do).

Per load: requests/s (all answers), the share of 5xx, the 4xx count, the median latency and
how many ``ConflictError`` tracebacks (a request that failed after its retries) and
retried conflicts (lines of the ``pleio.conflicts`` logger, where there is one) the server
wrote, with the classes of the objects that conflicted. Everything goes to
``bench/results/writes.json``; docs/performance.md says what the figures were.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from servers import Server, warm_up
from sites import BENCH_HOST, CONTENT_PATH, SECRET, add_content_page, write_ini, write_site

from pleio_core.services import CONTENT_TYPES

HERE = Path(__file__).resolve().parent
EDIT_PATH = "/wiki/edit-page/"
EDIT_API = "/api/v1/content/wiki/edit-page"
PARAGRAPHS = 40
AUTH_COOKIE, CSRF_COOKIE = "pleio_auth", "pleio_csrf"
KINDS = ("like", "comment", "edit")


def edit_line(n: int, text: str = "as first written") -> str:
    return f"Paragraph {n}: {text}."


def add_edit_page(root: Path, site: str) -> None:
    """A public wiki page with one paragraph per line (blank lines between)."""
    from pleio_core.cli.context import load_platform
    from pleio_core.content import ContentAdded

    platform = load_platform(str(write_ini(root)))
    content_type = CONTENT_TYPES(platform.registry)["page"]

    def change(site_root) -> None:
        page = content_type.factory("Edit page")
        page.set_body("\n\n".join(edit_line(n) for n in range(PARAGRAPHS)) + "\n")
        page.access = "public"
        site_root["wiki"].add("edit-page", page)
        platform.registry.notify(ContentAdded(page))

    platform.edit_site(platform.sites.get(site), change)


def make_members(root: Path, site: str, count: int, role: str = "member") -> list[str]:
    """``count`` accounts (no password: they sign in by cookie), members of ``site``;
    their ids. One transaction in each database, so 200 take well under a second."""
    from pleio_core.cli.context import load_platform
    from pleio_core.security.membership import site_members
    from pleio_core.security.store import accounts_of

    platform = load_platform(str(write_ini(root)))

    def accounts(platform_root) -> list[str]:
        made = []
        for n in range(count):
            account = accounts_of(platform_root, create=True).add(
                f"writer{n}@example.nl", f"Writer {n}"
            )
            account.email_verified = True
            made.append(account.id)
        return made

    ids = platform.edit_platform(accounts)

    def members(site_root) -> None:
        for account_id in ids:
            site_members(site_root, create=True).set_role(account_id, role)

    platform.edit_site(platform.sites.get(site), members)
    return ids


def signed_cookie(account_id: str, epoch: int = 0) -> str:
    """The sign-in cookie the server would set for this account (``PleioSecurityPolicy``)."""
    from pyramid.authentication import AuthTicket

    ticket = AuthTicket(SECRET, f"{account_id}.{epoch}", "0.0.0.0", hashalg="sha512")
    return ticket.cookie_value()


class Client:
    """One writer: a kept-alive connection, its accounts, its cookies and CSRF token."""

    def __init__(self, server: Server, number: int, accounts: list[str]) -> None:
        self.server, self.number, self.accounts = server, number, accounts
        self.conn = server.connection()
        self.csrf = secrets.token_hex(20)
        self.turn = 0
        self.liked: dict[str, bool] = {}
        self.edits = 0
        self.serial: int | None = None
        self.body = ""

    def send(self, method: str, path: str, account: str, body: bytes | None, kind: str) -> tuple:
        cookie = f"{AUTH_COOKIE}={signed_cookie(account)}; {CSRF_COOKIE}={self.csrf}"
        headers = {"Host": BENCH_HOST, "Cookie": cookie, "X-CSRF-Token": self.csrf}
        if body is not None:
            headers["Content-Type"] = kind
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = self.server.connection()
            return 599, b""
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = self.server.connection()
        return response.status, data

    def form(self, path: str, account: str, fields: dict[str, str]) -> int:
        body = urlencode({**fields, "csrf_token": self.csrf}).encode()
        return self.send("POST", path, account, body, "application/x-www-form-urlencoded")[0]

    def next_account(self) -> str:
        account = self.accounts[self.turn % len(self.accounts)]
        self.turn += 1
        return account

    def like(self) -> int:
        account = self.next_account()
        liked = not self.liked.get(account, False)
        status = self.form(f"{CONTENT_PATH}@@like", account, {"liked": "1" if liked else "0"})
        if status < 400:
            self.liked[account] = liked
        return status

    def comment(self) -> int:
        text = f"Comment {self.turn} by client {self.number}"
        return self.form(f"{CONTENT_PATH}@@comment", self.next_account(), {"text": text})

    def edit(self) -> int:
        account = self.accounts[0]
        if self.serial is None:
            status, data = self.send("GET", EDIT_API, account, None, "")
            if status != 200:
                return status
            self._keep(data)
        self.edits += 1
        mine = edit_line(self.number, f"edit {self.edits} by client {self.number}")
        lines = self.body.split("\n")
        lines[2 * self.number] = mine  # paragraph n is line 2n
        body = json.dumps({"serial": self.serial, "body": "\n".join(lines)}).encode()
        status, data = self.send("PATCH", EDIT_API, account, body, "application/json")
        if status == 200:
            self._keep(data)
        else:
            self.serial = None  # start again from what is saved now
        return status

    def _keep(self, data: bytes) -> None:
        answer = json.loads(data)
        self.serial, self.body = answer["serial"], answer["body"]

    def close(self) -> None:
        self.conn.close()


def run_load(server: Server, kind: str, clients: int, accounts: list[str], seconds: float):
    """``clients`` threads doing ``kind`` for ``seconds``; statuses and latencies."""
    statuses: collections.Counter[int] = collections.Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline: list[float] = []

    def work(number: int) -> None:
        mine = accounts[number::clients]
        client = Client(server, number, mine)
        act = getattr(client, kind)
        seen, took = collections.Counter(), []
        start.wait()
        try:
            while time.perf_counter() < deadline[0]:
                began = time.perf_counter()
                seen[act()] += 1
                took.append(time.perf_counter() - began)
        finally:
            client.close()
            with lock:
                statuses.update(seen)
                latencies.extend(took)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline.append(began + seconds)
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    total = sum(statuses.values())
    errors = sum(n for status, n in statuses.items() if status >= 500)
    return {
        "kind": kind,
        "clients": clients,
        "seconds": elapsed,
        "requests": total,
        "requests_per_s": total / elapsed,
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "share_5xx": errors / total if total else 0.0,
        "count_4xx": sum(n for status, n in statuses.items() if 400 <= status < 500),
        "latency_median_ms": statistics.median(latencies) * 1000 if latencies else None,
    }


CONFLICT = re.compile(r"ConflictError: database conflict error \(oid (0x[0-9a-f]+), class ([\w.]+)")
RETRIED = re.compile(r"pleio\.conflicts.*?retry.*?oid (0x[0-9a-f]+).*?class ([\w.]+)")


def conflicts_in(log_text: str) -> dict:
    """What the server log says conflicted: failed requests and retried ones, by class."""
    failed = collections.Counter(m.group(2) for m in CONFLICT.finditer(log_text))
    retried = collections.Counter(m.group(2) for m in RETRIED.finditer(log_text))
    return {
        "failed_requests": log_text.count("Exception while serving"),
        "conflict_tracebacks_by_class": dict(failed.most_common()),
        "retried_conflicts_by_class": dict(retried.most_common()),
    }


def git(*args: str) -> str:
    import subprocess

    done = subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True, text=True)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per load")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "writes.json")
    parser.add_argument("--keep", action="store_true", help="keep the installation and log")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.clients.split(",")]
    kinds = args.kinds.split(",")
    with Path("/proc/loadavg").open() as f:
        load_before = f.read().split()[:3]
    tmp = Path(tempfile.mkdtemp(prefix="pleio-writes-"))
    root = tmp / "pleio"
    root.mkdir()
    write_site(root, "bench", BENCH_HOST)
    add_content_page(root, "bench")
    add_edit_page(root, "bench")
    accounts = make_members(root, "bench", max(args.accounts, *levels))
    log = tmp / "server.log"
    server = Server("pleio", log, root=root)
    loads = []
    try:
        warm_up(server, CONTENT_PATH, BENCH_HOST, requests=5)
        for kind in kinds:
            for clients in levels:
                offset = log.stat().st_size
                result = run_load(server, kind, clients, accounts, args.duration)
                with log.open(errors="replace") as f:
                    f.seek(offset)
                    result["server_log"] = conflicts_in(f.read())
                loads.append(result)
                print(
                    f"{kind:8} {clients:3} clients: {result['requests_per_s']:7.1f} req/s, "
                    f"5xx {result['share_5xx']:6.1%}, 4xx {result['count_4xx']}, "
                    f"median {result['latency_median_ms']:.0f} ms  {result['server_log']}",
                    flush=True,
                )
    finally:
        server.stop()
    with Path("/proc/loadavg").open() as f:
        load_after = f.read().split()[:3]
    results = {
        "environment": {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "command": " ".join([os.path.relpath(sys.executable, HERE.parent), *sys.argv]),
            "git_commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_changes": git("status", "--porcelain", "pleio_core", "plugins") != "",
            "cpus": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": load_after,
        },
        "loads": loads,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.output}")
    if args.keep:
        print(f"installation and server log kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
