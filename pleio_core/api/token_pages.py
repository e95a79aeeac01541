"""The "API tokens" section of the account page: make a token for one deelsite, revoke one.

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
from pleio_core.security.api_tokens import ApiTokenError, api_tokens_of
from pleio_core.security.forms import FieldErrors, invalid
from pleio_core.security.profile import account_values, signed_in_account
from pleio_core.services import SITES
from pleio_core.sites.urls import platform_url


def create_token(context: PlatformRoot, request: Request) -> dict[str, Any]:
    account = signed_in_account(request)
    errors = FieldErrors(request)
    name = request.POST.get("token_name", "")
    site_name = request.POST.get("token_site", "").strip().lower()
    if SITES(request.registry).get(site_name) is None:
        errors.add("token_site", _("There is no deelsite with this name."))
    tokens = api_tokens_of(request.platform_root)
    if not errors:
        try:
            token, record = tokens.issue(account.id, site_name, name)
        except ApiTokenError as exc:
            errors.add(exc.field, exc.message)
        else:
            notice = _("Your new token for ${site} is below.", mapping={"site": record.site})
            return account_values(request, account, new_token=token, notice=notice)
    values = account_values(request, account, token_name=name, token_site=site_name)
    return invalid(request, values, errors)


def revoke_token(context: PlatformRoot, request: Request) -> HTTPSeeOther:
    account = signed_in_account(request)
    revoked = api_tokens_of(request.platform_root).revoke(
        account.id, request.POST.get("token_id", "")
    )
    done = "?done=revoked" if revoked is not None else ""
    return HTTPSeeOther(location=platform_url(request, f"/account{done}"))


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
