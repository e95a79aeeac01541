"""Several processes behind a proxy, as an operator runs them: HAProxy in front of two real
``pserve`` processes on one RelStorage (PostgreSQL) or one ZEO server.

Any process serves any request with the same cookie; a rolling restart under a steady load
of reads and writes fails no request; a process stopped during a slow request finishes it;
the sign-in throttle counts the failures of both processes together.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from pleio_core.testing import make_token, sign_in_client, wait_for
from pleio_core.testing.processes import HAProxy, ServerProcess
from pleio_core.testing.server import free_port

SITE = "kia.localhost"
#: Long enough for the proxy's checks (every 200 ms, two failures take a process out).
DRAIN = "1.5"


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    port: int,
    method: str,
    path: str,
    host: str = SITE,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> Answer:
    """One request on a connection of its own (as many clients do): its answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


# -- the set-ups -------------------------------------------------------------------------------


class ZEOServer:
    """ZEO's own server (``runzeo``) on a loopback port with a FileStorage per database."""

    def __init__(self, base: Path, names: list[str]) -> None:
        self.base = base
        self.port = free_port()
        parts = [f"<zeo>\n  address 127.0.0.1:{self.port}\n</zeo>"]
        for name in names:
            folder = base / name
            folder.mkdir(parents=True)
            parts.append(
                f"<filestorage {name}>\n  path {folder / 'Data.fs'}\n"
                f"  blob-dir {folder / 'blobs'}\n</filestorage>"
            )
        self.config = base / "zeo.conf"
        self.config.write_text("\n".join(parts) + "\n")
        self.log = base / "zeo.log"
        out = self.log.open("ab")
        runzeo = str(Path(sys.executable).with_name("runzeo"))
        self.process = subprocess.Popen(
            [runzeo, "-C", str(self.config)], stdout=out, stderr=subprocess.STDOUT
        )
        out.close()
        wait_for(self._listens, timeout=30)

    def _listens(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"runzeo exited:\n{self.log.read_text()}", pytrace=False)
        try:
            http.client.HTTPConnection("127.0.0.1", self.port, timeout=1).connect()
        except OSError:
            return False
        return True

    def uri(self, name: str) -> str:
        blobs = self.base / name / "blobs"
        return f"zeo://127.0.0.1:{self.port}?storage={name}&blob_dir={blobs}&shared_blob_dir=true"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


@pytest.fixture(params=["relstorage", "zeo"])
def storage(request, pleio_setup, tmp_path) -> Iterator[str]:
    """The set-up's sites and platform database on PostgreSQL or on a ZEO server."""
    if request.param == "relstorage":
        postgres = request.getfixturevalue("postgres_server")
        database = f"scale_{abs(hash(request.node.name)) % 10**8}"
        pleio_setup.settings["pleio.storage_uri"] = postgres.uri(database + "_{site}")
        pleio_setup.settings["pleio.platform_storage_uri"] = postgres.uri(database + "_platform")
        yield request.param
        return
    # ZEO's own server serves the storages it was configured with: "later" for the site
    # a test adds (a request to a site without one waits for it, up to ZEO's wait_timeout)
    zeo = ZEOServer(tmp_path / "zeo", ["kia", "later", "platform"])
    pleio_setup.settings["pleio.storage_uri"] = zeo.uri("kia").replace("=kia", "={site}")
    pleio_setup.settings["pleio.platform_storage_uri"] = zeo.uri("platform")
    try:
        yield request.param
    finally:
        zeo.stop()


@pytest.fixture
def cluster(storage, pleio_setup, server_processes, tmp_path):
    """A site with the wiki, an editor with an API token, two processes, HAProxy in front."""
    pleio_setup.write_site("kia", modules=("wiki",), access="public")
    pleio_setup.create_account("anne@example.nl", kia="editor")
    app = pleio_setup.make_app()  # the operator's own process on the same storage
    token = make_token(sign_in_client(pleio_setup, app, "anne@example.nl", SITE), "kia")
    pleio_setup.close()
    one = server_processes("one", test_delays=True, drain_seconds=DRAIN)
    two = server_processes("two", test_delays=True, drain_seconds=DRAIN)
    with HAProxy(tmp_path, {"one": one, "two": two}) as proxy:
        yield proxy, {"one": one, "two": two}, token


