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
from pyramid.csrf import new_csrf_token
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember

from pleio_core.clock import now
from pleio_core.content import PlatformRoot, SiteRoot
from pleio_core.i18n import _, local_path
from pleio_core.services import SIGNIN_THROTTLE
from pleio_core.sites.urls import host_url, known_site_host, platform_url, return_query

from .accounts import Account
from .audit import record_sign_in
from .headers import allow_form_target
from .passwords import verify_password
from .registration import send_verification
from .store import platform_accounts, platform_tokens
from .throttle import client_address, too_many_requests
from .tokens import TokenError
from .twofactor import Check, code_error, throttled_check

TICKET_SECONDS = 60
PENDING = "totp-pending"  # the token between a right password and the code
PENDING_SECONDS = 300
CODE_FORM = "pleio_core:templates/two_factor_code.pt"


def ticket_url(request: Request, account_id: str, site_host: str, came_from: str) -> str:
    """Where the account goes on ``site_host``: its ``/@@sso`` with a fresh one-time ticket."""
    ticket = platform_tokens(request).issue("sso", account_id, TICKET_SECONDS, host=site_host)
    query = urlencode({"ticket": ticket, "came_from": local_path(came_from)})
    return f"{host_url(request, site_host)}/@@sso?{query}"


def ticket_redirect(request: Request, site_host: str, came_from: str) -> HTTPSeeOther:
    """Send the signed-in account to ``site_host`` with a fresh one-time ticket."""
    return HTTPSeeOther(location=ticket_url(request, request.identity.id, site_host, came_from))


def form_values(request: Request, site_host: str | None, came_from: str, **values: Any) -> dict:
    """What the sign-in template needs; lets its form end on ``site_host``."""
    if site_host:
        allow_form_target(request, host_url(request, site_host))
    return {
        "site_host": site_host or "",
        "came_from": came_from,
        "return_query": return_query(site_host, came_from),  # for creating an account
        **values,
    }


def login_form(context: PlatformRoot, request: Request) -> Any:
    site_host = known_site_host(request, request.params.get("site"))
    came_from = local_path(request.params.get("came_from"))
    if request.identity is not None:
        if site_host:
            return ticket_redirect(request, site_host, came_from)
        return HTTPSeeOther(location=platform_url(request, came_from))
    return form_values(request, site_host, came_from, email="", error=None)


def login_submit(context: PlatformRoot, request: Request) -> Any:
    site_host = known_site_host(request, request.POST.get("site"))
    came_from = local_path(request.POST.get("came_from"))
    email = request.POST.get("email", "")
    password = request.POST.get("password", "")
    throttle = SIGNIN_THROTTLE(request.registry)
    address = client_address(request)
    wait = throttle.check(email, address)
    if wait:
        raise too_many_requests(wait)
    accounts = platform_accounts(request)
    account = accounts.by_email(email) if accounts is not None else None
    if not verify_password(account, password) or account is None or account.disabled:
        throttle.failed(email, address)
        request.response.status_int = 400
        # the same words whether or not the address has an account: no enumeration
        error = _("The e-mail address or the password is not right.")
        return form_values(request, site_host, came_from, email=email, error=error)
    if not account.email_verified:
        # only someone with the right password learns this; they get a fresh link
        send_verification(
            request, account.id, account.email, account.language, site_host, came_from
        )
        request.response.status_int = 400
        error = _("Confirm your e-mail address first: we have sent you a new link.")
        return form_values(request, site_host, came_from, email=email, error=error)
    if account.two_factor:
        # No throttle.succeeded yet: a right password must not wipe out the count of wrong
        # codes, or knowing the password would give endless guesses at the code.
        values = code_form_values(request, ask_for_code(request, account, site_host, came_from))
        response = render_to_response(CODE_FORM, values, request=request)
        response.cache_control.no_store = True
        return response
    throttle.succeeded(email, address)
    return complete_sign_in(request, account, site_host, came_from)


