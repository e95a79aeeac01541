"""Pleio as an operator runs it: ``pserve`` in processes of its own, on loopback ports.

For the tests of more than one process (a proxy in front, a process killed mid-load, a
rolling restart): each ``ServerProcess`` is a real ``pserve`` child with its own ``.ini``
(``server_ini``: a ``PleioTestSetup``'s settings plus a ``[server:main]`` section), so it
shares nothing with the test's process but the storage and the site files.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket as socketlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pleio_core.testing.server import free_port
from pleio_core.testing.sites import PleioTestSetup

#: The paste server a process runs, unless ``server_ini`` is told another: Pleio's own
#: (waitress with a graceful stop on SIGTERM, ``pleio_core.server``).
SERVER_USE = "egg:pleio_core#main"
#: Its drain time in the tests, unless told another: a test that stops a process behind a
#: proxy sets one long enough for the proxy's checks.
TEST_DRAIN_SECONDS = "0"


def server_ini(
    setup: PleioTestSetup,
    port: int,
    name: str = "server",
    threads: int = 4,
    test_delays: bool = False,
    **server: str,
) -> Path:
    """Write ``<setup.root>/<name>.ini``: the setup's settings, served on 127.0.0.1:PORT.

    ``server`` adds or overrides lines of ``[server:main]`` (``use=…`` among them). With
    ``test_delays`` a request with ``X-Test-Delay: SECONDS`` waits that long before the
    application sees it (``delayed_requests``): a slow request, for the tests of stopping.
    """
    app = "pleio" if test_delays else "main"
    lines = [f"[app:{app}]", "use = egg:pleio_core"]
    lines += [f"{k} = {v}" for k, v in setup.settings.items() if k != "here"]
    if test_delays:
        lines += ["", "[filter:delays]", f"use = call:{__name__}:delayed_requests"]
        lines += ["", "[pipeline:main]", "pipeline = delays pleio"]
    section = {"use": SERVER_USE, "listen": f"127.0.0.1:{port}", "threads": str(threads)}
    section.update(server)
    if section["use"] == SERVER_USE:
        section.setdefault("drain_seconds", TEST_DRAIN_SECONDS)
    lines += ["", "[server:main]", *(f"{k} = {v}" for k, v in section.items())]
    lines += [
        "",
        "[loggers]",
        "keys = root",
        "[handlers]",
        "keys = console",
        "[formatters]",
        "keys = generic",
        "[logger_root]",
        "level = INFO",
        "handlers = console",
        "[handler_console]",
        "class = StreamHandler",
        "args = (sys.stderr,)",
        "level = NOTSET",
        "formatter = generic",
        "[formatter_generic]",
        "format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s",
    ]
    path = setup.root / f"{name}.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


class DelayedRequests:
    """WSGI middleware for tests: ``X-Test-Delay: SECONDS`` holds a request that long first.

    It keeps the application's ``registry`` so the server still finds the databases to close.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.registry = getattr(app, "registry", None)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        delay = environ.get("HTTP_X_TEST_DELAY")
        if delay:
            time.sleep(min(float(delay), 60.0))
        return self.app(environ, start_response)


def delayed_requests(
    global_conf: dict[str, Any], **settings: Any
) -> Callable[[Any], DelayedRequests]:
    """The ``paste.filter_factory`` of ``DelayedRequests`` (``use = call:…``)."""
    return DelayedRequests


