"""JSON Schema from colander: the same schema that validates a form describes the API.

Each node's type gives the JSON type (``String``, ``Integer``, ``Tags``, ``LocalDateTime``…),
its validators the limits (``Length``, ``OneOf``, ``Range``, ``Regex``, ``Email``, ``All``).
A validator that is a plain function (a title must not be blank) cannot be read from the
node; ``NOT_BLANK`` states the core's one, where the document is made. Every free text
of a request holds only what ``pleio_core.text`` lets a text hold (``SCHEMA_PATTERN``): the
server refuses anything else with 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import colander

from pleio_core.content.schema import MAX_TAG, MAX_TAGS, LocalDateTime, Tags
from pleio_core.text import SCHEMA_PATTERN

Translate = Callable[[Any], str]

#: What ``str.split`` and ``str.strip`` take for white space (but for U+001C..U+001F and
#: U+0085, which no text may hold anyway): a title or a comment of only these is blank.
WHITE_SPACE = (
    "\\t\\n\\u000b\\u000c\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
#: What a title or a comment holds besides: a character that is not white space (with
#: ``SCHEMA_PATTERN``, as a second, small pattern: a schema's every pattern must match).
NOT_BLANK = {"pattern": f"[^{WHITE_SPACE}]"}

_SIMPLE_TYPES: list[tuple[type, dict[str, Any]]] = [
    (colander.String, {"type": "string"}),
    (colander.Boolean, {"type": "boolean"}),
    (colander.Integer, {"type": "integer"}),
    (colander.Float, {"type": "number"}),
    (colander.Decimal, {"type": "number"}),
    (colander.DateTime, {"type": "string", "format": "date-time"}),
    (colander.Date, {"type": "string", "format": "date"}),
    (colander.Time, {"type": "string", "format": "time"}),
    (LocalDateTime, {"type": "string", "format": "date-time"}),
    (
        Tags,
        {
            "type": "array",
            "items": {"type": "string", "maxLength": MAX_TAG},
            "maxItems": MAX_TAGS,
        },
    ),
]


def _validators(validator: Any) -> list[Any]:
    if validator is None or isinstance(validator, colander.deferred):
        return []
    if isinstance(validator, colander.All):
        return [v for inner in validator.validators for v in _validators(inner)]
    return [validator]


def _limits(schema: dict[str, Any], validator: Any) -> None:
    is_array = schema.get("type") == "array"
    if isinstance(validator, colander.Length):
        if validator.min is not None:
            schema["minItems" if is_array else "minLength"] = validator.min
        if validator.max is not None:
            schema["maxItems" if is_array else "maxLength"] = validator.max
    elif isinstance(validator, colander.OneOf):
        schema["enum"] = list(validator.choices)
    elif isinstance(validator, colander.ContainsOnly) and is_array:
        schema["items"] = {**schema.get("items", {}), "enum": list(validator.choices)}
    elif isinstance(validator, colander.Range):
        if validator.min is not None:
            schema["minimum"] = validator.min
        if validator.max is not None:
            schema["maximum"] = validator.max
    elif isinstance(validator, colander.Email):
        schema["format"] = "email"
    elif isinstance(validator, colander.Regex):
        schema["pattern"] = validator.match_object.pattern


def _text_rule(schema: dict[str, Any]) -> None:
    """A free text (a string with no choices or format), or a list of them, holds only what a
    text may hold; a text with a pattern of its own must match both."""
    kind = schema.get("type")
    if kind == "array" and isinstance(schema.get("items"), dict):
        schema["items"] = {**schema["items"]}  # the type's own description is shared
        _text_rule(schema["items"])
    elif kind == "string" and "enum" not in schema and "format" not in schema:
        if "pattern" in schema:
            schema["allOf"] = [{"pattern": SCHEMA_PATTERN}]
        else:
            schema["pattern"] = SCHEMA_PATTERN


def node_schema(
    node: colander.SchemaNode, translate: Translate, sent: bool = False
) -> dict[str, Any]:
    """The JSON Schema of one (bound) colander node; ``sent``: of what a request sends, whose
    texts are refused if they hold what no text may."""
    typ = node.typ
    schema: dict[str, Any] = {}
    if isinstance(typ, colander.Mapping):
        schema = object_schema(node.children, translate, sent=sent)
    elif isinstance(typ, colander.Sequence) and node.children:
        schema = {"type": "array", "items": node_schema(node.children[0], translate, sent)}
    else:
        for kind, description in _SIMPLE_TYPES:
            if isinstance(typ, kind):
                schema = {**description}
                break
    for validator in _validators(node.validator):
        _limits(schema, validator)
    if sent:
        _text_rule(schema)
    if node.title:
        schema["title"] = translate(node.title)
    if node.description:
        schema["description"] = translate(node.description)
    return schema


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or null (JSON null is "not given" for a field that may be left out)."""
    kind = schema.get("type")
    if kind is None:
        return schema
    result = {**schema, "type": [kind, "null"] if isinstance(kind, str) else [*kind, "null"]}
    if "enum" in result:
        result["enum"] = [*result["enum"], None]
    return result


def object_schema(
    nodes: list[colander.SchemaNode],
    translate: Translate,
    partial: bool = False,
    sent: bool = True,
) -> dict[str, Any]:
    """An object of these fields, as a request sends it (unless not ``sent``); with
    ``partial`` none of them is required (a change)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for node in nodes:
        schema = node_schema(node, translate, sent)
        if node.required and not partial:
            required.append(node.name)
            properties[node.name] = schema
        else:
            properties[node.name] = schema if node.required else nullable(schema)
    result: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        result["required"] = required
    return result
