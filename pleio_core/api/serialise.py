"""Content, comments and likes as JSON, and JSON request bodies into validated values.

Validation is the content type's own colander schema, bound as the forms bind it: the
API accepts what the add and edit forms accept, with the same messages; only a moment is
stricter (``MOMENT``), as JSON has null for "none" and the document has a format for it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import colander
from pyramid.request import Request

from pleio_core.content.comments import Comment, comments_of
from pleio_core.content.editing import bound_schema, content_values
from pleio_core.content.files import StoredFile, StoredFileType
from pleio_core.content.forms import with_change_note
from pleio_core.content.likes import like_count, likes_of
from pleio_core.content.model import Content
from pleio_core.content.schema import CORE_FIELDS, LocalDateTime
from pleio_core.content.types import ContentType
from pleio_core.i18n import _
from pleio_core.people.names import display_name
from pleio_core.security.textinput import NOT_JSON

from .errors import ApiError
from .schemas import node_schema


def to_json(value: Any) -> Any:
    """A stored value as JSON: dates as ISO 8601, tuples and sets as lists, a file as its
    facts (as an export writes it)."""
    if isinstance(value, StoredFile):
        return StoredFileType().serialize(None, value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (tuple, list, set, frozenset)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def json_integer(value: Any) -> int | None:
    """``value`` as an int if JSON calls it an integer (5, or 5.0 as a JSON Schema validator
    would), else None (true is no number)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def path_names(item: Any) -> tuple[str, ...]:
    """The names from the site's root down to ``item``: ``("notes", "my-note")``."""
    names: list[str] = []
    while item is not None and item.__name__:
        names.append(item.__name__)
        item = item.__parent__
    return tuple(reversed(names))


def content_path(item: Any) -> str:
    return "/".join(path_names(item))


def _counts(request: Request, content: Content) -> dict[str, Any]:
    comments = comments_of(content)
    likes = likes_of(content)
    identity = request.identity
    return {
        "comment_count": len(comments) if comments is not None else 0,
        "like_count": like_count(content),
        "liked": bool(identity is not None and likes is not None and identity.id in likes),
        "child_count": len(content),
    }


def summary_json(request: Request, content: Content) -> dict[str, Any]:
    """What a listing shows of each item."""
    return {
        "type": content.type_name,
        "path": content_path(content),
        "url": request.resource_url(content),
        "title": content.title,
        "state": content.state,
        "access": content.access,
        "owner": content.owner,
        "modified": to_json(content.modified),
    }


def content_json(request: Request, content: Content, content_type: ContentType) -> dict[str, Any]:
    """Everything about a content object that its viewer may read."""
    own = {
        name: to_json(value)
        for name, value in content_values(content, content_type).items()
        if name not in CORE_FIELDS
    }
    return {
        **own,
        "type": content_type.name,
        "path": content_path(content),
        "url": request.resource_url(content),
        "title": content.title,
        "body": content.body,
        "body_html": content.body_html,
        "tags": list(content.tags),
        "access": content.access,
        "state": content.state,
        "publish_at": to_json(content.publish_at),
        "publish_until": to_json(content.publish_until),
        "owner": content.owner,
        "created": to_json(content.created),
        "modified": to_json(content.modified),
        "serial": content.serial,
        **_counts(request, content),
    }


def comment_json(request: Request, content: Content, comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author": comment.author,
        "author_name": display_name(request, comment.author, comment.author_name),
        "text": comment.text,
        "html": comment.html,
        "reply_to": comment.reply_to,
        "created": to_json(comment.created),
        "modified": to_json(comment.modified),
    }


def likes_json(request: Request, content: Content) -> dict[str, Any]:
    likes = likes_of(content)
    identity = request.identity
    liked = identity is not None and likes is not None and identity.id in likes
    return {"like_count": like_count(content), "liked": bool(liked)}


