"""Signing in and out, once for every deelsite.

The sign-in form lives on the platform host. A deelsite's "sign in" sends the visitor
there; once signed in on the platform, the platform sends them back with a one-time ticket
(valid 60 seconds, bound to that deelsite's host) which the deelsite exchanges for its own
cookie. A second deelsite gets its ticket without asking for the password again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember

from pleio_core.content import PlatformRoot, SiteRoot
from pleio_core.i18n import _, local_path
from pleio_core.sites.urls import host_url, platform_url

from .accounts import now
from .headers import allow_form_target
from .passwords import verify_password
from .store import platform_accounts, platform_tokens
from .throttle import client_address, too_many_requests
from .tokens import TokenError

TICKET_SECONDS = 60


def _known_site_host(request: Request, host: str | None) -> str | None:
    """``host`` if it is a deelsite of this installation: return addresses go nowhere else."""
    if not host:
        return None
    site = request.registry.pleio_sites.site_for_host(host.lower())
    return host.lower() if site is not None else None


def ticket_redirect(request: Request, site_host: str, came_from: str) -> HTTPSeeOther:
    """Send the signed-in account to ``site_host`` with a fresh one-time ticket."""
    account = request.identity.account
    ticket = platform_tokens(request).issue("sso", account.id, TICKET_SECONDS, host=site_host)
    query = urlencode({"ticket": ticket, "came_from": local_path(came_from)})
    return HTTPSeeOther(location=f"{host_url(request, site_host)}/@@sso?{query}")


def form_values(request: Request, site_host: str | None, came_from: str, **values: Any) -> dict:
    """What the sign-in template needs; lets its form end on ``site_host``."""
    if site_host:
        allow_form_target(request, host_url(request, site_host))
    return {"site_host": site_host or "", "came_from": came_from, **values}


def login_form(context: PlatformRoot, request: Request) -> Any:
    site_host = _known_site_host(request, request.params.get("site"))
    came_from = local_path(request.params.get("came_from"))
    if request.identity is not None:
        if site_host:
            return ticket_redirect(request, site_host, came_from)
        return HTTPSeeOther(location=platform_url(request, came_from))
    return form_values(request, site_host, came_from, email="", error=None)


def login_submit(context: PlatformRoot, request: Request) -> Any:
    site_host = _known_site_host(request, request.POST.get("site"))
    came_from = local_path(request.POST.get("came_from"))
    email = request.POST.get("email", "")
    password = request.POST.get("password", "")
    throttle = request.registry.pleio_signin_throttle
    address = client_address(request)
    wait = throttle.check(email.strip().lower(), address)
    if wait:
        raise too_many_requests(wait)
    accounts = platform_accounts(request)
    account = accounts.by_email(email) if accounts is not None else None
    if not verify_password(account, password) or account is None or account.disabled:
        throttle.failed(email.strip().lower(), address)
        request.response.status_int = 400
        # the same words whether or not the address has an account: no enumeration
        error = _("The e-mail address or the password is not right.")
        return form_values(request, site_host, came_from, email=email, error=error)
    throttle.succeeded(email.strip().lower(), address)
    account.last_sign_in = now()
    headers = remember(request, account)
    if site_host:
        ticket = platform_tokens(request).issue("sso", account.id, TICKET_SECONDS, host=site_host)
        query = urlencode({"ticket": ticket, "came_from": came_from})
        location = f"{host_url(request, site_host)}/@@sso?{query}"
    else:
        location = platform_url(request, came_from)
    return HTTPSeeOther(location=location, headers=headers)


def site_login(context: SiteRoot, request: Request) -> HTTPSeeOther:
    """A deelsite's "sign in": off to the platform host, which sends a ticket back."""
    query = urlencode(
        {"site": request.pleio_host, "came_from": local_path(request.params.get("came_from"))}
    )
    return HTTPSeeOther(location=platform_url(request, f"/login?{query}"))


def site_sso(context: SiteRoot, request: Request) -> HTTPSeeOther:
    """Exchange a one-time ticket for this host's sign-in cookie."""
    try:
        redeemed = platform_tokens(request).redeem(request.params.get("ticket", ""), "sso")
    except TokenError as exc:
        raise HTTPBadRequest(str(exc)) from None
    if redeemed.data.get("host") != request.pleio_host:
        raise HTTPBadRequest("This ticket was issued for another site.")
    accounts = platform_accounts(request)
    account = accounts.get(redeemed.account_id) if accounts is not None else None
    if account is None or account.disabled:
        raise HTTPBadRequest("This account cannot sign in.")
    headers = remember(request, account)
    location = request.application_url + local_path(request.params.get("came_from"))
    return HTTPSeeOther(location=location, headers=headers)


def logout(context: Any, request: Request) -> HTTPSeeOther:
    """Sign out here and on every other host (the account's epoch moves on)."""
    if request.identity is not None:
        request.identity.account.epoch += 1
    return HTTPSeeOther(location=request.application_url + "/", headers=forget(request))


def includeme(config: Configurator) -> None:
    form = "pleio_core:templates/login.pt"
    public = {"permission": NO_PERMISSION_REQUIRED}
    config.add_view(
        login_form,
        context=PlatformRoot,
        name="login",
        request_method="GET",
        renderer=form,
        **public,
    )
    config.add_view(
        login_submit,
        context=PlatformRoot,
        name="login",
        request_method="POST",
        renderer=form,
        **public,
    )
    config.add_view(site_login, context=SiteRoot, name="login", request_method="GET", **public)
    config.add_view(site_sso, context=SiteRoot, name="sso", request_method="GET", **public)
    for context in (PlatformRoot, SiteRoot):
        config.add_view(logout, context=context, name="logout", request_method="POST", **public)
