"""An import's memory does not grow with the size of an archive's members.

Each case runs ``pleio site import`` as the operator does, in a process of its own, and reads
its peak resident memory (``RUSAGE_CHILDREN`` of a small wrapper process whose only child
it is). The crafted members are written to disk as they are made, never held in memory.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pleio_core.cli.context import load_platform
from pleio_core.content.site import ROOT_KEY
from pleio_core.storage.databases import open_database
from pleio_core.testing import PleioTestSetup, add_through_form

PLEIO = str(Path(sys.executable).with_name("pleio"))
HOST = "alpha.localhost"
#: The promise: an import stays below this, whatever the archive.
PEAK_LIMIT_MB = 200
#: Runs ARGV, then prints the largest resident set (kB) of the process it ran.
MEASURED = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)
PAGE = "content/00000001.json"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Iterator[tuple[PleioTestSetup, Path]]:
    """A wiki site with one page, exported (shared: the cases only read it)."""
    base = tmp_path_factory.mktemp("memory")
    setup = PleioTestSetup(base / "pleio", None)
    setup.write_site("alpha", modules=["wiki"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    anne = setup.signed_in(setup.make_app(), "anne@example.nl", HOST)
    add_through_form(anne, "/wiki/", "page", title="Een", body="Tekst")
    setup.close()
    archive = base / "good.zip"
    assert setup.pleio("site", "export", "alpha", str(archive)) == 0
    yield setup, archive
    setup.close()


Chunks = Callable[[dict], Iterator[bytes]]


def crafted(good: Path, target: Path, members: dict[str, Chunks]) -> Path:
    """``good`` with ``members`` (name → chunks, given the member's old JSON) written anew,
    stored, their checksums in the manifest; ``manifest.json`` among them replaces it."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(target, "w") as out:
        manifest = json.loads(source.read("manifest.json"))
        for info in source.infolist():
            if info.filename not in members and info.filename != "manifest.json":
                out.writestr(info, source.read(info.filename))
        for name, chunks in members.items():
            old = json.loads(source.read(name)) if name in source.namelist() else {}
            digest = hashlib.sha256()
            with out.open(zipfile.ZipInfo(name), "w", force_zip64=True) as member:
                for chunk in chunks(old):
                    digest.update(chunk)
                    member.write(chunk)
            manifest["checksums"][name] = digest.hexdigest()
        if "manifest.json" not in members:
            out.writestr("manifest.json", json.dumps(manifest))
    return target


def empty_objects(size: int) -> Iterator[bytes]:
    """``{},{},…`` of about ``size`` bytes: what costs the most memory per byte read."""
    chunk = b"{}," * (1 << 18)
    for _ in range(size // len(chunk)):
        yield chunk
    yield b"{}"


def import_measured(setup: PleioTestSetup, archive: Path, name: str) -> tuple[int, str, float]:
    """Exit status, stderr and peak resident memory (MB) of ``pleio site import``."""
    command = [PLEIO, "-c", str(setup.ini_file()), "site", "import", name, str(archive)]
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, *command, "--host", f"{name}.localhost"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stderr, int(done.stdout.split()[-1]) / 1024


def huge_body(old: dict) -> Iterator[bytes]:
    yield b'{"type":"page","path":"wiki/een","fields":{"title":"Een","body":['
    yield from empty_objects(240 << 20)
    yield b"]}}"


def in_a_revision(size: int) -> Chunks:
    def chunks(old: dict) -> Iterator[bytes]:
        document = {**old, "revisions": []}
        head, tail = json.dumps(document).encode().split(b'"revisions": []')
        yield head + b'"revisions": [{"number": 1, "values": {"body": ['
        yield from empty_objects(size)
        yield b"]}}]" + tail

    return chunks


def huge_text(old: dict) -> Iterator[bytes]:
    yield b'{"type":"page","path":"wiki/een","fields":{"title":"Een","body":"'
    chunk = b"x" * (1 << 20)
    for _ in range(240):
        yield chunk
    yield b'"}}'


def huge_line(old: dict) -> Iterator[bytes]:
    yield b'{"email": "anne@example.nl", "role": "member", "extra": ['
    yield from empty_objects(100 << 20)
    yield b"]}\n"


def huge_manifest(good: Path) -> Chunks:
    def chunks(old: dict) -> Iterator[bytes]:
        with zipfile.ZipFile(good) as source:
            manifest = json.loads(source.read("manifest.json"))
        head, tail = json.dumps(manifest).encode().rsplit(b"}", 1)
        yield head + b', "padding": ['
        yield from empty_objects(100 << 20)
        yield b"]}" + tail

    return chunks


@pytest.mark.parametrize(
    ("case", "member", "message"),
    [
        ("a content document", PAGE, f"{PAGE!r} is too large to import"),
        ("one text", PAGE, f"{PAGE!r} holds a text, a number or blank space longer than 8 MB"),
        ("one revision", PAGE, f"{PAGE!r} revisions item 1 is too large to import"),
        ("many values", PAGE, f"{PAGE!r} holds more than 10,000,000 values"),
        ("a line of members.jsonl", "members.jsonl", "'members.jsonl' record 1 is too large"),
        ("the manifest", "manifest.json", "'manifest.json' is too large to import"),
    ],
)
def test_a_huge_member_is_refused_in_bounded_memory(good, tmp_path, case, member, message):
    setup, archive = good
    chunks = {
        "a content document": huge_body,
        "one text": huge_text,
        "one revision": in_a_revision(4 << 20),  # read item by item, after the rest
        "many values": in_a_revision(240 << 20),
        "a line of members.jsonl": huge_line,
        "the manifest": huge_manifest(archive),
    }[case]
    bad = crafted(archive, tmp_path / "bad.zip", {member: chunks})
    status, error, peak = import_measured(setup, bad, "gamma")
    assert status == 2 and message in error, error[-500:]
    assert len(error) < 2000  # the message quotes no megabytes of the archive
    print(f"{case}: peak {peak:.0f} MB")
    assert peak < PEAK_LIMIT_MB, f"{case}: peak {peak:.0f} MB"
    assert not (setup.site_configs / "gamma.toml").exists()


def long_history(revisions: int, size: int) -> Chunks:
    """The page with ``revisions`` revisions of a body of ``size`` characters each."""

    def chunks(old: dict) -> Iterator[bytes]:
        document = {**old, "revisions": []}
        head, tail = json.dumps(document).encode().split(b'"revisions": []')
        yield head + b'"revisions": ['
        for number in range(1, revisions + 1):
            body = (f"Versie {number}. " * (size // 12))[:size]
            revision = {"number": number, "author": "anne@example.nl", "values": {"body": body}}
            yield (b"," if number > 1 else b"") + json.dumps(revision).encode()
        yield b"]" + tail

    return chunks


def test_a_long_history_is_imported_in_bounded_memory(good, tmp_path):
    """A page saved 150 times at 400,000 characters (a 56 MB document) comes in whole."""
    setup, archive = good
    big = crafted(archive, tmp_path / "big.zip", {PAGE: long_history(150, 400_000)})
    assert big.stat().st_size > 55e6
    status, error, peak = import_measured(setup, big, "delta")
    assert status == 0, error[-500:]
    print(f"a long history: peak {peak:.0f} MB")
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.0f} MB"
    db = open_database(load_platform(str(setup.ini_file())).storage_uri("delta"), "delta")
    try:
        with db.transaction() as conn:
            page = conn.root()[ROOT_KEY]["wiki"]["een"]
            assert len(page.history) == 150
            assert page.history.get(150).value("body").startswith("Versie 150. ")
    finally:
        db.close()


def test_an_archive_naming_too_many_accounts_is_refused(good, tmp_path, monkeypatch, capsys):
    """The accounts are held in memory while the import runs: their number is bounded."""
    from pleio_core.exchange import importing

    setup, archive = good
    monkeypatch.setattr(importing, "ACCOUNTS_BUDGET", 50_000)

    def accounts(old: dict) -> Iterator[bytes]:
        for number in range(200):
            yield json.dumps({"email": f"p{number}@example.nl", "name": "P"}).encode() + b"\n"

    bad = crafted(archive, tmp_path / "accounts.zip", {"accounts.jsonl": accounts})
    capsys.readouterr()
    assert setup.pleio("site", "import", "eta", str(bad), "--host", "eta.localhost") == 2
    assert "the list of accounts (accounts.jsonl) is too large to import" in capsys.readouterr().err
    assert not (setup.site_configs / "eta.toml").exists()
