"""Who is asking, and may they? The Pyramid 2 security policy of every host.

Identity comes from a signed cookie holding an account id. Accounts, sign-in and roles per
site are built on this (see the accounts issue); until an account signs in, every visitor
is anonymous and sees what ``Everyone`` may see.
"""

from __future__ import annotations

from typing import Any

from pyramid.authentication import AuthTktCookieHelper
from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.config import Configurator
from pyramid.request import Request

AUTH_COOKIE = "pleio_auth"


class PleioSecurityPolicy:
    def __init__(self, secret: str, secure: bool) -> None:
        self.cookie_name = f"__Host-{AUTH_COOKIE}" if secure else AUTH_COOKIE
        self.helper = AuthTktCookieHelper(
            secret,
            cookie_name=self.cookie_name,
            secure=secure,
            http_only=True,
            samesite="Lax",
            hashalg="sha512",
            wild_domain=False,
        )
        self.acl = ACLHelper()

    def identity(self, request: Request) -> dict[str, Any] | None:
        return self.helper.identify(request)

    def authenticated_userid(self, request: Request) -> str | None:
        identity = request.identity
        return identity["userid"] if identity else None

    def principals(self, request: Request) -> list[str]:
        userid = self.authenticated_userid(request)
        if userid is None:
            return [Everyone]
        return [Everyone, Authenticated, f"account:{userid}"]

    def permits(self, request: Request, context: Any, permission: str) -> Any:
        return self.acl.permits(context, self.principals(request), permission)

    def remember(self, request: Request, userid: str, **kw: Any) -> list[tuple[str, str]]:
        return self.helper.remember(request, userid, **kw)

    def forget(self, request: Request, **kw: Any) -> list[tuple[str, str]]:
        return self.helper.forget(request)


def may_be_signed_in(request: Request) -> bool:
    """True if the request carries a sign-in cookie or credentials (valid or not)."""
    policy = request.registry.pleio_security_policy
    return policy.cookie_name in request.cookies or "HTTP_AUTHORIZATION" in request.environ


def includeme(config: Configurator) -> None:
    settings = config.registry.pleio_settings
    policy = PleioSecurityPolicy(settings.secret, settings.secure_cookies)
    config.registry.pleio_security_policy = policy
    config.set_security_policy(policy)
    config.set_default_permission("view")
    config.add_request_method(may_be_signed_in, "may_be_signed_in", reify=True)
