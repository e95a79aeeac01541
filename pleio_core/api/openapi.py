"""The OpenAPI 3.1 document of a deelsite's API, made from the types of its enabled modules.

Each content type gets three schemas from its colander schema: ``<Type>Create`` (POST),
``<Type>Change`` (PATCH) and ``<Type>`` (what GET answers). The document is made per
request, in the caller's language, because each site enables different modules.

It says what the server does, so that a client (and schemathesis, in ``test_api_fuzz``) can
rely on it: every free text a request sends holds only what a text may hold; the search
filters name this site's types and modules; the numbers have their limits; the writes say
that they need a signed-in caller; and links lead from new content and comments to what can
be done with them.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from pleio_core.catalog.query import MAX_PAGE_SIZE, MAX_TEXT
from pleio_core.content.access import ACCESS_LEVELS
from pleio_core.content.comments import MAX_COMMENT
from pleio_core.content.editing import BASE_LEVELS
from pleio_core.content.forms import with_change_note
from pleio_core.content.schema import CORE_FIELDS
from pleio_core.content.types import ContentType
from pleio_core.services import CONTENT_TYPES
from pleio_core.text import SCHEMA_PATTERN

from .content import MAX_LIMIT, MAX_START
from .endpoints import endpoints_for
from .errors import DEFAULT_MESSAGES
from .schemas import NOT_BLANK, node_schema, nullable, object_schema
from .search import MAX_PAGE
from .social import MAX_COMMENT_ID

OPENAPI = "3.1.0"
JSON = "application/json"
DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
#: A text a request sends: only what a text may hold (422 otherwise).
TEXT = {"type": "string", "pattern": SCHEMA_PATTERN}
COMMENT_TEXT = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_COMMENT,
    "pattern": SCHEMA_PATTERN,
    "allOf": [NOT_BLANK],
}
#: Who must sign in for an operation: a token or the browser's cookie, not anyone.
SIGNED_IN: list[dict[str, list[str]]] = [{"token": []}, {"session": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def schema_name(content_type: ContentType) -> str:
    return "".join(part.capitalize() for part in content_type.name.split("_"))


def _obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required}


SUMMARY = _obj(
    {
        "type": STRING,
        "path": STRING,
        "url": STRING,
        "title": STRING,
        "state": STRING,
        "access": STRING,
        "owner": {"type": ["string", "null"]},
        "modified": DATE_TIME,
    }
)
CONTENT_CORE = {
    "path": STRING,
    "url": STRING,
    "title": STRING,
    "body": STRING,
    "body_html": STRING,
    "tags": {"type": "array", "items": STRING},
    "access": {"type": "string", "enum": list(ACCESS_LEVELS)},
    "state": STRING,
    "publish_at": NULLABLE_DATE_TIME,
    "publish_until": NULLABLE_DATE_TIME,
    "owner": {"type": ["string", "null"]},
    "created": DATE_TIME,
    "modified": DATE_TIME,
    "serial": INTEGER,
    "comment_count": INTEGER,
    "like_count": INTEGER,
    "liked": {"type": "boolean"},
    "child_count": INTEGER,
}
COMMON_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "properties": {
            "error": STRING,
            "errors": {"type": "object", "additionalProperties": STRING},
            "serial": INTEGER,
        },
        "required": ["error"],
    },
    "Summary": SUMMARY,
    "Listing": _obj(
        {
            "path": STRING,
            "title": STRING,
            "addable_types": {"type": "array", "items": STRING},
            "total": INTEGER,
            "start": INTEGER,
            "limit": INTEGER,
            "items": {"type": "array", "items": _ref("Summary")},
        }
    ),
    "Comment": _obj(
        {
            "id": INTEGER,
            "author": STRING,
            "author_name": STRING,
            "text": STRING,
            "html": STRING,
            "reply_to": {"type": ["integer", "null"]},
            "created": DATE_TIME,
            "modified": NULLABLE_DATE_TIME,
        }
    ),
    "Comments": _obj({"total": INTEGER, "items": {"type": "array", "items": _ref("Comment")}}),
    "CommentCreate": {
        "type": "object",
        "properties": {
            "text": COMMENT_TEXT,
            "reply_to": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "The id of a comment here (422 if it is not there any more).",
            },
        },
        "required": ["text"],
        "additionalProperties": False,
    },
    "CommentChange": {
        "type": "object",
        "properties": {"text": COMMENT_TEXT},
        "required": ["text"],
        "additionalProperties": False,
    },
    "Likes": _obj({"like_count": INTEGER, "liked": {"type": "boolean"}}),
    "Site": _obj(
        {
            "name": STRING,
            "title": STRING,
            "url": STRING,
            "access": STRING,
            "language": STRING,
            "modules": {
                "type": "array",
                "items": _obj({"name": STRING, "title": STRING}),
            },
            "content_types": {
                "type": "array",
                "items": _obj(
                    {
                        "name": STRING,
                        "title": STRING,
                        "module": STRING,
                        "addable_to": {"type": "array", "items": STRING},
                    }
                ),
            },
            "openapi": STRING,
        }
    ),
    "SearchResults": _obj(
        {
            "total": INTEGER,
            "page": INTEGER,
            "size": INTEGER,
            "pages": INTEGER,
            "items": {
                "type": "array",
                "items": {
                    "allOf": [
                        _ref("Summary"),
                        _obj({"date": DATE_TIME, "snippet": STRING}),
                    ]
                },
            },
        }
    ),
    "Me": _obj(
        {
            "id": STRING,
            "name": STRING,
            "email": STRING,
            "language": STRING,
            "role": {"type": ["string", "null"]},
            "via": {"type": "string", "enum": ["token", "session"]},
        }
    ),
}


def type_schemas(request: Request, content_type: ContentType) -> dict[str, Any]:
    """The create, change and read schemas of one content type."""
    translate = request.localizer.translate
    # every level the type can have somewhere on this site: "group" only where a module has
    # groups, and then only inside one (422 elsewhere)
    groups = bool(request.plugin_hooks.pleio_group_of.get_hookimpls())
    levels = (*BASE_LEVELS, "group") if groups else BASE_LEVELS
    schema = content_type.schema().bind(request=request, access_levels=levels)
    nodes = list(schema.children)
    name = schema_name(content_type)
    create = object_schema(nodes, translate)
    create["properties"] = {"type": {"const": content_type.name}, **create["properties"]}
    create["required"] = ["type", *create.get("required", [])]
    changed = with_change_note(schema) if content_type.revisions else schema
    change = object_schema(list(changed.children), translate, partial=True)
    change["properties"] = {"serial": INTEGER, **change["properties"]}
    change["required"] = ["serial"]
    for properties in (create["properties"], change["properties"]):
        if "title" in properties:  # the core's rule, a plain function its schema cannot tell
            properties["title"]["allOf"] = [NOT_BLANK]
    own = {
        node.name: nullable(node_schema(node, translate))
        for node in nodes
        if node.name not in CORE_FIELDS
    }
    read = _obj({"type": {"const": content_type.name}, **CONTENT_CORE, **own}, tuple(own))
    title = translate(content_type.title)
    create["title"], change["title"], read["title"] = title, title, title
    return {f"{name}Create": create, f"{name}Change": change, name: read}


def _error(status: int, request: Request) -> dict[str, Any]:
    answer = {
        "description": request.localizer.translate(DEFAULT_MESSAGES[status]),
        "content": {JSON: {"schema": _ref("Error")}},
    }
    if status == 401:
        answer["headers"] = {"WWW-Authenticate": {"required": True, "schema": STRING}}
    return answer


def _operation(
    request: Request,
    summary: str,
    ok: int,
    schema: dict[str, Any] | None,
    errors: tuple[int, ...],
    body: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    *,
    signed_in: bool = False,
    headers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One operation; ``signed_in``: only for a caller with a token or the sign-in cookie."""
    responses: dict[str, Any] = {str(ok): {"description": "OK"}}
    if schema is not None:
        responses[str(ok)]["content"] = {JSON: {"schema": schema}}
    if headers:
        responses[str(ok)]["headers"] = headers
    for status in sorted({401, 404, *errors}):
        responses[str(status)] = _error(status, request)
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    if parameters:
        operation["parameters"] = parameters
    if signed_in:
        operation["security"] = SIGNED_IN
    return operation


