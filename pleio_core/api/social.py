"""Comments and likes through the API, with the rules of the pages: view + add to take part.

``/api/v1/comments/<path>``: GET lists, POST adds (``{"text": ..., "reply_to": id}``);
PATCH and DELETE with ``?id=<comment id>`` change or remove one (its author or a moderator).
``/api/v1/likes/<path>``: GET counts, PUT likes, DELETE unlikes.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request
from pyramid.response import Response

from pleio_core.content.comments import (
    Comment,
    CommentError,
    add_comment,
    comments_of,
    delete_comment,
    edit_comment,
    may_change_comment,
)
from pleio_core.content.likes import set_like
from pleio_core.content.model import Content
from pleio_core.i18n import _
from pleio_core.text import whole_number

from .auth import require_identity, require_permission
from .content import find_content
from .errors import ApiError
from .serialise import comment_json, json_integer, likes_json, read_body

#: Comment ids are counted from 1; a larger one is not there.
MAX_COMMENT_ID = 2**31


def _comment_body(request: Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    data = read_body(request)
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise ApiError(422, errors={key: _("There is no such field.") for key in unknown})
    return data


def _the_comment(request: Request, content: Content) -> Comment:
    id = whole_number(request.GET.get("id"), MAX_COMMENT_ID)
    comments = comments_of(content)
    comment = comments.get(id) if id is not None and comments is not None else None
    if comment is None:
        raise ApiError(404, _("There is no such comment."))
    return comment


def list_comments(context: Any, request: Request) -> dict[str, Any]:
    content, _type = find_content(request)
    require_permission(request, "view", content)
    comments = comments_of(content)
    items = [comment_json(request, content, c) for c in comments.all()] if comments else []
    return {"total": len(items), "items": items}


def post_comment(context: Any, request: Request) -> Response:
    require_identity(request)
    content, _type = find_content(request)
    require_permission(request, "view", content)
    require_permission(request, "add", content)
    data = _comment_body(request, ("text", "reply_to"))
    reply_to = data.get("reply_to")
    if reply_to is not None:
        reply_to = json_integer(reply_to)
        if reply_to is None:
            raise ApiError(422, errors={"reply_to": _("The id of the comment you reply to.")})
    try:
        comment = add_comment(request, content, data.get("text"), reply_to)
    except CommentError as exc:
        comments = comments_of(content)
        missing = reply_to is not None and (comments is None or comments.get(reply_to) is None)
        raise ApiError(422, errors={"reply_to" if missing else "text": exc.message}) from None
    return Response(json_body=comment_json(request, content, comment), status=201)


def change_comment(context: Any, request: Request) -> dict[str, Any]:
    require_identity(request)
    content, _type = find_content(request)
    require_permission(request, "view", content)
    comment = _the_comment(request, content)
    if not may_change_comment(request, content, comment):
        raise ApiError(403)
    data = _comment_body(request, ("text",))
    try:
        edit_comment(request, content, comment, data.get("text"))
    except CommentError as exc:
        raise ApiError(422, errors={"text": exc.message}) from None
    return comment_json(request, content, comment)


def remove_comment(context: Any, request: Request) -> Response:
    require_identity(request)
    content, _type = find_content(request)
    require_permission(request, "view", content)
    comment = _the_comment(request, content)
    if not may_change_comment(request, content, comment):
        raise ApiError(403)
    delete_comment(request, content, comment)
    return Response(status=204)


def read_likes(context: Any, request: Request) -> dict[str, Any]:
    content, _type = find_content(request)
    require_permission(request, "view", content)
    return likes_json(request, content)


def _set_like(request: Request, liked: bool) -> dict[str, Any]:
    require_identity(request)
    content, _type = find_content(request)
    require_permission(request, "view", content)
    require_permission(request, "add", content)
    set_like(request, content, liked)
    return likes_json(request, content)


def like(context: Any, request: Request) -> dict[str, Any]:
    return _set_like(request, True)


def unlike(context: Any, request: Request) -> dict[str, Any]:
    return _set_like(request, False)
