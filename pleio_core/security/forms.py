"""Small helpers for the account forms: collected field errors, the answer to a bad post."""

from __future__ import annotations

from typing import Any

from pyramid.i18n import TranslationString
from pyramid.request import Request

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


def invalid(request: Request, values: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Render the form again with its errors, answering 400 (nothing was written)."""
    request.response.status_int = 400
    return {**values, "errors": errors}
