"""A real ZEO server for a test: ``pleio zeo`` in a child process, over a directory of
FileStorages, on a free loopback port (or a Unix socket).

It serves ``DIRECTORY/sites/NAME/Data.fs`` for every site name and
``DIRECTORY/platform/Data.fs`` for the platform, each opened when first asked for, as
``make run``'s does; ``settings()`` are the ``pleio.*_storage_uri`` that reach them::

    def test_two_processes(zeo_server, pleio_setup, server_processes):
        pleio_setup.settings.update(zeo_server.settings())
        first, second = server_processes("first"), server_processes("second")
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pleio_core.storage.zeo import PLATFORM_STORAGE, answers, parse_address
from pleio_core.testing.server import free_port
from pleio_core.testing.sites import PleioTestSetup


class ZeoServer:
    """``pleio -c DIRECTORY/zeo.ini zeo``; its output goes to ``DIRECTORY/zeo.log``."""

    def __init__(self, directory: Path, listen: str | None = None) -> None:
        self.directory = directory
        self.listen = listen or f"127.0.0.1:{free_port()}"
        self.address = parse_address(self.listen)
        self.ini = directory / "zeo.ini"
        self.log = directory / "zeo.log"
        self.process: subprocess.Popen[bytes] | None = None

    def file_uri(self, folder: str) -> str:
        return f"file://{self.directory}/{folder}/Data.fs?blobstorage_dir={self.directory}/{folder}/blobs"

    def section(self) -> str:
        """The ``[pleio:zeo]`` section of this server, for an ``.ini`` of its own or a
        Pleio ``.ini`` (so its commands can open the files while the server is down)."""
        return (
            "[pleio:zeo]\n"
            f"listen = {self.listen}\n"
            f"storage_uri = {self.file_uri('sites/{site}')}\n"
            f"platform_storage_uri = {self.file_uri('platform')}\n"
        )

    def uri(self, storage: str, folder: str) -> str:
        """A ``zeo://`` URI of storage ``storage``, with its blobs in ``folder``/blobs."""
        return (
            f"zeo://{self.listen}?storage={storage}&blob_dir={self.directory}/{folder}/blobs"
            "&shared_blob_dir=true"
        )

    @property
    def site_uri(self) -> str:
        """``pleio.storage_uri`` through this server (with ``{site}``)."""
        return self.uri("{site}", "sites/{site}")

    @property
    def platform_uri(self) -> str:
        return self.uri(PLATFORM_STORAGE, "platform")

    def settings(self) -> dict[str, str]:
        return {"pleio.storage_uri": self.site_uri, "pleio.platform_storage_uri": self.platform_uri}

    def start(self, timeout: float = 30.0) -> None:
        """Start it and wait until it accepts connections (or fail with its log)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ini.write_text(self.section())
        pleio = str(Path(sys.executable).with_name("pleio"))
        said_before = len(self.log_text())  # the log of an earlier start, maybe
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            [pleio, "-c", str(self.ini), "zeo"], stdout=out, stderr=subprocess.STDOUT
        )
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"pleio zeo exited:\n{self.log_text()}", pytrace=False)
            # its own line, said once it listens (another server may answer there too)
            if f"ZEO server on {self.listen}\n" in self.log_text()[said_before:]:
                assert answers(self.address, timeout=5), self.log_text()
                return
            time.sleep(0.05)
        pytest.fail(f"pleio zeo did not listen in {timeout} s:\n{self.log_text()}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM (it closes its storages), then wait; SIGKILL after ``timeout``."""
        if not self.running:
            return self.process.returncode if self.process else None
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        if self.running:
            assert self.process is not None
            self.process.kill()
            self.process.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def development_style(setup: PleioTestSetup) -> tuple[ZeoServer, Path]:
    """``setup`` as development.ini has it: its ``var/`` served by a ``ZeoServer`` on a
    Unix socket in ``var/`` (not started yet), and the ``.ini`` for its ``pleio``
    commands, with that server's ``[pleio:zeo]`` section."""
    var = setup.root / "var"
    zeo = ZeoServer(var, f"{var}/zeo.sock")
    setup.settings.update(zeo.settings())
    ini = setup.ini_file()
    ini.write_text(ini.read_text() + "\n" + zeo.section())
    return zeo, ini


@pytest.fixture
def zeo_server(tmp_path: Path) -> Iterator[ZeoServer]:
    """A started ``ZeoServer`` over ``tmp_path/zeo`` on a free loopback port; stopped after
    the test."""
    server = ZeoServer(tmp_path / "zeo")
    server.start()
    yield server
    server.stop()
