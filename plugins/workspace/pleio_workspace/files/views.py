"""The workspace's pages: a folder with its files, uploading, a file with its versions and
its check-out, and downloads (one file, or a folder as a ZIP).

Adding, editing the description and access, and the history of a file are the core's
pages; renaming, moving, copying and the trash are ``operations`` and ``trash``.
"""

from __future__ import annotations

import os
from email.message import Message
from typing import Any, NamedTuple

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.traversal import quote_path_segment

from pleio_core.plugin_api import (
    CONTENT_TYPES,
    Content,
    FileRefused,
    ModuleFolder,
    content_view,
    folder_title,
    format_size,
    format_time,
    upload_limit,
    whole_number,
)

from ..i18n import DOMAIN, _
from . import downloads, listing
from .locks import lock_file, may_break, unlock_file
from .model import File, WorkspaceFolder
from .personal import make_personal_folder, personal_folder
from .storing import new_folder, restore_version, spool, store_upload

TEMPLATES = "pleio_workspace:files/templates/"
#: At most this many files in one upload (each within the upload limit).
MAX_FILES = 100
MAX_PAGE = 100_000
#: How much of the end of a multipart body is read for its closing delimiter.
TAIL = 4096


def lineage(request: Request, item: Any) -> list[tuple[str, str]]:
    """The breadcrumbs down to ``item``: (title, URL) from the workspace's own folder."""
    crumbs = []
    node = item
    while node is not None:
        if isinstance(node, ModuleFolder):
            crumbs.append((folder_title(request, node), request.resource_url(node)))
            break
        crumbs.append((node.title, request.resource_url(node)))
        node = node.__parent__
    return crumbs[::-1]


def _may_add(request: Request, folder: Any, kind: str = "file") -> bool:
    """Signed in, allowed to add here, and ``kind`` belongs here (a group may leave files
    out of its tools)."""
    if request.identity is None or not request.has_permission("add", folder):
        return False
    types = CONTENT_TYPES(request.registry).addable_in(folder, request.enabled_modules)
    return any(ct.name == kind for ct in types)


def _folder_values(request: Request, folder: Any, **extra: Any) -> dict[str, Any]:
    sort = request.GET.get("sort", "name")
    order = request.GET.get("order", "asc")
    page = whole_number(request.GET.get("page", "1"), MAX_PAGE) or 0
    problems = []
    if sort not in listing.SORTS or order not in ("asc", "desc") or page < 1:
        problems.append(_("This order or page does not exist: the first page by name is shown."))
        sort, order, page = "name", "asc", 1
    found = listing.folder_page(request, folder, sort, order == "desc", page)
    language = request.locale_name

    def link(**changes: Any) -> str:
        query = {"sort": sort, "order": order, "page": page, **changes}
        return request.resource_url(folder, query=query)

    is_module = isinstance(folder, ModuleFolder)
    return {
        "folder": folder,
        "title": folder_title(request, folder) if is_module else folder.title,
        "crumbs": lineage(request, folder),
        "rows": _rows(request, folder, found.items),
        "labels": _labels(request),
        "sort": sort,
        "order": order,
        "sort_link": lambda key: link(
            sort=key, order="desc" if sort == key and order == "asc" else "asc", page=1
        ),
        "previous": link(page=page - 1) if page > 1 else None,
        "next": link(page=page + 1) if found.has_next else None,
        "may_add": _may_add(request, folder),
        "mine_url": request.resource_url(folder, "@@mine")
        if is_module and request.identity is not None
        else None,
        "may_edit": not is_module and bool(request.has_permission("edit", folder)),
        "may_delete": not is_module and bool(request.has_permission("delete", folder)),
        "may_copy": not is_module and request.identity is not None,
        "trash_url": request.resource_url(folder, "@@trash")
        if is_module and request.identity is not None
        else None,
        "limit": format_size(upload_limit(request), language),
        "max_files": MAX_FILES,
        "problems": problems + list(extra.pop("problems", [])),
        "stored": _stored_note(request, whole_number(request.GET.get("stored"), MAX_FILES)),
        "new_folder_name": extra.pop("new_folder_name", ""),
        "uploading": extra.pop("uploading", False),
        "adding_folder": extra.pop("adding_folder", False),
        **extra,
    }


class Row(NamedTuple):
    """One line of a folder's listing, worked out before the template draws fifty."""

    url: str
    name: str
    is_folder: bool
    thumbnail: bool
    locked: bool
    size: str
    modified: str
    when: str
    by: str


class Labels(NamedTuple):
    folder: str
    locked: str
    size: str
    changed: str
    by: str


def _labels(request: Request) -> Labels:
    translate = request.localizer.translate
    return Labels(
        *(translate(t) for t in (_("Folder:"), _("checked out"), _("Size"), _("Changed"), _("By")))
    )


