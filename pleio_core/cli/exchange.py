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

from pleio_core.content.site import ROOT_KEY
from pleio_core.exchange.archive import ArchiveReader
from pleio_core.exchange.export import export_site
from pleio_core.exchange.importing import check_plugins
from pleio_core.exchange.new_site import (
    NotNewSite,
    check_storage_is_new,
    new_site_config,
    plan_for,
    write_new_site,
)
from pleio_core.security.store import accounts_of
from pleio_core.storage import PLATFORM_KEY

from .context import UsageError, load_platform, opened
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
    configs = platform.settings.site_configs_dir
    try:
        check_plugins(reader, platform.registry)
        reader.verify(bar.checked)
        site = new_site_config(
            reader, args.name, args.host, args.title, configs, platform.sites.known_modules
        )
        uri = platform.storage_uri(site.name, site)
        check_storage_is_new(uri, site.name)
        with opened(platform.settings.platform_storage_uri, "platform") as pdb:
            plan = plan_for(reader, pdb)
            made = write_new_site(
                platform.registry, pdb, uri, reader, site, plan, configs, bar.imported
            )
        count = len(reader.content_members())
    except NotNewSite as exc:
        raise UsageError(str(exc)) from None
    finally:
        reader.close()
        bar.finish()
    print(
        f"imported {site.name}: {count} objects, {made} new accounts: http://{site.primary_host}/"
    )
    return 0


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
