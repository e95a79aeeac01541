"""A folder as a streamed ZIP, from real blobs in a real FileStorage: every byte back
under its name, nested folders, names that could escape, large members in flat memory."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import transaction
import ZODB
from persistent.mapping import PersistentMapping
from pleio_workspace.zips import compression, safe_name, zip_stream
from ZODB.FileStorage import FileStorage

from pleio_core.plugin_api import StoredFile, local_time, store_file

WHEN = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    storage = FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs"))
    database = ZODB.DB(storage)
    yield database
    database.close()


def stored(db, files: dict[str, tuple[bytes, str]]) -> dict[str, StoredFile]:
    """Blobs of these (bytes, media type), committed, then read from a new connection."""
    connection = db.open()
    root = connection.root()
    root["files"] = PersistentMapping(
        {key: store_file(io.BytesIO(data), key, kind) for key, (data, kind) in files.items()}
    )
    transaction.commit()
    connection.close()
    return db.open().root()["files"]


def write_zip(path: Path, pieces: Iterator[bytes]) -> Path:
    with path.open("wb") as out:
        for piece in pieces:
            out.write(piece)
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_thousand_files_in_nested_folders_come_back_byte_for_byte(db, tmp_path):
    rng = __import__("random").Random(18)
    kinds = ("text/plain", "image/png", "application/pdf", "text/csv", "video/mp4")
    files, entries_plan = {}, []
    folders = ["Projecten", "Projecten/2026", "Projecten/2026/Q1 — maart", "Notulen", "Ü ber"]
    for n in range(1000):
        size = (0, 1, 100, 5000, 70_000)[n % 5] if n != 7 else (3 << 20) + 5  # one of 3 MB
        data = rng.randbytes(size) if n % 2 else (f"regel {n}\n" * (size // 9 + 1))[:size].encode()
        folder = folders[n % len(folders)]
        name = f"{folder}/bestand {n} ë.{'txt' if n % 2 == 0 else 'bin'}"
        files[name] = (data, kinds[n % len(kinds)])
        entries_plan.append(name)
    blobs = stored(db, files)

    def entries():
        for folder in folders:
            yield folder, None, WHEN
        for name in entries_plan:
            yield name, blobs[name], WHEN + timedelta(minutes=len(name))

    archive = write_zip(tmp_path / "out.zip", zip_stream(entries()))
    with zipfile.ZipFile(archive) as z:
        assert z.testzip() is None  # every CRC checks
        infos = {info.filename: info for info in z.infolist()}
        assert {f"{f}/" for f in folders} <= set(infos)
        assert all(infos[f"{f}/"].is_dir() for f in folders)
        for name, (data, kind) in files.items():
            info = infos[name]
            assert sha(z.read(info)) == sha(data), name
            assert info.flag_bits & 0x800  # UTF-8 names, said so
            assert info.flag_bits & 0x08  # sizes after the data: written on a stream
            assert info.compress_type == compression(kind, data)
        assert len(infos) == len(folders) + len(files)
    with zipfile.ZipFile(archive) as z:  # and unpacked where they should be
        z.extractall(tmp_path / "out")
    assert (tmp_path / "out" / "Projecten" / "2026" / "Q1 — maart").is_dir()
    name = entries_plan[2]
    assert (tmp_path / "out" / name).read_bytes() == files[name][0]


def test_compressible_types_are_deflated_the_compressed_ones_stored():
    assert compression("text/plain") == zipfile.ZIP_DEFLATED
    assert compression("application/octet-stream") == zipfile.ZIP_DEFLATED
    assert compression("image/svg+xml") == zipfile.ZIP_DEFLATED
    assert compression("image/bmp") == zipfile.ZIP_DEFLATED
    for kind in ("image/jpeg", "video/mp4", "audio/mpeg", "application/zip", "application/pdf",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "application/vnd.oasis.opendocument.text"):  # fmt: skip
        assert compression(kind) == zipfile.ZIP_STORED, kind


def test_bytes_that_hardly_deflate_are_stored_whatever_their_type(db, tmp_path):
    """A type that says nothing (an encrypted archive, a database file) is deflated only
    when its first 64 KiB deflate: random bytes would cost CPU for nothing."""
    noise, text = os.urandom(200_000), b"notulen van de vergadering " * 8000
    assert compression("application/octet-stream", noise) == zipfile.ZIP_STORED
    assert compression("application/octet-stream", text) == zipfile.ZIP_DEFLATED
    assert compression("application/octet-stream", noise[:100]) == zipfile.ZIP_DEFLATED
    blobs = stored(db, {"n": (noise, "application/octet-stream"),
                        "t": (text, "application/octet-stream")})  # fmt: skip
    entries = [("ruis.bin", blobs["n"], WHEN), ("tekst.bin", blobs["t"], WHEN)]
    archive = write_zip(tmp_path / "p.zip", zip_stream(entries))
    with zipfile.ZipFile(archive) as z:
        assert z.getinfo("ruis.bin").compress_type == zipfile.ZIP_STORED
        assert z.getinfo("tekst.bin").compress_type == zipfile.ZIP_DEFLATED
        assert z.read("ruis.bin") == noise and z.read("tekst.bin") == text


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("/etc/passwd", "etc/passwd"),
        ("../../x", "_/_/x"),
        ("map/../../x", "map/_/_/x"),
        ("a/./b", "a/b"),
        ("a\\..\\..\\windows\\x.ini", "a_.._.._windows_x.ini"),
        ("C:/Windows/x", "C_/Windows/x"),
        ("c:x", "c_x"),
        ("bel\x07\x00len.txt", "bel__len.txt"),
        ("regel\u2028scheiding", "regel_scheiding"),
        ("rechts\u202elinks.txt", "rechts_links.txt"),
        ("//", "_"),
        ("", "_"),
        (" spaties /  ", "spaties"),
        ("Cafe\u0301", "Café"),
        ("日本語/ファイル.txt", "日本語/ファイル.txt"),
        ("notulen 12:30.txt", "notulen 12:30.txt"),
    ],
)
def test_names_that_could_escape_or_confuse_are_made_safe(raw, safe):
    assert safe_name(raw) == safe


def test_unsafe_names_unpack_inside_and_none_is_lost(db, tmp_path):
    raw_names = ["/abs.txt", "../../up.txt", "a\\b.txt", "a_b.txt", "Same.txt", "same.txt",
                 "same.txt", "x\x1b[31m.txt", "C:boot.ini"]  # fmt: skip
    blobs = stored(db, {f"k{n}": (name.encode(), "text/plain") for n, name in enumerate(raw_names)})
    entries = [(name, blobs[f"k{n}"], WHEN) for n, name in enumerate(raw_names)]
    entries.insert(0, ("../map", None, WHEN))
    entries.insert(1, ("../map", None, WHEN))  # a folder twice is one folder
    archive = write_zip(tmp_path / "out.zip", zip_stream(entries))
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert names == ["_/map/", "abs.txt", "_/_/up.txt", "a_b.txt", "a_b (2).txt",
                         "Same.txt", "same (2).txt", "same (3).txt", "x_[31m.txt",
                         "C_boot.ini"]  # fmt: skip
        for n, name in enumerate(raw_names):
            assert z.read(names[n + 1]) == name.encode()
        z.extractall(tmp_path / "out")
    inside = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*")}
    assert inside >= {"abs.txt", "_/_/up.txt", "C_boot.ini"}
    assert not (tmp_path / "up.txt").exists() and not Path("/abs.txt").exists()


def test_times_are_dutch_and_exact(db, tmp_path):
    blobs = stored(db, {"a": (b"a", "text/plain"), "b": (b"b", "text/plain")})
    old = datetime(1970, 1, 1, tzinfo=UTC)
    archive = write_zip(
        tmp_path / "t.zip", zip_stream([("a.txt", blobs["a"], WHEN), ("b.txt", blobs["b"], old)])
    )
    with zipfile.ZipFile(archive) as z:
        a, b = z.getinfo("a.txt"), z.getinfo("b.txt")
    # 09:26:53 UTC is 10:26:53 in Amsterdam in March; a ZIP counts seconds in twos
    assert local_time(WHEN).hour == 10
    assert a.date_time == (2026, 3, 14, 10, 26, 52)
    # the extended timestamp holds the moment itself, in UTC
    assert int.from_bytes(a.extra[5:9], "little") == int(WHEN.timestamp())
    assert b.date_time == (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP can say


def test_an_empty_folder_gives_an_empty_zip():
    data = b"".join(zip_stream([]))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == []


class Claimed:
    """Bytes said to be ``size`` long: the member's header then has its ZIP64 fields."""

    media_type = "text/plain"

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size = data, size

    def chunks(self) -> Iterator[bytes]:
        yield self.data


