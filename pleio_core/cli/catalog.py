"""``pleio site reindex NAME``: build a site's catalog anew, with a progress bar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import transaction
from ZODB import DB
from ZODB.Connection import Connection

from pleio_core.catalog.reindex import count_content, reindex_site
from pleio_core.sites.config import SiteConfig
from pleio_core.sites.lifecycle import get_site_root

from .context import Platform, opened
from .sites import _platform, _site

BAR = 30
BATCH = 1000
#: Objects the command's connection keeps between batches: the catalog's busy pages stay
#: loaded (a server's connections keep far fewer, for thousands of sites).
CACHE_SIZE = 50_000


def progress_bar(done: int, total: int) -> str:
    filled = BAR * done // total if total else BAR
    return f"\r[{'#' * filled}{' ' * (BAR - filled)}] {done:,}/{total:,} items"


@contextmanager
def in_batches(db: DB) -> Iterator[tuple[Connection, Callable[[], None]]]:
    """A connection of its own for long work: ``commit()`` keeps what is done so far and
    frees memory (back to CACHE_SIZE objects); at the end the rest is committed, and on an
    error what came after the last ``commit()`` is undone. A run cut off midway can simply
    be started again."""
    db.setCacheSize(CACHE_SIZE)
    manager = transaction.TransactionManager()
    conn = db.open(transaction_manager=manager)

    def commit() -> None:
        manager.commit()
        conn.cacheGC()

    try:
        yield conn, commit
        manager.commit()
    except BaseException:
        manager.abort()
        raise
    finally:
        conn.close()


def reindex_with_progress(conn: Connection, site: SiteConfig, platform: Platform, commit) -> int:
    """Build the site's catalog anew, committing every BATCH items, a progress bar on stderr."""
    root = get_site_root(conn, site, platform.registry)
    total = count_content(root)

    def checkpoint(done: int) -> None:
        commit()
        print(progress_bar(done, total), end="", file=sys.stderr, flush=True)

    done = reindex_site(root, platform.registry, checkpoint, every=BATCH)
    print(progress_bar(done, max(total, done)), file=sys.stderr)
    return done


def site_reindex(args: argparse.Namespace) -> int:
    """Search shows fewer results until it has finished."""
    platform = _platform(args)
    site = _site(platform, args.name)
    with (
        opened(platform.storage_uri(site.name, site), site.name) as db,
        in_batches(db) as (
            conn,
            commit,
        ),
    ):
        done = reindex_with_progress(conn, site, platform, commit)
    print(f"indexed {done:,} items of site {site.name}")
    return 0


def add_commands(site_commands: argparse._SubParsersAction) -> None:
    p = site_commands.add_parser("reindex", help="build a deelsite's search catalog anew")
    p.add_argument("name")
    p.set_defaults(run=site_reindex)
