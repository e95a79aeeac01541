"""Creating a deelsite: the rules ``pleio site create`` and the operator's sites page share.

The database is made first, the file second: a file in ``site_configs/`` means a site
that works (its modules set up), never half of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyramid.registry import Registry

from pleio_core.services import SETTINGS
from pleio_core.storage import site_storage_uri
from pleio_core.storage.databases import open_database

from .config import (
    SiteConfig,
    SiteConfigError,
    build_site_config,
    normalise_host,
    validate_site_name,
    write_site_config,
)
from .lifecycle import get_site_root
from .registry import SiteRegistry


class SiteCreationError(ValueError):
    """The new site cannot be made: ``problems`` says every reason found, each one line
    (the message joins them)."""

    def __init__(self, *problems: str) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problems))


def check_new_site(name: str, hosts: list[str], sites: SiteRegistry, platform_host: str) -> None:
    """Refuse a name in use, a host another site answers on, or the platform's own host."""
    validate_site_name(name)
    if name in sites:
        raise SiteCreationError(f"a site named {name!r} already exists")
    for host in hosts:
        owner = sites.host_owner(host)
        if owner:
            raise SiteCreationError(f"host {host!r} is already used by site {owner!r}")
        if normalise_host(host) == platform_host:
            raise SiteCreationError(f"host {host!r} is the platform host")


def initialise_database(registry: Registry, site: SiteConfig) -> None:
    """Create the site's database and root object (with its modules), if needed."""
    uri = site_storage_uri(SETTINGS(registry), {site.name: site}, site.name)
    db = open_database(uri, site.name)
    try:
        with db.transaction() as conn:
            get_site_root(conn, site, registry)
    finally:
        db.close()


def create_site(
    registry: Registry, sites: SiteRegistry, name: str, data: Mapping[str, Any]
) -> SiteConfig:
    """Check, make the database, then write ``site_configs/NAME.toml``; return the site.

    Raises SiteCreationError or ``SiteConfigError`` (a bad value, named by its key).
    """
    settings = SETTINGS(registry)
    problems = []
    try:
        check_new_site(name, list(data.get("hosts", ())), sites, settings.platform_host)
    except (SiteCreationError, SiteConfigError) as exc:
        problems.append(exc.reason if isinstance(exc, SiteConfigError) else str(exc))
    directory = settings.site_configs_dir
    checked_name = name if not problems else "placeholder"  # the other values, checked too
    try:
        site = build_site_config(
            checked_name, dict(data), f"{checked_name}.toml", sites.known_modules
        )
    except SiteConfigError as exc:
        problems.append(f"{exc.key}: {exc.reason}" if exc.key else exc.reason)
    if problems:
        raise SiteCreationError(*problems)
    initialise_database(registry, site)
    write_site_config(directory, site)
    return site
