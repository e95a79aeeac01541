"""The API's routes and which view answers which method; everything else is a JSON error.

Routes match before traversal, so ``/api/v1/...`` never reaches a page of the site. Every
view is registered without Pyramid's CSRF check and with the ``guarded`` decorator, which
checks credentials (and CSRF for cookie-authenticated writes) itself: see ``auth``.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPException
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from . import content, search, site, social
from .auth import api_root, guarded, require_permission
from .errors import (
    DEFAULT_MESSAGES,
    ApiError,
    api_error_view,
    error_response,
    http_error_view,
    method_not_allowed,
)
from .openapi import openapi_document

PREFIX = "/api/v1"


def openapi_view(context: Any, request: Request) -> dict[str, Any]:
    require_permission(request, "view", request.site_root)
    return openapi_document(request)


def unknown_path(exc: HTTPException, request: Request) -> Any:
    return error_response(request, 404, DEFAULT_MESSAGES[404])


#: route name → (pattern, {method: view})
ROUTES: dict[str, tuple[str, dict[str, Any]]] = {
    "api.site": ("/site", {"GET": site.site_info}),
    "api.me": ("/me", {"GET": site.me}),
    "api.openapi": ("/openapi.json", {"GET": openapi_view}),
    "api.content": (
        "/content/*path",
        {
            "GET": content.read_content,
            "POST": content.add_content,
            "PATCH": content.change_content,
            "DELETE": content.remove_content,
        },
    ),
    "api.children": ("/children/*path", {"GET": content.list_children}),
    "api.comments": (
        "/comments/*path",
        {
            "GET": social.list_comments,
            "POST": social.post_comment,
            "PATCH": social.change_comment,
            "DELETE": social.remove_comment,
        },
    ),
    "api.search": ("/search", {"GET": search.search_view}),
    "api.likes": (
        "/likes/*path",
        {"GET": social.read_likes, "PUT": social.like, "DELETE": social.unlike},
    ),
}


def includeme(config: Configurator) -> None:
    view_options = {
        "permission": NO_PERMISSION_REQUIRED,
        "require_csrf": False,
        "decorator": guarded,
    }
    for route_name, (pattern, views) in ROUTES.items():
        config.add_route(route_name, PREFIX + pattern, factory=api_root)
        for method, view in views.items():
            methods = (method, "HEAD") if method == "GET" else method
            config.add_view(
                view, route_name=route_name, request_method=methods, renderer="json", **view_options
            )
        config.add_view(method_not_allowed, route_name=route_name, **view_options)
        config.add_exception_view(http_error_view, context=HTTPException, route_name=route_name)
    # anything else under /api/ (or a path no route pattern matches, with a newline, say):
    # a JSON 404, not the site's HTML page
    config.add_notfound_view(unknown_path, path_info=r"^/api/")
    config.add_exception_view(api_error_view, context=ApiError)