PATH_PARAMETER = {
    "name": "path",
    "in": "path",
    "required": True,
    "description": "The path under the site, e.g. notes/my-note (slashes may be sent as %2F).",
    "schema": {"type": "string"},
}


def _query(
    name: str, description: str, minimum: int, maximum: int, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "integer", "minimum": minimum, "maximum": maximum},
    }


def _any_of(names: list[str]) -> dict[str, Any]:
    """A list of some of these names (none, if there are none)."""
    if not names:
        return {"type": "array", "maxItems": 0}
    return {"type": "array", "items": {"type": "string", "enum": names}}


def _search_parameters(request: Request, type_names: list[str]) -> list[dict[str, Any]]:
    text = {**TEXT, "maxLength": MAX_TEXT}
    day = {"type": "string", "format": "date"}
    modules = list(request.enabled_modules)
    return [
        {"name": "text", "in": "query", "description": 'Words; "a phrase"; -not', "schema": text},
        {
            "name": "type",
            "in": "query",
            "description": "Content types (any of)",
            "schema": _any_of(type_names),
        },
        {
            "name": "module",
            "in": "query",
            "description": "Modules (any of)",
            "schema": _any_of(modules),
        },
        {
            "name": "tag",
            "in": "query",
            "description": "Tags (all of)",
            "schema": {"type": "array", "items": TEXT},
        },
        {"name": "from", "in": "query", "description": "From this day on", "schema": day},
        {"name": "to", "in": "query", "description": "Up to and including this day", "schema": day},
        {
            "name": "order",
            "in": "query",
            "schema": {"type": "string", "enum": ["relevance", "date"]},
        },
        _query("page", "The page of results.", 1, MAX_PAGE),
        _query("size", "Results per page.", 1, MAX_PAGE_SIZE),
    ]


