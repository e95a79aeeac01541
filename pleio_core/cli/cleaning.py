"""``pleio clean-text [NAME ...]``: clean the text stored before the edge refused bad text.

Every string in the platform database and in each named site's (all sites without names)
loses the characters no text may hold (``pleio_core.text``): they become U+FFFD. A site's
catalog is skipped and then built anew, so search finds the cleaned text. Pages never fail
on such text (they are cleaned on the way out); this makes the data itself right, for the
API and for a site that leaves with its export. Running it twice changes nothing more.
"""

from __future__ import annotations

import argparse

import transaction
from ZODB import DB

from pleio_core.catalog.model import SiteCatalog
from pleio_core.catalog.reindex import reindex_site
from pleio_core.sites.lifecycle import get_site_root
from pleio_core.storage.cleaning import clean_database

from .context import opened
from .sites import _platform, _site

#: objects between commits: memory stays flat on a large site
BATCH = 5000


def _clean(db: DB, reindex=None) -> int:
    manager = transaction.TransactionManager()
    conn = db.open(transaction_manager=manager)
    try:

        def checkpoint(_seen: int) -> None:
            manager.commit()
            conn.cacheGC()

        changed = clean_database(
            conn.root(), lambda obj: isinstance(obj, SiteCatalog), checkpoint, every=BATCH
        )
        if reindex is not None and changed:
            reindex(conn)
        manager.commit()
        return changed
    except BaseException:
        manager.abort()
        raise
    finally:
        conn.close()


def clean_text(args: argparse.Namespace) -> int:
    platform = _platform(args)
    sites = [_site(platform, name) for name in args.names] or list(platform.sites)
    if not args.names:
        with opened(platform.settings.platform_storage_uri, "platform") as db:
            print(f"platform: {_clean(db):,} objects cleaned")
    for site in sites:

        def reindex(conn, site=site) -> None:
            reindex_site(get_site_root(conn, site, platform.registry), platform.registry)

        with opened(platform.storage_uri(site.name, site), site.name) as db:
            print(f"{site.name}: {_clean(db, reindex):,} objects cleaned")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "clean-text",
        help="replace characters no text may hold (stored before they were refused)",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="sites (default: the platform and all)")
    p.set_defaults(run=clean_text)
