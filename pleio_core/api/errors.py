"""Errors of the JSON API: always JSON, ``{"error": "...", "errors": {field: message}}``.

A view raises ``ApiError``; anything Pyramid raises on an API route (a 404 from a route
with no matching view, a 403) is answered in the same shape, never with an HTML page.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPException
from pyramid.i18n import TranslationString
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.i18n import _

DEFAULT_MESSAGES = {
    400: _("The request is not valid."),
    401: _("Sign in, or send a valid API token for this site."),
    403: _("You may not do this."),
    404: _("There is nothing at this address."),
    405: _("This method is not allowed here."),
    409: _("Someone else saved this in the meantime."),
    422: _("Some fields are not valid."),
}


class ApiError(Exception):
    """An answer other than success: a status, a message, and messages per field."""

    def __init__(
        self,
        status: int,
        message: TranslationString | str | None = None,
        errors: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.status = status
        self.message = message if message is not None else DEFAULT_MESSAGES[status]
        self.errors = errors or {}
        self.extra = extra
        super().__init__(str(self.message))


def error_response(
    request: Request,
    status: int,
    message: TranslationString | str,
    errors: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    translate = request.localizer.translate
    body: dict[str, Any] = {"error": translate(message), **extra}
    if errors:
        body["errors"] = {field: translate(text) for field, text in errors.items()}
    response = Response(json_body=body, status=status, charset="utf-8")
    response.content_type = "application/json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pleio"'
    response.cache_control.no_store = True
    return response


def api_error_view(exc: ApiError, request: Request) -> Response:
    return error_response(request, exc.status, exc.message, exc.errors, **exc.extra)


def http_error_view(exc: HTTPException, request: Request) -> Response:
    """Pyramid's own HTTP errors on API routes, as JSON (a missing view is a 404)."""
    status = exc.code if exc.code in DEFAULT_MESSAGES else 400
    return error_response(request, status, DEFAULT_MESSAGES[status])


def method_not_allowed(request: Request) -> Response:
    """The fallback view of each API route: its other methods are not allowed."""
    return error_response(request, 405, DEFAULT_MESSAGES[405])