def read_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 400 if the body is not JSON or not an object."""
    data = request.json_data  # (parsed once, at the edge: security/textinput.py)
    if data is NOT_JSON:
        raise ApiError(400, _("The body is not valid JSON."))
    if not isinstance(data, dict):
        raise ApiError(400, _("The body must be a JSON object."))
    return data


#: The moments a request may send: RFC 3339 (with an offset or Z), or the Netherlands' local
#: time as a form sends it (2026-12-01T09:00). Not the other ISO 8601 forms that Python reads
#: (2026-12-01, 20261201T0900), nor the empty text a form sends for "none": JSON has null.
MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"
    r"(:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})|(:[0-9]{2})?)"
)


def _wrong_moment(node: colander.SchemaNode, value: Any) -> Any:
    """Why ``value`` is no moment for ``node``, if it is a ``LocalDateTime``; else None."""
    message = _("Give a date and time, for example 2026-12-01T09:00.")
    if value is None or not isinstance(node.typ, LocalDateTime):
        return None
    if not isinstance(value, str) or not MOMENT.fullmatch(value):
        return message
    try:
        node.typ.deserialize(node, value)
    except (colander.Invalid, OverflowError):  # no such day, or out of range in UTC
        return message
    return None


#: A JSON value of each type a document names (True is no number here, as in JSON).
_JSON_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: json_integer(v) is not None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _wrong_type(node: colander.SchemaNode, value: Any) -> Any:
    """A message if ``value`` is not of the JSON type the document gives ``node`` (colander
    would make a string of a number, and "none" of an empty list)."""
    kind = node_schema(node, str).get("type")
    if value is None or kind not in _JSON_TYPES or _JSON_TYPES[kind](value):
        return None
    return _("Send this as a JSON ${kind}.", mapping={"kind": kind})


def _null(value: Any) -> Any:
    return colander.null if value is None else value


def _refuse_unknown(
    schema: colander.SchemaNode, data: dict[str, Any], extra: tuple[str, ...]
) -> None:
    names = {node.name for node in schema.children}
    unknown = [key for key in data if key not in names and key not in extra]
    if unknown:
        raise ApiError(422, errors={key: _("There is no such field.") for key in unknown})


def _wrong_fields(schema: colander.SchemaNode, data: dict[str, Any]) -> dict[str, Any]:
    """Per field sent, why its value cannot be the field's: its JSON type, or its form of a
    moment (what colander would otherwise make of it silently)."""
    errors = {}
    for node in schema.children:
        if node.name in data:
            value = data[node.name]
            wrong = _wrong_type(node, value) or _wrong_moment(node, value)
            if wrong is not None:
                errors[node.name] = wrong
    return errors


def validated_values(
    request: Request,
    content_type: ContentType,
    container: Any,
    data: dict[str, Any],
    content: Content | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The type's values from ``data`` (on top of ``content``'s for a change); 422 if invalid.

    ``extra`` names the keys of ``data`` that are not fields (``type``, ``serial``). A
    change of a type with revisions may say what changed (``change_note``), as its form does.
    """
    schema = bound_schema(request, content_type, container, changes=content)
    if content is not None and content_type.revisions:
        schema = with_change_note(schema)
    cstruct: dict[str, Any] = {}
    if content is not None:
        current = content_values(content, content_type)
        cstruct = dict(schema.serialize({k: _null(v) for k, v in current.items()}))
    return validated(request, schema, data, cstruct, extra)


def validated(
    request: Request,
    schema: colander.SchemaNode,
    data: dict[str, Any],
    cstruct: dict[str, Any] | None = None,
    extra: tuple[str, ...] = (),
    typed: bool = True,
) -> dict[str, Any]:
    """``data`` deserialised by the (bound) mapping ``schema``, over ``cstruct``; 422 with a
    message per field if a key is unknown or a value invalid. ``typed``: the values are JSON
    and must have the JSON type the document gives (not for a query string's texts)."""
    _refuse_unknown(schema, data, extra)
    errors = _wrong_fields(schema, data) if typed else {}
    cstruct = dict(cstruct or {})
    cstruct.update((k, _null(v)) for k, v in data.items() if k not in errors and k not in extra)
    try:
        values = schema.deserialize(cstruct)
    except colander.Invalid as exc:
        found = exc.asdict(translate=request.localizer.translate)
        raise ApiError(422, errors={**found, **errors}) from None
    if errors:
        raise ApiError(422, errors=errors)
    return values
