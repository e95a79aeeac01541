"""``pleio clean-text [NAME ...]``: clean the text stored before the edge refused bad text.

Every string in the platform database and in each named site's (all sites without names)
loses the characters no text may hold (``pleio_core.text``): they become U+FFFD. A site's
catalog is skipped and then built anew, so search finds the cleaned text. Pages do not
fail on such text (one that UTF-8 cannot encode is cleaned on the way out); this makes the
data itself right, for the API and for a site that leaves with its export. Running it twice
changes nothing more.
"""

from __future__ import annotations

import argparse

from pleio_core.catalog.model import SiteCatalog
from pleio_core.storage.cleaning import clean_database

from .catalog import in_batches, reindex_with_progress
from .context import opened
from .sites import _platform, _site

#: objects between commits: memory stays flat on a large site
BATCH = 5000


def _is_catalog(obj: object) -> bool:
    return isinstance(obj, SiteCatalog)  # (built anew instead)


def clean_text(args: argparse.Namespace) -> int:
    platform = _platform(args)
    sites = [_site(platform, name) for name in args.names] or list(platform.sites)
    if not args.names:
        with opened(platform.settings.platform_storage_uri, "platform") as db:
            with in_batches(db) as (conn, commit):
                changed = clean_database(conn.root(), checkpoint=lambda _n: commit(), every=BATCH)
        print(f"platform: {changed:,} objects cleaned")
    for site in sites:
        with opened(platform.storage_uri(site.name, site), site.name) as db:
            with in_batches(db) as (conn, commit):
                changed = clean_database(conn.root(), _is_catalog, lambda _n: commit(), every=BATCH)
                if changed:
                    reindex_with_progress(conn, site, platform, commit)
        print(f"{site.name}: {changed:,} objects cleaned")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "clean-text",
        help="replace characters no text may hold (stored before they were refused)",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="sites (default: the platform and all)")
    p.set_defaults(run=clean_text)
