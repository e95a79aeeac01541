"""Creating an account: a form on the platform host, then a link by e-mail to confirm it.

The answer is the same whether or not the address has an account already (the owner of
an existing address gets a mail saying so instead): registering tells nobody who is here.

The way back of the sign-in page (``site`` and ``came_from``: an invitation, say) goes along
from its "create an account" link to the confirmation link, whose page signs in with it.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content import PlatformRoot
from pleio_core.i18n import LANGUAGES, _, local_path
from pleio_core.mail import send_mail
from pleio_core.sites.urls import known_site_host, platform_url, return_query

from .accounts import AccountError, clean_name, normalise_email
from .forms import FieldErrors, confirm_button, invalid, peek_link, use_link
from .passwords import MIN_LENGTH, check_new_password, set_password
from .store import platform_accounts, platform_tokens
from .throttle import count_mail_request

VERIFY_SECONDS = 24 * 3600


def send_verification(
    request: Request,
    account_id: str,
    email: str,
    language: str,
    site_host: str | None = None,
    came_from: str = "/",
) -> None:
    """Mail the link that confirms ``email``; its page signs in towards ``came_from`` on
    ``site_host``."""
    token = platform_tokens(request).issue(
        "verify", account_id, VERIFY_SECONDS, site=site_host or "", came_from=came_from
    )
    link = platform_url(request, f"/verify?token={token}")
    body = _(
        "mail-verify-body",
        default="Welcome to Pleio!\n\nConfirm your e-mail address with this link (valid for "
        "24 hours):\n\n${link}\n\nDid you not create an account? Then ignore this message.",
        mapping={"link": link},
    )
    send_mail(request, email, _("Confirm your e-mail address"), body, language)


def _way_back(request: Request) -> dict[str, Any]:
    """The sign-in page's way back, checked again: a known deelsite, a local path."""
    site_host = known_site_host(request, request.params.get("site"))
    came_from = local_path(request.params.get("came_from"))
    return {
        "site_host": site_host or "",
        "came_from": came_from,
        "return_query": return_query(site_host, came_from),
    }


def register_form(context: PlatformRoot, request: Request) -> dict[str, Any]:
    return {
        "email": "",
        "name": "",
        "language": request.locale_name,
        "errors": None,
        "min_length": MIN_LENGTH,
        **_way_back(request),
    }


def register_submit(context: PlatformRoot, request: Request) -> dict[str, Any]:
    values = {
        "email": request.POST.get("email", ""),
        "name": request.POST.get("name", ""),
        "language": request.POST.get("language", "nl"),
        "min_length": MIN_LENGTH,
        **_way_back(request),
    }
    errors = FieldErrors(request)
    for field, check in (
        ("email", normalise_email),
        ("name", clean_name),
        ("password", check_new_password),
    ):
        try:
            check(request.POST.get(field, ""))
        except AccountError as exc:
            errors.add_account_error(exc)
    if values["language"] not in LANGUAGES:
        errors.add("language", _("Choose one of the languages offered."))
    if errors:
        return invalid(request, values, errors)
    count_mail_request(request)
    accounts = platform_accounts(request, create=True)
    email = normalise_email(values["email"])
    existing = accounts.by_email(email)
    if existing is not None:
        link = platform_url(request, "/reset")
        body = _(
            "mail-exists-body",
            default="Someone (perhaps you) tried to create a Pleio account with this address, "
            "but you have one already. Forgot your password? Choose a new one here:\n\n"
            "${link}\n\nDid you not do this? Then ignore this message.",
            mapping={"link": link},
        )
        send_mail(request, email, _("You already have a Pleio account"), body, existing.language)
    else:
        account = accounts.add(email, values["name"], values["language"])
        set_password(account, request.POST["password"])
        send_verification(
            request,
            account.id,
            email,
            account.language,
            values["site_host"] or None,
            values["came_from"],
        )
    request.override_renderer = "pleio_core:templates/message.pt"
    return {
        "title": _("Check your e-mail"),
        "text": _(
            "We sent a link to ${email}. Open it to confirm your address.", mapping={"email": email}
        ),
    }


def verify_form(context: PlatformRoot, request: Request) -> dict[str, Any]:
    token = request.params.get("token", "")
    peek_link(request, "verify", token)
    return confirm_button(
        request,
        "/verify",
        token,
        _("Confirm your e-mail address"),
        _("Press the button to confirm your address."),
    )


def verify(context: PlatformRoot, request: Request) -> dict[str, Any]:
    redeemed, account = use_link(request, "verify", request.POST.get("token", ""))
    account.email_verified = True
    site_host = known_site_host(request, redeemed.data.get("site"))
    came_from = local_path(redeemed.data.get("came_from"))
    return {
        "title": _("Your e-mail address is confirmed"),
        "text": _("You can sign in now."),
        "link": platform_url(request, "/login" + return_query(site_host, came_from)),
        "link_text": _("Sign in"),
    }


def includeme(config: Configurator) -> None:
    public = {"permission": NO_PERMISSION_REQUIRED, "context": PlatformRoot}
    form = "pleio_core:templates/register.pt"
    config.add_view(register_form, name="register", request_method="GET", renderer=form, **public)
    config.add_view(
        register_submit, name="register", request_method="POST", renderer=form, **public
    )
    message = "pleio_core:templates/message.pt"
    config.add_view(verify_form, name="verify", request_method="GET", renderer=message, **public)
    config.add_view(verify, name="verify", request_method="POST", renderer=message, **public)
