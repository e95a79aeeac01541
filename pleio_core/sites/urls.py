"""URLs across hosts: the platform host and the deelsites, on the scheme and port in use."""

from __future__ import annotations

from urllib.parse import urlencode

from pyramid.request import Request

from pleio_core.services import SETTINGS, SITES


def host_url(request: Request, host: str) -> str:
    """``scheme://host[:port]`` for another host served by this installation."""
    port = request.host_port
    default = "443" if request.scheme == "https" else "80"
    return f"{request.scheme}://{host}" + ("" if port == default else f":{port}")


def platform_url(request: Request, path: str = "/") -> str:
    return host_url(request, SETTINGS(request.registry).platform_host) + path


def known_site_host(request: Request, host: str | None) -> str | None:
    """``host`` if it is a deelsite of this installation: return addresses go nowhere else."""
    if not host:
        return None
    site = SITES(request.registry).site_for_host(host.lower())
    return host.lower() if site is not None else None


def return_query(site_host: str | None, came_from: str) -> str:
    """``?site=…&came_from=…``: the way back that the platform's sign-in, account and
    confirmation pages hand on to each other (an invitation's page, through creating an
    account, to signing in); empty when it leads to the platform's home."""
    params = {"site": site_host or "", "came_from": came_from if came_from != "/" else ""}
    kept = {key: value for key, value in params.items() if value}
    return f"?{urlencode(kept)}" if kept else ""
