"""Small helpers for the account forms: collected field errors, the answer to a bad post."""

from __future__ import annotations

from typing import Any

from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.i18n import _
from pleio_core.sites.urls import platform_url

from .accounts import Account, AccountError
from .store import platform_accounts, platform_tokens
from .tokens import Redeemed, TokenError


class FieldErrors(dict[str, str]):
    """Field name → translated message; falsy while there are none."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self._translate = request.localizer.translate

    def add(self, field: str, message: TranslationString | str) -> None:
        self.setdefault(field, self._translate(message))

    def add_account_error(self, error: AccountError) -> None:
        self.add(error.field, error.message)


class BrokenLink(Exception):
    """A link from an e-mail that cannot be used; answered with the message page (400)."""

    def __init__(self, message: TranslationString, **extra: Any) -> None:
        super().__init__(message.interpolate())
        self.message, self.extra = message, extra


def broken_link_page(exc: BrokenLink, request: Request) -> dict[str, Any]:
    request.response.status_int = 400
    return {"title": _("This link does not work"), "text": exc.message, **exc.extra}


def use_link(request: Request, purpose: str, token: str) -> tuple[Redeemed, Account]:
    """Use an e-mailed link's token once; the live account it is for, or BrokenLink."""
    try:
        redeemed = platform_tokens(request).redeem(token, purpose)
    except TokenError as exc:
        raise BrokenLink(exc.message) from None
    accounts = platform_accounts(request)
    account = accounts.get(redeemed.account_id) if accounts is not None else None
    if account is None or account.disabled:
        raise BrokenLink(_("This account cannot sign in."))
    return redeemed, account


def peek_link(request: Request, purpose: str, token: str, **extra: Any) -> Redeemed:
    """What an e-mailed link's token is for, without using it; BrokenLink if it cannot be."""
    try:
        return platform_tokens(request).peek(token, purpose)
    except TokenError as exc:
        raise BrokenLink(exc.message, **extra) from None


def confirm_button(
    request: Request, path: str, token: str, title: TranslationString, text: TranslationString
) -> dict[str, Any]:
    """The message page with one button that posts the link's token to ``path``.

    Opening a link only shows this: mail scanners open links, people press buttons.
    """
    return {
        "title": title,
        "text": text,
        "action": platform_url(request, path),
        "button": _("Confirm"),
        "hidden": {"token": token},
    }


def invalid(request: Request, values: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Render the form again with its errors, answering 400 (nothing was written)."""
    request.response.status_int = 400
    return {**values, "errors": errors}
