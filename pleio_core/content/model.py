"""Content: the persistent class every module's content type derives from.

The fields every type shares live here; a type adds its own by subclassing and by extending
``pleio_core.content.schema.ContentSchema``. Who may see and change a piece of content
follows from its access level, owner, group and publication state (``__acl__``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar
from uuid import uuid4

from pleio_core.clock import now

from .access import access_cap, acl_for, effective_level
from .folder import Folder
from .markup import plain_text, render_markdown

STATES = ("draft", "published")


class Content(Folder):
    """A piece of content of a registered type (``config.add_content_type``).

    Every content object can hold children (a wiki page its sub-pages, a folder its files);
    whether a type may be added inside another is the content-type registry's business.
    """

    #: The registered type's name; set by ``add_content_type`` on the class.
    type_name: ClassVar[str] = ""

    body = ""  # Markdown, as written
    body_html = ""  # the sanitised HTML made from it
    tags: tuple[str, ...] = ()
    access = "members"
    #: The principal (``group:<id>``) of the group the content lies in; None outside groups.
    #: Access level ``group`` lets that group's members see it (``acl_for``).
    group: str | None = None
    owner: str | None = None  # account id
    owner_name = ""  # the owner's name when the content was made
    state = "published"
    #: Published content is visible from this moment on (None: since it was published).
    publish_at: datetime | None = None
    #: ...and hidden again from this moment on (None: for as long as it is published).
    publish_until: datetime | None = None
    #: Counts the saves: an edit carries the serial it started from (stale edit → 409).
    serial = 0
    #: The catalog's id of this object (None while it is not indexed).
    docid: int | None = None
    #: ``comments.Comments``, ``likes.Likes``, ``revisions.History`` — made on first use.
    comments: Any = None
    likes: Any = None
    history: Any = None

    _uid: str | None = None

    @property
    def uid(self) -> str:
        """A lasting key of this object: stays the same through moves and renames (the
        wiki's link index, a group's principal); made on first use."""
        if self._uid is None:
            self._uid = uuid4().hex
        return self._uid

    def __init__(self, title: str = "", owner: str | None = None) -> None:
        super().__init__(title)
        self.owner = owner
        self.created = self.modified = now()

    @staticmethod
    def markup(markdown: str) -> str:
        """The sanitised HTML of a body written in Markdown (also of an old revision's).
        A type with markup of its own (the wiki's links) replaces this."""
        return render_markdown(markdown)

    def set_body(self, markdown: str) -> None:
        self.body = markdown
        self.body_html = self.markup(markdown)

    # Item keeps a plain text; a content's follows from its body, so it is read-only here
    # (Item's is a stored attribute: a property there would not read old pickles).
    @property
    def text(self) -> str:  # type: ignore[override]  # what indexes and snippets read
        return plain_text(self.body_html)

    def is_live(self, when: datetime | None = None) -> bool:
        """Published, its publication moment has come and its end has not."""
        if self.state != "published":
            return False
        when = when or now()
        if self.publish_until is not None and self.publish_until <= when:
            return False
        return self.publish_at is None or self.publish_at <= when

    def has_expired(self, when: datetime | None = None) -> bool:
        """Published once, and its end of publication (``publish_until``) has passed."""
        return self.publish_until is not None and self.publish_until <= (when or now())

    @property
    def effective_access(self) -> str:
        """The access level that counts: its own, narrowed by the containers above it
        (``access.access_cap``: a closed group's content is for the group at most)."""
        return effective_level(self.access, access_cap(self), self.group)

    @property
    def __acl__(self) -> list:
        return acl_for(self.effective_access, self.owner, self.group, live=self.is_live())


def is_attached(content: object) -> bool:
    """Still in its site: neither it nor a folder above it was removed."""
    node = content
    while node is not None:
        parent = getattr(node, "__parent__", None)
        if parent is None:
            return getattr(node, "__name__", None) == ""  # the SiteRoot's name is ""
        node = parent
    return False


def content_in(obj: object) -> Iterator[Content]:
    """``obj`` (if it is content) and every piece of content below it, depth first.

    It keeps one iterator per level, not lists of children: a folder of 100,000 items
    costs no more memory than a small one.
    """
    if isinstance(obj, Content):
        yield obj
    stack = [iter(obj.values())] if isinstance(obj, Folder) and len(obj) else []
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if isinstance(item, Content):
            yield item
        if isinstance(item, Folder) and len(item):
            stack.append(iter(item.values()))
