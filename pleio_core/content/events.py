"""Events sent when content is added, changed or removed, inside the same transaction.

Subscribe with ``config.add_subscriber(handler, ContentAdded)``; the catalog and the activity
record do. Handlers get the event; ``event.request`` may be None (the command line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Content


@dataclass
class ContentEvent:
    content: Content
    request: Any = None


class ContentAdded(ContentEvent):
    """New content is in its folder (it has its name and parent)."""


class ContentModified(ContentEvent):
    """Content was saved with changes; ``old`` holds the fields' values before, ``comment``
    the editor's note on the change (may be empty). ``inside``: the change narrows or widens
    who may see what lies inside it (its ``inner_access``), so that is indexed again too."""

    def __init__(
        self,
        content: Content,
        request: Any = None,
        old: dict | None = None,
        comment: str = "",
        inside: bool = False,
    ) -> None:
        super().__init__(content, request)
        self.old, self.comment, self.inside = old or {}, comment, inside


class ContentRemoved(ContentEvent):
    """Content (and everything inside it) is about to leave its folder."""


class ContentMoved(ContentEvent):
    """Content has a new name or parent (it is indexed again at its new path)."""


class ContentTouched(ContentEvent):
    """Something about the content changed that is not a save of its fields (a comment, a
    like): the catalog indexes it again, no revision is made."""


class CommentAdded(ContentEvent):
    """A comment was added to the content (after ``ContentTouched``); ``comment`` is it,
    ``reply_to`` the comment it answers (None for a top-level one). Notifications hear it."""

    def __init__(self, content: Content, request: Any, comment: Any, reply_to: Any = None) -> None:
        super().__init__(content, request)
        self.comment, self.reply_to = comment, reply_to
