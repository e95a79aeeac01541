"""Renaming, moving, copying and deleting (to the trash) folders and files of the workspace.

The web pages and WebDAV call these, so both refuse the same things the same way: a
``FileRefused`` with the HTTP status and a message for people — 400 a bad name, 403 not
allowed, 409 a name taken (or a folder into itself, or a place the type cannot go),
412 a name taken when the caller said not to overwrite (WebDAV's ``Overwrite: F``),
423 locked by someone else. Nothing is changed before every check has passed, and all of it
happens in the request's transaction: two people moving the same file at once conflict in
ZODB, and the retried request sees where the other put it.

A copy of a file holds its current version only, as version 1 of a new file (the bytes are
shared, a blob never changes): a copy starts its own history, as it does on a desktop or
in SharePoint, and the site's usage grows by one version's size, not the whole history's.
"""

from __future__ import annotations

from collections.abc import Iterator

from persistent.list import PersistentList
from pyramid.request import Request

from pleio_core.plugin_api import (
    CONTENT_TYPES,
    Content,
    ContentAdded,
    Folder,
    NotMovable,
    content_in,
    display_name,
    group_of,
    is_inside,
    move_content,
    name_of,
    parent_of,
)

from .files import locks
from .files.model import File, Version, WorkspaceFolder
from .files.names import BadName, clean_name
from .i18n import _
from .trash import FileRefused, add_usage, check_quota, free_name, put_in_trash, refuse

#: The types the operations take.
ITEMS = (File, WorkspaceFolder)


def current_size(item: Content) -> int:
    return sum(node.size for node in content_in(item) if isinstance(node, File))


def new_name_of(raw: object) -> str:
    try:
        return clean_name(raw)
    except BadName as exc:
        raise refuse(400, exc.message) from None


def check_unlocked(request: Request, item: Content, token: str | None = None) -> None:
    """423 when ``item``, or a file in it, is checked out by someone else (its holder, or
    who has the lock's token, goes on): a locked file keeps its place and name."""
    for node in content_in(item):
        if isinstance(node, File):
            locks.check_unlocked(request, node, token)


def check_allowed(request: Request, permission: str, context: object) -> None:
    if not request.has_permission(permission, context):
        raise refuse(403, _("You may not do that here."))


def check_place(request: Request, item: Content, target: object) -> Folder:
    """``target`` as the folder ``item`` may go into: in this site, a place its type may be
    added, not the item itself or below it, and one the caller may add to."""
    if not isinstance(target, Folder) or not is_inside(target, request.site_root):
        raise refuse(409, _("That place is not in this site's workspace."))
    types = CONTENT_TYPES(request.registry)
    content_type = types.of(item)
    if content_type is None or content_type not in types.addable_in(
        target, request.enabled_modules
    ):
        raise refuse(409, _("A folder or file cannot be put there."))
    if is_inside(target, item):
        raise refuse(409, _("A folder cannot be put in itself or in a folder inside it."))
    check_allowed(request, content_type.add_permission, target)
    return target


def make_room(
    request: Request,
    target: Folder,
    name: str,
    item: Content | None,
    overwrite: bool | None,
    token: str | None = None,
) -> None:
    """Free ``name`` in ``target`` for ``item``, or refuse.

    ``overwrite`` None: a name taken is a 409 (the web pages). False: 412 (the caller said
    not to overwrite). True: what has the name goes to the trash (it can be restored), if
    the caller may delete it and nobody else has it checked out.
    """
    existing = target.get(name)
    if existing is None or existing is item:
        return
    if overwrite is None:
        raise refuse(409, _("“${name}” already exists there.", mapping={"name": name}))
    if not overwrite:
        raise refuse(412, _("“${name}” already exists there.", mapping={"name": name}))
    if item is not None and is_inside(item, existing):
        raise refuse(409, _("A folder cannot be put in itself or in a folder inside it."))
    to_trash(request, existing, token=token)


def rename(request: Request, item: Content, new_name: object, token: str | None = None) -> Content:
    """Give ``item`` another name in its folder (its title follows: they are one)."""
    name = new_name_of(new_name)
    check_allowed(request, "edit", item)
    check_unlocked(request, item, token)
    parent = parent_of(item)
    if name == name_of(item):
        return item
    make_room(request, parent, name, item, None)
    _move(request, item, parent, name)
    return item


