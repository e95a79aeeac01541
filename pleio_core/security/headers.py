"""Security headers on every response, and ``/.well-known/security.txt`` (RFC 9116).

The headers are added by a tween that sits over the transaction manager, the exception
views and the page cache, so error pages, static files, JSON, redirects and cached pages
all carry them. A header that a view has set itself (a stricter Content-Security-Policy,
say) is left as it is. A 405 answer gets ``Allow`` here when its view did not set one
(see ``edges``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPException
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.tweens import EXCVIEW

from pleio_core.i18n import _
from pleio_core.services import SETTINGS
from pleio_core.settings import SecurityTxtSettings
from pleio_core.sites.config import normalise_host

from .edges import UNDECODABLE_TWEEN, allow_header

log = logging.getLogger(__name__)

TWEEN = "pleio_core.security.headers.security_headers_tween_factory"
# Over these when they are present; EXCVIEW is always there, so the hint never dangles.
OVER = ("pleio_core.pagecache.page_cache_tween_factory", "pyramid_tm.tm_tween_factory")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action {form_action}; frame-ancestors 'self'"
)
HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
DEFAULT_PORTS = {"http": "80", "https": "443"}
PORT = re.compile(r"[0-9]{1,5}")


def form_action(request: Request, platform_host: str) -> str:
    """The CSP ``form-action`` sources: this host and the platform host's origin.

    Sign-in forms on a deelsite post to the platform host, on the scheme and port the visitor
    is using. The port comes from the Host header, which the client chooses: anything but a
    number would be copied into the header, so then only ``'self'`` is allowed.
    """
    scheme, port = request.scheme, request.host_port
    if scheme not in DEFAULT_PORTS or not PORT.fullmatch(port):
        return "'self'"
    origin = f"{scheme}://{platform_host}"
    if port != DEFAULT_PORTS[scheme]:
        origin += f":{port}"
    return f"'self' {origin}"


def allow_form_target(request: Request, origin: str) -> None:
    """Let forms on this page post (or be redirected after posting) to ``origin``.

    Browsers apply ``form-action`` to the redirects after a form is posted too: the sign-in
    form on the platform host ends with a redirect to the deelsite it was opened from.
    """
    targets = request.form_targets
    if origin not in targets:
        targets.append(origin)


def security_headers_tween_factory(
    handler: Callable[[Request], Response], registry: Registry
) -> Callable[[Request], Response]:
    settings = SETTINGS(registry)
    platform_host = settings.platform_host
    # HSTS only in production: on plain-HTTP development hosts it would pin browsers to HTTPS
    fixed = HEADERS + ((HSTS,) if settings.secure_cookies else ())

    def add_headers(request: Request, response: Response) -> None:
        # One pass over the header list: WebOb's header mapping scans it for every lookup.
        headerlist = response.headerlist
        present = {name.lower() for name, _value in headerlist}
        if "content-security-policy" not in present:
            sources = " ".join(
                [
                    form_action(request, platform_host),
                    *request.form_targets,
                ]
            )
            headerlist.append(("Content-Security-Policy", CSP.format(form_action=sources)))
        headerlist.extend((name, value) for name, value in fixed if name.lower() not in present)
        if response.status_code == 405 and "allow" not in present:
            # a view's own 405 (the API's fallback for its other methods): RFC 9110 wants Allow
            headerlist.append(("Allow", allow_header(request)))

    def security_headers_tween(request: Request) -> Response:
        try:
            response = handler(request)
        except HTTPException as exc:
            # raised below us but past the exception views: Pyramid may still send it as is
            add_headers(request, exc)
            raise
        add_headers(request, response)
        return response

    return security_headers_tween


def render_security_txt(settings: SecurityTxtSettings, canonical: str) -> str:
    lines = [f"Contact: {contact}" for contact in settings.contacts]
    lines += [
        f"Expires: {settings.expires}",
        "Preferred-Languages: nl, en",
        f"Canonical: {canonical}",
    ]
    return "\n".join(lines) + "\n"


def security_txt(request: Request) -> Response:
    """Answers on every host the platform receives; a Host that is not a host name is refused."""
    if not normalise_host(request.environ.get("HTTP_HOST", "")):
        raise HTTPBadRequest(_("The request has no valid Host header."))
    body = render_security_txt(SETTINGS(request.registry).security_txt, request.path_url)
    return Response(body, content_type="text/plain", charset="utf-8")


def form_targets(request: Request) -> list[str]:
    """``request.form_targets``: the origins besides the page's own its forms may post to."""
    return []


def includeme(config: Configurator) -> None:
    config.add_request_method(form_targets, "form_targets", reify=True)
    config.add_tween(TWEEN, over=(*OVER, EXCVIEW))
    config.add_tween(UNDECODABLE_TWEEN, under=TWEEN, over=(*OVER, EXCVIEW))
    # no site root: security.txt needs no site database opened
    config.add_route("security_txt", "/.well-known/security.txt", factory=lambda request: None)
    config.add_view(
        security_txt,
        route_name="security_txt",
        request_method=("GET", "HEAD"),
        permission=NO_PERMISSION_REQUIRED,
    )
    config.include(".edges")
