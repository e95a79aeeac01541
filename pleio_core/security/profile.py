"""The account page on the platform host: name, language, password, e-mail address.

Its API tokens and app passwords sections are ``pleio_core.api.token_pages``.

A new e-mail address counts only once a link sent to it is used; the old address is told.
A new password ends every other session (this one gets a fresh cookie).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED, remember

from pleio_core.content import PlatformRoot
from pleio_core.i18n import LANGUAGES, _
from pleio_core.mail import send_mail
from pleio_core.services import ACCOUNT_SUMMARIES
from pleio_core.sites.urls import platform_url

from .accounts import AccountError, clean_name, normalise_email
from .api_tokens import APP_PASSWORD, account_tokens
from .app_passwords import app_password_paths
from .forms import BrokenLink, FieldErrors, confirm_button, invalid, peek_link, use_link
from .passwords import MIN_LENGTH, check_new_password, set_password
from .store import platform_accounts, platform_tokens
from .throttle import check_password_throttled

EMAIL_CHANGE_SECONDS = 24 * 3600


def signed_in_account(request: Request) -> Any:
    if request.identity is None:
        query = urlencode({"came_from": request.path_qs})
        raise HTTPSeeOther(location=platform_url(request, f"/login?{query}"))
    return request.identity.account


def account_values(request: Request, account: Any, **extra: Any) -> dict[str, Any]:
    """What the account page shows; ``extra`` replaces parts (errors, a notice, a new token)."""
    return {
        "account": account,
        "api_tokens": account_tokens(request, account.id),
        "new_token": None,
        "token_name": "",
        "token_site": "",
        "app_passwords": account_tokens(request, account.id, APP_PASSWORD),
        "app_password_uses": [path.title for path in app_password_paths(request.registry)],
        "new_app_password": None,
        "app_password_name": "",
        "app_password_site": "",
        "errors": None,
        "notice": None,
        "min_length": MIN_LENGTH,
        "email_new": "",
        **extra,
    }


def account_page(context: PlatformRoot, request: Request) -> dict[str, Any]:
    notice = {
        "saved": _("Your changes are saved."),
        "password": _("Your new password is saved. Other sessions were signed out."),
        "email": _("We sent a link to your new address. Open it to confirm the change."),
        "revoked": _("The token is revoked: it no longer works."),
        "app-password-revoked": _("The app password is revoked: it no longer works."),
    }
    return account_values(
        request, signed_in_account(request), notice=notice.get(request.params.get("done", ""))
    )


def save_details(context: PlatformRoot, request: Request) -> Any:
    account = signed_in_account(request)
    errors = FieldErrors(request)
    try:
        name = clean_name(request.POST.get("name", ""))
    except AccountError as exc:
        errors.add_account_error(exc)
    language = request.POST.get("language", "")
    if language not in LANGUAGES:
        errors.add("language", _("Choose one of the languages offered."))
    if errors:
        return invalid(request, account_values(request, account), errors)
    if name != account.name:  # the pages that show it are kept no longer
        ACCOUNT_SUMMARIES(request.registry).names_changed(request)
    account.name, account.language = name, language
    return HTTPSeeOther(location=platform_url(request, "/account?done=saved"))


def change_password(context: PlatformRoot, request: Request) -> Any:
    account = signed_in_account(request)
    errors = FieldErrors(request)
    if not check_password_throttled(request, account, request.POST.get("current_password", "")):
        errors.add("current_password", _("This is not your current password."))
    try:
        check_new_password(request.POST.get("new_password", ""))
    except AccountError as exc:
        errors.add("new_password", exc.message)
    if errors:
        return invalid(request, account_values(request, account), errors)
    set_password(account, request.POST["new_password"])
    account.epoch += 1
    headers = remember(request, account)  # this session goes on; every other one ends
    return HTTPSeeOther(location=platform_url(request, "/account?done=password"), headers=headers)


def request_email_change(context: PlatformRoot, request: Request) -> Any:
    account = signed_in_account(request)
    errors = FieldErrors(request)
    new_email = request.POST.get("email_new", "")
    try:
        new_email = normalise_email(new_email)
    except AccountError as exc:
        errors.add("email_new", exc.message)
    if not check_password_throttled(request, account, request.POST.get("email_password", "")):
        errors.add("email_password", _("This is not your current password."))
    if errors:
        return invalid(request, account_values(request, account, email_new=new_email), errors)
    accounts = platform_accounts(request)
    if accounts is not None and accounts.by_email(new_email) is None:
        # an address in use gets no mail and no error: the page tells nobody who is here
        token = platform_tokens(request).issue(
            "email-change", account.id, EMAIL_CHANGE_SECONDS, email=new_email
        )
        link = platform_url(request, f"/confirm-email?token={token}")
        body = _(
            "mail-email-change-body",
            default="Confirm that this is the new e-mail address of your Pleio account "
            "(valid for 24 hours):\n\n${link}",
            mapping={"link": link},
        )
        send_mail(request, new_email, _("Confirm your new e-mail address"), body, account.language)
    notice = _(
        "mail-email-change-notice",
        default="Someone asked to change the e-mail address of your Pleio account to "
        "${email}. Was it not you? Change your password at once.",
        mapping={"email": new_email},
    )
    send_mail(
        request, account.email, _("Your Pleio e-mail address is changing"), notice, account.language
    )
    return HTTPSeeOther(location=platform_url(request, "/account?done=email"))


def confirm_email_form(context: PlatformRoot, request: Request) -> dict[str, Any]:
    token = request.params.get("token", "")
    redeemed = peek_link(request, "email-change", token)
    text = _("Your account's address becomes ${email}.", mapping={"email": redeemed.data["email"]})
    return confirm_button(
        request, "/confirm-email", token, _("Confirm your new e-mail address"), text
    )


def confirm_email(context: PlatformRoot, request: Request) -> dict[str, Any]:
    redeemed, account = use_link(request, "email-change", request.POST.get("token", ""))
    accounts = platform_accounts(request)
    assert accounts is not None  # use_link found the account in them
    try:
        accounts.change_email(account, redeemed.data["email"])
    except AccountError as exc:  # the address was taken in the meantime
        raise BrokenLink(exc.message) from None
    account.email_verified = True
    return {
        "title": _("Your e-mail address is changed"),
        "text": _("Sign in with ${email} from now on.", mapping={"email": account.email}),
        "link": platform_url(request, "/account"),
        "link_text": _("Your account"),
    }


def includeme(config: Configurator) -> None:
    # Each view checks the sign-in itself and sends anonymous visitors to the sign-in form.
    base = {"permission": NO_PERMISSION_REQUIRED, "context": PlatformRoot}
    page = "pleio_core:templates/account.pt"
    message = "pleio_core:templates/message.pt"
    config.add_view(account_page, name="account", request_method="GET", renderer=page, **base)
    config.add_view(save_details, name="account", request_method="POST", renderer=page, **base)
    config.add_view(
        change_password, name="account-password", request_method="POST", renderer=page, **base
    )
    config.add_view(
        request_email_change, name="account-email", request_method="POST", renderer=page, **base
    )
    config.add_view(
        confirm_email_form, name="confirm-email", request_method="GET", renderer=message, **base
    )
    config.add_view(
        confirm_email, name="confirm-email", request_method="POST", renderer=message, **base
    )
