"""The platform host's pages (the overview of public deelsites, the health check) and every
deelsite's control panel (one module per part)."""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content.site import PlatformRoot
from pleio_core.plugins.manager import core_version
from pleio_core.services import SITE_DATABASES, SITES
from pleio_core.sites.effective import listed_sites


def sites_overview(context: PlatformRoot, request: Request) -> dict[str, Any]:
    """Every public deelsite with its title, description and link (as pleio.nl/sites), as
    its holder set them; the operator also sees the closed ones."""
    return {"sites": listed_sites(request)}


def health(request: Request) -> dict[str, Any]:
    """``/_health``: that the process answers. Only the operator, signed in on the platform
    host, also learns the version and the counts; a deelsite's visitors have no need to."""
    identity = request.identity if request.is_platform else None
    if identity is None or not identity.operator:
        return {"status": "ok"}
    request.response.cache_control.no_store = True  # not for a proxy to hand to others
    request.response.cache_control.private = True
    registry = request.registry
    return {
        "status": "ok",
        "version": core_version(),
        "sites": len(SITES(registry)),
        "open_databases": len(SITE_DATABASES(registry)),
    }


def includeme(config: Configurator) -> None:
    config.add_view(
        sites_overview,
        context=PlatformRoot,
        renderer="pleio_core:templates/overview.pt",
        request_method=("GET", "HEAD"),
    )
    config.add_route("health", "/_health", factory=lambda request: None)
    config.add_view(
        health,
        route_name="health",
        renderer="json",
        request_method=("GET", "HEAD"),
        permission=NO_PERMISSION_REQUIRED,
    )
    config.include(".panel")
    config.include(".general")
    config.include(".appearance")
    config.include(".menu")
    config.include(".home")
    config.include(".modules")
    config.include(".module_settings")
    config.include(".members")
    config.include(".profile_fields")
    config.include(".sites")