class ServerProcess:
    """One ``pserve INI`` child process; its output goes to ``<ini>.log``."""

    def __init__(self, ini: Path, port: int, env: dict[str, str] | None = None) -> None:
        self.ini = ini
        self.port = port
        self.env = env
        self.log = ini.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None
        #: how many times it was started
        self.starts = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout: float = 60.0) -> None:
        """Start it and wait until ``/_health`` answers 200 (or fail with its log)."""
        pserve = str(Path(sys.executable).with_name("pserve"))
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            [pserve, str(self.ini)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(self.env or {})},
            cwd=self.ini.parent,
        )
        out.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"pserve {self.ini} exited:\n{self.log_text()}", pytrace=False)
            if self.answers():
                return
            time.sleep(0.05)
        pytest.fail(f"pserve {self.ini} did not answer in {timeout} s:\n{self.log_text()}")

    def ready(self) -> bool:
        """Whether ``/_ready`` answers 200 (what a load balancer asks)."""
        return self.answers("/_ready")

    def answers(self, path: str = "/_health") -> bool:
        try:
            with urllib.request.urlopen(self.url(path), timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        assert self.process is not None, "not started"
        self.process.send_signal(signum)

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for it to exit; its exit status."""
        assert self.process is not None, "not started"
        return self.process.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: gone at once, mid-request and mid-commit."""
        if self.running:
            self.signal(signal.SIGKILL)
            self.wait()

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, then wait (SIGKILL after ``timeout``); its exit status."""
        if not self.running:
            return self.process.returncode if self.process else None
        self.signal(signal.SIGTERM)
        try:
            return self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture(scope="session")
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for Chameleon's compiled templates (``CHAMELEON_CACHE``), shared by the
    processes of a test session: each start compiles every template before it serves
    (``layout.compile_templates``, about 5 s of CPU); from the cache it takes 0.1 s."""
    path = tmp_path_factory.getbasetemp() / "chameleon"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def server_processes(
    pleio_setup: PleioTestSetup, template_cache: Path
) -> Iterator[Callable[..., ServerProcess]]:
    """``start(name="server", threads=4, env=None, test_delays=False, **server_lines)``: a started
    ``ServerProcess`` serving ``pleio_setup`` (its templates from ``template_cache``); every
    one still running is killed after the test."""
    started: list[ServerProcess] = []

    def start(
        name: str = "server",
        threads: int = 4,
        env: dict[str, str] | None = None,
        test_delays: bool = False,
        **server: str,
    ) -> ServerProcess:
        port = free_port()
        ini = server_ini(
            pleio_setup, port, name=name, threads=threads, test_delays=test_delays, **server
        )
        env = {"CHAMELEON_CACHE": str(template_cache), **(env or {})}
        process = ServerProcess(ini, port, env)
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:
        process.kill()


#: The health checks of the test proxy: often, and two failures take a process out (one
#: would take a busy but healthy process out when one check is slow).
CHECK_INTERVAL_MS = 200

HAPROXY_CONFIG = """\
global
    maxconn 500
    stats socket {socket} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout check 2s
    # a connection refused or closed before an answer goes to the other process
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    option forwardfor
frontend web
    bind 127.0.0.1:{port}
    default_backend pleio
backend pleio
    balance roundrobin
    option httpchk
    http-check send meth GET uri /_ready ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    default-server inter {interval}ms fall 2 rise 2
{servers}
"""


class HAProxy:
    """Debian's ``haproxy`` on a free loopback port in front of ``ServerProcess``es, with
    health checks on ``/_ready`` (a context manager: stopped at the end)."""

    def __init__(self, base: Path, servers: dict[str, ServerProcess]) -> None:
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(binary).exists():
            pytest.fail(
                "haproxy was not found: install Debian's haproxy package (.ci/run does); "
                "the tests of more than one process behind a proxy are never skipped",
                pytrace=False,
            )
        self.binary = binary
        self.port = free_port()
        self.socket = base / "haproxy.sock"
        self.config = base / "haproxy.cfg"
        self.log = base / "haproxy.log"
        self.names = list(servers)
        lines = [f"    server {name} 127.0.0.1:{p.port} check" for name, p in servers.items()]
        self.config.write_text(
            HAPROXY_CONFIG.format(
                socket=self.socket,
                port=self.port,
                interval=CHECK_INTERVAL_MS,
                servers="\n".join(lines),
            )
        )
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> HAProxy:
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            [self.binary, "-db", "-f", str(self.config)], stdout=out, stderr=subprocess.STDOUT
        )
        out.close()
        for name in self.names:
            self.wait_for(name, "UP")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def command(self, line: str) -> str:
        """A line for HAProxy's stats socket; its answer."""
        with socketlib.socket(socketlib.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.socket))
            sock.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def status(self) -> dict[str, str]:
        """Each server's state as HAProxy sees it: ``UP``, ``DOWN``, ``MAINT``…"""
        lines = self.command("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        found = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "pleio" and row.get("svname") not in ("BACKEND", None):
                found[row["svname"]] = row["status"].split()[0]
        return found

    def wait_for(self, name: str, state: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                pytest.fail(f"haproxy exited:\n{self.log.read_text()}", pytrace=False)
            try:
                if self.status().get(name) == state:
                    return
            except OSError:
                pass  # its socket is not there yet
            time.sleep(0.05)
        pytest.fail(f"haproxy: {name} not {state} in {timeout} s: {self.status()}", pytrace=False)
