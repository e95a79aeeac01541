"""App passwords: ``Authorization: Basic`` for programs that cannot sign in (WebDAV clients).

A plugin names the paths where they count: ``config.add_app_password_path("/dav/",
title=...)``. Under such a path, and only there:

- the identity is the account of ``Basic <e-mail address>:<app password>``, an app
  password the account made for this deelsite on its account page (``api_tokens``, scope
  ``APP_PASSWORD``); the sign-in cookie never counts there (a page elsewhere cannot make a
  browser act there in its holder's name), nor does a sign-in password;
- credentials that do not name such an account (unknown, revoked, another site's, a
  disabled account, one that left the site, a sign-in password) are answered with 401 and
  a ``Basic`` challenge before any view runs: never served as anonymous;
- failed attempts count in the sign-in throttle, per e-mail address and per client
  address, like failed sign-ins (429 once it says so).

Everywhere else a ``Basic`` header is ignored. The directive is added before the plugins
are configured (``make_configurator``).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from pyramid.config import Configurator
from pyramid.events import ContextFound
from pyramid.exceptions import ConfigurationError
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.clock import now
from pleio_core.i18n import _
from pleio_core.services import APP_PASSWORD_PATHS, SIGNIN_THROTTLE

from .api_tokens import APP_PASSWORD, PLATFORM_KEY
from .store import platform_accounts
from .throttle import SignInThrottle, client_address, too_many_requests

INTROSPECTION_CATEGORY = "pleio app password paths"
#: What a client shows when it asks for the password.
REALM = "Pleio"
PREFIX = re.compile(r"/[a-z0-9][a-z0-9._-]*/")
#: Paths of the core's own: a plugin cannot open them to Basic.
RESERVED = ("/api/", "/static/", "/login/", "/account/")


@dataclass(frozen=True)
class AppPasswordPath:
    prefix: str
    title: Any  # a translation string: what works there, for the account page


def add_app_password_path(config: Configurator, prefix: str, title: Any) -> None:
    """Let app passwords (``Authorization: Basic``) sign in under ``prefix`` of every
    deelsite, e.g. ``"/dav/"``; ``title`` (a translation string) says on the account page
    what an app password is good for there. Two registrations of one prefix conflict."""
    if not isinstance(prefix, str) or not PREFIX.fullmatch(prefix) or prefix in RESERVED:
        raise ConfigurationError(
            f"add_app_password_path({prefix!r}): one path segment in slashes, e.g. '/dav/', "
            f"not one of {RESERVED}"
        )
    path = AppPasswordPath(prefix, title)
    intr = config.introspectable(INTROSPECTION_CATEGORY, prefix, prefix, "pleio app password path")
    intr["title"] = title
    intr["package"] = config.package_name

    def register() -> None:
        APP_PASSWORD_PATHS(config.registry).append(path)

    config.action(("pleio app password path", prefix), register, introspectables=(intr,))


def app_password_paths(registry: Any) -> list[AppPasswordPath]:
    return APP_PASSWORD_PATHS(registry)


def under_app_password_path(request: Request) -> bool:
    """Is the request for a path where app passwords (and only they) sign in?"""
    path = request.path_info
    paths = APP_PASSWORD_PATHS(request.registry)
    return any(path.startswith(p.prefix) or path == p.prefix[:-1] for p in paths)


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """The login and password of an ``Authorization: Basic`` header; ``("", "")`` for one
    that cannot be read; None without such a header."""
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "", ""
    login, sep, password = text.partition(":")
    return (login.strip(), password) if sep else ("", "")


@dataclass(frozen=True)
class AppPasswordCheck:
    """What a request's ``Basic`` header came to (``request.app_password_check``)."""

    #: The account whose app password for this deelsite it carries, else None.
    account_id: str | None = None
    #: Seconds the sign-in throttle still refuses the login or the address: not checked.
    retry_after: int | None = None


def check_app_password(request: Request) -> AppPasswordCheck:
    """``request.app_password_check``, worked out once: under an app password path, the
    account of the ``Basic`` header's app password. A failure is counted in the sign-in
    throttle; while that refuses the login or the address, nothing is checked."""
    site = request.site
    credentials = basic_credentials(request)
    if site is None or not credentials or not under_app_password_path(request):
        return AppPasswordCheck()
    login, password = credentials
    throttle: SignInThrottle = SIGNIN_THROTTLE(request.registry)
    address = client_address(request)
    wait = throttle.check(login, address)
    if wait:
        return AppPasswordCheck(retry_after=wait)
    tokens = request.platform_root.get(PLATFORM_KEY)
    record = tokens.find(password) if tokens is not None else None
    accounts = platform_accounts(request)
    account = accounts.by_email(login) if accounts is not None and login else None
    if (
        record is None
        or record.scope != APP_PASSWORD
        or record.site != site.name
        or account is None
        or account.id != record.account_id
    ):
        throttle.failed(login, address)
        return AppPasswordCheck()
    record.touch(now())  # (at most every few minutes: a write to the platform database)
    return AppPasswordCheck(account_id=record.account_id)


class AppPasswordRefused(Exception):
    """Credentials under an app password path that sign nobody in (or too many failures)."""

    def __init__(self, retry_after: int | None = None) -> None:
        super().__init__("app password refused")
        self.retry_after = retry_after


def basic_challenge(request: Request, status: int = 401) -> Response:
    """An answer asking for an app password: ``WWW-Authenticate: Basic``, a short text.

    Plugins answer with it where an anonymous visitor may not do what they asked, so that a
    client that sends no credentials until it is asked (most WebDAV clients) asks."""
    response = Response(status=status, charset="utf-8", content_type="text/plain")
    response.text = request.localizer.translate(
        _("Sign in with your e-mail address and an app password for this site.")
    )
    response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    response.cache_control.no_store = True
    return response


def refuse_bad_credentials(event: ContextFound) -> None:
    """Under an app password path, credentials that sign nobody in are a 401, not anonymous."""
    request = event.request
    if "HTTP_AUTHORIZATION" not in request.environ or not under_app_password_path(request):
        return
    identity = request.identity
    if identity is not None and identity.via_app_password:
        return
    raise AppPasswordRefused(request.app_password_check.retry_after)


def refused_view(exc: AppPasswordRefused, request: Request) -> Response:
    if exc.retry_after:
        answer = too_many_requests(exc.retry_after)
        response = basic_challenge(request, 429)
        response.headers["Retry-After"] = answer.headers["Retry-After"]
        del response.headers["WWW-Authenticate"]
        return response
    return basic_challenge(request)


def includeme(config: Configurator) -> None:
    """The directive and the refusal of bad credentials (``make_configurator`` includes this
    before the plugins, which use the directive)."""
    APP_PASSWORD_PATHS.provide(config, [])
    config.add_directive("add_app_password_path", add_app_password_path)
    config.add_request_method(check_app_password, "app_password_check", reify=True)
    config.add_subscriber(refuse_bad_credentials, ContextFound)
    config.add_exception_view(refused_view, context=AppPasswordRefused)
