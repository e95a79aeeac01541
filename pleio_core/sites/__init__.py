"""Deelsites: the SiteRegistry, host → site, and the root of every request.

``request.site`` is the SiteConfig answering on the request's host (None on the platform
host); ``request.site_root`` is that site's SiteRoot, from a connection that is joined to
``request.tm`` and given back when the request is finished.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPServiceUnavailable
from pyramid.request import Request

from pleio_core.content.site import PlatformRoot, SiteRoot
from pleio_core.i18n import _
from pleio_core.services import PLUGINS, SETTINGS, SITE_DATABASES, SITES

from .config import SiteConfig, SiteConfigError, normalise_host
from .effective import site_settings
from .lifecycle import prepare_site, read_site_root
from .registry import SiteRegistry

__all__ = ["SiteConfig", "SiteConfigError", "SiteRegistry", "includeme"]


def request_host(request: Request) -> str:
    """The normalised host of the request; empty if there is none or it is garbage."""
    raw = request.environ.get("HTTP_HOST", "")
    return (normalise_host(raw) or "") if raw else ""


def request_site(request: Request) -> SiteConfig | None:
    registry: SiteRegistry = SITES(request.registry)
    registry.refresh()
    if not request.pleio_host:
        return None
    return registry.site_for_host(request.pleio_host)


def is_platform(request: Request) -> bool:
    return request.pleio_host == SETTINGS(request.registry).platform_host


def site_root(request: Request) -> SiteRoot | None:
    site = request.site
    if site is None or site.disabled:  # a disabled site's database is left alone
        return None
    databases = SITE_DATABASES(request.registry)
    prepare_site(databases, site, request.registry)  # (its own transaction: this one reads)
    conn = databases.connect(site.name, request.tm)
    request.add_finished_callback(lambda _request: databases.release(site.name, conn))
    return read_site_root(conn)


def enabled_modules(request: Request) -> tuple[str, ...]:
    root = request.site_root
    if root is None:
        return ()
    installed = PLUGINS(request.registry)
    return tuple(m for m in root.enabled_modules if m in installed)


def root_factory(request: Request) -> Any:
    if not request.pleio_host:
        raise HTTPBadRequest(_("The request has no valid Host header."))
    if request.is_platform:
        return PlatformRoot()
    if request.site is not None and request.site.disabled:
        raise HTTPServiceUnavailable()
    root = request.site_root
    if root is None:
        raise HTTPNotFound()
    if root.evolve_failure is not None:  # its module's code is newer than its data
        raise HTTPServiceUnavailable()
    return root


def includeme(config: Configurator) -> None:
    settings = SETTINGS(config.registry)
    registry = SiteRegistry(
        settings.site_configs_dir,
        known_modules=PLUGINS(config.registry).names(),
        platform_host=settings.platform_host,
        check_interval=settings.config_check_interval,
    )
    registry.load()
    SITES.provide(config, registry)
    config.add_request_method(request_host, "pleio_host", reify=True)
    config.add_request_method(request_site, "site", reify=True)
    config.add_request_method(is_platform, "is_platform", reify=True)
    config.add_request_method(site_root, "site_root", reify=True)
    config.add_request_method(enabled_modules, "enabled_modules", reify=True)
    config.add_request_method(site_settings, "site_settings", reify=True)
    config.set_root_factory(root_factory)
