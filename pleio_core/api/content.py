"""Content through the API: addressed by its path under the site, as in the browser.

``/api/v1/content/<path>``: GET reads the content at the path, PATCH changes it (carrying
the ``serial`` it started from), DELETE removes it, and POST adds new content *inside* it
(``{"type": "note", ...}``); the path of a module folder (``notes``) takes POST only.
``/api/v1/children/<path>`` lists, a page at a time, what the caller may see in a module
folder or a content object. Paths, not catalog ids: they are what people see and share.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request
from pyramid.response import Response

from pleio_core.content.editing import (
    ControlRefused,
    StaleEdit,
    create_content,
    delete_content,
    update_content,
)
from pleio_core.content.merge import merge_edit
from pleio_core.content.model import Content
from pleio_core.content.site import ModuleFolder
from pleio_core.content.types import ContentType
from pleio_core.content.views import visible_children
from pleio_core.i18n import _
from pleio_core.services import CONTENT_TYPES
from pleio_core.text import whole_number
from pleio_core.uploads.refusals import FileRefused

from .auth import require_identity, require_permission
from .errors import ApiError
from .serialise import (
    content_json,
    content_path,
    json_integer,
    path_names,
    read_body,
    summary_json,
    validated_values,
)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_START = 10**9


def find(request: Request, path: tuple[str, ...] | list[str]) -> Any:
    """The module folder or content at ``path``; 404 for anything else or anything hidden.

    Content of a type that is not registered, or whose module is not enabled here, is not
    there at all — wherever it lies.
    """
    node: Any = request.site_root
    types = CONTENT_TYPES(request.registry)
    enabled = request.enabled_modules
    names = [name for name in path if name]
    if not names:
        raise ApiError(404)
    for name in names:  # each step is the root, a module folder or content
        try:
            node = node[name]
        except KeyError:
            raise ApiError(404) from None
        if isinstance(node, ModuleFolder):
            if node.module not in enabled:
                raise ApiError(404)
        elif isinstance(node, Content):
            content_type = types.of(node)
            if content_type is None or content_type.module not in enabled:
                raise ApiError(404)
        else:
            raise ApiError(404)
    return node


def find_content(request: Request) -> tuple[Content, ContentType]:
    node = find(request, request.matchdict["path"])
    if not isinstance(node, Content):
        raise ApiError(404, _("This is a folder: list it at /api/v1/children/…"))
    content_type = CONTENT_TYPES(request.registry).of(node)
    if content_type is None:  # (find has answered 404 for it already)
        raise ApiError(404)
    return node, content_type


def read_content(context: Any, request: Request) -> dict[str, Any]:
    content, content_type = find_content(request)
    require_permission(request, "view", content)
    return content_json(request, content, content_type)


def add_content(context: Any, request: Request) -> Response:
    identity = require_identity(request)
    container = find(request, request.matchdict["path"])
    require_permission(request, "view", container)  # before anything tells it is there
    data = read_body(request)
    type_name = data.get("type")
    if not isinstance(type_name, str):
        raise ApiError(422, errors={"type": _("Give the type of the new content.")})
    content_type = CONTENT_TYPES(request.registry).get(type_name)
    if content_type is None or content_type.module not in request.enabled_modules:
        raise ApiError(
            404, _("There is no content type ${name} here.", mapping={"name": type_name})
        )
    require_permission(request, content_type.add_permission, container)
    addable = CONTENT_TYPES(request.registry).addable_in(container, request.enabled_modules)
    if content_type not in addable:
        raise ApiError(422, errors={"type": _("This type cannot be added here.")})
    if content_type.own_add:
        raise ApiError(
            422, errors={"type": _("This type is added through its own pages, not the API.")}
        )
    values = validated_values(request, content_type, container, data, extra=("type",))
    content = create_content(request, container, content_type, values, owner=identity.id)
    response = Response(json_body=content_json(request, content, content_type), status=201)
    response.location = request.route_url("api.content", path=path_names(content))
    return response


#: Set on a PATCH answer when the change was merged with one saved since its ``serial``.
MERGED_HEADER = "Pleio-Merged"


def change_content(context: Any, request: Request) -> dict[str, Any]:
    require_identity(request)
    content, content_type = find_content(request)
    require_permission(request, "view", content)
    require_permission(request, "edit", content)
    data = read_body(request)
    serial = json_integer(data.get("serial"))
    if serial is None:
        raise ApiError(422, errors={"serial": _("Send the serial of the version you changed.")})
    values = validated_values(
        request, content_type, content.__parent__, data, content=content, extra=("serial",)
    )
    note = values.pop("change_note", "")
    try:
        _save(request, content, content_type, values, serial, note)
    except ControlRefused as refused:
        raise ApiError(403, refused.message, errors={refused.field: refused.message}) from None
    return content_json(request, content, content_type)


def _save(
    request: Request,
    content: Content,
    content_type: ContentType,
    values: dict,
    serial: int,
    note: str,
) -> None:
    try:
        update_content(request, content, content_type, values, started_from=serial, comment=note)
    except StaleEdit:
        # as the edit form does: edits of different parts are both kept, and the caller is
        # told (a header); overlapping ones are refused and nothing is written
        merged = merge_edit(content, content_type, values, serial)
        if merged is None:
            raise ApiError(409, serial=content.serial) from None
        update_content(request, content, content_type, merged, content.serial, comment=note)
        request.response.headers[MERGED_HEADER] = "true"


def remove_content(context: Any, request: Request) -> Response:
    require_identity(request)
    content, _content_type = find_content(request)
    require_permission(request, "view", content)
    require_permission(request, "delete", content)
    try:
        delete_content(request, content)
    except FileRefused as refused:  # (a plugin's trash: checked out by someone else)
        raise ApiError(refused.status, refused.message) from None
    return Response(status=204)


def _page_parameter(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    value = whole_number(raw, maximum)
    if value is None:
        raise ApiError(
            422,
            errors={name: _("A whole number from 0 to ${max}.", mapping={"max": maximum})},
        )
    return value


def list_children(context: Any, request: Request) -> dict[str, Any]:
    """A page of the children the caller may see, in name order."""
    container = find(request, request.matchdict["path"])
    require_permission(request, "view", container)
    start = _page_parameter(request, "start", 0, MAX_START)
    limit = _page_parameter(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    visible = [item for item in visible_children(request, container) if isinstance(item, Content)]
    addable = CONTENT_TYPES(request.registry).addable_in(container, request.enabled_modules)
    return {
        "path": content_path(container),
        "title": container.title,
        "addable_types": [ct.name for ct in addable],
        "total": len(visible),
        "start": start,
        "limit": limit,
        "items": [summary_json(request, item) for item in visible[start : start + limit]],
    }
