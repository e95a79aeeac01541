"""The pages every content type gets from its declaration: view, add, edit and delete.

A type may register its own default view for its class; the forms stay the core's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import deform
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.request import Request

from pleio_core.clock import local_time
from pleio_core.i18n import _
from pleio_core.services import CONTENT_TYPES, MODULE_FOLDERS

from .bookmarks import site_bookmarks
from .comments import comments_of, may_change_comment
from .editing import (
    StaleEdit,
    bound_schema,
    content_values,
    create_content,
    delete_content,
    update_content,
)
from .folder import Folder
from .forms import FORM_RENDERERS, content_form, with_change_note
from .likes import like_count, likes_of
from .merge import merge_edit
from .model import Content
from .schema import ACCESS_TITLES
from .site import ModuleFolder
from .types import ContentType

FORM = "pleio_core:templates/content_form.pt"


def publication_note(request: Request, content: Content) -> str:
    """What a listing says of content that is not live, in the visitor's language: "Draft",
    "Scheduled" or "Ended" ("" when it is live), so that who may see it before or after its
    time (its author, the editors) does not take it for published."""
    if content.state == "draft":
        note = _("Draft")
    elif content.has_expired():
        note = _("Ended")
    elif not content.is_live():
        note = _("Scheduled")
    else:
        return ""
    return request.localizer.translate(note)


def format_time(moment: datetime | float) -> str:
    """A moment (or a ``timestamp()``, as jobs keep them) as the Netherlands' wall-clock
    time, day first."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    return local_time(moment).strftime("%d-%m-%Y %H:%M")


def type_of(request: Request, content: Content) -> ContentType:
    """The content's type; 404 when its module is off (or its plugin is gone)."""
    content_type = CONTENT_TYPES(request.registry).of(content)
    if content_type is None or content_type.module not in request.enabled_modules:
        raise HTTPNotFound()
    return content_type


def addable(request: Request, container: Folder) -> list[ContentType]:
    """The types the visitor may add in ``container``."""
    types = CONTENT_TYPES(request.registry).addable_in(container, request.enabled_modules)
    return [ct for ct in types if request.has_permission(ct.add_permission, container)]


def add_links(request: Request, container: Folder) -> list[tuple[str, str]]:
    translate = request.localizer.translate
    base = request.resource_url(container, "@@add")
    return [(translate(ct.title), f"{base}?type={ct.name}") for ct in addable(request, container)]


def folder_title(request: Request, folder: ModuleFolder) -> str:
    """A module folder's title in the visitor's language: its module's, as declared."""
    title = MODULE_FOLDERS(request.registry).get(folder.module, folder.title)
    return request.localizer.translate(title)


def visible_children(request: Request, container: Folder) -> list[Any]:
    """What the visitor may see in ``container``. Content of a module that is off is left
    out wherever it lies (a wiki page in a group while the wiki is off)."""
    types = CONTENT_TYPES(request.registry)
    enabled = request.enabled_modules
    found = []
    for item in container.values():
        if isinstance(item, Content):
            content_type = types.of(item)
            if content_type is None or content_type.module not in enabled:
                continue
        if request.has_permission("view", item):
            found.append(item)
    return found


def content_view(context: Content, request: Request, children: bool = True) -> dict[str, Any]:
    """What the page of a piece of content shows; ``children=False`` for a type that lists
    what is inside it in its own way (a group, a page at a time from the catalog)."""
    content_type = type_of(request, context)
    identity = request.identity
    likes = likes_of(context)
    bookmarks = site_bookmarks(request.site_root)
    inside = visible_children(request, context) if children else []
    comments = comments_of(context)
    threads = comments.threads() if comments is not None else []
    changeable = {
        c.id
        for c in (comments.all() if comments else ())
        if may_change_comment(request, context, c)
    }
    return {
        "content": context,
        "type_title": content_type.title,
        "children": inside,
        "add_links": add_links(request, context),
        "can_edit": bool(request.has_permission("edit", context)),
        "can_delete": bool(request.has_permission("delete", context)),
        "can_take_part": identity is not None and bool(request.has_permission("add", context)),
        "like_count": like_count(context),
        "liked": identity is not None and likes is not None and identity.id in likes,
        "saved": identity is not None
        and bookmarks is not None
        and bookmarks.has(identity.id, context),
        "revisions": content_type.revisions,
        "access_title": ACCESS_TITLES.get(context.effective_access, context.access),
        "threads": threads,
        "changeable": changeable,
        "when": format_time,
        "merged": request.params.get("merged") == "1",
    }


def _form_page(title: Any, html: str, other: Content | None = None) -> dict[str, Any]:
    return {"title": title, "form_html": html, "other": other}


