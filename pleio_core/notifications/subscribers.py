"""What the core's events notify: comments, new and changed content, requests to join.

Each event notifies a person once, by the most particular kind that applies to them (a
mention before a reply to their comment, before a comment on their content, before one on
what they follow). Events from the command line (no request) notify nobody.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.content.events import CommentAdded, ContentAdded, ContentModified
from pleio_core.content.model import Content
from pleio_core.security.joining import JoinRequested
from pleio_core.security.membership import site_members

from .follows import followers
from .mentions import mentions_in
from .notify import deliver


class _Once:
    """Deliver each kind in turn, to those not notified of this event already."""

    def __init__(self, request: Request, content: Content | None, link: str = "") -> None:
        self.request, self.content, self.link = request, content, link
        self.done: set[str] = set()

    def __call__(self, kind: str, recipients: Iterable[str | None]) -> set[str]:
        wanted = [r for r in recipients if r and r not in self.done]
        if not wanted:
            return set()
        notified = deliver(self.request, kind, wanted, self.content, link=self.link)
        self.done |= notified
        return notified


def _content_followers(request: Request, content: Content) -> list[str]:
    if content._uid is None:  # (nobody followed it: following gives it its uid)
        return []
    return followers(request.site_root, f"content:{content._uid}")


def _mentions(request: Request, content: Content, text: str, once: _Once) -> None:
    """Mention notifications for who is newly mentioned (a save mentions again only those
    not notified of this item before: ``_mentioned`` holds who was)."""
    found = mentions_in(request, text)
    before = set(getattr(content, "_mentioned", ()))
    notified = once("mention", sorted(found - before))
    if notified:
        content._mentioned = tuple(sorted(before | notified))


def _published_news(request: Request, content: Content, once: _Once) -> None:
    root = request.site_root
    keys = []
    if content.owner:
        keys.append(f"account:{content.owner}")
    if content.group:
        keys.append(content.group)
    once("followed-new", (f for key in keys for f in followers(root, key)))


def comment_added(event: CommentAdded) -> None:
    request = event.request
    if request is None or request.site_root is None:
        return
    content, comment = event.content, event.comment
    once = _Once(request, content, f"#comment-{comment.id}")
    found = mentions_in(request, comment.text)
    once("mention", sorted(found))
    if event.reply_to is not None:
        once("reply-comment", [event.reply_to.author])
    once("reply-content", [content.owner])
    once("followed-comment", _content_followers(request, content))


def content_added(event: ContentAdded) -> None:
    request = event.request
    if request is None or request.site_root is None:
        return
    content = event.content
    once = _Once(request, content)
    _mentions(request, content, content.body, once)
    _published_news(request, content, once)


def content_modified(event: ContentModified) -> None:
    request = event.request
    if request is None or request.site_root is None:
        return
    content = event.content
    once = _Once(request, content)
    _mentions(request, content, content.body, once)
    if event.old.get("state", content.state) != "published" and content.state == "published":
        _published_news(request, content, once)  # a draft that comes out is news
    once("followed-changed", _content_followers(request, content))


def join_requested(event: JoinRequested) -> None:
    members = site_members(event.site)
    admins = members.admins() if members is not None else []
    deliver(
        event.request, "join-request", admins, None, actor=event.account_id,
        link="/@@members-requests",
    )  # fmt: skip


def includeme(config: Configurator) -> None:
    config.add_subscriber(comment_added, CommentAdded)
    config.add_subscriber(content_added, ContentAdded)
    config.add_subscriber(content_modified, ContentModified)
    config.add_subscriber(join_requested, JoinRequested)
