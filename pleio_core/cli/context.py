"""What every command needs: the settings, the installed plugins and the site registry.

Commands do not build the whole web application: a running server may hold the platform
database's lock, and no command needs it.

With a ``[pleio:zeo]`` section (development: ``make run``) the databases are reached
through that ZEO server while it runs, and opened directly as files while it does not
(``pleio_core.cli.zeo``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from persistent.mapping import PersistentMapping
from pyramid.paster import get_appsettings
from pyramid.registry import Registry
from ZODB import DB

from pleio_core import make_configurator
from pleio_core.content.site import ROOT_KEY, SiteRoot
from pleio_core.services import PLUGINS, SETTINGS
from pleio_core.sites import SiteRegistry
from pleio_core.sites.config import SiteConfig
from pleio_core.sites.lifecycle import get_site_root, pending_modules
from pleio_core.storage import PLATFORM_KEY, site_storage_uri
from pleio_core.storage.databases import open_database
from pleio_core.storage.zeo import ServedFiles

from .zeo import direct_settings, direct_uri, served_files

log = logging.getLogger(__name__)
T = TypeVar("T")


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit status 2."""


@contextmanager
def opened(uri: str, name: str, read_only: bool = False) -> Iterator[DB]:
    """The database behind ``uri``; DatabaseInUse if a running server holds its lock."""
    if read_only and urlsplit(uri).scheme == "file":
        uri += ("&" if "?" in uri else "?") + "read_only=1"
    db = open_database(uri, name, create=not read_only)
    try:
        yield db
    finally:
        db.close()


@dataclass
class Platform:
    registry: Registry
    sites: SiteRegistry
    #: the files the installation's own ZEO server serves (``[pleio:zeo]``), if it has one
    served: ServedFiles | None = None
    #: True when that server did not answer, so this command opens its files itself
    direct: bool = False

    @property
    def settings(self):
        return SETTINGS(self.registry)

    def storage_uri(self, name: str, site: SiteConfig | None = None) -> str:
        sites = {name: site} if site is not None else self.sites
        uri = site_storage_uri(self.settings, sites, name)
        return direct_uri(self.served, uri) if self.direct and self.served else uri

    def file_uri(self, uri: str) -> str:
        """The ``file://`` URI of the files behind ``uri`` if it reaches them through the
        installation's own ZEO server (as a backup needs them); else ``uri``."""
        if self.served is None:
            return uri
        return self.served.file_uri_behind(uri) or uri

    def initialise_site(self, site: SiteConfig) -> None:
        """Create the site's database and root object (with its modules), if needed."""
        self.edit_site(site, lambda root: None)

    def edit_site(self, site: SiteConfig, change: Callable[[SiteRoot], T]) -> T:
        """Run ``change(site_root)`` in one transaction; return what it returns."""
        with opened(self.storage_uri(site.name, site), site.name) as db:
            with db.transaction() as conn:
                return change(get_site_root(conn, site, self.registry))

    def edit_platform(self, change: Callable[[PersistentMapping], T]) -> T:
        """Run ``change(platform_root)`` in one transaction; return what it returns."""
        with opened(self.settings.platform_storage_uri, "platform") as db:
            with db.transaction() as conn:
                if PLATFORM_KEY not in conn.root():
                    conn.root()[PLATFORM_KEY] = PersistentMapping()
                return change(conn.root()[PLATFORM_KEY])

    def read_platform(self, read: Callable[[PersistentMapping], T]) -> T:
        with opened(self.settings.platform_storage_uri, "platform", read_only=True) as db:
            with db.transaction() as conn:
                return read(conn.root().get(PLATFORM_KEY, PersistentMapping()))

    def read_site_attribute(self, site: SiteConfig, name: str) -> object | None:
        """An attribute of the site's root; None without a database."""
        return self.read_root(site, lambda root: getattr(root, name, None))

    def effective_modules(self, site: SiteConfig) -> tuple[str, ...] | None:
        """The modules switched on for ``site`` once a server has applied its file."""
        return self.read_root(site, lambda root: pending_modules(root, site))

    def read_root(self, site: SiteConfig, read: Callable[[SiteRoot], T]) -> T | None:
        """``read(site_root)`` without writing anything; None if the site has no database.

        A FileStorage is opened read-only, as a running server may hold it; nothing is
        created and no hooks run.
        """
        uri = self.storage_uri(site.name, site)
        if self.served is not None and self.served.exists(uri) is False:
            return None  # through ZEO: opening it would create it
        if urlsplit(uri).scheme == "file":
            if not Path(urlsplit(uri).path).exists():
                return None
            uri += ("&" if "?" in uri else "?") + "read_only=1"
        try:
            db = open_database(uri, site.name, create=False)
        except Exception as exc:  # e.g. a PostgreSQL database that does not exist yet
            log.debug("cannot read site %s: %s", site.name, exc)
            return None
        try:
            with db.transaction() as conn:
                root = conn.root().get(ROOT_KEY)
                return read(root) if root is not None else None
        finally:
            db.close()


def load_platform(config_file: str) -> Platform:
    if not Path(config_file).exists():
        raise UsageError(f"{config_file}: no such configuration file")
    here = str(Path(config_file).resolve().parent)
    served = served_files(config_file)
    settings, direct = direct_settings({"here": here, **get_appsettings(config_file)}, served)
    if direct and served is not None:
        print(f"pleio: no ZEO server on {served.listen}: opening the files", file=sys.stderr)
    config = make_configurator(settings, full=False)
    config.commit()
    s = SETTINGS(config.registry)
    sites = SiteRegistry(s.site_configs_dir, PLUGINS(config.registry).names(), s.platform_host)
    sites.load()
    return Platform(config.registry, sites, served, direct)
