"""``pleio site reindex NAME``: build a site's catalog anew, with a progress bar."""

from __future__ import annotations

import argparse
import sys

import transaction

from pleio_core.catalog.reindex import count_content, reindex_site
from pleio_core.sites.lifecycle import get_site_root

from .context import opened
from .sites import _platform, _site

BAR = 30
BATCH = 1000
#: Objects the command's connection keeps between batches: the catalog's busy pages stay
#: loaded (a server's connections keep far fewer, for thousands of sites).
CACHE_SIZE = 50_000


def progress_bar(done: int, total: int) -> str:
    filled = BAR * done // total if total else BAR
    return f"\r[{'#' * filled}{' ' * (BAR - filled)}] {done:,}/{total:,} items"


def site_reindex(args: argparse.Namespace) -> int:
    """Commits every thousand items: memory stays flat, and an interrupted run can simply
    be started again (search shows fewer results until it has finished)."""
    platform = _platform(args)
    site = _site(platform, args.name)
    with opened(platform.storage_uri(site.name, site), site.name) as db:
        db.setCacheSize(CACHE_SIZE)
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            root = get_site_root(conn, site, platform.registry)
            total = count_content(root)

            def checkpoint(done: int) -> None:
                manager.commit()
                conn.cacheGC()  # back to CACHE_SIZE objects: memory stays flat
                print(progress_bar(done, total), end="", file=sys.stderr, flush=True)

            done = reindex_site(root, platform.registry, checkpoint, every=BATCH)
            manager.commit()
            print(progress_bar(done, max(total, done)), file=sys.stderr)
        except BaseException:
            manager.abort()
            raise
        finally:
            conn.close()
    print(f"indexed {done:,} items of site {site.name}")
    return 0


def add_commands(site_commands: argparse._SubParsersAction) -> None:
    p = site_commands.add_parser("reindex", help="build a deelsite's search catalog anew")
    p.add_argument("name")
    p.set_defaults(run=site_reindex)