def add_page(port: int, token: str, title: str) -> Answer:
    body = {"type": "page", "title": title, "access": "public", "body": f"About {title}"}
    return call(
        port,
        "POST",
        "/api/v1/content/wiki",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=json.dumps(body).encode(),
    )


def restart(proxy: HAProxy, name: str, process: ServerProcess, t0: float) -> float:
    """SIGTERM, wait for exit 0, start again, wait until the proxy sends it requests; the
    seconds the process took to stop."""
    began = time.monotonic()
    print(f"{began - t0:.2f} s: stopping {name}")
    assert process.stop(timeout=60) == 0, process.log_text()
    stopped = time.monotonic() - began
    print(f"{time.monotonic() - t0:.2f} s: {name} stopped; starting")
    process.start()
    print(f"{time.monotonic() - t0:.2f} s: {name} answers")
    proxy.wait_for(name, "UP")
    print(f"{time.monotonic() - t0:.2f} s: {name} is UP")
    return stopped


# -- the tests ---------------------------------------------------------------------------------


def test_any_process_serves_any_request_with_the_same_cookie(cluster) -> None:
    proxy, processes, _token = cluster
    one, two = processes["one"], processes["two"]
    login = call(one.port, "GET", "/login", host="localhost")
    cookie = login.headers["Set-Cookie"].split(";", 1)[0]
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', login.body).group(1).decode()
    form = {"csrf_token": csrf, "email": "anne@example.nl", "password": "correct horse battery"}
    signed = call(
        two.port,  # the form from one process, posted to the other
        "POST",
        "/login",
        host="localhost",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(form).encode(),
    )
    assert signed.status == 303, signed.body[:500]
    auth = [v.split(";", 1)[0] for k, v in signed.headers.items() if k == "Set-Cookie"]
    cookies = "; ".join(c for c in auth if c.startswith("pleio_auth"))
    assert cookies, signed.headers
    for port in (one.port, two.port, proxy.port, proxy.port):
        account = call(port, "GET", "/account", host="localhost", headers={"Cookie": cookies})
        assert account.status == 200 and b"anne@example.nl" in account.body


def test_a_rolling_restart_under_load_fails_no_request(cluster) -> None:
    proxy, processes, token = cluster
    results: list[tuple[str, int | str]] = []
    made: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                if i % 3:
                    answer = call(proxy.port, "GET", "/" if i % 2 else "/wiki/")
                    outcome: int | str = answer.status
                else:
                    answer = add_page(proxy.port, token, f"Client {n} page {i}")
                    outcome = answer.status
                    if answer.status == 201:
                        with lock:
                            made.append(answer.json()["path"])
                if outcome not in (200, 201):
                    outcome = f"{outcome} at {time.monotonic() - t0:.2f} s: {answer.body[:200]!r}"
            except OSError as exc:
                outcome = repr(exc)
            with lock:
                results.append(("write" if not i % 3 else "read", outcome))
            time.sleep(0.02)  # a steady load, not one that takes every core

    t0 = time.monotonic()
    clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(1)
        stopping = [restart(proxy, name, process, t0) for name, process in processes.items()]
        time.sleep(1)
    finally:
        stop.set()
        for thread in clients:
            thread.join(60)
    failed = [r for r in results if r[1] not in (200, 201)]
    writes = sum(1 for kind, _ in results if kind == "write")
    print(
        f"\nrolling restart: {len(results)} requests ({writes} writes), {len(failed)} failed; "
        f"stops took {', '.join(f'{s:.1f}' for s in stopping)} s"
    )
    tracebacks = [
        f"{name}: {log[log.index('Traceback') :][:3000]}"
        for name, process in processes.items()
        if "Traceback" in (log := process.log_text())
    ]  # what a failed request's 500 came from, kept in the report
    assert not failed, (failed[:5], tracebacks)
    assert writes >= 10 and len(results) >= 50
    for path in made:  # every acknowledged write is there, on either process
        assert call(proxy.port, "GET", f"/api/v1/content/{path}").status == 200, path
    for name, process in processes.items():
        assert process.starts == 2, name
        assert "databases closed" in process.log_text()