def move(
    request: Request,
    item: Content,
    target: object,
    new_name: object = None,
    overwrite: bool | None = None,
    token: str | None = None,
) -> Content:
    """Put ``item`` (with everything in it) in ``target``, under ``new_name`` or its own."""
    name = new_name_of(new_name) if new_name is not None else name_of(item)
    check_allowed(request, "edit", item)
    folder = check_place(request, item, target)
    check_unlocked(request, item, token)
    if folder is parent_of(item) and name == name_of(item):
        return item
    make_room(request, folder, name, item, overwrite, token)
    _move(request, item, folder, name)
    return item


def _move(request: Request, item: Content, folder: Folder, name: str) -> None:
    try:
        move_content(request, item, folder, name)
    except NotMovable:  # (checked above; a guard)
        raise refuse(409, _("“${name}” already exists there.", mapping={"name": name})) from None
    item.title = name


def copy(
    request: Request,
    item: Content,
    target: object,
    new_name: object = None,
    overwrite: bool | None = None,
    token: str | None = None,
) -> Content:
    """A copy of ``item`` in ``target`` (a folder with copies of everything in it), owned
    by the one who copies; its files hold their current version (see the module's note)."""
    name = new_name_of(new_name) if new_name is not None else name_of(item)
    check_allowed(request, "view", item)
    folder = check_place(request, item, target)
    # (what is copied: what the copier sees; the usage grows by that, which is what the
    # trash gives back when the copy is deleted for good)
    duplicate = _duplicate(request, item, name)
    size = current_size(duplicate)
    check_quota(request, size)
    existing = folder.get(name)
    if existing is not None and is_inside(item, existing):
        # (overwriting it would put the original in the trash with what it replaces)
        raise refuse(409, _("A folder cannot be replaced by something inside it."))
    make_room(request, folder, name, None, overwrite, token)
    folder.add(name, duplicate)
    principal = group_of(request, folder)
    for node in content_in(duplicate):
        node.group = principal
        if principal is None and node.access == "group":
            node.access = "private"
    add_usage(request.site_root, size)
    request.registry.notify(ContentAdded(duplicate, request))
    return duplicate


def _duplicate(request: Request, item: Content, name: str) -> Content:
    """A new object like ``item`` (and new ones like everything inside it), not yet in a
    folder; only the visible children are copied (what the copier cannot see stays)."""
    identity = request.identity
    owner = getattr(identity, "id", None)
    owner_name = display_name(request, owner) if owner else ""
    stack: list[tuple[Content, str, Content | None]] = [(item, name, None)]
    top: Content | None = None
    while stack:
        source, source_name, parent = stack.pop()
        made = type(source)(source_name, owner=owner)
        made.owner_name = owner_name
        made.access = source.access
        # a draft, or what is not yet or no longer published, stays so (the moments are
        # the source's, scheduled already)
        made.state = source.state
        made.publish_at, made.publish_until = source.publish_at, source.publish_until
        made.tags = source.tags
        if source.body:
            made.set_body(source.body)
        if isinstance(source, File) and isinstance(made, File) and source.versions:
            current = source.current
            version = Version(1, current.stored, owner, owner_name, current.note)
            version.scanned = current.scanned
            made.versions = PersistentList()
            made.add_version(version)
            made.thumbnail = source.thumbnail
            made.extracted_text = source.extracted_text
        if parent is None:
            top = made
        else:
            parent.add(source_name, made)
        for child_name, child in _children(request, source):
            stack.append((child, child_name, made))
    assert top is not None
    return top


def _children(request: Request, folder: Content) -> Iterator[tuple[str, Content]]:
    for child_name, child in folder.items():
        if isinstance(child, ITEMS) and request.has_permission("view", child):
            yield child_name, child


def to_trash(request: Request, item: Content, token: str | None = None) -> None:
    """Delete ``item`` (with everything in it) to the site's trash, where it is kept for
    ``trash.KEEP`` and can be restored."""
    check_allowed(request, "delete", item)
    check_unlocked(request, item, token)
    put_in_trash(request, item)


def is_item(context: object) -> bool:
    return isinstance(context, ITEMS)


__all__ = [
    "FileRefused",
    "WorkspaceFolder",
    "check_unlocked",
    "copy",
    "free_name",
    "move",
    "rename",
    "to_trash",
]