#: The operationId of each operation: for clients, and for the links between operations.
OPERATION_IDS = {
    ("/api/v1/site", "get"): "readSite",
    ("/api/v1/me", "get"): "readMe",
    ("/api/v1/openapi.json", "get"): "readDocument",
    ("/api/v1/content/{path}", "get"): "readContent",
    ("/api/v1/content/{path}", "post"): "addContent",
    ("/api/v1/content/{path}", "patch"): "changeContent",
    ("/api/v1/content/{path}", "delete"): "removeContent",
    ("/api/v1/children/{path}", "get"): "listChildren",
    ("/api/v1/comments/{path}", "get"): "listComments",
    ("/api/v1/comments/{path}", "post"): "addComment",
    ("/api/v1/comments/{path}", "patch"): "changeComment",
    ("/api/v1/comments/{path}", "delete"): "removeComment",
    ("/api/v1/search", "get"): "search",
    ("/api/v1/likes/{path}", "get"): "readLikes",
    ("/api/v1/likes/{path}", "put"): "like",
    ("/api/v1/likes/{path}", "delete"): "unlike",
}
_AT_NEW_CONTENT = {"path": "$response.body#/path"}
_AT_NEW_COMMENT = {"path": "$request.path.path", "id": "$response.body#/id"}
#: Where an answer leads (OpenAPI links): new content is read, listed, changed, commented,
#: liked and removed at its path; a new comment is changed and removed by its id.
LINKS = {
    ("/api/v1/content/{path}", "post"): dict.fromkeys(
        (
            "readContent",
            "listChildren",
            "changeContent",
            "listComments",
            "addComment",
            "readLikes",
            "like",
            "unlike",
            "removeContent",
        ),
        _AT_NEW_CONTENT,
    ),
    ("/api/v1/comments/{path}", "post"): {
        "changeComment": _AT_NEW_COMMENT,
        "removeComment": _AT_NEW_COMMENT,
    },
}


def _with_ids_and_links(paths: dict[str, Any]) -> dict[str, Any]:
    for (path, method), operation_id in OPERATION_IDS.items():
        operation = paths[path][method]
        operation["operationId"] = operation_id
        links = LINKS.get((path, method))
        if links:
            ok = next(iter(operation["responses"].values()))  # the success comes first
            ok["links"] = {
                name: {"operationId": name, "parameters": parameters}
                for name, parameters in links.items()
            }
    return paths


def _module_paths(request: Request) -> dict[str, Any]:
    """The enabled modules' own endpoints (``add_api_endpoint``)."""
    translate = request.localizer.translate
    paths: dict[str, Any] = {}
    for endpoint in endpoints_for(request.registry, request.enabled_modules):
        answer = node_schema(endpoint.answer, translate) if endpoint.answer else {"type": "object"}
        schema = endpoint.schema
        body = parameters = None
        if endpoint.sends_body:
            nodes = schema.children if schema is not None else []
            body = object_schema(nodes, translate)
        elif schema is not None:
            parameters = [
                {
                    "name": node.name,
                    "in": "query",
                    "required": node.required,
                    "schema": node_schema(node, translate, sent=True),
                }
                for node in schema.children
            ]
        errors = (*((400, 403, 422) if endpoint.sends_body else (403, 422)), *endpoint.errors)
        operation = _operation(
            request,
            translate(endpoint.summary) or f"{endpoint.module}: {endpoint.name}",
            200,
            answer,
            errors,
            body,
            parameters,
            signed_in=endpoint.signed_in,
        )
        operation["operationId"] = f"{endpoint.module}.{endpoint.name}.{endpoint.method.lower()}"
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return paths


