"""How people take part in content: comments, likes and their saved list (bookmarks).

Each action is a form post (CSRF-checked), works without JavaScript, and returns to the
content; taking part needs ``view`` and ``add`` (membership) on the content.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.services import CONTENT_TYPES

from .bookmarks import site_bookmarks
from .comments import (
    Comment,
    CommentError,
    add_comment,
    comments_of,
    delete_comment,
    edit_comment,
    may_change_comment,
)
from .likes import set_like
from .model import Content
from .views import type_of


def _back(request: Request, context: Content, anchor: str = "") -> HTTPSeeOther:
    return HTTPSeeOther(location=request.resource_url(context) + anchor)


def _taking_part(context: Content, request: Request) -> None:
    type_of(request, context)
    if request.identity is None or not request.has_permission("add", context):
        raise HTTPForbidden()


def _comment(context: Content, request: Request) -> Comment:
    try:
        comment_id = int(request.params.get("id", ""))
    except ValueError:
        raise HTTPBadRequest(_("Which comment? The form lacks its number.")) from None
    comments = comments_of(context)
    comment = comments.get(comment_id) if comments is not None else None
    if comment is None:
        raise HTTPNotFound()
    if not may_change_comment(request, context, comment):
        raise HTTPForbidden()
    return comment


def _comment_error(request: Request, context: Content, error: CommentError, **values: Any) -> dict:
    request.response.status_int = 400
    return {"content": context, "error": error.message, **values}


def post_comment(context: Content, request: Request) -> Any:
    _taking_part(context, request)
    reply_to: int | None = None
    if request.POST.get("reply_to"):
        try:
            reply_to = int(request.POST["reply_to"])
        except ValueError:
            raise HTTPBadRequest(_("The comment to reply to is not a number.")) from None
    try:
        comment = add_comment(request, context, request.POST.get("text"), reply_to)
    except CommentError as error:
        return _comment_error(request, context, error, text=request.POST.get("text", ""),
                              comment=None, reply_to=reply_to)  # fmt: skip
    return _back(request, context, f"#comment-{comment.id}")


def change_comment(context: Content, request: Request) -> Any:
    type_of(request, context)
    comment = _comment(context, request)
    if request.method != "POST":
        return {"content": context, "comment": comment, "text": comment.text, "error": None}
    try:
        edit_comment(request, context, comment, request.POST.get("text"))
    except CommentError as error:
        return _comment_error(request, context, error, text=request.POST.get("text", ""),
                              comment=comment)  # fmt: skip
    return _back(request, context, f"#comment-{comment.id}")


def remove_comment(context: Content, request: Request) -> Any:
    type_of(request, context)
    delete_comment(request, context, _comment(context, request))
    return _back(request, context, "#comments")


def like(context: Content, request: Request) -> Any:
    _taking_part(context, request)
    set_like(request, context, request.POST.get("liked") == "1")
    return _back(request, context, "#reactions")


def bookmark(context: Content, request: Request) -> Any:
    type_of(request, context)
    if request.identity is None:
        raise HTTPForbidden()
    bookmarks = site_bookmarks(request.site_root, create=True)
    if request.POST.get("saved") == "1":
        bookmarks.add(request.identity.id, context)
    else:
        bookmarks.remove(request.identity.id, context)
    return _back(request, context, "#reactions")


def saved_list(context: SiteRoot, request: Request) -> dict[str, Any]:
    if request.identity is None:
        raise HTTPForbidden()
    bookmarks = site_bookmarks(context)
    entries = bookmarks.list(request.identity.id) if bookmarks is not None else []
    types = CONTENT_TYPES(request.registry)
    enabled = request.enabled_modules
    items = [
        (when, content)
        for when, content in entries
        if types.is_shown(content, enabled) and request.has_permission("view", content)
    ]
    return {"title": _("Saved"), "items": items}


def includeme(config: Configurator) -> None:
    post = {"context": Content, "request_method": "POST", "permission": "view"}
    config.add_view(post_comment, name="comment", renderer="pleio_core:templates/comment_form.pt",
                    **post)  # fmt: skip
    config.add_view(
        change_comment, name="comment-edit", context=Content, permission="view",
        request_method=("GET", "HEAD", "POST"), renderer="pleio_core:templates/comment_form.pt",
    )  # fmt: skip
    config.add_view(remove_comment, name="comment-delete", **post)
    config.add_view(like, name="like", **post)
    config.add_view(bookmark, name="bookmark", **post)
    config.add_view(
        saved_list, context=SiteRoot, name="saved", permission="view",
        request_method=("GET", "HEAD"), renderer="pleio_core:templates/saved.pt",
    )  # fmt: skip