def test_zip64_where_it_is_needed():
    """A member announced at 5 GB gets ZIP64 headers, and 65,600 entries (more than 65,535) a ZIP64
    end record; both read back with zipfile."""
    data = b"".join(zip_stream([("big.txt", Claimed(b"klein", 5 << 30), WHEN)]))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.read("big.txt") == b"klein"
    assert b"\x01\x00" in data[30:80]  # the ZIP64 extra field in the local header
    many = [(f"m{n}", None, WHEN) for n in range(65_600)]
    data = b"".join(zip_stream(many))
    assert b"PK\x06\x06" in data[-200:]  # the ZIP64 end of central directory
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert len(z.namelist()) == 65_600


def test_a_download_stopped_halfway_closes_the_blob(db):
    blobs = stored(db, {"a": (os.urandom(3 << 20), "video/mp4")})
    closed = []

    class Watched:
        media_type, size = "video/mp4", blobs["a"].size

        def chunks(self):
            try:
                yield from blobs["a"].chunks()
            finally:
                closed.append(True)

    stream = zip_stream([("a.mp4", Watched(), WHEN), ("b.mp4", Watched(), WHEN)])
    next(stream)
    stream.close()
    assert closed == [True]


@pytest.mark.parametrize(("kind", "megabytes"), [("video/mp4", 300), ("text/plain", 40)])
def test_a_large_member_streams_in_flat_memory(db, tmp_path, kind, megabytes):
    """300 MB stored (or 40 MB deflated) from a real blob: what Python holds while the ZIP
    is written stays under 20 MB, and no piece handed on is larger than a few
    megabytes."""
    block = os.urandom(1 << 20) if kind == "video/mp4" else b"overheid samenwerken " * 50_000
    connection = db.open()
    connection.root()["big"] = store_file(Repeated(block[: 1 << 20], megabytes), "big", kind)
    transaction.commit()
    connection.close()
    big = db.open().root()["big"]
    assert big.size == megabytes << 20

    total, largest = 0, 0
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        with (tmp_path / "big.zip").open("wb") as out:
            for piece in zip_stream([("groot bestand", big, WHEN)]):
                total += len(piece)
                largest = max(largest, len(piece))
                out.write(piece)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20, peak
    assert largest < 4 << 20
    with zipfile.ZipFile(tmp_path / "big.zip") as z:
        info = z.getinfo("groot bestand")
        assert info.file_size == megabytes << 20
        with z.open(info) as member:
            while member.read(8 << 20):  # (the CRC is checked at the end)
                pass
        crc = info.CRC
    assert crc and total == (tmp_path / "big.zip").stat().st_size


class Repeated(io.RawIOBase):
    """``count`` times ``block``, read as a file is (what an upload's body would give)."""

    def __init__(self, block: bytes, count: int) -> None:
        self.block, self.left = block, count

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        self.left -= 1
        return self.block