def _rows(request: Request, folder: Any, items: list[Any]) -> list[Row]:
    """The listing's lines; an item's address is the folder's and its quoted name (what
    ``resource_url`` gives, without walking up the tree for each of fifty)."""
    base, language = request.resource_url(folder), request.locale_name
    rows = []
    for item in items:
        is_folder = isinstance(item, WorkspaceFolder)
        rows.append(
            Row(
                url=f"{base}{quote_path_segment(item.__name__)}/",
                name=item.title,
                is_folder=is_folder,
                thumbnail=not is_folder and item.thumbnail is not None,
                locked=not is_folder and item.active_lock() is not None,
                size="—" if is_folder else format_size(item.size, language),
                modified=item.modified.isoformat(timespec="seconds"),
                when=format_time(item.modified),
                by=item.owner_name,
            )
        )
    return rows


def _stored_note(request: Request, count: int | None) -> str:
    if not count:
        return ""
    return request.localizer.pluralize(
        "${count} file stored.", "${count} files stored.", count, domain=DOMAIN,
        mapping={"count": count},
    )  # fmt: skip


def folder_view(context: Any, request: Request) -> Any:
    values = _folder_values(request, context)
    if values["problems"]:
        return _answer(request, "folder.pt", values, 400)
    return values


def _answer(request: Request, template: str, values: dict[str, Any], status: int) -> Response:
    """A page shown again with why nothing was stored; the transaction writes nothing."""
    request.tm.doom()
    response = render_to_response(TEMPLATES + template, values, request)
    response.status_int = status
    return response


def _refused(request: Request, folder: Any, refused: FileRefused, **extra: Any) -> Response:
    problem = request.localizer.translate(refused.message)
    values = _folder_values(request, folder, problems=[problem], **extra)
    return _answer(request, "folder.pt", values, refused.status)


def _cut_off(request: Request) -> bool:
    """Whether the multipart body ends before its closing delimiter (``--boundary--``).

    The form parser takes a body of the right length that stops in a file's bytes for a
    whole file, the part it got: a client or proxy that cut the upload off would store
    half a file. (A closing delimiter may be followed by an epilogue; browsers send none,
    and one of more than a few bytes is not expected.)
    """
    message = Message()
    message["content-type"] = request.headers.get("Content-Type", "")
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        return True
    body = request.body_file_seekable
    body.seek(0, os.SEEK_END)
    size = body.tell()
    body.seek(max(0, size - TAIL))
    tail = body.read(TAIL)
    body.seek(0)
    return b"--" + boundary.encode("latin-1") + b"--" not in tail


def upload(context: Any, request: Request) -> Any:
    """``@@upload``: one or more files into the folder, all or none."""
    if not _may_add(request, context):
        raise HTTPForbidden(_("You may not add files here."))
    limit = upload_limit(request)
    length = request.content_length
    if length is not None and length > limit * MAX_FILES + (1 << 20):
        return _refused(request, context, FileRefused(413, _("This upload is too large.")))
    fields = [f for f in request.POST.getall("files") if hasattr(f, "file")]
    if not fields:
        return _refused(request, context, FileRefused(400, _("Choose one or more files.")))
    if len(fields) > MAX_FILES:
        refused = FileRefused(400, _("At most ${n} files at once.", mapping={"n": MAX_FILES}))
        return _refused(request, context, refused)
    try:
        if _cut_off(request):
            raise FileRefused(400, _("The upload was cut off: try again."))
        for field in fields:
            field.file.seek(0)  # (a retried request is given the fields its first try read)
            with spool(request, field.file, field.filename) as spooled:
                store_upload(request, context, spooled)
    except FileRefused as refused:
        return _refused(request, context, refused)
    return HTTPSeeOther(location=request.resource_url(context, query={"stored": len(fields)}))


def new_folder_form(context: Any, request: Request) -> Any:
    """``@@add?type=folder``: a folder needs only a name; it starts as open as this one."""
    if not _may_add(request, context, "folder"):
        raise HTTPForbidden(_("You may not add folders here."))
    if request.method != "POST":
        return _folder_values(request, context, adding_folder=True)
    name = request.POST.get("name", "")
    try:
        folder = new_folder(request, context, name)
    except FileRefused as refused:
        return _refused(request, context, refused, adding_folder=True, new_folder_name=name)
    return HTTPSeeOther(location=request.resource_url(folder))


def upload_page(context: Any, request: Request) -> Any:
    """``@@add?type=file``: the folder with its upload form in view."""
    if not _may_add(request, context):
        raise HTTPForbidden(_("You may not add files here."))
    return _folder_values(request, context, uploading=True)


def file_view(context: File, request: Request) -> dict[str, Any]:
    values = content_view(context, request, children=False)
    language = request.locale_name
    lock = context.active_lock()
    identity = request.identity
    values.update(
        crumbs=lineage(request, context),
        versions=list(reversed(context.versions)),
        size_of=lambda stored: format_size(stored.size, language),
        lock=lock,
        mine=lock is not None and identity is not None and lock.owner == identity.id,
        may_break=lock is not None and may_break(request, context),
        limit=format_size(upload_limit(request), language),
        may_copy=identity is not None,
        problems=[],
    )
    return values


def _file_refused(request: Request, file: File, refused: FileRefused) -> Response:
    values = file_view(file, request)
    values["problems"] = [request.localizer.translate(refused.message)]
    return _answer(request, "file.pt", values, refused.status)


