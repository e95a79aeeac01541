"""Moving and renaming content without breaking the addresses people saved.

``move_content`` puts content under another parent and/or another name, sends
``ContentMoved``, and remembers the old path in the site's ``moved_paths``. When an address
is not found, ``moved_location`` looks for the longest remembered path at its start: the
visitor is sent to where that content is now (with the rest of the address: sub-pages and
views such as ``@@history`` keep working), if they may see it there.
"""

from __future__ import annotations

from BTrees.OOBTree import OOBTree
from pyramid.request import Request
from pyramid.traversal import quote_path_segment, resource_path

from pleio_core.services import CONTENT_TYPES

from .editing import group_of
from .events import ContentMoved
from .folder import Folder, name_of, parent_of
from .model import Content, content_in, is_attached
from .site import SiteRoot


class NotMovable(ValueError):
    """The move would put content inside itself, or on a name that is taken."""


def is_inside(node: object, ancestor: object) -> bool:
    """``node`` is ``ancestor`` or lies somewhere below it."""
    while node is not None:
        if node is ancestor:
            return True
        node = getattr(node, "__parent__", None)
    return False


def move_content(
    request: Request, content: Content, new_parent: Folder, new_name: str | None = None
) -> None:
    """Move ``content`` (with everything in it) to ``new_parent`` as ``new_name``.

    The caller checks permissions and whether the type may live in ``new_parent``.
    ``NotMovable`` when ``new_parent`` is the content or below it, or the name is taken.
    """
    old_name, old_parent = name_of(content), parent_of(content)
    name = new_name or old_name
    if is_inside(new_parent, content):
        raise NotMovable("content cannot be moved inside itself")
    if new_parent is old_parent and name == old_name:
        return
    if name in new_parent:
        raise NotMovable(f"{name!r} is taken in the new place")
    old_path = resource_path(content)
    old_parent.remove(old_name)
    new_parent.add(name, content)
    remember_move(request.site_root, old_path, content)
    forget_moved_path(request.site_root, resource_path(content))  # a real address again
    regroup(request, content)
    request.registry.notify(ContentMoved(content, request))


def regroup(request: Request, content: Content) -> None:
    """The moved content, and everything in it, belongs to the group it is in now (or to
    none): what was for the members of the old group is for its owner alone outside any
    group, and for the new group's members in another (its level is then narrowed by the
    new place's ``inner_access``, ``access.access_cap``)."""
    for node in content_in(content):
        node.group = group_of(request, node.__parent__)
        if node.group is None and node.access == "group":
            node.access = "private"


def remember_move(site: SiteRoot, old_path: str, content: Content) -> None:
    if site.moved_paths is None:
        site.moved_paths = OOBTree()
    site.moved_paths[old_path] = content


def forget_moved_path(site: SiteRoot, path: str) -> None:
    if site.moved_paths is not None and path in site.moved_paths:
        del site.moved_paths[path]


def moved_location(request: Request) -> str | None:
    """Where the content once at this request's address is now, or None."""
    site = request.site_root
    moved = getattr(site, "moved_paths", None) if site is not None else None
    if not moved:
        return None
    # the paths are kept as resource_path writes them (each name quoted: "plan%201.pdf"),
    # path_info has them unquoted
    segments = [quote_path_segment(s) for s in request.path_info.split("/") if s]
    for n in range(len(segments), 0, -1):
        content = moved.get("/" + "/".join(segments[:n]))
        if content is None:
            continue
        if not is_attached(content) or not _visible(request, content):
            return None
        if resource_path(content) == "/" + "/".join(segments[:n]):
            return None  # it is there (again): what is missing is below it, no loop
        rest = "/".join(segments[n:])
        if rest and request.path_info.endswith("/"):
            rest += "/"
        url = request.resource_url(content) + rest
        return f"{url}?{request.query_string}" if request.query_string else url
    return None


def _visible(request: Request, content: Content) -> bool:
    content_type = CONTENT_TYPES(request.registry).of(content)
    if content_type is None or content_type.module not in request.enabled_modules:
        return False
    return bool(request.has_permission("view", content))
