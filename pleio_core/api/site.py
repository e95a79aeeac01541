"""``/api/v1/site`` (what this deelsite offers) and ``/api/v1/me`` (who is asking)."""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from pleio_core.security.membership import site_members
from pleio_core.services import CONTENT_TYPES, PLUGINS

from .auth import require_identity, require_permission


def site_info(context: Any, request: Request) -> dict[str, Any]:
    require_permission(request, "view", request.site_root)
    site, settings = request.site, request.site_settings  # as the holder set them
    translate = request.localizer.translate
    plugins = PLUGINS(request.registry).plugins
    enabled = request.enabled_modules
    types = CONTENT_TYPES(request.registry)
    return {
        "name": site.name,
        "title": settings.title,
        "url": request.application_url + "/",
        "access": settings.access,
        "language": settings.language,
        "modules": [
            {"name": name, "title": translate(plugins[name].info.title)} for name in enabled
        ],
        "content_types": [
            {
                "name": ct.name,
                "title": translate(ct.title),
                "module": ct.module,
                "addable_to": list(ct.addable_to),
            }
            for ct in types.values()
            if ct.module in enabled
        ],
        "openapi": request.route_url("api.openapi"),
    }


def me(context: Any, request: Request) -> dict[str, Any]:
    identity = require_identity(request)
    members = site_members(request.site_root)
    return {
        "id": identity.id,
        "name": identity.name,
        "email": identity.account.email,
        "language": identity.language,
        "role": members.role_of(identity.id) if members is not None else None,
        "via": "token" if identity.via_token else "session",
    }