def test_a_slow_request_finishes_when_its_process_is_stopped(cluster) -> None:
    proxy, processes, _token = cluster
    one = processes["one"]
    answer: list[Answer] = []
    slow = threading.Thread(
        target=lambda: answer.append(call(one.port, "GET", "/", headers={"X-Test-Delay": "3"}))
    )
    slow.start()
    time.sleep(0.5)  # it is in the application now
    began = time.monotonic()
    one.signal(signal.SIGTERM)
    # at once: not ready, still alive and serving; the proxy takes it out
    wait_for(lambda: call(one.port, "GET", "/_ready").status == 503, timeout=1)
    assert call(one.port, "GET", "/_ready").json() == {"status": "draining"}
    assert call(one.port, "GET", "/_health").status == 200
    proxy.wait_for("one", "DOWN", timeout=2)
    assert call(proxy.port, "GET", "/").status == 200  # the other one serves
    assert one.wait(timeout=30) == 0, one.log_text()
    slow.join(10)
    assert answer and answer[0].status == 200, one.log_text()
    assert time.monotonic() - began >= 2.5  # it waited for the slow request (3 s)
    with pytest.raises(OSError):
        call(one.port, "GET", "/_ready", timeout=2)  # stopped: nothing listens


def test_the_sign_in_throttle_counts_across_processes(cluster) -> None:
    _proxy, processes, _token = cluster
    one, two = processes["one"], processes["two"]

    def attempt(process: ServerProcess, password: str) -> int:
        login = call(process.port, "GET", "/login", host="localhost")
        cookie = login.headers["Set-Cookie"].split(";", 1)[0]
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', login.body).group(1).decode()
        form = {"csrf_token": csrf, "email": "anne@example.nl", "password": password}
        return call(
            process.port,
            "POST",
            "/login",
            host="localhost",
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            body=urlencode(form).encode(),
        ).status

    for i in range(5):  # five failures, alternating between the processes
        assert attempt(one if i % 2 else two, f"wrong password {i}") == 400
    # the sixth try is refused by either, even with the right password
    assert attempt(one, "correct horse battery") == 429
    assert attempt(two, "correct horse battery") == 429
    # and a restart forgets nothing
    one.stop()
    one.start()
    assert attempt(one, "correct horse battery") == 429


