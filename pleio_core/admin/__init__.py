"""The platform host's pages (the overview of public deelsites, the health check) and every
deelsite's control panel (one module per part)."""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content.site import PlatformRoot
from pleio_core.plugins.manager import core_version
from pleio_core.sites.urls import host_url


def sites_overview(context: PlatformRoot, request: Request) -> dict[str, Any]:
    """Every public deelsite with its title, description and link (as pleio.nl/sites)."""
    sites = [
        {
            "title": site.title,
            "description": site.description,
            "href": host_url(request, site.primary_host) + "/",
        }
        for site in request.registry.pleio_sites
        if site.access == "public"
    ]
    sites.sort(key=lambda s: s["title"].lower())
    return {"sites": sites}


def health(request: Request) -> dict[str, Any]:
    registry = request.registry
    return {
        "status": "ok",
        "version": core_version(),
        "sites": len(registry.pleio_sites),
        "open_databases": len(registry.pleio_databases),
    }


def includeme(config: Configurator) -> None:
    config.add_view(
        sites_overview, context=PlatformRoot, renderer="pleio_core:templates/overview.pt"
    )
    config.add_route("health", "/_health", factory=lambda request: None)
    config.add_view(health, route_name="health", renderer="json", permission=NO_PERMISSION_REQUIRED)
    config.include(".panel")
    config.include(".general")
    config.include(".appearance")
    config.include(".menu")
    config.include(".modules")
    config.include(".module_settings")
    config.include(".members")
    config.include(".sites")
