"""Starting and stopping ``serve.py`` subprocesses, and warming them up over HTTP."""

from __future__ import annotations

import http.client
import json
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path

from procinfo import memory_kb

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One ``serve.py`` process; ``ready`` is its start-up report (see serve.py)."""

    def __init__(
        self,
        app: str,
        log: Path,
        root: Path | None = None,
        settings: dict[str, str] | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.app = app
        self.port = free_port()
        self.log = log
        cmd = [sys.executable, str(HERE / "serve.py"), app, "--port", str(self.port)]
        if root is not None:
            cmd += ["--root", str(root)]
        for key, value in (settings or {}).items():
            cmd += ["--set", f"{key}={value}"]
        started = time.perf_counter()
        with Path(log).open("ab") as stderr:
            self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr)
        self.ready = self._read_ready(timeout)
        #: wall time from starting the interpreter to a listening socket
        self.ready["ready_s"] = time.perf_counter() - started

    def _read_ready(self, timeout: float) -> dict:
        with selectors.DefaultSelector() as sel:
            sel.register(self.process.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                self.stop()
                raise RuntimeError(f"{self.app} server not ready in {timeout}s; see {self.log}")
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            tail = self.log.read_text()[-3000:]
            raise RuntimeError(f"{self.app} server exited ({self.process.returncode}):\n{tail}")
        return json.loads(line)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def memory_kb(self) -> dict[str, int]:
        return memory_kb(self.process.pid)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def get(
    conn: http.client.HTTPConnection, path: str, host: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET on a kept-alive connection: status, headers, body."""
    conn.request("GET", path, headers={"Host": host, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    return response.status, dict(response.getheaders()), body


def warm_up(
    server: Server,
    path: str,
    host: str,
    requests: int = 50,
    headers: dict[str, str] | None = None,
) -> tuple[dict[str, str], bytes]:
    """Send ``requests`` GETs; fail unless every one answers 200; the last one's headers and
    body."""
    conn = server.connection()
    try:
        for _ in range(requests):
            status, seen, body = get(conn, path, host, headers)
            if status != 200:
                raise RuntimeError(f"{server.app} {host}{path} answered {status} while warming up")
    finally:
        conn.close()
    return seen, body
