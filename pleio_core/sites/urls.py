"""URLs across hosts: the platform host and the deelsites, on the scheme and port in use."""

from __future__ import annotations

from pyramid.request import Request

from pleio_core.services import SETTINGS


def host_url(request: Request, host: str) -> str:
    """``scheme://host[:port]`` for another host served by this installation."""
    port = request.host_port
    default = "443" if request.scheme == "https" else "80"
    return f"{request.scheme}://{host}" + ("" if port == default else f":{port}")


def platform_url(request: Request, path: str = "/") -> str:
    return host_url(request, SETTINGS(request.registry).platform_host) + path
