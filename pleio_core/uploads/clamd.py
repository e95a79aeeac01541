"""A small client of clamd's INSTREAM command, over a unix or TCP socket.

The protocol (clamd(8)): ``zINSTREAM\\0``, then the file in chunks, each preceded by its
length as 4 bytes in network order, then a chunk of length 0; clamd answers one line
ended by ``\\0``: ``stream: OK``, ``stream: SIGNATURE FOUND``, or ``… ERROR``. clamd stops
reading a stream longer than its ``StreamMaxLength`` and answers ``INSTREAM size limit
exceeded. ERROR`` (it may close the socket while we are still writing).

PyPI's clamd clients are unmaintained; this is the part of them Pleio needs.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO

from pleio_core.settings import ScannerSettings

CHUNK = 256 * 1024
SIZE_LIMIT = "INSTREAM size limit exceeded"
MAX_ANSWER = 64 * 1024  # an answer is one short line


class ScannerUnavailable(Exception):
    """clamd cannot be reached, does not answer in time, or answers with an error."""


@dataclass(frozen=True)
class Verdict:
    """What clamd found: ``signature`` of the virus (None: clean); ``too_large``: the file
    is longer than clamd's ``StreamMaxLength``, so it was not scanned."""

    signature: str | None = None
    too_large: bool = False

    @property
    def clean(self) -> bool:
        return self.signature is None and not self.too_large


def _connect(scanner: ScannerSettings) -> socket.socket:
    if scanner.socket_path is not None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(scanner.timeout)
        try:
            sock.connect(scanner.socket_path)
        except BaseException:
            sock.close()
            raise
        return sock
    assert scanner.host is not None and scanner.port is not None
    return socket.create_connection((scanner.host, scanner.port), timeout=scanner.timeout)


def instream(scanner: ScannerSettings, source: BinaryIO) -> Verdict:
    """Stream what ``source`` holds (an open binary file) to clamd; its verdict.
    ScannerUnavailable if there is none (no clamd, a timeout, an error answer other than the
    size limit)."""
    try:
        sock = _connect(scanner)
    except OSError as exc:
        raise ScannerUnavailable(f"cannot connect to clamd at {scanner.address}: {exc}") from exc
    with sock:
        sent_all = True
        try:
            sock.sendall(b"zINSTREAM\0")
            while chunk := source.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            sent_all = False  # clamd stopped reading: its answer says why
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {scanner.address}: {exc}") from exc
        answer = _answer(sock, scanner)
    return _verdict(answer, scanner, sent_all)


def _answer(sock: socket.socket, scanner: ScannerSettings) -> str:
    """clamd's answer, up to its ``\\0`` (or the end of the connection)."""
    data = b""
    try:
        while not data.endswith(b"\0") and len(data) < MAX_ANSWER:
            received = sock.recv(4096)
            if not received:
                break
            data += received
    except OSError as exc:
        if not data:
            raise ScannerUnavailable(f"clamd at {scanner.address}: no answer: {exc}") from exc
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def _verdict(answer: str, scanner: ScannerSettings, sent_all: bool) -> Verdict:
    if SIZE_LIMIT in answer:
        return Verdict(too_large=True)
    if answer.endswith(" FOUND"):
        signature = answer.removeprefix("stream:").removesuffix(" FOUND").strip()
        return Verdict(signature=signature or "unknown")
    if answer == "stream: OK" and sent_all:
        return Verdict()
    raise ScannerUnavailable(
        f"clamd at {scanner.address} answered {answer!r}"
        if answer
        else f"clamd at {scanner.address} closed the connection without an answer"
    )
