"""A real virus scanner for the tests: Debian's ``clamd`` in the foreground, on a unix
socket (or a loopback TCP port) in a temporary directory, with a configuration file and a
signature database written on the spot.

There is no internet to fetch ClamAV's official database, so the database has the one
signature the tests need: the EICAR test file (``EICAR``), anywhere in a file (so also
inside a ZIP, which clamd unpacks). The ``clamd`` fixture (one per session) is the value of
``pleio.clamd`` for it (a ``str``), with the server's controls; ``start_clamd`` starts
another one, for a test that stops it or needs other limits.

Never skipped: without clamd installed (Debian's ``clamav-daemon``) the tests fail.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pleio_core.testing.server import free_port

#: The EICAR test file: harmless, and found by every virus scanner (and by ours).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
#: What the on-the-spot database calls it (clamd adds ``.UNOFFICIAL`` to what it reports).
EICAR_SIGNATURE = "Eicar-Signature"
#: clamd's stream limit in the tests: above the default ``pleio.max_upload_size`` (1 GB),
#: so that whatever the application takes by default can be scanned.
DEFAULT_STREAM_MAX = "1100M"
#: How long clamd may take to load its database and listen.
START_TIMEOUT = 60.0


def clamd_program() -> str:
    found = shutil.which("clamd") or (
        "/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None
    )
    if found is None:
        pytest.fail(
            "clamd was not found (on PATH or as /usr/sbin/clamd): install Debian's "
            "clamav-daemon (.ci/run does); the virus scanning tests are never skipped",
            pytrace=False,
        )
    return found


class ClamdServer(str):
    """A running clamd; the string itself is its ``pleio.clamd`` setting
    (``unix:///…/clamd.sock`` or ``tcp://127.0.0.1:PORT``)."""

    directory: Path
    socket_path: Path | None
    port: int | None
    process: subprocess.Popen[bytes] | None

    def __new__(
        cls, directory: Path, stream_max_length: str = DEFAULT_STREAM_MAX, tcp: bool = False
    ) -> ClamdServer:
        port = free_port() if tcp else None
        socket_path = None if tcp else directory / "clamd.sock"
        server = super().__new__(cls, f"tcp://127.0.0.1:{port}" if tcp else f"unix://{socket_path}")
        server.directory, server.socket_path, server.port = directory, socket_path, port
        server.process = None
        server._write_files(stream_max_length)
        return server

    def _write_files(self, stream_max_length: str) -> None:
        database = self.directory / "db"
        database.mkdir(parents=True, exist_ok=True)
        # a body signature (.ndb): name, target type 0 (any file), offset * (anywhere), hex
        (database / "eicar.ndb").write_text(f"{EICAR_SIGNATURE}:0:*:{EICAR.hex()}\n")
        listen = (
            f"TCPSocket {self.port}\nTCPAddr 127.0.0.1\n"
            if self.port is not None
            else f"LocalSocket {self.socket_path}\n"
        )
        (self.directory / "clamd.conf").write_text(
            "Foreground yes\n"
            f"{listen}"
            f"DatabaseDirectory {database}\n"
            f"TemporaryDirectory {self.directory}\n"
            f"LogFile {self.directory / 'clamd.log'}\n"
            f"PidFile {self.directory / 'clamd.pid'}\n"
            f"StreamMaxLength {stream_max_length}\n"
            # scan all of what it takes, as the operator guide says to configure it
            f"MaxScanSize {stream_max_length}\n"
            f"MaxFileSize {stream_max_length}\n"
            "MaxThreads 4\n"
            "SelfCheck 0\n"  # the database does not change while the tests run
            "Bytecode no\n"
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> ClamdServer:
        """Start clamd and wait until it answers PING; fail with its output if it does not."""
        self.process = subprocess.Popen(
            [clamd_program(), "-c", str(self.directory / "clamd.conf")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.ping():
                return self
            time.sleep(0.05)
        output = b""
        if self.process.poll() is None:
            self.process.kill()
        output = self.process.communicate()[0]
        log = self.directory / "clamd.log"
        raise RuntimeError(
            f"clamd did not start within {START_TIMEOUT}s:\n{output.decode(errors='replace')}"
            f"\n{log.read_text(errors='replace') if log.exists() else ''}"
        )

    def ping(self) -> bool:
        try:
            with self._connect() as sock:
                sock.sendall(b"zPING\0")
                return sock.recv(64).startswith(b"PONG")
        except OSError:
            return False

    def _connect(self) -> socket.socket:
        if self.socket_path is not None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(5)
            try:
                sock.connect(str(self.socket_path))
            except BaseException:
                sock.close()
                raise
            return sock
        assert self.port is not None
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def stop(self) -> None:
        """Stop clamd (it removes its socket); nothing listens there afterwards."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def close(self) -> None:
        """Stop it and remove its directory."""
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_clamd(stream_max_length: str = DEFAULT_STREAM_MAX, tcp: bool = False) -> ClamdServer:
    """A clamd of one's own, started; ``close()`` stops it and removes its directory. A unix
    socket's path must be short, so it lives under /tmp, not the (long) pytest directory."""
    directory = Path(tempfile.mkdtemp(prefix="pleio-clamd-"))
    return ClamdServer(directory, stream_max_length, tcp).start()


@pytest.fixture(scope="session")
def clamd() -> Iterator[ClamdServer]:
    """A real clamd for the session, on a unix socket, knowing EICAR; the value of
    ``pleio.clamd`` for it (``pleio_setup.make_app(**{"pleio.clamd": clamd})``)."""
    server = start_clamd()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def clamd_factory() -> Iterator[Callable[..., ClamdServer]]:
    """``clamd_factory(stream_max_length="1M", tcp=False)``: another clamd, for a test that
    stops it or needs other limits; every one is closed after the test."""
    started: list[ClamdServer] = []

    def factory(stream_max_length: str = DEFAULT_STREAM_MAX, tcp: bool = False) -> ClamdServer:
        started.append(start_clamd(stream_max_length, tcp))
        return started[-1]

    try:
        yield factory
    finally:
        for server in started:
            server.close()
