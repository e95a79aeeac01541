"""The wiki's pages: a page with its tree, trail, contents and backlinks; move and reorder.

Adding, editing, deleting, history, diff and restore are the core's pages for every type;
the wiki only shows the way to them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPSeeOther
from pyramid.renderers import get_renderer
from pyramid.request import Request

from pleio_core.plugin_api import (
    Folder,
    ModuleFolder,
    NotMovable,
    content_view,
    folder_title,
    is_inside,
    move_content,
    name_of,
    parent_of,
)

from .content import Page
from .i18n import _
from .index import pages_in, wiki_root
from .rendering import rendered

CONTENT_PAGE = "pleio_core:templates/content.pt"


class TreeNode(NamedTuple):
    page: Page
    href: str
    current: bool
    children: list[TreeNode]  # only along the way to the current page


class Crumb(NamedTuple):
    title: str
    href: str


def ordered_children(request: Request, container: Folder) -> list[Page]:
    """The sub-pages the visitor may see, in the order set on ``container``, then by title."""
    pages = {
        name: child
        for name, child in container.items()
        if isinstance(child, Page) and request.has_permission("view", child)
    }
    order = [name for name in getattr(container, "child_order", ()) if name in pages]
    rest = sorted((n for n in pages if n not in order), key=lambda n: pages[n].title.casefold())
    return [pages[name] for name in order + rest]


def wiki_tree(request: Request, page: Page) -> list[TreeNode]:
    """The top pages of the wiki, opened along the way to ``page``."""

    def level(container: Folder) -> list[TreeNode]:
        nodes = []
        for child in ordered_children(request, container):
            opened = is_inside(page, child)
            nodes.append(
                TreeNode(
                    child,
                    request.resource_url(child),
                    child is page,
                    level(child) if opened else [],
                )
            )
        return nodes

    return level(wiki_root(page))


def trail(request: Request, page: Page) -> list[Crumb]:
    """From the wiki's start to the page's parent."""
    crumbs = []
    node = parent_of(page)
    while isinstance(node, Page):
        crumbs.append(Crumb(node.title, request.resource_url(node)))
        node = parent_of(node)
    crumbs.append(Crumb(root_title(request, node), request.resource_url(node)))
    return crumbs[::-1]


def root_title(request: Request, root: Folder) -> str:
    """The wiki module's title for its own folder; a group's wiki goes by the group's name."""
    return folder_title(request, root) if isinstance(root, ModuleFolder) else root.title


def page_view(context: Page, request: Request) -> dict[str, Any]:
    values = content_view(context, request)
    html, headings = rendered(request, context)
    root = wiki_root(context)
    index = getattr(root, "wiki_index", None)
    backlinks = index.linking_to(context) if index is not None else []
    values.update(
        html=html,
        headings=headings,
        tree=wiki_tree(request, context),
        trail=trail(request, context),
        backlinks=[p for p in backlinks if request.has_permission("view", p)],
        sub_pages=ordered_children(request, context),
        can_move=values["can_edit"],
        wiki_url=request.resource_url(root),
        # likes, saved for later and comments: the core's own parts of its content page
        content_macros=get_renderer(CONTENT_PAGE).implementation().macros,
    )
    return values


# -- move (a new parent, in the same wiki) -----------------------------------------------


def move_targets(request: Request, page: Page) -> list[tuple[str, str, int]]:
    """(value, title, depth) of every place the page may go: not itself, not below itself."""
    root = wiki_root(page)
    targets = [("", root_title(request, root), 0)] if request.has_permission("add", root) else []

    def walk(container: Folder, depth: int) -> None:
        for child in ordered_children(request, container):
            if child is page:
                continue
            if request.has_permission("add", child):
                targets.append((child.uid, child.title, depth))
            walk(child, depth + 1)

    walk(root, 1)
    return targets


def find_target(page: Page, value: str) -> Folder | None:
    root = wiki_root(page)
    if value == "":
        return root
    return next((p for p in pages_in(root) if p.uid == value), None)


def move_form(context: Page, request: Request) -> Any:
    values = {
        "content": context,
        "targets": move_targets(request, context),
        "error": None,
        "current": context.__parent__.uid if isinstance(context.__parent__, Page) else "",
    }
    if request.method != "POST":
        return values
    target = find_target(context, request.POST.get("parent", ""))
    if target is None:
        values["error"] = _("Choose where the page goes.")
    elif is_inside(target, context):
        values["error"] = _("A page cannot be moved below itself or one of its sub-pages.")
    elif not request.has_permission("add", target):
        raise HTTPForbidden()
    if target is None or values["error"] is not None:  # (no target: an error)
        request.response.status_int = 400
        return values
    if target is not context.__parent__:
        name = name_of(context)
        if name in target:
            name = unique_free_name(target, name)
        try:
            move_content(request, context, target, name)
        except NotMovable:  # (checked above; a guard against a race)
            raise HTTPBadRequest() from None
    return HTTPSeeOther(location=request.resource_url(context))


def unique_free_name(container: Folder, name: str) -> str:
    n = 2
    while f"{name}-{n}" in container:
        n += 1
    return f"{name}-{n}"


# -- reorder (up or down among its siblings) ---------------------------------------------


def reorder(context: Page, request: Request) -> Any:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise HTTPBadRequest(_("Say whether the page moves up or down."))
    parent = parent_of(context)
    if isinstance(parent, Page) and not request.has_permission("edit", parent):
        raise HTTPForbidden()
    names = [p.__name__ for p in ordered_children(request, parent)]
    at = names.index(context.__name__)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(names):
        names[at], names[to] = names[to], names[at]
        parent.child_order = tuple(names)
    back = parent if isinstance(parent, Page) else context  # where the order is shown
    return HTTPSeeOther(location=request.resource_url(back) + "#sub-pages")


def includeme(config: Configurator) -> None:
    config.add_view(
        page_view, context=Page, renderer="pleio_wiki:templates/page.pt",
        request_method=("GET", "HEAD"), permission="view",
    )  # fmt: skip
    config.add_view(
        move_form, context=Page, name="move", renderer="pleio_wiki:templates/move.pt",
        request_method=("GET", "HEAD", "POST"), permission="edit",
    )  # fmt: skip
    config.add_view(reorder, context=Page, name="reorder", request_method="POST", permission="edit")