def test_what_one_process_commits_the_other_shows_at_once(cluster, pleio_setup) -> None:
    """What each process keeps (docs/architecture.md) is never stale: a wiki page rendered
    and kept by one process is rendered again once the other changed it; a new site file is
    seen by both within the check interval."""
    _proxy, processes, token = cluster
    one, two = processes["one"], processes["two"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    made = add_page(one.port, token, "Shared").json()
    page = "/" + made["path"] + "/"
    assert b"About Shared" in call(two.port, "GET", page).body  # rendered and kept by two
    assert b"About Shared" in call(two.port, "GET", page).body
    changed = call(
        one.port,
        "PATCH",
        f"/api/v1/content/{made['path']}",
        headers=auth,
        body=json.dumps({"serial": made["serial"], "body": "Changed by one"}).encode(),
    )
    assert changed.status == 200, changed.body
    shown = call(two.port, "GET", page).body
    assert b"Changed by one" in shown and b"About Shared" not in shown
    pleio_setup.write_site("later", hosts=["later.localhost"])
    for process in (one, two):
        wait_for(lambda p=process: call(p.port, "GET", "/", host="later.localhost").status == 200)


# -- readiness, in this process --------------------------------------------------------------


def test_ready_on_every_host_and_never_cached(pleio_setup) -> None:
    pleio_setup.write_site("kia")
    client = pleio_setup.client()
    for host in ("localhost", SITE, "unknown.example"):
        ready = client.get("/_ready", host=host)
        assert ready.json == {"status": "ready"} and ready.cache_control.no_store
    draining = client.get("/_ready", extra_environ={"pleio.server_state": "draining"}, status=503)
    assert draining.json == {"status": "draining"}
    assert (
        client.get("/_health", extra_environ={"pleio.server_state": "draining"}).status == "200 OK"
    )
    client.post("/_ready", status=405)


def test_ready_is_503_while_the_platform_database_does_not_answer(pleio_setup, tmp_path) -> None:
    zeo = ZEOServer(tmp_path / "zeo", ["kia", "platform"])
    pleio_setup.settings["pleio.storage_uri"] = zeo.uri("kia").replace("=kia", "={site}")
    pleio_setup.settings["pleio.platform_storage_uri"] = zeo.uri("platform")
    try:
        client = pleio_setup.client()
        assert client.get("/_ready").json == {"status": "ready"}
    finally:
        zeo.stop()
    wait_for(lambda: client.get("/_ready", expect_errors=True).status_int == 503, timeout=10)
    answer = client.get("/_ready", status=503).json
    assert answer == {"status": "unavailable", "reason": "the platform database is not connected"}
    assert client.get("/_health").json == {"status": "ok"}  # alive: a restart would not help


# -- what each process does on its own must hold with several --------------------------------

RACE = """
import sys, time
from pleio_core.storage.postgres import ensure_postgres_database
start = float(sys.argv[2])
while time.time() < start:
    pass
ensure_postgres_database(sys.argv[1])
"""


def test_processes_that_create_one_new_database_at_once_all_succeed(postgres_server) -> None:
    """Two processes opening a new site (or starting on a new platform database) at once:
    both find it missing, both create it; the one that loses must not fail."""
    for n in range(3):
        uri = postgres_server.uri(f"race_{n}_{time.time_ns()}")
        start = time.time() + 2  # after every interpreter has started
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", RACE, uri, str(start)], stderr=subprocess.PIPE, text=True
            )
            for _ in range(4)
        ]
        errors = [racer.communicate(timeout=60)[1] for racer in racers]
        assert [racer.returncode for racer in racers] == [0] * 4, "\n".join(errors)


# -- the example configurations ----------------------------------------------------------------

DOCS = Path(__file__).parents[1] / "docs" / "deploy"


def test_the_example_haproxy_config_is_valid_and_checks_as_the_tests_do(tmp_path) -> None:
    """docs/deploy/haproxy.cfg: what HAProxy accepts (with a certificate made here), with the
    readiness check, retries and redispatch of the set-up the tests above run."""
    from pleio_core.testing.processes import HAPROXY_CONFIG

    example = (DOCS / "haproxy.cfg").read_text()
    tested = [line.strip() for line in HAPROXY_CONFIG.splitlines()]
    for directive in (
        "retries 3",
        "option redispatch 1",
        "retry-on conn-failure empty-response",
        "timeout check 2s",
        "option httpchk",
        "http-check expect status 200",
    ):
        assert directive in tested and directive in example, directive
    assert "http-check send meth GET uri /_ready ver HTTP/1.1 hdr Host" in example
    assert "fall 2 rise 2" in example
    pem = tmp_path / "site.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=pleio.example.nl", "-keyout", str(pem), "-out", str(pem)],
        check=True, capture_output=True,
    )  # fmt: skip
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        example.replace("/etc/haproxy/certs/", str(pem)).replace(
            "/run/haproxy/admin.sock", str(tmp_path / "admin.sock")
        )
    )
    checked = subprocess.run(
        ["haproxy", "-c", "-f", str(config)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_account_summaries_ask_a_shared_platform_database_safely(postgres_server) -> None:
    """On RelStorage the database's own storage object is shared by every thread of the
    process, and asking it for the last transaction used one cursor for all of them
    ("prepared statement … does not exist": a 500 in the rolling restart above)."""
    from pleio_core.security.policy import AccountSummaries
    from pleio_core.storage import open_platform_database

    db = open_platform_database(postgres_server.uri(f"summaries_{time.time_ns()}"))
    summaries = AccountSummaries(sees_every_commit=False)
    summaries.use(db)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        for _ in range(200):
            try:
                summaries.names_stamp()
                conn = db.open()  # what the requests beside do
                conn.root()
                conn.close()
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.close()
    assert not errors, errors[:3]
