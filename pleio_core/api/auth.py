"""Who may call the API: a token (``Authorization: Bearer``) or the browser's sign-in cookie.

The API's views are registered without Pyramid's automatic CSRF check, because a token
client has no CSRF cookie. The check is made here instead, for exactly the requests that
need it: unsafe methods authenticated by the cookie, which must carry ``X-CSRF-Token``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.csrf import check_csrf_origin, check_csrf_token
from pyramid.request import Request

from pleio_core.content.access import concealed
from pleio_core.i18n import _

from .errors import ApiError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def api_root(request: Request) -> Any:
    """The route factory of the API: the deelsite's root (the platform host has no API)."""
    root = request.site_root
    if root is None:
        raise ApiError(404, _("There is no deelsite at this address."))
    if root.evolve_failure is not None:  # as its pages (sites.root_factory)
        raise ApiError(503, _("This site is under maintenance: try again later."))
    return root


def check_credentials(request: Request) -> None:
    """Refuse bad credentials and cross-site writes before a view runs."""
    identity = request.identity
    via_token = identity is not None and identity.via_token
    if "HTTP_AUTHORIZATION" in request.environ and not via_token:
        # an unknown, revoked or other site's token is refused, not treated as anonymous
        raise ApiError(401, _("This API token is not valid on this site."))
    if request.method in SAFE_METHODS or identity is None or via_token:
        return
    # what Pyramid's own check does for forms: the token, and on HTTPS the Origin too
    if not (check_csrf_token(request, raises=False) and check_csrf_origin(request, raises=False)):
        raise ApiError(403, _("A signed-in browser must send the X-CSRF-Token header."))


def guarded(view: Callable[[Any, Request], Any]) -> Callable[[Any, Request], Any]:
    """The view decorator of every API view: credentials are checked first."""

    def checked(context: Any, request: Request) -> Any:
        check_credentials(request)
        return view(context, request)

    return checked


def require_identity(request: Request) -> Any:
    """The signed-in account, or 401. A view that needs one asks first, before it looks at
    the path: an anonymous write is a 401 whatever is there, never a 404 that tells."""
    if request.identity is None:
        raise ApiError(401)
    return request.identity


def require_permission(request: Request, permission: str, context: object) -> None:
    """401 for an anonymous caller without the permission, 403 for a signed-in one."""
    if not request.has_permission(permission, context):
        if concealed(request, context):
            raise ApiError(404)
        raise ApiError(401 if request.identity is None else 403)
