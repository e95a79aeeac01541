"""Comments on content: one level of replies, written in Markdown, edited by author or moderator.

Ids are random, not counted, so two people commenting at once do not conflict.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal, overload

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from persistent import Persistent
from pyramid.request import Request

from pleio_core.clock import now
from pleio_core.i18n import _
from pleio_core.storage.parts import part

from .activity import record_activity
from .events import CommentAdded, ContentTouched
from .markup import render_markdown

MAX_COMMENT = 10_000


class Comment(Persistent):
    # author: the account id; None for one an import could not name (a removed account's)
    def __init__(
        self, id: int, author: str | None, author_name: str, text: str, reply_to: int | None
    ):
        self.id, self.author, self.author_name, self.reply_to = id, author, author_name, reply_to
        self.created: datetime = now()
        self.modified: datetime | None = None
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self.text, self.html = text, render_markdown(text)


class Comments(Persistent):
    """A content object's comments (``content.comments``, made with the first)."""

    def __init__(self) -> None:
        self._items: IOBTree = IOBTree()
        self._count = Length()

    def __len__(self) -> int:
        return self._count()

    def get(self, id: int) -> Comment | None:
        return self._items.get(id)

    def add(self, author: str, author_name: str, text: str, reply_to: int | None = None) -> Comment:
        """A new comment; a reply answers a top-level comment (replies to a reply go there)."""
        if reply_to is not None:
            parent = self._items[reply_to]  # KeyError: no such comment
            reply_to = parent.reply_to if parent.reply_to is not None else parent.id
        while True:
            id = random.randrange(1, 2**31)
            if id not in self._items:
                break
        comment = self._items[id] = Comment(id, author, author_name, text, reply_to)
        self._count.change(1)
        return comment

    def put(self, comment: Comment) -> None:
        """Keep a comment made elsewhere under its own id (an import); replaces a namesake."""
        if comment.id not in self._items:
            self._count.change(1)
        self._items[comment.id] = comment

    def remove(self, id: int) -> list[Comment]:
        """Remove a comment and, for a top-level one, its replies; what was removed."""
        removed = [self._items.pop(id)]
        removed += [c for c in list(self._items.values()) if c.reply_to == id]
        for reply in removed[1:]:
            del self._items[reply.id]
        self._count.change(-len(removed))
        return removed

    def all(self) -> Iterator[Comment]:
        """Every comment, oldest first."""
        return iter(sorted(self._items.values(), key=lambda c: c.created))

    def threads(self) -> list[tuple[Comment, list[Comment]]]:
        """Top-level comments, oldest first, each with its replies."""
        replies: dict[int, list[Comment]] = {}
        top: list[Comment] = []
        for comment in self.all():
            if comment.reply_to is None:
                top.append(comment)
            else:
                replies.setdefault(comment.reply_to, []).append(comment)
        return [(comment, replies.get(comment.id, [])) for comment in top]


@overload
def comments_of(content: object, create: Literal[True]) -> Comments: ...
@overload
def comments_of(content: object, create: Literal[False] = False) -> Comments | None: ...
def comments_of(content: object, create: bool = False) -> Comments | None:
    return part(content, "comments", Comments, create)


class CommentError(ValueError):
    """A comment that cannot be saved; ``message`` says why (a translation string)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def clean_comment(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CommentError(_("Write a comment."))
    if len(text) > MAX_COMMENT:
        raise CommentError(_("A comment has at most ${n} characters.", mapping={"n": MAX_COMMENT}))
    return text.strip()


def may_change_comment(request: Request, content: object, comment: Comment) -> bool:
    """Its author, or a moderator (the site's editors and admins)."""
    identity = request.identity
    if identity is not None and identity.id == comment.author:
        return True
    return bool(request.has_permission("moderate", content))


def add_comment(request: Request, content: Any, text: Any, reply_to: int | None = None) -> Comment:
    """Add the signed-in account's comment (the caller checked ``add`` on the content)."""
    text = clean_comment(text)
    comments = comments_of(content, create=True)
    if reply_to is not None and comments.get(reply_to) is None:
        raise CommentError(_("The comment you reply to is not there (any more)."))
    identity = request.identity
    comment = comments.add(identity.id, identity.name, text, reply_to)
    record_activity(request, "commented", content)
    request.registry.notify(ContentTouched(content, request))
    answered = comments.get(comment.reply_to) if comment.reply_to is not None else None
    request.registry.notify(CommentAdded(content, request, comment, answered))
    return comment


def edit_comment(request: Request, content: Any, comment: Comment, text: Any) -> None:
    comment.set_text(clean_comment(text))
    comment.modified = now()
    request.registry.notify(ContentTouched(content, request))


def delete_comment(request: Request, content: Any, comment: Comment) -> None:
    comments = comments_of(content)
    assert comments is not None  # ``comment`` was found in them
    comments.remove(comment.id)
    request.registry.notify(ContentTouched(content, request))
