"""production.ini's waitress settings: idle keep-alive connections do not lock others out,
and a stop lets the request in flight finish."""

from __future__ import annotations

import configparser
import socket
import threading
import time
from pathlib import Path

import pytest
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.server import GracefulServer, make_server
from pleio_core.testing import PleioTestSetup

ROOT = Path(__file__).parents[1]
IDLE = 100  # what locked production out for 30 s (waitress's default connection_limit)
REQUEST = b"GET /_health HTTP/1.1\r\nHost: localhost\r\n\r\n"


def production_server_settings() -> dict[str, str]:
    """``[server:main]`` of production.ini, as pserve hands it to Pleio's server (waitress
    with a graceful stop, ``pleio_core.server``), on loopback."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "production.ini")
    options = dict(parser["server:main"])
    assert options.pop("use") == "egg:pleio_core#main"
    options["listen"] = "127.0.0.1:0"  # any free port, never the network
    return options


def read_response(sock: socket.socket) -> bytes:
    """One HTTP response (headers and a Content-Length body); the connection stays open."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the answer")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(4096)
    return head + b"\r\n\r\n" + body


def test_production_settings_are_what_the_operator_guide_documents() -> None:
    options = production_server_settings()
    assert int(options["connection_limit"]) >= 10 * IDLE
    assert options["asyncore_use_poll"] == "true"  # select() stops at 1024 sockets
    assert 60 < int(options["channel_timeout"]) <= 120
    assert int(options["cleanup_interval"]) <= 15
    assert options["clear_untrusted_proxy_headers"] == "yes"
    assert 2 <= float(options["drain_seconds"]) <= 15  # above a proxy's check, below systemd's
    assert float(options["finish_timeout"]) + float(options["drain_seconds"]) < 90
    guide = (ROOT / "docs" / "operator-guide.md").read_text()
    for name in options:
        if name != "listen":
            assert f"`{name}`" in guide, f"docs/operator-guide.md does not explain {name}"


def test_idle_keep_alive_connections_do_not_lock_out_a_new_one(
    pleio_setup: PleioTestSetup,
) -> None:
    app = pleio_setup.make_app()
    server = make_server(app, **production_server_settings())
    host, port = server.server.effective_host, server.server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    idle: list[socket.socket] = []
    try:
        for _ in range(IDLE):  # each asks once, then keeps its connection open, saying nothing
            sock = socket.create_connection((host, port), timeout=5)
            sock.sendall(REQUEST)
            assert read_response(sock).startswith(b"HTTP/1.1 200")
            idle.append(sock)
        start = time.monotonic()
        with socket.create_connection((host, port), timeout=3) as newcomer:
            newcomer.sendall(REQUEST)
            answer = read_response(newcomer)  # times out (3 s) when waitress stops accepting
        elapsed = time.monotonic() - start
        assert answer.startswith(b"HTTP/1.1 200") and b'{"status": "ok"}' in answer
        assert elapsed < 1.0, f"the new connection waited {elapsed:.2f} s"
    finally:
        for sock in idle:
            sock.close()
        server.stop()
        server.stop()  # the second ends the drain at once
        thread.join(timeout=30)
    assert server.state == "stopped"


def test_a_stop_finishes_the_request_in_flight_and_closes_idle_connections(
    pleio_setup: PleioTestSetup,
) -> None:
    slow = threading.Event()

    def configure(config) -> None:
        def slow_view(request):
            slow.set()
            time.sleep(1.5)
            return {"slept": True}

        config.add_route("slow", "/_slow", factory=lambda request: None)
        config.add_view(
            slow_view, route_name="slow", renderer="json", permission=NO_PERMISSION_REQUIRED
        )

    app = pleio_setup.make_app(configure)
    server = GracefulServer(app, drain_seconds=0.5, finish_timeout=10, listen="127.0.0.1:0")
    host, port = server.server.effective_host, server.server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    idle = socket.create_connection((host, port), timeout=5)
    idle.sendall(REQUEST)
    assert read_response(idle).startswith(b"HTTP/1.1 200")
    with socket.create_connection((host, port), timeout=10) as busy:
        busy.sendall(b"GET /_slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert slow.wait(5)
        server.stop()
        with socket.create_connection((host, port), timeout=5) as draining:
            draining.sendall(b"GET /_ready HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert read_response(draining).startswith(b"HTTP/1.1 503")  # still serving
        answer = read_response(busy)
    assert answer.startswith(b"HTTP/1.1 200") and b'"slept": true' in answer
    assert idle.recv(1) == b""  # the idle connection was closed
    idle.close()
    thread.join(timeout=10)
    assert server.state == "stopped" and not thread.is_alive()
    with pytest.raises(OSError):  # nothing listens any more
        socket.create_connection((host, port), timeout=2).close()
