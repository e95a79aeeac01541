"""``pleio backup DIR`` and ``pleio restore DIR NAME``: the sites and the platform database.

On FileStorage each database is backed up with ZODB's ``repozo`` (incremental after the
first, full run), then its blob directory is copied — after repozo, so every blob the
backed-up data refers to is in the copy; blob files never change once written, so only new
ones are copied. Both are safe while the server runs. A restore needs the database closed
(it takes the FileStorage's lock) and keeps the database it replaces next to it.

On PostgreSQL (RelStorage) it is ``pg_dump -Fc`` per database, and a restore into a fresh
database swapped in by name: see ``backup_postgres``. ZEO databases are skipped with a
note: back up the storages the ZEO server serves.
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

from pleio_core.storage.databases import DatabaseInUse

from . import backup_postgres
from .backup_postgres import PostgresDatabase
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
    stamp = backup_postgres.stamp()
    if any(p.name.startswith(stamp) for p in repository.iterdir()):
        time.sleep(1.05 - datetime.now(UTC).microsecond / 1_000_000)


def backup(args: argparse.Namespace) -> int:
    platform = load_platform(args.config)
    target = Path(args.directory)
    for name, uri in _databases(platform, args.site):
        postgres = PostgresDatabase.from_uri(uri)
        if postgres is not None:
            backup_postgres_database(name, postgres, target / name)
            continue
        storage = file_storage(platform.file_uri(uri))  # (behind the ZEO server of make run)
        if storage is None:
            scheme = urlsplit(uri).scheme
            print(
                f"skipped {name}: a {scheme}:// storage (back up what its server keeps)",
                file=sys.stderr,
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


def backup_postgres_database(name: str, database: PostgresDatabase, target: Path) -> None:
    """``pg_dump`` of one database, then (after it) the blob files it may refer to."""
    dumped = backup_postgres.dump(database, target / "postgres")
    if dumped is None:
        print(f"skipped {name}: no database {database.dbname} yet", file=sys.stderr)
        return
    blobs = database.shared_blobs
    copied = copy_new_blobs(blobs, target / "blobs") if blobs and blobs.exists() else 0
    print(f"backed up {name}: {dumped} (+{copied} blob files)")


def restore(args: argparse.Namespace) -> int:
    platform = load_platform(args.config)
    if args.platform:
        name, uri = PLATFORM, platform.settings.platform_storage_uri
    elif args.name:
        name = _site(platform, args.name).name
        uri = platform.storage_uri(name)
    else:
        raise UsageError("name a site, or give --platform")
    if args.date:
        try:
            datetime.strptime(args.date, "%Y-%m-%d-%H-%M-%S")
        except ValueError:
            raise UsageError(f"--date {args.date}: give YYYY-MM-DD-HH-MM-SS (UTC)") from None
    what = "the platform" if args.platform else f"site {name}"
    postgres = PostgresDatabase.from_uri(uri)
    if postgres is not None:
        restore_postgres_database(args, name, postgres, what, None if args.platform else name)
    else:
        storage = file_storage(platform.file_uri(uri))
        if storage is None:
            scheme = urlsplit(uri).scheme
            raise UsageError(f"{name} is on a {scheme}:// storage: restore it there")
        restore_file_storage(args, name, storage, what, None if args.platform else name)
    if not args.platform:
        apply_site_file(platform, name)
    return 0


def apply_site_file(platform: Platform, name: str) -> None:
    """Bring the restored database up to the site's file as it is now (modules added to or
    removed from it since the backup, its access): a running process that applied the file
    to the database this one replaced would not apply it again."""
    try:
        platform.initialise_site(_site(platform, name))
    except DatabaseInUse:  # a server opened it at once: it applies the file itself
        return
    print(f"applied site_configs/{name}.toml to it")


def restore_file_storage(
    args: argparse.Namespace,
    name: str,
    storage: tuple[Path, Path | None],
    what: str,
    site: str | None,
) -> None:
    data, blobs = storage
    repository = Path(args.directory) / name / "repozo"
    if not repository.is_dir():
        raise UsageError(f"no backup of {name} in {args.directory}")
    data.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = zc.lockfile.LockFile(str(data) + ".lock")
    except zc.lockfile.LockError:
        raise UsageError(
            f"{what}'s database is in use (a FileStorage allows one process): "
            f"{backup_postgres.what_to_do(site)}, then run the restore again"
        ) from None
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
            kept = backup_postgres.replaced_name(
                lambda when: f"{data.name}.before-restore-{when}",
                lambda name: data.with_name(name).exists(),
            )
            data.rename(data.with_name(kept))
        restored.rename(data)
        data.with_name(data.name + ".index").unlink(missing_ok=True)
        backed_up_blobs = Path(args.directory) / name / "blobs"
        if blobs is not None and backed_up_blobs.is_dir():
            copy_new_blobs(backed_up_blobs, blobs)
    finally:
        lock.close()
    print(f"restored {name} from {repository}")


def restore_postgres_database(
    args: argparse.Namespace, name: str, database: PostgresDatabase, what: str, site: str | None
) -> None:
    if database.memcache and not args.cache_flushed:
        raise UsageError(
            f"{what}'s storage URI shares RelStorage's cache in memcached (cache_servers), "
            "which still holds the objects of the database a restore replaces, and every "
            "process would read them back. Stop the processes that use it, flush memcached "
            "(or give the URI a new cache_prefix), then run the restore again with "
            "--cache-flushed. Nothing was changed."
        )
    dump_file = backup_postgres.chosen_dump(Path(args.directory) / name / "postgres", args.date)
    if dump_file is None:
        when = f" from {args.date} or before" if args.date else ""
        raise UsageError(f"no backup of {name}{when} in {args.directory}")
    backed_up_blobs = Path(args.directory) / name / "blobs"
    if database.shared_blobs is not None and backed_up_blobs.is_dir():
        # before the swap: the restored database may refer to blobs removed since (packed)
        copy_new_blobs(backed_up_blobs, database.shared_blobs)
    aside = backup_postgres.restore(database, dump_file, what, site)
    print(f"restored {name} from {dump_file}")
    if aside:
        print(f"the database it replaced is kept as {aside} (dropdb {aside} when done)")


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("backup", help="back up the sites and the platform (repozo, pg_dump)")
    p.add_argument("directory", help="where the backups are kept")
    p.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    p.add_argument(
        "--full",
        action="store_true",
        help="a full backup, not an incremental one (FileStorage; a dump is always full)",
    )
    p.set_defaults(run=backup)

    p = commands.add_parser("restore", help="restore a site (or the platform) from a backup")
    p.add_argument("directory", help="where the backups are kept")
    p.add_argument("name", nargs="?", help="the site to restore")
    p.add_argument("--platform", action="store_true", help="restore the platform database")
    p.add_argument(
        "--date",
        help="the state at this moment or the last backup before it (YYYY-MM-DD-HH-MM-SS, UTC)",
    )
    p.add_argument(
        "--cache-flushed",
        action="store_true",
        help="RelStorage's memcached (cache_servers) was flushed: restore anyway",
    )
    p.set_defaults(run=restore)
