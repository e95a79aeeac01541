"""A new deelsite from an archive: what ``pleio site import`` and the sites page's import
job both do. Its database first, then its file, then the accounts it brings; if a step
fails, what was written is removed again.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from persistent.mapping import PersistentMapping
from pyramid.registry import Registry
from ZODB import DB

from pleio_core.content.site import ROOT_KEY
from pleio_core.security.store import accounts_of
from pleio_core.sites.config import SiteConfig, build_site_config, write_site_config
from pleio_core.storage import PLATFORM_KEY
from pleio_core.storage.databases import open_database

from .archive import ArchiveReader
from .errors import ArchiveError
from .importing import (
    AccountPlan,
    Progress,
    create_accounts,
    discard_storage,
    plan_accounts,
    storage_exists,
    write_site,
)


class NotNewSite(ValueError):
    """The site to import into has a database already: import makes new sites."""


def new_site_config(
    reader: ArchiveReader,
    name: str,
    hosts: list[str],
    title: str,
    site_configs_dir: Path,
    known_modules: Collection[str],
) -> SiteConfig:
    """The new site's file: its name, hosts and title as given, the rest from the archive."""
    settings = reader.manifest["site"]
    data = {
        "title": title or settings.get("title") or name,
        "description": settings.get("description") or "",
        "hosts": hosts,
        "modules": list(settings.get("enabled_modules") or ()),
        "access": settings.get("access") or "public",
        "language": settings.get("language") or "nl",
    }
    source = str(site_configs_dir / f"{name}.toml")
    try:
        return build_site_config(name, data, source, known_modules)
    except ValueError as exc:
        raise ArchiveError(f"the site's settings in the manifest: {exc}") from None


def check_storage_is_new(uri: str, name: str) -> None:
    if storage_exists(uri):
        raise NotNewSite(f"{name} has a database already ({uri}): import makes new sites")


def _empty_database(uri: str, name: str) -> DB:
    db = open_database(uri, name)
    with db.transaction() as conn:
        if ROOT_KEY in conn.root():
            db.close()
            raise NotNewSite(f"{name}'s database is not empty: import makes new sites")
    return db


def plan_for(reader: ArchiveReader, platform_db: DB) -> AccountPlan:
    with platform_db.transaction() as conn:
        return plan_accounts(reader, accounts_of(conn.root().get(PLATFORM_KEY) or {}))


def write_new_site(
    registry: Registry,
    platform_db: DB,
    uri: str,
    reader: ArchiveReader,
    site: SiteConfig,
    plan: AccountPlan,
    site_configs_dir: Path,
    progress: Progress | None = None,
) -> int:
    """The site's database, then its file, then its new accounts (how many); if any step
    fails, what was written is removed again."""
    db = _empty_database(uri, site.name)
    written = None
    try:
        write_site(reader, db, site, registry, plan, progress)
        written = write_site_config(site_configs_dir, site)
        with platform_db.transaction() as pconn:
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
