"""Small helpers for the account forms: collected field errors, the answer to a bad post."""

from __future__ import annotations

from typing import Any

from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.i18n import _
from pleio_core.sites.urls import platform_url

from .accounts import AccountError


class FieldErrors(dict[str, str]):
    """Field name → translated message; falsy while there are none."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self._translate = request.localizer.translate

    def add(self, field: str, message: TranslationString | str) -> None:
        self.setdefault(field, self._translate(message))

    def add_account_error(self, error: AccountError) -> None:
        self.add(error.field, error.message)


def broken_link(request: Request, message: TranslationString, **extra: Any) -> dict[str, Any]:
    """The message page for a link from an e-mail that cannot be used (answered with 400)."""
    request.response.status_int = 400
    return {"title": _("This link does not work"), "text": message, **extra}


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