def add_defaults(request: Request, container: Folder, content_type: ContentType) -> dict:
    """What the add form starts with: the plugins' suggestions (``pleio_add_defaults``)."""
    fields = set(content_type.field_names())
    defaults: dict[str, Any] = {}
    answers = request.plugin_hooks.pleio_add_defaults(
        request=request, container=container, content_type=content_type
    )
    for answer in reversed(answers):  # pluggy answers the last registered first
        defaults.update({k: v for k, v in (answer or {}).items() if k in fields})
    return defaults


def add_form(context: Folder, request: Request) -> Any:
    name = request.params.get("type", "")
    types = CONTENT_TYPES(request.registry).addable_in(context, request.enabled_modules)
    content_type = next((ct for ct in types if ct.name == name), None)
    if content_type is None or content_type.own_add:  # (its module's own page adds it)
        raise HTTPNotFound()
    if not request.has_permission(content_type.add_permission, context):
        raise HTTPForbidden()
    translate = request.localizer.translate
    title = _("Add ${type}", mapping={"type": translate(content_type.title)})
    schema = bound_schema(request, content_type, context)
    form = content_form(
        request,
        schema,
        request.resource_url(context, "@@add", query={"type": name}),
        _("Save"),
        request.resource_url(context),
    )
    if request.method != "POST":
        return _form_page(title, form.render(add_defaults(request, context, content_type)))
    try:
        values = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return _form_page(title, failure.render())
    identity = request.identity
    content = create_content(request, context, content_type, values, owner=identity.id)
    return HTTPSeeOther(location=request.resource_url(content))


def edit_form(context: Content, request: Request) -> Any:
    content_type = type_of(request, context)
    schema = bound_schema(request, content_type, context.__parent__, context)
    if content_type.revisions:
        schema = with_change_note(schema)
    title = _("Edit “${title}”", mapping={"title": context.title})
    action = request.resource_url(context, "@@edit")

    def form(serial: int) -> deform.Form:
        return content_form(
            request, schema, action, _("Save"), request.resource_url(context), {"serial": serial}
        )

    if request.method != "POST":
        return _form_page(title, form(context.serial).render(content_values(context, content_type)))
    try:
        started_from = int(request.POST.get("serial", ""))
    except ValueError:
        raise HTTPBadRequest(_("The form lacks the version it was started from.")) from None
    try:
        values = form(started_from).validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return _form_page(title, failure.render())
    note = values.pop("change_note", "")
    try:
        update_content(request, context, content_type, values, started_from, comment=note)
    except StaleEdit:
        merged = merge_edit(context, content_type, values, started_from)
        if merged is not None:
            # Both edits touched different parts: both are kept, and the editor is told.
            update_content(request, context, content_type, merged, context.serial, comment=note)
            return HTTPSeeOther(location=request.resource_url(context, query={"merged": 1}))
        # Nothing is written and nothing is lost: their version is shown, ours stays in the
        # form, which now starts from theirs, so saving again is a choice made knowingly.
        request.response.status_int = 409
        again = form(context.serial).render({**values, "change_note": note})
        return _form_page(title, again, other=context)
    return HTTPSeeOther(location=request.resource_url(context))


def delete_form(context: Content, request: Request) -> Any:
    type_of(request, context)
    if request.method != "POST":
        count = _subtree_size(context)
        inside = request.localizer.pluralize(
            "Everything inside it goes too: ${count} more item.",
            "Everything inside it goes too: ${count} more items.",
            count,
            domain="pleio",
            mapping={"count": count},
        )
        return {"content": context, "inside": inside if count else None}
    parent = context.__parent__
    delete_content(request, context)
    return HTTPSeeOther(location=request.resource_url(parent))


def _subtree_size(content: Folder) -> int:
    return sum(1 + _subtree_size(child) for child in content.values())


def includeme(config: Configurator) -> None:
    FORM_RENDERERS.provide(config, {})
    config.add_view(
        content_view, context=Content, renderer="pleio_core:templates/content.pt",
        request_method=("GET", "HEAD"), permission="view",
    )  # fmt: skip
    for container in (ModuleFolder, Content):
        config.add_view(
            add_form, context=container, name="add", renderer=FORM, permission="view",
            request_method=("GET", "HEAD", "POST"),
        )  # fmt: skip
    config.add_view(
        edit_form, context=Content, name="edit", renderer=FORM, permission="edit",
        request_method=("GET", "HEAD", "POST"),
    )  # fmt: skip
    config.add_view(
        delete_form, context=Content, name="delete", permission="delete",
        renderer="pleio_core:templates/content_delete.pt", request_method=("GET", "HEAD", "POST"),
    )  # fmt: skip
