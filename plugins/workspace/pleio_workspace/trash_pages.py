"""``/workspace/@@trash``: what the visitor may see of the trash, to restore or delete for good.

The list is in pages of ``PAGE`` entries, newest first. Restoring puts an item back where it
was (and says where); deleting for good asks once more, on a page of its own, first.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import ModuleFolder, format_time, whole_number

from . import trash
from .i18n import _
from .operations import FileRefused

PAGE = 25
TEMPLATE = "pleio_workspace:templates/trash.pt"


def listing(request: Request, number: int) -> dict[str, Any]:
    """The entries of page ``number`` (from 1), and the links to the pages around it."""
    start, rows, more = (number - 1) * PAGE, [], False
    for index, entry in enumerate(trash.visible_entries(request)):
        if index >= start + PAGE:
            more = True
            break
        if index >= start:
            rows.append(
                {
                    "key": entry.key,
                    "name": entry.name,
                    "folder": entry.is_folder,
                    "place": unquote(entry.path).rpartition("/")[0] or "/",
                    "by": entry.deleted_by_name,
                    "when": format_time(entry.deleted),
                    "until": format_time(entry.purged_at),
                }
            )
    here = request.resource_url(request.context, "@@trash")
    return {
        "rows": rows,
        "previous": f"{here}?page={number - 1}" if number > 1 else None,
        "next": f"{here}?page={number + 1}" if more else None,
        "page_number": number,
    }


def _show(request: Request, values: dict[str, Any], status: int = 200) -> Response:
    number = whole_number(request.params.get("page", "1"), 10**6) or 1
    values = {"error": None, "done": None, "confirm": None, **listing(request, number), **values}
    response = render_to_response(TEMPLATE, values, request)
    response.status_int = status
    return response


def trash_page(context: ModuleFolder, request: Request) -> Response:
    if request.identity is None:
        raise HTTPForbidden()
    if request.method != "POST":
        restored = request.params.get("restored")
        done = _("“${name}” is back.", mapping={"name": restored}) if restored else None
        return _show(request, {"done": done})
    key, action = request.POST.get("entry"), request.POST.get("action")
    try:
        if action == "restore":
            item = trash.restore(request, key)
            return HTTPSeeOther(location=request.resource_url(item))
        if action == "delete":
            entry = trash.entry_for(request, key)
            if request.POST.get("confirmed") != "yes":
                return _show(request, {"confirm": {"key": entry.key, "name": entry.name}})
            trash.delete_for_good(request, key)
            done = _("“${name}” is deleted for good.", mapping={"name": entry.name})
            return _show(request, {"done": done})
        raise FileRefused(400, _("Choose to restore it or to delete it for good."))
    except FileRefused as refused:
        return _show(request, {"error": refused.message}, refused.status)


def includeme(config: Configurator) -> None:
    config.add_view(
        trash_page, context=ModuleFolder, module_folder="workspace", name="trash",
        permission="view", request_method=("GET", "HEAD", "POST"),
    )  # fmt: skip