def openapi_document(request: Request) -> dict[str, Any]:
    """The document for this site, as the caller's language names things."""
    types = CONTENT_TYPES(request.registry)
    enabled = request.enabled_modules
    site_types = [ct for ct in types.values() if ct.module in enabled]
    schemas = dict(COMMON_SCHEMAS)
    for content_type in site_types:
        schemas.update(type_schemas(request, content_type))
    names = [schema_name(ct) for ct in site_types]
    content = {"oneOf": [_ref(n) for n in names]} if names else {"type": "object"}
    create = {"oneOf": [_ref(f"{n}Create") for n in names]} if names else {"type": "object"}
    change = {"anyOf": [_ref(f"{n}Change") for n in names]} if names else {"type": "object"}
    write = (400, 403, 422)
    path = [PATH_PARAMETER]
    comment_id = [PATH_PARAMETER, _query("id", "The comment's id.", 1, MAX_COMMENT_ID, True)]
    paging = [
        PATH_PARAMETER,
        _query("start", "How many visible items to skip.", 0, MAX_START),
        _query("limit", f"At most this many items (0-{MAX_LIMIT}).", 0, MAX_LIMIT),
    ]
    located = {"Location": {"required": True, "schema": STRING}}
    merged = {"Pleio-Merged": {"description": "Merged with a save made since.", "schema": STRING}}
    op = _operation
    paths = {
        "/api/v1/site": {"get": op(request, "This deelsite", 200, _ref("Site"), (403,))},
        "/api/v1/me": {"get": op(request, "Who is asking", 200, _ref("Me"), (), signed_in=True)},
        "/api/v1/openapi.json": {
            "get": op(request, "This document", 200, {"type": "object"}, (403,))
        },
        "/api/v1/content/{path}": {
            "parameters": path,
            "get": op(request, "Read content", 200, content, (403,)),
            "post": op(
                request,
                "Add content inside this",
                201,
                content,
                write,
                create,
                signed_in=True,
                headers=located,
            ),
            "patch": op(
                request,
                "Change content. Send the serial you read. If someone saved since, changes to"
                " other parts are merged (answer header Pleio-Merged: true); overlapping ones"
                " answer 409 and nothing is written.",
                200,
                content,
                (*write, 409),
                change,
                signed_in=True,
                headers=merged,
            ),
            "delete": op(request, "Remove content", 204, None, (403,), signed_in=True),
        },
        "/api/v1/children/{path}": {
            "get": op(
                request, "List what is inside", 200, _ref("Listing"), (403, 422), None, paging
            )
        },
        "/api/v1/comments/{path}": {
            "get": op(request, "List comments", 200, _ref("Comments"), (403,), None, path),
            "post": op(
                request,
                "Comment",
                201,
                _ref("Comment"),
                write,
                _ref("CommentCreate"),
                path,
                signed_in=True,
            ),
            "patch": op(
                request,
                "Change a comment",
                200,
                _ref("Comment"),
                write,
                _ref("CommentChange"),
                comment_id,
                signed_in=True,
            ),
            "delete": op(
                request, "Remove a comment", 204, None, (403, 422), None, comment_id, signed_in=True
            ),
        },
        "/api/v1/search": {
            "get": op(
                request,
                "Search what the caller may see",
                200,
                _ref("SearchResults"),
                (403, 422),
                None,
                _search_parameters(request, [ct.name for ct in site_types]),
            )
        },
        "/api/v1/likes/{path}": {
            "parameters": path,
            "get": op(request, "Likes", 200, _ref("Likes"), (403,)),
            "put": op(request, "Like", 200, _ref("Likes"), (403,), signed_in=True),
            "delete": op(request, "Unlike", 200, _ref("Likes"), (403,), signed_in=True),
        },
    }
    site = request.site
    return {
        "openapi": OPENAPI,
        "info": {
            "title": f"{site.title} API",
            "version": "1",
            "description": (
                "Sign in with a personal access token (Authorization: Bearer), made on your "
                "account page; a signed-in browser sends its cookie and, to change anything, "
                "the X-CSRF-Token header. A moment is RFC 3339; one sent without an offset "
                "(2026-12-01T09:00) is the Netherlands' local time."
            ),
        },
        "servers": [{"url": request.application_url}],
        "paths": {**_with_ids_and_links(paths), **_module_paths(request)},
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "pleio_auth"},
            },
        },
        # on a closed site, nothing is open to anyone
        "security": SIGNED_IN if request.site_settings.access == "closed" else [{}, *SIGNED_IN],
    }