def new_version(context: File, request: Request) -> Any:
    """``@@upload`` on a file: its next version (any file name: it keeps its own)."""
    field = request.POST.get("file")
    if not hasattr(field, "file"):
        return _file_refused(request, context, FileRefused(400, _("Choose a file.")))
    try:
        if _cut_off(request):
            raise FileRefused(400, _("The upload was cut off: try again."))
        field.file.seek(0)
        with spool(request, field.file, context.__name__) as spooled:
            store_upload(request, context.__parent__, spooled, note=request.POST.get("note", ""))
    except FileRefused as refused:
        return _file_refused(request, context, refused)
    return HTTPSeeOther(location=request.resource_url(context))


def restore(context: File, request: Request) -> Any:
    number = whole_number(request.POST.get("version"), len(context.versions))
    if not number:
        raise HTTPBadRequest(_("Choose a version to restore."))
    try:
        restore_version(request, context, number)
    except FileRefused as refused:
        return _file_refused(request, context, refused)
    return HTTPSeeOther(location=request.resource_url(context))


def check_out(context: File, request: Request) -> Any:
    try:
        lock_file(request, context)
    except FileRefused as refused:
        return _file_refused(request, context, refused)
    return HTTPSeeOther(location=request.resource_url(context))


def check_in(context: File, request: Request) -> Any:
    try:
        unlock_file(request, context, force=request.POST.get("force") == "1")
    except FileRefused as refused:
        return _file_refused(request, context, refused)
    return HTTPSeeOther(location=request.resource_url(context))


def download(context: File, request: Request) -> Response:
    """``@@download`` (``?version=N`` for an older one; ``?inline=1`` to view an image)."""
    if not context.versions:
        raise HTTPNotFound()
    asked = request.GET.get("version")
    version = context.current
    if asked is not None:
        number = whole_number(asked, len(context.versions))
        if not number:
            raise HTTPNotFound(_("This file has no such version."))
        version = context.versions[number - 1]
    inline = request.GET.get("inline") == "1"
    return downloads.file_response(request, version.stored, context.title, inline)


def thumbnail(context: File, request: Request) -> Response:
    if context.thumbnail is None:
        raise HTTPNotFound()
    return downloads.file_response(request, context.thumbnail, context.title + ".png", True)


def zip_download(context: Any, request: Request) -> Response:
    name = context.title if isinstance(context, WorkspaceFolder) else "workspace"
    return downloads.zip_response(request, context, name)


def mine(context: ModuleFolder, request: Request) -> Any:
    """``/workspace/@@mine``: the visitor's own folder; asking for it (POST) makes it."""
    if request.identity is None:
        raise HTTPForbidden(_("Sign in to have a folder of your own."))
    found = personal_folder(context, request.identity.id)
    if found is None and request.method == "POST":
        if not _may_add(request, context, "folder"):
            raise HTTPForbidden(_("You may not add folders here."))
        found = make_personal_folder(request, context)
    if found is None:
        return {"title": _("My files"), "crumbs": lineage(request, context), "problems": []}
    return HTTPSeeOther(location=request.resource_url(found))


def includeme(config: Configurator) -> None:
    template = TEMPLATES
    workspace = {"context": ModuleFolder, "module_folder": "workspace"}
    for where in ({"context": WorkspaceFolder}, workspace):
        config.add_view(
            folder_view, renderer=template + "folder.pt", request_method=("GET", "HEAD"),
            permission="view", **where,
        )  # fmt: skip
        config.add_view(
            zip_download, name="zip", request_method=("GET", "HEAD"), permission="view", **where
        )
    # Uploading and new folders also where another module's container (a group) offers them.
    for where in ({"context": Content}, workspace):
        config.add_view(upload, name="upload", request_method="POST", permission="view", **where)
        config.add_view(
            new_folder_form, name="add", request_param="type=folder", permission="view",
            renderer=template + "folder.pt", request_method=("GET", "HEAD", "POST"), **where,
        )  # fmt: skip
        config.add_view(
            upload_page, name="add", request_param="type=file", permission="view",
            renderer=template + "folder.pt", request_method=("GET", "HEAD"), **where,
        )  # fmt: skip
    config.add_view(
        mine, name="mine", renderer=template + "mine.pt", request_method=("GET", "HEAD", "POST"),
        permission="view", **workspace,
    )  # fmt: skip
    config.add_view(
        file_view, context=File, renderer=template + "file.pt", request_method=("GET", "HEAD"),
        permission="view",
    )  # fmt: skip
    config.add_view(
        new_version, context=File, name="upload", request_method="POST", permission="edit"
    )
    config.add_view(restore, context=File, name="restore", request_method="POST", permission="edit")
    config.add_view(check_out, context=File, name="lock", request_method="POST", permission="view")
    config.add_view(check_in, context=File, name="unlock", request_method="POST", permission="view")
    for name, view in (("download", download), ("thumbnail", thumbnail)):
        config.add_view(
            view, context=File, name=name, request_method=("GET", "HEAD"), permission="view"
        )
