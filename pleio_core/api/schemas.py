"""JSON Schema from colander: the same schema that validates a form describes the API.

Each node's type gives the JSON type (``String``, ``Integer``, ``Tags``, ``LocalDateTime``…),
its validators the limits (``Length``, ``OneOf``, ``Range``, ``Regex``, ``Email``, ``All``).
A validator that is a plain function (a title must not be blank) cannot be described; the
server still applies it, and answers 422 with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import colander

from pleio_core.content.schema import MAX_TAG, MAX_TAGS, LocalDateTime, Tags

Translate = Callable[[Any], str]

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


def node_schema(node: colander.SchemaNode, translate: Translate) -> dict[str, Any]:
    """The JSON Schema of one (bound) colander node."""
    typ = node.typ
    schema: dict[str, Any] = {}
    if isinstance(typ, colander.Mapping):
        schema = object_schema(node.children, translate)
    elif isinstance(typ, colander.Sequence) and node.children:
        schema = {"type": "array", "items": node_schema(node.children[0], translate)}
    else:
        for kind, description in _SIMPLE_TYPES:
            if isinstance(typ, kind):
                schema = {**description}
                break
    for validator in _validators(node.validator):
        _limits(schema, validator)
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
    nodes: list[colander.SchemaNode], translate: Translate, partial: bool = False
) -> dict[str, Any]:
    """An object of these fields; with ``partial`` none of them is required (a change)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for node in nodes:
        schema = node_schema(node, translate)
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
