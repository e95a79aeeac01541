"""ZIP containers (office documents) opened and read within bounds.

A ZIP's central directory is read whole by ``zipfile``, one object per entry, so a small
upload can claim millions of entries; a member can unpack to any size. The directory is
measured from the end record before ``zipfile`` sees it, and members are read a piece at a
time up to a limit.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

#: A larger central directory is not opened (100,000 entries of a usual name length).
MAX_DIRECTORY = 8 << 20
_END = b"PK\x05\x06"
_END_SIZE = 22
_PIECE = 64 << 10


def directory_size(path: str) -> int | None:
    """The size of the ZIP's central directory from its end record; None without one (or
    with a ZIP64 end record, which no office document needs)."""
    with Path(path).open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        tail_size = min(size, _END_SIZE + 0xFFFF)  # the record, then a comment of ≤ 64 KiB
        f.seek(size - tail_size)
        tail = f.read(tail_size)
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < _END_SIZE:
        return None
    entries, directory = struct.unpack("<H4xL", tail[at + 10 : at + 20])
    if entries == 0xFFFF or directory == 0xFFFFFFFF:
        return None
    return int(directory)


def open_zip(path: str) -> zipfile.ZipFile | None:
    """The ZIP at ``path``, or None when it is not one or its directory is too large."""
    try:
        directory = directory_size(path)
        if directory is None or directory > MAX_DIRECTORY:
            return None
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None


def member_pieces(archive: zipfile.ZipFile, name: str, limit: int) -> Iterator[bytes]:
    """The unpacked bytes of member ``name`` in pieces, at most ``limit`` of them in all
    (the rest is left unread); nothing when there is no such member or it is broken."""
    try:
        with archive.open(name) as member:
            left = limit
            while left > 0 and (piece := member.read(min(_PIECE, left))):
                left -= len(piece)
                yield piece
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError,
            RuntimeError, NotImplementedError):  # fmt: skip
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
        return


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most ``limit`` unpacked bytes of member ``name``; b"" when it is missing or broken."""
    return b"".join(member_pieces(archive, name, limit))
