"""``pleio backup DIR`` and ``pleio restore DIR NAME``: FileStorage sites and the platform.

Each database is backed up with ZODB's ``repozo`` (incremental after the first, full run),
then its blob directory is copied — after repozo, so every blob the backed-up data refers
to is in the copy; blob files never change once written, so only new ones are copied.
Both are safe while the server runs. A restore needs the server stopped (it takes the
FileStorage's lock) and keeps the database it replaces next to it.

RelStorage and ZEO databases are skipped with a note: back them up with their own tools
(``pg_dump``; see docs/operator-guide.md).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import zc.lockfile

from .context import Platform, UsageError, load_platform
from .sites import _site

#: The platform database's folder in a backup (no site can have this name).
PLATFORM = "_platform"


def repozo() -> str:
    found = Path(sys.executable).with_name("repozo")
    if found.exists():
        return str(found)
    which = shutil.which("repozo")
    if which is None:
        raise UsageError("ZODB's repozo is not installed next to this Python")
    return which


def file_storage(uri: str) -> tuple[Path, Path | None] | None:
    """The Data.fs and blob directory of a FileStorage URI; None for other storages."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    blobs = parse_qs(parts.query).get("blobstorage_dir")
    return Path(parts.path), Path(blobs[0]) if blobs else None


def copy_new_blobs(source: Path, target: Path) -> int:
    """Copy the blob files ``target`` lacks; how many were copied."""
    copied = 0
    for path in source.rglob("*"):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif not destination.exists() or destination.stat().st_size != path.stat().st_size:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            copied += 1
    return copied


def _databases(platform: Platform, names: list[str]) -> list[tuple[str, str]]:
    if names:
        return [(name, platform.storage_uri(_site(platform, name).name)) for name in names]
    found = [(PLATFORM, platform.settings.platform_storage_uri)]
    return found + [(site.name, platform.storage_uri(site.name)) for site in platform.sites]


def wait_for_a_new_second(repository: Path) -> None:
    """repozo names its files by the second; two backups within one second would share a
    name stem, and a restore would then order a full backup after its own increment."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H-%M-%S")
    if any(p.name.startswith(stamp) for p in repository.iterdir()):
        time.sleep(1.05 - datetime.now(UTC).microsecond / 1_000_000)


def backup(args: argparse.Namespace) -> int:
    platform = load_platform(args.config)
    target = Path(args.directory)
    for name, uri in _databases(platform, args.site):
        storage = file_storage(platform.file_uri(uri))  # (behind the ZEO server of make run)
        if storage is None:
            print(
                f"skipped {name}: not a FileStorage (use pg_dump or ZEO's tools)", file=sys.stderr
            )
            continue
        data, blobs = storage
        if not data.exists():
            print(f"skipped {name}: no database yet", file=sys.stderr)
            continue
        repository = target / name / "repozo"
        repository.mkdir(parents=True, exist_ok=True)
        wait_for_a_new_second(repository)
        command = [repozo(), "-B", "-z", "-r", str(repository), "-f", str(data)]
        if args.full:
            command.append("-F")
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            raise UsageError(f"repozo failed for {name}: {result.stderr.strip()}")
        copied = copy_new_blobs(blobs, target / name / "blobs") if blobs and blobs.exists() else 0
        print(f"backed up {name}: {repository} (+{copied} blob files)")
    return 0


def restore(args: argparse.Namespace) -> int:
    platform = load_platform(args.config)
    if args.platform:
        name, uri = PLATFORM, platform.settings.platform_storage_uri
    elif args.name:
        name = _site(platform, args.name).name
        uri = platform.storage_uri(name)
    else:
        raise UsageError("name a site, or give --platform")
    storage = file_storage(platform.file_uri(uri))
    if storage is None:
        raise UsageError(f"{name} is not on a FileStorage: restore it with its own tools")
    data, blobs = storage
    repository = Path(args.directory) / name / "repozo"
    if not repository.is_dir():
        raise UsageError(f"no backup of {name} in {args.directory}")
    data.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = zc.lockfile.LockFile(str(data) + ".lock")
    except zc.lockfile.LockError:
        raise UsageError(f"{name}'s database is in use: stop the server first") from None
    try:
        restored = data.with_name(data.name + ".restoring")
        command = [repozo(), "-R", "-r", str(repository), "-o", str(restored)]
        if args.date:
            command += ["-D", args.date]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode or not restored.exists():
            restored.unlink(missing_ok=True)
            raise UsageError(f"repozo could not restore {name}: {result.stderr.strip()}")
        if data.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            data.rename(data.with_name(f"{data.name}.before-restore-{stamp}"))
        restored.rename(data)
        data.with_name(data.name + ".index").unlink(missing_ok=True)
        backed_up_blobs = Path(args.directory) / name / "blobs"
        if blobs is not None and backed_up_blobs.is_dir():
            copy_new_blobs(backed_up_blobs, blobs)
    finally:
        lock.close()
    print(f"restored {name} from {repository}")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("backup", help="back up FileStorage sites and the platform (repozo)")
    p.add_argument("directory", help="where the backups are kept")
    p.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    p.add_argument("--full", action="store_true", help="a full backup, not an incremental one")
    p.set_defaults(run=backup)

    p = commands.add_parser("restore", help="restore a site (or the platform) from a backup")
    p.add_argument("directory", help="where the backups are kept")
    p.add_argument("name", nargs="?", help="the site to restore")
    p.add_argument("--platform", action="store_true", help="restore the platform database")
    p.add_argument("--date", help="the state at this moment (repozo's -D: YYYY-MM-DD-HH-MM-SS)")
    p.set_defaults(run=restore)
