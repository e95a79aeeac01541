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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPException
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.settings import aslist
from pyramid.tweens import EXCVIEW

from pleio_core.settings import SettingsError, expand_environment
from pleio_core.sites.config import normalise_host

from .edges import allow_header

log = logging.getLogger(__name__)

TWEEN = "pleio_core.security.headers.security_headers_tween_factory"
# Over these when they are present; EXCVIEW is always there, so the hint never dangles.
OVER = ("pleio_core.storage.pagecache.page_cache_tween_factory", "pyramid_tm.tm_tween_factory")

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

DEFAULT_CONTACT = "mailto:security@localhost"
EXPIRES_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


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
    targets = request.__dict__.setdefault("pleio_form_targets", [])
    if origin not in targets:
        targets.append(origin)


def security_headers_tween_factory(
    handler: Callable[[Request], Response], registry: Registry
) -> Callable[[Request], Response]:
    settings = registry.pleio_settings
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
                    *request.__dict__.get("pleio_form_targets", ()),
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


@dataclass(frozen=True)
class SecurityTxt:
    """What ``/.well-known/security.txt`` says: where to report, and until when that holds."""

    contacts: tuple[str, ...]
    expires: str  # ISO 8601 in UTC, with Z

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], now: datetime) -> SecurityTxt:
        """Parse ``pleio.security_contact`` and ``pleio.security_expires``; ``now`` is aware."""
        raw = settings.get("pleio.security_contact") or DEFAULT_CONTACT
        contacts = tuple(aslist(expand_environment("pleio.security_contact", raw)))
        if not contacts:
            raise SettingsError("pleio.security_contact is empty: security.txt needs a Contact")
        for contact in contacts:
            if not contact.startswith(("mailto:", "https://")):
                raise SettingsError(
                    f"pleio.security_contact must start with mailto: or https://, not {contact!r}"
                )
        return cls(contacts, _expires(str(settings.get("pleio.security_expires") or ""), now))

    def render(self, canonical: str) -> str:
        lines = [f"Contact: {contact}" for contact in self.contacts]
        lines += [
            f"Expires: {self.expires}",
            "Preferred-Languages: nl, en",
            f"Canonical: {canonical}",
        ]
        return "\n".join(lines) + "\n"


def _expires(raw: str, now: datetime) -> str:
    raw = raw.strip()
    if not raw:
        return (now + timedelta(days=365)).strftime(EXPIRES_FORMAT)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise SettingsError(
            "pleio.security_expires must be an ISO 8601 date and time such as "
            f"2030-12-31T00:00:00Z, not {raw!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when <= now:
        # a warning, not an error: a restart after the date passes must still come up
        log.warning("pleio.security_expires (%s) has passed: security.txt is stale", raw)
    return when.astimezone(UTC).strftime(EXPIRES_FORMAT)


def security_txt(request: Request) -> Response:
    """Answers on every host the platform receives; a Host that is not a host name is refused."""
    if not normalise_host(request.environ.get("HTTP_HOST", "")):
        raise HTTPBadRequest("The request has no valid Host header.")
    body = request.registry.pleio_security_txt.render(request.path_url)
    return Response(body, content_type="text/plain", charset="utf-8")


def includeme(config: Configurator) -> None:
    registry = config.registry
    registry.pleio_security_txt = SecurityTxt.from_settings(registry.settings, datetime.now(UTC))
    config.add_tween(TWEEN, over=(*OVER, EXCVIEW))
    # no site root: security.txt needs no site database opened
    config.add_route("security_txt", "/.well-known/security.txt", factory=lambda request: None)
    config.add_view(
        security_txt,
        route_name="security_txt",
        request_method=("GET", "HEAD"),
        permission=NO_PERMISSION_REQUIRED,
    )
    config.include(".edges")
