"""The archive format: a zip of JSON documents, files by SHA-256 and a manifest.

``ArchiveWriter`` writes members one by one (never the whole archive in memory) and keeps
the SHA-256 of each for the manifest; ``ArchiveReader`` opens an archive after the safety
checks, refuses newer format versions and verifies every checksum before an import writes.
The format is described in docs/export-format.md and by the JSON Schemas in ``schema/``.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from pleio_core.clock import now
from pleio_core.text import clean

from .errors import ArchiveError
from .safety import Limits, check_archive
from .streaming import load, read_document, records

FORMAT = "pleio-site-export"
#: 2: extra data may refer to files (``file_ref``), and an item may have a file name
#: (``markup.is_file_name``). Version 1 archives are read as ever.
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
ACCOUNTS = "accounts.jsonl"
MEMBERS = "members.jsonl"
AUDIT_LOG = "audit-log.jsonl"
PROFILE_FIELDS = "profile-fields.jsonl"
PROFILES = "profiles.jsonl"
CHUNK = 1 << 20
#: What the manifest may take in memory: this, and so much per member it may list.
MANIFEST_BUDGET = 16 << 20
MANIFEST_PER_MEMBER = 512


def content_member(number: int) -> str:
    return f"content/{number:08d}.json"


def file_member(sha256: str) -> str:
    return f"files/{sha256}"


def dump(data: Any) -> bytes:
    """A member's JSON, UTF-8; a character no text may hold (stored before the edge refused
    it) goes out as U+FFFD, or the whole export would fail on it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return clean(text).encode()


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class _Hashing:
    """A writable member that hashes what passes through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)


class ArchiveWriter:
    """Writes an archive member by member; ``finish(manifest)`` adds the manifest last."""

    def __init__(self, target: str | IO[bytes], on_bytes: Callable[[int], None] | None = None):
        self.zip = zipfile.ZipFile(target, "w", allowZip64=True)
        self.checksums: dict[str, str] = {}
        self.file_hashes: set[str] = set()
        self.on_bytes = on_bytes or (lambda n: None)

    def _info(self, name: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, now().timetuple()[:6])
        info.compress_type = compress
        info.external_attr = 0o644 << 16
        return info

    def write_json(self, name: str, data: Any) -> None:
        raw = dump(data)
        self.zip.writestr(self._info(name, zipfile.ZIP_DEFLATED), raw)
        self.checksums[name] = hashlib.sha256(raw).hexdigest()
        self.on_bytes(len(raw))

    def write_lines(self, name: str, records: Iterable[Any]) -> int:
        """One JSON document per line, streamed; how many were written."""
        count = 0
        with self.zip.open(self._info(name, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as out:
            member = _Hashing(out)
            for record in records:
                member.write(dump(record) + b"\n")
                count += 1
        self.checksums[name] = member.digest.hexdigest()
        self.on_bytes(member.size)
        return count

    def write_file(self, sha256: str, chunks: Iterable[bytes]) -> bool:
        """The bytes of a file, once per SHA-256; False if they are in already."""
        if sha256 in self.file_hashes:
            return False
        name = file_member(sha256)
        with self.zip.open(self._info(name, zipfile.ZIP_STORED), "w", force_zip64=True) as out:
            member = _Hashing(out)
            for chunk in chunks:
                member.write(chunk)
        if member.digest.hexdigest() != sha256:
            raise ArchiveError(f"a stored file does not match its SHA-256 {sha256}")
        self.file_hashes.add(sha256)
        self.checksums[name] = sha256
        self.on_bytes(member.size)
        return True

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "checksums": self.checksums}
        self.zip.writestr(self._info(MANIFEST, zipfile.ZIP_DEFLATED), dump(manifest))
        self.zip.close()

    def abort(self) -> None:
        self.zip.close()


class ArchiveReader:
    """An archive that passed the safety checks and has a manifest this version can read."""

    def __init__(self, source: str | IO[bytes], limits: Any = None) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise ArchiveError(
                f"not a readable zip archive (damaged or truncated?): {exc}"
            ) from None
        try:
            check_archive(self.zip, limits or Limits())
            self.manifest = self._manifest()
        except BaseException:
            self.zip.close()
            raise

    def _manifest(self) -> dict[str, Any]:
        # The manifest lists every member's checksum: what it may take grows with their
        # number (which the zip's own directory costs several times over), never more.
        budget = MANIFEST_BUDGET + MANIFEST_PER_MEMBER * len(self.zip.infolist())
        manifest = load(self.opener(MANIFEST), MANIFEST, budget)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError("the manifest does not describe a Pleio site export")
        version = manifest.get("format_version")
        if not isinstance(version, int) or version < 1:
            raise ArchiveError(f"the manifest has no valid format version: {version!r}")
        if version > FORMAT_VERSION:
            raise ArchiveError(
                f"the archive has format version {version}, made by Pleio "
                f"{manifest.get('pleio_version', '?')}; this Pleio reads up to version "
                f"{FORMAT_VERSION}: upgrade Pleio first"
            )
        for key in ("site", "plugins", "types", "counts", "checksums"):
            if not isinstance(manifest.get(key), dict):
                raise ArchiveError(f"the manifest lacks {key!r}")
        return manifest

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except KeyError:
            raise ArchiveError(f"the archive lacks {name!r}") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise ArchiveError(f"{name!r} cannot be read (damaged?): {exc}") from None

    def opener(self, name: str) -> Callable[[], IO[bytes]]:
        """What opens the member ``name`` for reading, as often as it is called."""

        def open_member() -> IO[bytes]:
            try:
                return self.zip.open(name)
            except KeyError:
                raise ArchiveError(f"the archive lacks {name!r}") from None

        return open_member

    def document(self, name: str) -> dict[str, Any]:
        """A content document, read in bounded memory (see ``streaming``)."""
        return read_document(self.opener(name), name)

    def lines(self, name: str) -> Iterator[Any]:
        """The records of a JSON-lines member, one at a time, each of bounded size."""
        if name in self.manifest["checksums"]:
            yield from records(self.opener(name), name)

    def content_members(self) -> list[str]:
        """The content documents, parents before children (the order they were written)."""
        return sorted(n for n in self.manifest["checksums"] if n.startswith("content/"))

    def open_file(self, sha256: str) -> IO[bytes]:
        try:
            return self.zip.open(file_member(sha256))
        except KeyError:
            raise ArchiveError(f"the archive lacks the file {sha256}") from None

    def verify(self, on_bytes: Callable[[int], None] | None = None) -> None:
        """Every member is listed in the manifest and matches its SHA-256 (and its CRC)."""
        checksums: dict[str, str] = self.manifest["checksums"]
        names = {info.filename for info in self.zip.infolist()} - {MANIFEST}
        unlisted = sorted(names - set(checksums))
        if unlisted:
            raise ArchiveError(f"the manifest does not list {unlisted[0]!r}")
        missing = sorted(set(checksums) - names)
        if missing:
            raise ArchiveError(f"the archive lacks {missing[0]!r}, which the manifest lists")
        for name, expected in checksums.items():
            digest = hashlib.sha256()
            try:
                with self.zip.open(name) as stream:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        if on_bytes:
                            on_bytes(len(chunk))
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                raise ArchiveError(f"{name!r} cannot be read (damaged?): {exc}") from None
            if digest.hexdigest() != expected:
                raise ArchiveError(f"{name!r} does not match its checksum in the manifest")

    def close(self) -> None:
        self.zip.close()
