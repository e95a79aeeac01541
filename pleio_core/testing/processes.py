"""Pleio as an operator runs it: ``pserve`` in processes of its own, on loopback ports.

For the tests of more than one process (a proxy in front, a process killed mid-load, a
rolling restart): each ``ServerProcess`` is a real ``pserve`` child with its own ``.ini``
(``server_ini``: a ``PleioTestSetup``'s settings plus a ``[server:main]`` section), so it
shares nothing with the test's process but the storage and the site files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

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
    setup: PleioTestSetup, port: int, name: str = "server", threads: int = 4, **server: str
) -> Path:
    """Write ``<setup.root>/<name>.ini``: the setup's settings, served on 127.0.0.1:PORT.

    ``server`` adds or overrides lines of ``[server:main]`` (``use=…`` among them).
    """
    lines = ["[app:main]", "use = egg:pleio_core"]
    lines += [f"{k} = {v}" for k, v in setup.settings.items() if k != "here"]
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


@pytest.fixture
def server_processes(
    pleio_setup: PleioTestSetup,
) -> Iterator[Callable[..., ServerProcess]]:
    """``start(name="server", threads=4, env=None, **server_lines)``: a started
    ``ServerProcess`` serving ``pleio_setup``; every one still running is killed after
    the test."""
    started: list[ServerProcess] = []

    def start(
        name: str = "server", threads: int = 4, env: dict[str, str] | None = None, **server: str
    ) -> ServerProcess:
        port = free_port()
        ini = server_ini(pleio_setup, port, name=name, threads=threads, **server)
        process = ServerProcess(ini, port, env)
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:
        process.kill()
