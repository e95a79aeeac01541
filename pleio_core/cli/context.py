"""What every command needs: the settings, the installed plugins and the site registry.

Commands do not build the whole web application: a running server may hold the platform
database's lock, and no command needs it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import transaction
from pyramid.paster import get_appsettings
from pyramid.registry import Registry

from pleio_core import make_configurator
from pleio_core.content.site import ROOT_KEY
from pleio_core.sites import SiteRegistry
from pleio_core.sites.config import SiteConfig
from pleio_core.sites.lifecycle import get_site_root, pending_modules
from pleio_core.storage import site_storage_uri
from pleio_core.storage.databases import open_database

log = logging.getLogger(__name__)


class ConfigFileError(Exception):
    pass


@dataclass
class Platform:
    registry: Registry
    sites: SiteRegistry

    @property
    def settings(self):
        return self.registry.pleio_settings

    def storage_uri(self, name: str, site: SiteConfig | None = None) -> str:
        sites = {name: site} if site is not None else self.sites
        return site_storage_uri(self.settings, sites, name)

    def initialise_site(self, site: SiteConfig) -> None:
        """Create the site's database and root object (with its modules), if needed."""
        self.edit_site(site, lambda root: None)

    def edit_site(self, site: SiteConfig, change) -> None:
        db = open_database(self.storage_uri(site.name, site), site.name)
        try:
            tm = transaction.TransactionManager()
            conn = db.open(transaction_manager=tm)
            with tm:
                change(get_site_root(conn, site, self.registry))
            conn.close()
        finally:
            db.close()

    def effective_modules(self, site: SiteConfig) -> tuple[str, ...] | None:
        """The modules switched on for ``site`` once a server has applied its file.

        Only reads (a FileStorage read-only, as a running server may hold it); creates
        nothing and calls no hooks. None if the site has no database yet.
        """
        uri = self.storage_uri(site.name, site)
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
                if root is None:
                    return None
                return pending_modules(root, site)
        finally:
            db.close()


def load_platform(config_file: str) -> Platform:
    if not os.path.exists(config_file):
        raise ConfigFileError(f"{config_file}: no such configuration file")
    here = os.path.dirname(os.path.abspath(config_file))
    config = make_configurator({"here": here, **get_appsettings(config_file)}, full=False)
    config.commit()
    s = config.registry.pleio_settings
    sites = SiteRegistry(s.site_configs_dir, config.registry.pleio_plugins.names(), s.platform_host)
    sites.load()
    return Platform(config.registry, sites)
