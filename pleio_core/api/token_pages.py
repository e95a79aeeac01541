"""The "API tokens" and "App passwords" sections of the account page: make one for one
deelsite, revoke one. Both are records of one store (``security.api_tokens``), of two scopes.

A new token is shown once, in the answer to the form that made it; only its hash is kept.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content import PlatformRoot
from pleio_core.i18n import _
from pleio_core.security.api_tokens import API, APP_PASSWORD, ApiTokenError, api_tokens_of
from pleio_core.security.forms import FieldErrors, invalid
from pleio_core.security.profile import account_values, signed_in_account
from pleio_core.services import SITES
from pleio_core.sites.urls import platform_url


def _create(request: Request, scope: str, prefix: str) -> dict[str, Any]:
    """Make a token of ``scope`` from the fields ``<prefix>_name`` and ``<prefix>_site``."""
    account = signed_in_account(request)
    errors = FieldErrors(request)
    name_field, site_field = f"{prefix}_name", f"{prefix}_site"
    name = request.POST.get(name_field, "")
    site_name = request.POST.get(site_field, "").strip().lower()
    if SITES(request.registry).get(site_name) is None:
        errors.add(site_field, _("There is no deelsite with this name."))
    tokens = api_tokens_of(request.platform_root)
    if not errors:
        try:
            token, record = tokens.issue(account.id, site_name, name, scope, name_field)
        except ApiTokenError as exc:
            errors.add(exc.field, exc.message)
        else:
            if scope == API:
                notice = _("Your new token for ${site} is below.", mapping={"site": record.site})
                return account_values(request, account, new_token=token, notice=notice)
            notice = _("Your new app password for ${site} is below.", mapping={"site": record.site})
            return account_values(request, account, new_app_password=token, notice=notice)
    values = account_values(request, account, **{name_field: name, site_field: site_name})
    return invalid(request, values, errors)


def create_token(context: PlatformRoot, request: Request) -> dict[str, Any]:
    return _create(request, API, "token")


def create_app_password(context: PlatformRoot, request: Request) -> dict[str, Any]:
    return _create(request, APP_PASSWORD, "app_password")


def _revoke(request: Request, done: str) -> HTTPSeeOther:
    account = signed_in_account(request)
    revoked = api_tokens_of(request.platform_root).revoke(
        account.id, request.POST.get("token_id", "")
    )
    query = f"?done={done}" if revoked is not None else ""
    return HTTPSeeOther(location=platform_url(request, f"/account{query}"))


def revoke_token(context: PlatformRoot, request: Request) -> HTTPSeeOther:
    return _revoke(request, "revoked")


def revoke_app_password(context: PlatformRoot, request: Request) -> HTTPSeeOther:
    return _revoke(request, "app-password-revoked")


def includeme(config: Configurator) -> None:
    # like the rest of the account page: each view sends anonymous visitors to sign in
    base = {"permission": NO_PERMISSION_REQUIRED, "context": PlatformRoot, "request_method": "POST"}
    config.add_view(
        create_token,
        name="account-api-token",
        renderer="pleio_core:templates/account.pt",
        **base,
    )
    config.add_view(revoke_token, name="account-api-token-revoke", **base)
    config.add_view(
        create_app_password,
        name="account-app-password",
        renderer="pleio_core:templates/account.pt",
        **base,
    )
    config.add_view(revoke_app_password, name="account-app-password-revoke", **base)
