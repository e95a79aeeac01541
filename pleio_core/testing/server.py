"""A live HTTP server for a test: the application under waitress on a free loopback port,
in a thread of this process, for the browser and for tests of real sockets."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app: Any) -> None:
        from waitress.server import create_server

        self.app = app
        self.port = free_port()
        self.server = create_server(app, host="127.0.0.1", port=self.port, threads=4)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # the loop sees its sockets closed by close()
            self.server.run()

    def url(self, host: str = "localhost", path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        """Stop accepting, close every channel, then let running requests finish."""
        for channel in list(self.server._map.values()):
            channel.handle_close()
        self.server.task_dispatcher.shutdown(cancel_pending=False, timeout=10)
        self.thread.join(timeout=5)


@pytest.fixture
def live_server_factory() -> Iterator[Callable[[Any], LiveServer]]:
    servers: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = LiveServer(app)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
