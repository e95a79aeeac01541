"""``pleio site export NAME FILE.zip`` and ``pleio site import NAME FILE.zip --host H``.

Export reads the site's database read-only (a running server may keep serving it). Import
makes a new site: its database first, then its file, then the accounts it brings; if any
step fails, what was written is removed again.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from persistent.mapping import PersistentMapping
from ZODB import DB

from pleio_core.content.site import ROOT_KEY
from pleio_core.exchange.archive import ArchiveReader
from pleio_core.exchange.errors import ArchiveError
from pleio_core.exchange.export import export_site
from pleio_core.exchange.importing import (
    AccountPlan,
    Progress,
    check_plugins,
    create_accounts,
    discard_storage,
    plan_accounts,
    storage_exists,
    write_site,
)
from pleio_core.security.store import accounts_of
from pleio_core.sites.config import SiteConfig, build_site_config, write_site_config
from pleio_core.storage import PLATFORM_KEY
from pleio_core.storage.databases import open_database

from .context import Platform, UsageError, load_platform, opened
from .sites import _site, check_new_site


class ProgressBar:
    """One line on stderr, rewritten at most five times a second."""

    def __init__(self, label: str) -> None:
        self.label, self.last, self.shown = label, 0.0, False
        self.read = 0

    def show(self, text: str) -> None:
        moment = time.monotonic()
        if moment - self.last < 0.2:
            return
        self.last, self.shown = moment, True
        print(f"\r{self.label}: {text}\033[K", end="", file=sys.stderr, flush=True)

    def exported(self, done: int, written: int) -> None:
        self.show(f"{done} objects, {written / 1e6:.1f} MB written")

    def imported(self, done: int, total: int) -> None:
        self.show(f"{done} of {total} objects written")

    def checked(self, more: int) -> None:
        self.read += more
        self.show(f"{self.read / 1e6:.1f} MB checked")

    def finish(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def site_export(args: argparse.Namespace) -> int:
    platform = load_platform(args.config)
    site = _site(platform, args.name)
    target = Path(args.file)
    partial = target.with_name(target.name + ".part")
    bar = ProgressBar(f"exporting {site.name}")
    uri = platform.storage_uri(site.name)
    try:
        with (
            opened(uri, site.name, read_only=True) as db,
            opened(platform.settings.platform_storage_uri, "platform", read_only=True) as pdb,
            db.transaction() as conn,
            pdb.transaction() as pconn,
        ):
            root = conn.root().get(ROOT_KEY)
            if root is None:
                raise UsageError(f"site {site.name!r} has no database yet: nothing to export")
            accounts = accounts_of(pconn.root().get(PLATFORM_KEY) or {})
            manifest = export_site(
                root,
                site,
                accounts,
                platform.registry,
                str(partial),
                args.include_credentials,
                bar.exported,
            )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        bar.finish()
    partial.replace(target)
    counts = manifest["counts"]
    print(
        f"exported {site.name} to {target}: {counts['content']} objects, {counts['files']} files, "
        f"{counts['members']} members"
    )
    return 0


def site_import(args: argparse.Namespace) -> int:
    platform = load_platform(args.config)
    check_new_site(platform, args.name, args.host)
    bar = ProgressBar(f"importing {args.name}")
    try:
        reader = ArchiveReader(args.file)
    except FileNotFoundError:
        raise UsageError(f"{args.file}: no such file") from None
    try:
        check_plugins(reader, platform.registry)
        reader.verify(bar.checked)
        site = _new_site_config(platform, reader, args)
        uri = platform.storage_uri(site.name, site)
        if storage_exists(uri):
            raise UsageError(f"{site.name} has a database already ({uri}): import makes new sites")
        with opened(platform.settings.platform_storage_uri, "platform") as pdb:
            with pdb.transaction() as pconn:
                plan = plan_accounts(reader, accounts_of(pconn.root().get(PLATFORM_KEY) or {}))
            made = _write_new_site(platform, pdb, uri, reader, site, plan, bar.imported)
        count = len(reader.content_members())
    finally:
        reader.close()
        bar.finish()
    print(
        f"imported {site.name}: {count} objects, {made} new accounts: http://{site.primary_host}/"
    )
    return 0


def _new_site_config(
    platform: Platform, reader: ArchiveReader, args: argparse.Namespace
) -> SiteConfig:
    """The new site's file: its name, hosts and title from the command, the rest from the
    archive."""
    settings = reader.manifest["site"]
    data = {
        "title": args.title or settings.get("title") or args.name,
        "description": settings.get("description") or "",
        "hosts": args.host,
        "modules": list(settings.get("enabled_modules") or ()),
        "access": settings.get("access") or "public",
        "language": settings.get("language") or "nl",
    }
    source = str(platform.settings.site_configs_dir / f"{args.name}.toml")
    try:
        return build_site_config(args.name, data, source, platform.sites.known_modules)
    except ValueError as exc:
        raise ArchiveError(f"the site's settings in the manifest: {exc}") from None


def _empty_database(uri: str, name: str) -> DB:
    db = open_database(uri, name)
    with db.transaction() as conn:
        if ROOT_KEY in conn.root():
            db.close()
            raise UsageError(f"{name}'s database is not empty: import makes new sites")
    return db


def _write_new_site(
    platform: Platform,
    pdb: DB,
    uri: str,
    reader: ArchiveReader,
    site: SiteConfig,
    plan: AccountPlan,
    progress: Progress,
) -> int:
    """The site's database, then its file, then its new accounts (how many); if any step
    fails, what was written is removed again."""
    db = _empty_database(uri, site.name)
    written = None
    try:
        write_site(reader, db, site, platform.registry, plan, progress)
        written = write_site_config(platform.settings.site_configs_dir, site)
        with pdb.transaction() as pconn:
            if PLATFORM_KEY not in pconn.root():  # a new installation
                pconn.root()[PLATFORM_KEY] = PersistentMapping()
            accounts = accounts_of(pconn.root()[PLATFORM_KEY], create=True)
            made = create_accounts(accounts, plan, lambda sha256: reader.open_file(sha256).read())
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        if not uri.startswith("file:"):
            discard_storage(uri, db)
        db.close()
        discard_storage(uri)
        raise
    db.close()
    return made


def add_commands(site_commands: argparse._SubParsersAction) -> None:
    p = site_commands.add_parser("export", help="export a deelsite to a zip archive")
    p.add_argument("name")
    p.add_argument("file", help="the archive to write (FILE.zip)")
    p.add_argument(
        "--include-credentials",
        action="store_true",
        help="include the accounts' password hashes (they can then sign in on the new platform)",
    )
    p.set_defaults(run=site_export)

    p = site_commands.add_parser("import", help="make a new deelsite from an export archive")
    p.add_argument("name", help="the new site's name")
    p.add_argument("file", help="the archive (FILE.zip)")
    p.add_argument("--host", action="append", required=True, help="repeat for more hosts")
    p.add_argument("--title", default="", help="default: the exported site's title")
    p.set_defaults(run=site_import)
