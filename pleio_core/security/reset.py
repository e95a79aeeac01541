"""Forgotten passwords: a link by e-mail, valid for an hour and once.

The request page answers the same for every address, so it tells nobody who has an
account. Setting a new password signs the account out everywhere.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content import PlatformRoot
from pleio_core.i18n import _
from pleio_core.mail import send_mail
from pleio_core.sites.urls import platform_url

from .accounts import AccountError
from .forms import FieldErrors, invalid, peek_link
from .passwords import MIN_LENGTH, check_new_password, set_password
from .store import platform_accounts, platform_tokens
from .throttle import count_mail_request
from .tokens import TokenError

RESET_SECONDS = 3600


def reset_request_form(context: PlatformRoot, request: Request) -> dict[str, Any]:
    return {"email": "", "errors": None}


def reset_request(context: PlatformRoot, request: Request) -> dict[str, Any]:
    count_mail_request(request)
    email = request.POST.get("email", "")
    accounts = platform_accounts(request)
    account = accounts.by_email(email) if accounts is not None else None
    if account is not None and not account.disabled:
        tokens = platform_tokens(request)
        tokens.revoke_all(account.id, "reset")  # only the newest link works
        token = tokens.issue("reset", account.id, RESET_SECONDS)
        link = platform_url(request, f"/reset-password?token={token}")
        body = _(
            "mail-reset-body",
            default="Choose a new password for your Pleio account with this link (valid for "
            "one hour, once):\n\n${link}\n\nDid you not ask for this? Then ignore this "
            "message; your password stays as it is.",
            mapping={"link": link},
        )
        send_mail(request, account.email, _("A new password for Pleio"), body, account.language)
    request.override_renderer = "pleio_core:templates/message.pt"
    return {
        "title": _("Check your e-mail"),
        "text": _(
            "If there is an account for this address, we sent it a link to choose a new "
            "password. The link works for one hour."
        ),
    }


def _reset_values(token: str) -> dict[str, Any]:
    return {"token": token, "errors": None, "min_length": MIN_LENGTH}


def reset_password_form(context: PlatformRoot, request: Request) -> dict[str, Any]:
    token = request.params.get("token", "")
    ask_again = {"link": platform_url(request, "/reset"), "link_text": _("Ask for a new link")}
    peek_link(request, "reset", token, **ask_again)
    return _reset_values(token)


def reset_password(context: PlatformRoot, request: Request) -> dict[str, Any]:
    token = request.POST.get("token", "")
    values = _reset_values(token)
    errors = FieldErrors(request)
    password = request.POST.get("password", "")
    tokens = platform_tokens(request)
    try:
        redeemed = tokens.peek(token, "reset")
        check_new_password(password)
    except TokenError as exc:
        errors.add("password", exc.message)
        return invalid(request, values, errors)
    except AccountError as exc:
        errors.add_account_error(exc)
        return invalid(request, values, errors)
    accounts = platform_accounts(request)
    account = accounts.get(redeemed.account_id) if accounts is not None else None
    if account is None or account.disabled:
        errors.add("password", _("This account cannot sign in."))
        return invalid(request, values, errors)
    tokens.redeem(token, "reset")
    set_password(account, password)
    account.email_verified = True  # the link reached the mailbox
    account.epoch += 1  # every session of the old password ends
    request.override_renderer = "pleio_core:templates/message.pt"
    return {
        "title": _("Your new password is set"),
        "text": _("You were signed out everywhere. Sign in with your new password."),
        "link": platform_url(request, "/login"),
        "link_text": _("Sign in"),
    }


def includeme(config: Configurator) -> None:
    public = {"permission": NO_PERMISSION_REQUIRED, "context": PlatformRoot}
    ask = "pleio_core:templates/reset_request.pt"
    choose = "pleio_core:templates/reset_password.pt"
    config.add_view(reset_request_form, name="reset", request_method="GET", renderer=ask, **public)
    config.add_view(reset_request, name="reset", request_method="POST", renderer=ask, **public)
    config.add_view(
        reset_password_form, name="reset-password", request_method="GET", renderer=choose, **public
    )
    config.add_view(
        reset_password, name="reset-password", request_method="POST", renderer=choose, **public
    )
