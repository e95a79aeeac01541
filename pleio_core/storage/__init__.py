"""Storage: a ZODB database per deelsite, the platform database, one commit per request."""

from __future__ import annotations

import transaction
from persistent.mapping import PersistentMapping
from pyramid.config import Configurator
from pyramid.request import Request
from ZODB import DB

from pleio_core.services import PLATFORM_DATABASE, SETTINGS, SITE_DATABASES, SITES

from .databases import DatabaseInUse, SiteDatabases, StorageError, open_database

__all__ = ["DatabaseInUse", "SiteDatabases", "StorageError", "includeme", "open_database"]

PLATFORM_KEY = "pleio_platform"


def site_storage_uri(registry_settings, sites, name: str) -> str:
    """The zodburi URI of site ``name``: its own ``storage`` or the template."""
    site = sites.get(name)
    if site is not None and site.storage:
        return site.storage
    return registry_settings.storage_uri.replace("{site}", name)


def open_platform_database(uri: str) -> DB:
    """Open the platform database (accounts) and make sure its root object exists."""
    db = open_database(uri, "platform")
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            if PLATFORM_KEY not in conn.root():
                conn.root()[PLATFORM_KEY] = PersistentMapping()
    finally:
        conn.close()
    return db


def platform_root(request: Request) -> PersistentMapping:
    """The platform database's root for this request (opened on first use)."""
    conn = PLATFORM_DATABASE(request.registry).open(transaction_manager=request.tm)
    request.add_finished_callback(lambda _request: conn.close())
    return conn.root()[PLATFORM_KEY]


def includeme(config: Configurator) -> None:
    registry = config.registry
    settings = SETTINGS(registry)
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    databases = SiteDatabases(
        lambda name: site_storage_uri(settings, SITES(registry), name), settings.max_open_sites
    )
    SITE_DATABASES.provide(config, databases)
    PLATFORM_DATABASE.provide(config, open_platform_database(settings.platform_storage_uri))
    config.add_request_method(platform_root, "platform_root", reify=True)
