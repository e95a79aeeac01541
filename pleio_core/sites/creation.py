"""Creating a deelsite: the rules ``pleio site create`` and the operator's sites page share.

The database is made first, the file second: a file in ``site_configs/`` means a site
that works (its modules set up), never half of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pyramid.registry import Registry

from pleio_core.i18n import _, english
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


class Problem(NamedTuple):
    """One reason a new site cannot be made: the key of the value it is about (None for
    the name or the site as a whole), and why, to translate (``english`` for the log)."""

    key: str | None
    message: str

    def english(self) -> str:
        return f"{self.key}: {english(self.message)}" if self.key else english(self.message)


class SiteCreationError(ValueError):
    """The new site cannot be made: ``problems`` says every reason found (the message
    joins them in English, one after the other)."""

    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problem.english() for problem in problems))


def check_new_site(name: str, hosts: list[str], sites: SiteRegistry, platform_host: str) -> None:
    """Refuse a name in use, a host another site answers on, or the platform's own host."""
    validate_site_name(name)
    if name in sites:
        message = _("a site named ${name} already exists", mapping={"name": repr(name)})
        raise SiteCreationError(Problem(None, message))
    for host in hosts:
        owner = sites.host_owner(host)
        if owner:
            mapping = {"host": repr(host), "site": repr(owner)}
            message = _("host ${host} is already used by site ${site}", mapping=mapping)
            raise SiteCreationError(Problem(None, message))
        if normalise_host(host) == platform_host:
            message = _("host ${host} is the platform host", mapping={"host": repr(host)})
            raise SiteCreationError(Problem(None, message))


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
    problems: list[Problem] = []
    try:
        check_new_site(name, list(data.get("hosts", ())), sites, settings.platform_host)
    except SiteCreationError as exc:
        problems += exc.problems
    except SiteConfigError as exc:  # the name
        problems.append(Problem(None, exc.message))
    directory = settings.site_configs_dir
    checked_name = name if not problems else "placeholder"  # the other values, checked too
    try:
        site = build_site_config(
            checked_name, dict(data), f"{checked_name}.toml", sites.known_modules
        )
    except SiteConfigError as exc:
        problems.append(Problem(exc.key, exc.message))
    if problems:
        raise SiteCreationError(*problems)
    initialise_database(registry, site)
    write_site_config(directory, site)
    return site
