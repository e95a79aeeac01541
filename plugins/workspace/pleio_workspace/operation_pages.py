"""The pages that rename, move, copy and delete (to the trash) a folder or a file.

Each is a form (GET) and its handling (POST, CSRF-checked by the core); what the
``operations`` refuse is shown again on the form with why, answered with the refusal's
status. The delete page replaces the core's for these types: it says the item goes to the
trash and can be restored for 30 days.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import (
    Content,
    Folder,
    ModuleFolder,
    content_in,
    folder_title,
    parent_of,
)

from . import operations
from .files.model import File, WorkspaceFolder
from .i18n import _
from .operations import FileRefused
from .trash import KEEP

TEMPLATES = "pleio_workspace:templates/"


def space_of(item: Content) -> Folder:
    """The top of the tree of folders ``item`` lies in: the workspace's folder, a group,
    or whatever holds the outermost workspace folder."""
    node: Any = parent_of(item)
    while isinstance(node, WorkspaceFolder) and node.__parent__ is not None:
        node = node.__parent__
    return node


def targets(request: Request, item: Content) -> list[tuple[str, str, int]]:
    """(value, title, depth) of every folder of the item's space it may be put in: the
    ones the visitor may add to, not the item or anything inside it. The value is the
    folder's path in the space ("" for the space itself)."""
    top = space_of(item)
    found: list[tuple[str, str, int]] = []
    if request.has_permission("add", top):
        found.append(("", _title(request, top), 0))

    def walk(folder: Folder, path: str, depth: int) -> None:
        # a workspace folder knows which children are folders (its files are not read);
        # elsewhere isinstance reads a ghost's class without loading it
        children: Iterator[tuple[str, Any]]
        if isinstance(folder, WorkspaceFolder):
            children = ((n, folder.get(n)) for n in folder.in_order(folders=True))
        else:
            children = folder.items()
        for name, child in children:
            if not isinstance(child, WorkspaceFolder) or child is item:
                continue
            if not request.has_permission("view", child):
                continue
            here = f"{path}/{name}" if path else name
            if request.has_permission("add", child):
                found.append((here, child.title, depth))
            walk(child, here, depth + 1)

    walk(top, "", 1)
    return found


def _title(request: Request, folder: Folder) -> str:
    if isinstance(folder, ModuleFolder):
        return folder_title(request, folder)
    return getattr(folder, "title", "") or ""


def target_at(item: Content, value: object) -> Folder | None:
    """The folder a form's value names in the item's space, or None."""
    if not isinstance(value, str):
        return None
    node: Any = space_of(item)
    for name in value.split("/") if value else ():
        node = node.get(name) if isinstance(node, Folder) else None
        if not isinstance(node, WorkspaceFolder):
            return None
    return node


def current_value(item: Content) -> str:
    top, names, node = space_of(item), [], parent_of(item)
    while node is not top and node is not None:
        names.append(node.__name__ or "")
        node = node.__parent__  # type: ignore[assignment]
    return "/".join(reversed(names))


def _show(
    request: Request, template: str, values: dict[str, Any], refused: FileRefused | None = None
) -> Response:
    values.setdefault("error", None)
    if refused is not None:
        values["error"] = refused.message
    response = render_to_response(TEMPLATES + template, values, request)
    if refused is not None:
        response.status_int = refused.status
    return response


def _go_to(request: Request, content: Content) -> HTTPSeeOther:
    return HTTPSeeOther(location=request.resource_url(content))


def rename_page(context: Content, request: Request) -> Response:
    values: dict[str, Any] = {"content": context, "name": context.__name__}
    if request.method != "POST":
        return _show(request, "rename.pt", values)
    values["name"] = request.POST.get("name", "")
    try:
        operations.rename(request, context, values["name"])
    except FileRefused as refused:
        return _show(request, "rename.pt", values, refused)
    return _go_to(request, context)


def move_page(context: Content, request: Request) -> Response:
    values: dict[str, Any] = {
        "content": context,
        "targets": targets(request, context),
        "current": current_value(context),
    }
    if request.method != "POST":
        return _show(request, "move.pt", values)
    chosen = request.POST.get("target")
    values["current"] = chosen if isinstance(chosen, str) else values["current"]
    target = target_at(context, chosen)
    try:
        if target is None:
            raise FileRefused(400, _("Choose a folder to put it in."))
        operations.move(request, context, target)
    except FileRefused as refused:
        return _show(request, "move.pt", values, refused)
    return _go_to(request, context)


def copy_page(context: Content, request: Request) -> Response:
    here = parent_of(context)
    values: dict[str, Any] = {
        "content": context,
        "targets": targets(request, context),
        "current": current_value(context),
        "name": operations.free_name(here, context.__name__ or ""),
    }
    if request.method != "POST":
        return _show(request, "copy.pt", values)
    chosen = request.POST.get("target")
    values["current"] = chosen if isinstance(chosen, str) else values["current"]
    values["name"] = request.POST.get("name", "")
    target = target_at(context, chosen)
    try:
        if target is None:
            raise FileRefused(400, _("Choose a folder to put it in."))
        made = operations.copy(request, context, target, values["name"])
    except FileRefused as refused:
        return _show(request, "copy.pt", values, refused)
    return _go_to(request, made)


def delete_page(context: Content, request: Request) -> Response:
    count = sum(1 for _node in _below(context))
    inside = request.localizer.pluralize(
        "Everything in it goes too: ${count} more item.",
        "Everything in it goes too: ${count} more items.",
        count,
        domain="pleio_workspace",
        mapping={"count": count},
    )
    values: dict[str, Any] = {
        "content": context,
        "inside": inside if count else None,
        "keep_days": KEEP.days,
    }
    if request.method != "POST":
        return _show(request, "delete.pt", values)
    parent = parent_of(context)
    try:
        operations.to_trash(request, context)
    except FileRefused as refused:
        return _show(request, "delete.pt", values, refused)
    return HTTPSeeOther(location=request.resource_url(parent, query={"trashed": context.__name__}))


def _below(item: Content) -> Iterator[Content]:
    nodes = content_in(item)
    next(nodes)
    yield from nodes


def includeme(config: Configurator) -> None:
    methods = ("GET", "HEAD", "POST")
    for kind in (File, WorkspaceFolder):
        config.add_view(
            rename_page, context=kind, name="rename", permission="edit", request_method=methods
        )
        config.add_view(
            move_page, context=kind, name="move", permission="edit", request_method=methods
        )
        config.add_view(
            copy_page, context=kind, name="copy", permission="view", request_method=methods
        )
        config.add_view(
            delete_page, context=kind, name="delete", permission="delete", request_method=methods
        )
