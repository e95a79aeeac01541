"""Safety checks of an archive before anything in it is read or written.

An archive comes from outside: a holder's download, another installation, an attacker. Its
names, kinds of entries and sizes are checked against the format and against limits, so a
zip with ``../`` paths, absolute paths, links or a zip bomb is refused up front.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass

from .errors import ArchiveError

#: Every name an archive may hold (see docs/export-format.md).
MEMBER_NAME = re.compile(
    r"^(manifest\.json|accounts\.jsonl|members\.jsonl|audit-log\.jsonl"
    r"|profile-fields\.jsonl|profiles\.jsonl"
    r"|content/[0-9]{8}\.json|files/[0-9a-f]{64})$"
)
#: Below this size a member may be compressed as well as it likes.
SMALL_MEMBER = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What an archive may unpack to; beyond it, it is refused as a likely zip bomb."""

    max_total: int = 200 << 30  # all members, unpacked
    max_file: int = 10 << 30  # one file
    max_document: int = 256 << 20  # one JSON member
    max_members: int = 10_000_000
    max_ratio: int = 100  # unpacked size / packed size, for members above SMALL_MEMBER


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def check_member_name(name: str) -> None:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise ArchiveError(f"the archive holds an absolute path: {name!r}")
    if ".." in re.split(r"[/\\]", name):
        raise ArchiveError(f"the archive holds a path that leaves its folder: {name!r}")
    if not MEMBER_NAME.match(name):
        raise ArchiveError(f"the archive holds {name!r}, which is not part of the format")


def check_archive(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Raise ArchiveError if any entry breaks the format or the limits; read nothing."""
    entries = archive.infolist()
    if len(entries) > limits.max_members:
        raise ArchiveError(f"the archive holds more than {limits.max_members} entries")
    seen: set[str] = set()
    total = 0
    for info in entries:
        name = info.filename
        if _is_link(info):
            raise ArchiveError(f"the archive holds a link: {name!r}")
        check_member_name(name)
        if name in seen:
            raise ArchiveError(f"the archive holds {name!r} twice")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise ArchiveError(f"{name!r} is encrypted")
        limit = limits.max_file if name.startswith("files/") else limits.max_document
        if info.file_size > limit:
            raise ArchiveError(f"{name!r} unpacks to {info.file_size} bytes (at most {limit})")
        if info.file_size > SMALL_MEMBER and info.file_size > info.compress_size * limits.max_ratio:
            raise ArchiveError(
                f"{name!r} unpacks to more than {limits.max_ratio} times its packed size "
                "(a zip bomb?)"
            )
        total += info.file_size
        if total > limits.max_total:
            raise ArchiveError(f"the archive unpacks to more than {limits.max_total} bytes")
    if "manifest.json" not in seen:
        raise ArchiveError("the archive has no manifest.json: it is not a Pleio site export")
