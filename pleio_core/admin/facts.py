"""What the operator's sites page says of each site, kept in the platform database.

Members, database size, room taken by files, modules, title and language are read from
each site's own database by a job (``site-facts``), one site at a time, and written here
with the moment they were measured: the page reads only the platform database, so it
answers as fast with a thousand sites as with two, and says how old each figure is. The
page queues the job when the figures are older than ``STALE`` seconds (or on the
operator's request); any process may run it.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import transaction
from BTrees.OOBTree import OOBTree
from pyramid.registry import Registry

from pleio_core.clock import timestamp
from pleio_core.content.site import ROOT_KEY
from pleio_core.jobs import RunningJob
from pleio_core.security.membership import site_members
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES, SITES
from pleio_core.sites.config import SiteConfig
from pleio_core.sites.effective import effective_settings
from pleio_core.storage import PLATFORM_KEY
from pleio_core.uploads import storage_usage

log = logging.getLogger(__name__)

KIND = "site-facts"
#: seconds after which the page has the figures measured again
STALE = 600.0


def stored_facts(platform: MutableMapping[str, Any], create: bool = False) -> OOBTree | None:
    """Site name → its facts (a dict, replaced whole when measured again)."""
    facts: OOBTree | None = platform.get("site_facts")
    if facts is None and create:
        facts = platform["site_facts"] = OOBTree()
    return facts


def measure_site(registry: Registry, site: SiteConfig) -> dict[str, Any] | None:
    """The facts of one site from its own database, read without writing; None if it
    cannot be read (its database is logged)."""
    try:
        db = SITE_DATABASES(registry).get(site.name)
        with db.transaction() as conn:
            root = conn.root().get(ROOT_KEY)
            members = site_members(root) if root is not None else None
            settings = effective_settings(site, root)
            facts = {
                "modules": list(root.enabled_modules if root is not None else site.modules),
                "members": len(members) if members is not None else 0,
                "files": storage_usage(root) if root is not None else 0,
                "title": settings.title,
                "language": settings.language,
            }
        facts["size"] = db.getSize()
    except Exception:  # a database that cannot be opened must not stop the others
        log.exception("cannot read the database of site %s", site.name)
        return None
    facts["measured"] = timestamp()
    return facts


def record(registry: Registry, name: str, facts: dict[str, Any]) -> None:
    """Write one site's facts, in a transaction of their own."""
    tm = transaction.TransactionManager()
    conn = PLATFORM_DATABASE(registry).open(transaction_manager=tm)
    try:
        with tm:
            stored = stored_facts(conn.root()[PLATFORM_KEY], create=True)
            assert stored is not None
            stored[name] = facts
    finally:
        conn.close()


def run_facts(registry: Registry, running: RunningJob) -> None:
    """Measure every site that is switched on, one after another (a switched-off site's
    database is left alone: its last figures stay, with their age)."""
    sites = sorted((s for s in SITES(registry) if not s.disabled), key=lambda s: s.name)
    running.progress(0, len(sites))
    for number, site in enumerate(sites, 1):
        facts = measure_site(registry, site)
        if facts is not None:
            record(registry, site.name, facts)
        running.progress(number)
