"""Who is asking, and may they? Accounts, sign-in across hosts, roles per site, CSRF.

See ``policy`` for identity and principals, ``accounts`` for the account model,
``signin`` for the pages that sign people in and out.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.csrf import CookieCSRFStoragePolicy

from pleio_core.services import (
    ACCOUNT_SUMMARIES,
    MAIL_THROTTLE,
    PLATFORM_DATABASE,
    SECURITY_POLICY,
    SETTINGS,
    SIGNIN_THROTTLE,
)
from pleio_core.storage.databases import is_single_process

from .forms import BrokenLink, broken_link_page
from .policy import (
    AUTH_COOKIE,
    AccountSummaries,
    PleioSecurityPolicy,
    may_be_signed_in,
    site_allows,
)
from .throttle import SignInThrottle, make_limiter

__all__ = ["AUTH_COOKIE", "PleioSecurityPolicy", "includeme"]

CSRF_COOKIE = "pleio_csrf"


def includeme(config: Configurator) -> None:
    settings = SETTINGS(config.registry)
    policy = PleioSecurityPolicy(settings.secret, settings.secure_cookies)
    SECURITY_POLICY.provide(config, policy)
    summaries = AccountSummaries(is_single_process(settings.platform_storage_uri))
    ACCOUNT_SUMMARIES.provide(config, summaries)
    # storage's database, taken when the configuration is committed: in whatever order
    # the includes came
    config.action(None, lambda: summaries.use(PLATFORM_DATABASE(config.registry)))
    config.set_security_policy(policy)
    config.add_request_method(policy.find_identity, "pleio_identity", reify=True)
    config.add_request_method(policy.find_principals, "principals", reify=True)
    config.set_default_permission("view")
    config.add_request_method(may_be_signed_in, "may_be_signed_in", reify=True)
    config.add_request_method(site_allows, "site_allows", reify=True)
    # Double-submit cookie: works without server-side sessions, on every host separately,
    # so a form from one deelsite cannot be posted to another.
    config.set_csrf_storage_policy(
        CookieCSRFStoragePolicy(
            cookie_name=f"__Host-{CSRF_COOKIE}" if settings.secure_cookies else CSRF_COOKIE,
            secure=settings.secure_cookies,
            httponly=True,
            samesite="Lax",
        )
    )
    config.set_default_csrf_options(require_csrf=True)
    # In this process's memory when it alone opens the platform database (FileStorage);
    # else in that database, so every process counts the same failures.
    registry = config.registry
    shared_in = None
    if not is_single_process(settings.platform_storage_uri):
        shared_in = lambda: PLATFORM_DATABASE(registry)  # noqa: E731 (provided by storage)
    SIGNIN_THROTTLE.provide(config, SignInThrottle(shared_in=shared_in))
    # Registration and password reset send mail: at most 10 an hour from one address.
    MAIL_THROTTLE.provide(config, make_limiter("mail requests", 10, 3600, shared_in))
    config.include(".headers")
    config.include(".textinput")
    config.include(".signin")
    config.include(".joining")
    config.include(".audit")
    config.include(".oversight")
    config.include(".refusals")
    config.add_exception_view(
        broken_link_page, context=BrokenLink, renderer="pleio_core:templates/message.pt"
    )
    config.include(".registration")
    config.include(".reset")
    config.include(".profile")
