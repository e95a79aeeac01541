"""Text at the edge: a request whose fields hold a character no text may hold is refused.

One check for every form and API field, the core's and every plugin's, before a view runs:
the query string, a posted form (its field names and values, a file's name) and a JSON body
(every key and string, however deep). The characters are those of ``pleio_core.text``;
a form that is not UTF-8 at all is refused too (WebOb would turn its bytes into U+FFFD).

The answer is a 400 page that names the field and the character, or under ``/api/`` a 422 in
the API's shape (``errors`` by field). Nothing has been written by then.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from pyramid.config import Configurator
from pyramid.events import NewRequest
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.i18n import _
from pleio_core.text import clean, code_point, forbidden_character

from .app_passwords import under_app_password_path
from .edges import API_PREFIX, ERROR_PAGE, is_utf8, json_error

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class UnstorableText(HTTPBadRequest):
    """A field holds a character that cannot be stored (or the form is not UTF-8)."""

    def __init__(self, field: str | None, character: str | None) -> None:
        self.field = clean(field) if field is not None else None
        self.character = character
        super().__init__(detail=self.why)

    @property
    def why(self) -> Any:
        if self.character is None:
            return _("The form is not valid: it is not UTF-8 text.")
        return _(
            "${field}: this text holds a character that cannot be stored (${character}). "
            "Remove it and try again.",
            mapping={"field": self.field or "?", "character": code_point(self.character)},
        )


def _json_strings(value: Any) -> Iterator[tuple[str | None, str]]:
    """Every (top-level field, text) in a JSON value: its keys and its strings, however deep
    (walked with a list, not recursion: a deep body must not raise RecursionError)."""
    todo: list[tuple[str | None, Any]] = [(None, value)]
    while todo:
        field, item = todo.pop()
        if isinstance(item, str):
            yield field, item
        elif isinstance(item, list):
            todo.extend((field, element) for element in item)
        elif isinstance(item, dict):
            for key, element in item.items():
                name = key if field is None else field
                yield name, key
                todo.append((name, element))


#: ``request.json_data`` of a body that is not JSON
NOT_JSON = object()


def json_data(request: Request) -> Any:
    """The request body's JSON value, parsed once: the edge checks it, the API reads it.
    ``NOT_JSON`` if it is not JSON (or nested too deep for the parser)."""
    try:
        return json.loads(request.body or b"")
    except (ValueError, RecursionError):
        return NOT_JSON


def _form_strings(request: Request) -> Iterator[tuple[str | None, str]]:
    if request.environ.get("QUERY_STRING"):  # (most pages have none: nothing to parse)
        for name, value in request.GET.items():
            yield name, name
            yield name, value
    if request.method not in WRITES:
        return
    if under_app_password_path(request):
        # a WebDAV client's body is a file's bytes (or XML), stored as a file, not as text:
        # never read into memory here (nor parsed as JSON)
        return
    if request.content_type in FORM_TYPES:
        # WebOb would read bytes that are not UTF-8 as U+FFFD, silently; refuse them instead
        if request.content_type == FORM_TYPES[0] and not is_utf8(unquote_to_bytes(request.body)):
            raise UnstorableText(None, None)
        try:
            fields = list(request.POST.items())
        except ValueError:  # a multipart body without its boundary, say
            raise HTTPBadRequest(detail=_("The form could not be read.")) from None
        for name, value in fields:
            yield name, name
            yield name, value if isinstance(value, str) else getattr(value, "filename", "")
    elif request.body:
        # whatever its content type says: the API reads any body as JSON
        data = request.json_data
        if data is not NOT_JSON:  # (if not JSON, the view says so in its own words)
            yield from _json_strings(data)


def refuse_unstorable_text(event: NewRequest) -> None:
    for field, text in _form_strings(event.request):
        character = forbidden_character(text or "")
        if character is not None:
            raise UnstorableText(field, character)


def unstorable_text_page(exc: UnstorableText, request: Request) -> Any:
    message = request.localizer.translate(exc.why)
    if request.environ.get("PATH_INFO", "").startswith(API_PREFIX):
        response: Response = json_error(422 if exc.character else 400, message)
        if exc.field is not None:
            response.json_body = {**response.json_body, "errors": {exc.field: message}}
        return response
    request.response.status_int = 400
    return {
        "title": _("Bad request"),
        "text": _("Nothing was saved."),
        "status": 400,
        "detail": message,
    }


def includeme(config: Configurator) -> None:
    config.add_request_method(json_data, "json_data", reify=True)
    config.add_subscriber(refuse_unstorable_text, NewRequest)
    config.add_exception_view(unstorable_text_page, context=UnstorableText, renderer=ERROR_PAGE)
