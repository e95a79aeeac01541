"""production.ini's waitress settings: idle keep-alive connections do not lock others out."""

from __future__ import annotations

import configparser
import socket
import threading
import time
from pathlib import Path

from waitress.server import create_server

from pleio_core.testing import PleioTestSetup

ROOT = Path(__file__).parents[1]
IDLE = 100  # what locked production out for 30 s (waitress's default connection_limit)
REQUEST = b"GET /_health HTTP/1.1\r\nHost: localhost\r\n\r\n"


def production_server_settings() -> dict[str, str]:
    """``[server:main]`` of production.ini, as pserve hands it to waitress, on loopback."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "production.ini")
    options = dict(parser["server:main"])
    assert options.pop("use") == "egg:waitress#main"
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
    guide = (ROOT / "docs" / "operator-guide.md").read_text()
    for name in options:
        if name != "listen":
            assert f"`{name}`" in guide, f"docs/operator-guide.md does not explain {name}"


def test_idle_keep_alive_connections_do_not_lock_out_a_new_one(
    pleio_setup: PleioTestSetup,
) -> None:
    app = pleio_setup.make_app()
    server = create_server(app, **production_server_settings())
    host, port = server.effective_host, server.effective_port
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
        for channel in list(server._map.values()):
            channel.handle_close()
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
        thread.join(timeout=5)