def complete_sign_in(
    request: Request, account: Account, site_host: str | None, came_from: str
) -> HTTPSeeOther:
    """Set this host's cookie, then on: to the deelsite with a one-time ticket, or here."""
    account.last_sign_in = now()
    headers = remember(request, account)
    new_csrf_token(request)  # a token someone planted or saw before sign-in stops working
    if site_host:
        location = ticket_url(request, account.id, site_host, came_from)
    else:
        location = platform_url(request, came_from)
    return HTTPSeeOther(location=location, headers=headers)


def ask_for_code(request: Request, account: Account, site_host: str | None, came_from: str) -> str:
    """A one-time token for the second step: whose password was right, and where to go next.

    The password is not asked again; the token is what the code form carries instead.
    """
    return platform_tokens(request).issue(
        PENDING, account.id, PENDING_SECONDS, host=site_host or "", came_from=came_from
    )


def code_form_values(request: Request, token: str, error: Any = None) -> dict[str, Any]:
    """What ``two_factor_code.pt`` needs; a form that may end on the deelsite it came from."""
    try:
        pending = platform_tokens(request).peek(token, PENDING)
    except TokenError:
        return {"token": "", "error": _("This sign-in has expired. Please sign in again.")}
    site_host = known_site_host(request, pending.data.get("host"))
    if site_host:
        allow_form_target(request, host_url(request, site_host))
    return {"token": token, "error": error}


def login_code(context: PlatformRoot, request: Request) -> Any:
    """The second step: the code from the app, or a recovery code, then the cookie.

    A wrong code counts as a failed sign-in of the account. The token is only looked at
    until the code is right, so a typing mistake can be corrected until it expires.
    """
    request.response.cache_control.no_store = True
    token = request.POST.get("token", "")
    tokens = platform_tokens(request)
    try:
        pending = tokens.peek(token, PENDING)
    except TokenError:
        request.response.status_int = 400
        return code_form_values(request, "")
    accounts = platform_accounts(request)
    account = accounts.get(pending.account_id) if accounts is not None else None
    if account is None or account.disabled or not account.two_factor:
        tokens.redeem(token, PENDING)
        request.response.status_int = 400
        return code_form_values(request, "")
    result = throttled_check(
        request, account, request.POST.get("code", ""), request.POST.get("recovery_code", "")
    )
    if result is not Check.ACCEPTED:
        request.response.status_int = 400
        return code_form_values(request, token, code_error(result))
    tokens.redeem(token, PENDING)
    SIGNIN_THROTTLE(request.registry).succeeded(account.email, client_address(request))
    site_host = known_site_host(request, pending.data.get("host"))
    return complete_sign_in(request, account, site_host, local_path(pending.data.get("came_from")))


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
        raise HTTPBadRequest(request.localizer.translate(exc.message)) from None
    if redeemed.data.get("host") != request.pleio_host:
        raise HTTPBadRequest(
            request.localizer.translate(_("This ticket was issued for another site."))
        )
    accounts = platform_accounts(request)
    account = accounts.get(redeemed.account_id) if accounts is not None else None
    if account is None or account.disabled:
        raise HTTPBadRequest(request.localizer.translate(_("This account cannot sign in.")))
    headers = remember(request, account)
    new_csrf_token(request)  # this host's token too: each host has its own
    record_sign_in(request, account)
    location = request.application_url + local_path(request.params.get("came_from"))
    return HTTPSeeOther(location=location, headers=headers)


def logout(context: Any, request: Request) -> HTTPSeeOther:
    """Sign out here and on every other host (the account's epoch moves on)."""
    if request.identity is not None:
        request.identity.account.epoch += 1
    new_csrf_token(request)  # the next person at this browser starts with a token of their own
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
    config.add_view(
        login_code,
        context=PlatformRoot,
        name="login-code",
        request_method="POST",
        renderer=CODE_FORM,
        **public,
    )
    config.add_view(site_login, context=SiteRoot, name="login", request_method="GET", **public)
    config.add_view(site_sso, context=SiteRoot, name="sso", request_method="GET", **public)
    for context in (PlatformRoot, SiteRoot):
        config.add_view(logout, context=context, name="logout", request_method="POST", **public)
    config.include(".twofactor")  # the account's own pages for it
