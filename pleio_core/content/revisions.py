"""Revisions: every save of a type declared with ``revisions=True`` is kept.

The history is ``content.history``, made with the first revision. It is what the history,
revision, diff and restore pages read (``revision_views``), and what a module such as the
wiki builds on. Each revision is a record of its own, so listing the history does not load
the texts; a long text that did not change between saves is stored once and shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any

import colander
from BTrees.IOBTree import IOBTree
from persistent import Persistent
from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.i18n import _
from pleio_core.services import CONTENT_TYPES

from .editing import bound_schema, content_values, update_content
from .events import ContentAdded, ContentModified
from .model import Content
from .types import ContentType

#: Text values at least this long get a record of their own, shared while unchanged.
LONG_TEXT = 1000


class StoredText(Persistent):
    """A long value (a body) in a record of its own, so revisions can share it."""

    def __init__(self, text: str) -> None:
        self.text = text


class Revision(Persistent):
    """One saved version: who saved it, when, why, and every field's value after the save.

    ``author_name`` is the name as it was then; accounts are renamed and removed.
    ``time`` is None only for the version found when revisions started to be kept.
    """

    restored_from: int | None = None
    #: The content's ``serial`` after this save (None in revisions made before it was kept):
    #: an edit that started from that serial can be merged against this revision.
    serial: int | None = None

    def __init__(
        self,
        number: int,
        stored: dict[str, Any],
        author_id: str | None,
        author_name: str,
        time: datetime | None,
        comment: str = "",
    ) -> None:
        self.number = number
        self._values = stored
        self.author_id, self.author_name = author_id, author_name
        self.time, self.comment = time, comment

    @property
    def values(self) -> dict[str, Any]:
        return {name: _plain(value) for name, value in self._values.items()}

    def value(self, name: str, default: Any = None) -> Any:
        return _plain(self._values.get(name, default))


def _plain(value: Any) -> Any:
    return value.text if isinstance(value, StoredText) else value


class History(Persistent):
    """The revisions of one piece of content, numbered 1, 2, 3… in the order of saving."""

    def __init__(self) -> None:
        self._revisions: IOBTree = IOBTree()

    def __len__(self) -> int:
        return self._revisions.maxKey() if self._revisions else 0

    def get(self, number: int) -> Revision | None:
        return self._revisions.get(number)

    def latest(self) -> Revision | None:
        return self._revisions[self._revisions.maxKey()] if self._revisions else None

    def newest_first(self, below: int | None = None) -> Iterator[Revision]:
        """The revisions from the newest down; ``below``: only those numbered lower (paging)."""
        top = len(self) if below is None else min(below - 1, len(self))
        for number in range(top, 0, -1):
            yield self._revisions[number]

    def append(
        self,
        values: dict[str, Any],
        author_id: str | None,
        author_name: str,
        time: datetime | None,
        comment: str = "",
    ) -> Revision:
        previous = self.latest()
        stored: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, str) and len(value) >= LONG_TEXT:
                kept = previous._values.get(name) if previous is not None else None
                same = isinstance(kept, StoredText) and kept.text == value
                value = kept if same else StoredText(value)
            stored[name] = value
        revision = Revision(len(self) + 1, stored, author_id, author_name, time, comment)
        self._revisions[revision.number] = revision
        return revision


def history_of(content: Content) -> History | None:
    """The content's history; None before its first revision (or for types without)."""
    return getattr(content, "history", None)


def _author(request: Request | None) -> tuple[str | None, str]:
    identity = getattr(request, "identity", None) if request is not None else None
    return (identity.id, identity.name) if identity is not None else (None, "")


def _kept_type(registry: Registry, content: Content) -> ContentType | None:
    content_type = CONTENT_TYPES(registry).of(content)
    return content_type if content_type is not None and content_type.revisions else None


def record_added(registry: Registry, event: ContentAdded) -> None:
    """The first revision: the content as it was created."""
    content_type = _kept_type(registry, event.content)
    if content_type is None:
        return
    content = event.content
    if content.history is None:
        content.history = History()
    values = content_values(content, content_type)
    revision = content.history.append(values, *_author(event.request), content.modified)
    revision.serial = content.serial


def record_modified(registry: Registry, event: ContentModified) -> None:
    """A revision with the values after the save and the editor's comment.

    Content made before its type kept revisions gets its version from before the save
    first (author and time unknown), so the first edit does not lose it.
    """
    content_type = _kept_type(registry, event.content)
    if content_type is None:
        return
    content = event.content
    if content.history is None:
        content.history = History()
        if event.old:
            content.history.append(dict(event.old), None, "", None)
    values = content_values(content, content_type)
    author = _author(event.request)
    revision = content.history.append(values, *author, content.modified, event.comment)
    revision.serial = content.serial


class NotRestorable(Exception):
    """The revision's values are not valid here any more (an access level not offered)."""

    def __init__(self, number: int, messages: list[str]) -> None:
        super().__init__(f"revision {number} cannot be restored: {'; '.join(messages)}")
        self.number, self.messages = number, messages


def restore(
    request: Request, content: Content, content_type: ContentType, number: int
) -> Revision | None:
    """Save revision ``number``'s values as a new revision that says which it restored.

    None when the content already has those values. ``KeyError`` for an unknown number;
    ``NotRestorable`` when the values no longer pass the type's schema where the content is
    now. The caller checks the permission.
    """
    history = history_of(content)
    revision = history.get(number) if history is not None else None
    if history is None or revision is None:
        raise KeyError(number)
    values = {**content_values(content, content_type), **revision.values}
    # without the right to change who sees it, restoring brings back the text, not the access
    schema = bound_schema(request, content_type, content.__parent__, content)
    try:
        values = schema.deserialize(schema.serialize(values))
    except colander.Invalid as exc:
        messages = exc.asdict(translate=request.localizer.translate).values()
        raise NotRestorable(number, list(messages)) from None
    comment = request.localizer.translate(_("Restored revision ${n}", mapping={"n": number}))
    if not update_content(request, content, content_type, values, content.serial, comment):
        return None
    restored = history.latest()  # the one the save just added
    if restored is not None:
        restored.restored_from = number
    return restored


def includeme(config: Configurator) -> None:
    """Record revisions from the content events, also for writes from the command line."""
    config.add_subscriber(partial(record_added, config.registry), ContentAdded)
    config.add_subscriber(partial(record_modified, config.registry), ContentModified)
