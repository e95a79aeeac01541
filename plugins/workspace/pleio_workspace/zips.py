"""A folder as a ZIP, written while it is sent: constant memory, whatever its size.

The stdlib's ``zipfile`` writes to a sink that cannot seek back (the response), so each
member's sizes and CRC follow its data (data descriptors) and nothing is held but the
piece being sent. ZIP64 comes on by itself where a member or the archive needs it; names
are UTF-8 (flagged as such). Text and other compressible types are deflated; images,
video, audio, archives and office documents (ZIPs themselves) are stored as they are,
which costs no CPU and no size, and so is a member of another type whose first 64 KiB
hardly deflate (encrypted or random-looking bytes). Deflate is zlib's level 6, its
default: within a few per cent of 9 at twice the speed.

Names come from people: anything a Unicode file name may hold. An archive name never
starts with "/", holds no ".." or "." step, no backslash (a separator to Windows), no
control character and no drive letter; two entries never get the same name.
"""

from __future__ import annotations

import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import PurePosixPath
from typing import Protocol

from pleio_core.plugin_api import local_time

#: How much of a member of another type is deflated once, to see whether deflate helps.
PROBE = 64 << 10
#: Types that deflate would not make smaller (already compressed).
_STORED_PREFIXES = ("image/", "video/", "audio/")
_STORED_TYPES = frozenset(
    {
        "application/zip",
        "application/gzip",
        "application/x-7z-compressed",
        "application/vnd.rar",
        "application/x-xz",
        "application/x-bzip2",
        "application/epub+zip",
        "application/pdf",
    }
)
_STORED_UNLESS = frozenset({"image/bmp", "image/tiff", "image/svg+xml", "audio/wav"})
_OFFICE_PREFIXES = (
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
    "application/vnd.ms-word.",
    "application/vnd.ms-excel.",
    "application/vnd.ms-powerpoint.",
)
_EARLIEST = (1980, 1, 1, 0, 0, 0)  # a ZIP's DOS time starts here
_LATEST = (2107, 12, 31, 23, 59, 58)


class Readable(Protocol):
    """What a member's bytes come from: a ``StoredFile`` (or anything alike)."""

    size: int
    media_type: str

    def chunks(self) -> Iterator[bytes]: ...


Entry = tuple[str, Readable | None, datetime]


#: The bytes are handed on once this many have gathered (a small member's header, data
#: and descriptor are not sent one by one).
HAND_ON = 256 << 10


class _Sink:
    """Where ``zipfile`` writes: collects the bytes until they are taken. It can tell its
    position but not seek, so ``zipfile`` writes data descriptors."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.held = 0
        self.position = 0

    def write(self, data: bytes) -> int:
        if data:
            self.pieces.append(bytes(data))
            self.held += len(data)
            self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.pieces)
        self.pieces.clear()
        self.held = 0
        return data


def zip_stream(entries: Iterable[Entry]) -> Iterator[bytes]:
    """The ZIP of ``entries`` — (archive name, bytes or None for a folder, modified) — in
    pieces of at most a megabyte or so, as it is written (a folder's name gets its "/")."""
    sink = _Sink()
    names = _UniqueNames()
    with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:  # type: ignore[call-overload]
        for arcname, stored, modified in entries:
            if stored is None:
                name = names.folder(arcname)
                if name is not None:
                    info = _info(name, modified)
                    info.external_attr = (0o40755 << 16) | 0x10  # a directory, also to MS-DOS
                    info.CRC = info.compress_size = info.file_size = 0  # (as mkdir(str) has it)
                    archive.mkdir(info)
            else:
                info = _info(names.file(arcname), modified)
                info.external_attr = 0o100644 << 16
                info.file_size = stored.size  # (zipfile then knows whether ZIP64 is needed)
                chunks = stored.chunks()
                try:
                    first = next(chunks, b"")
                    info.compress_type = compression(stored.media_type, first)
                    with archive.open(info, "w") as member:
                        member.write(first)
                        for chunk in chunks:
                            member.write(chunk)
                            if sink.held >= HAND_ON:
                                yield sink.take()
                finally:
                    close = getattr(chunks, "close", None)
                    if close is not None:  # (the blob's file, if the download stops early)
                        close()
            if sink.held >= HAND_ON:
                yield sink.take()
    yield sink.take()


def compression(media_type: str, start: bytes = b"") -> int:
    """``ZIP_STORED`` for what is compressed already (by its type, or because its first
    ``PROBE`` bytes, ``start``, hardly deflate), ``ZIP_DEFLATED`` for the rest."""
    if media_type in _STORED_UNLESS:
        return zipfile.ZIP_DEFLATED
    if media_type in _STORED_TYPES or media_type.startswith(_STORED_PREFIXES + _OFFICE_PREFIXES):
        return zipfile.ZIP_STORED
    probe = start[:PROBE]
    if len(probe) == PROBE and len(zlib.compress(probe, 1)) > len(probe) * 0.9:
        return zipfile.ZIP_STORED  # (random-looking bytes: deflating them costs and gains nothing)
    return zipfile.ZIP_DEFLATED


def _info(name: str, modified: datetime) -> zipfile.ZipInfo:
    """A member's header: its name and its time, as the people who download it read it
    (a ZIP's time has no zone), plus the exact moment in UTC (the "extended timestamp"
    field, which unzip and 7-Zip read)."""
    local = local_time(modified) if modified.tzinfo is not None else modified
    moment = max(_EARLIEST, min(_LATEST, local.timetuple()[:6]))
    info = zipfile.ZipInfo(name, date_time=moment)
    if modified.tzinfo is not None:
        seconds = max(0, min(int(modified.timestamp()), 2**31 - 1))
        info.extra = struct.pack("<HHBl", 0x5455, 5, 1, seconds)
    return info


def safe_name(raw: str) -> str:
    """``raw`` (steps joined by "/") as a name that unpacks where it should: only
    relative steps, none of them "", "." or "..", no backslash or control character, and
    no drive letter; "_" where nothing is left."""
    steps = []
    for step in unicodedata.normalize("NFC", raw).replace("\\", "_").split("/"):
        cleaned = "".join(
            "_" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in step
        ).strip()
        if cleaned in ("", "."):
            continue
        if cleaned == "..":
            cleaned = "_"
        steps.append(cleaned)
    if steps and len(steps[0]) >= 2 and steps[0][1] == ":" and steps[0][0].isascii():
        steps[0] = steps[0][0] + "_" + steps[0][2:]  # "C:" would be a drive on Windows
    return "/".join(steps) or "_"


class _UniqueNames:
    """Safe names, each file's given once: a second "a.txt" (or "A.txt", which Windows
    and macOS take for the same) becomes "a (2).txt". A folder given twice is one folder."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def folder(self, raw: str) -> str | None:
        """The folder's name with its "/", or None when it is in already."""
        name = safe_name(raw) + "/"
        if name.casefold() in self.taken:
            return None
        self.taken.add(name.casefold())
        return name

    def file(self, raw: str) -> str:
        name = candidate = safe_name(raw)
        number = 1
        while candidate.casefold() in self.taken or f"{candidate}/".casefold() in self.taken:
            number += 1
            path = PurePosixPath(name)
            candidate = str(path.with_name(f"{path.stem} ({number}){path.suffix}"))
        self.taken.add(candidate.casefold())
        return candidate
