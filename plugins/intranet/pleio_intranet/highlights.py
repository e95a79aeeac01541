"""The featured and pinned news of an intranet, kept by name on its folder.

The front page shows them first however old they are, so they cannot be found among the
newest: the folder keeps the names of the news that are featured or pinned (a few), kept in
step by the content events and, on import, by ``exchange``.
"""

from __future__ import annotations

from typing import Any

from BTrees.OOBTree import OOTreeSet
from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.plugin_api import ContentAdded, ContentModified, ContentRemoved, parent_of

from .content import News

ATTRIBUTE = "intranet_highlights"


def is_highlighted(news: News) -> bool:
    return bool(news.featured or news.pinned)


def names_of(folder: Any, create: bool = False) -> Any:
    names = getattr(folder, ATTRIBUTE, None)
    if names is None and create:
        names = OOTreeSet()
        setattr(folder, ATTRIBUTE, names)
    return names


def note(news: News) -> None:
    """Remember or forget ``news`` as it is highlighted or not."""
    folder = parent_of(news)
    names = names_of(folder, create=is_highlighted(news))
    if names is None:
        return
    if is_highlighted(news):
        names.add(news.__name__)
    elif news.__name__ in names:
        names.remove(news.__name__)


def forget(news: News) -> None:
    names = names_of(parent_of(news))
    if names is not None and news.__name__ in names:
        names.remove(news.__name__)


def highlighted(request: Request, folder: Any) -> list[News]:
    """The featured and pinned news the visitor may open now: the pinned first, then the
    featured, each the newest first."""
    found = []
    for name in names_of(folder) or ():
        news = folder.get(name)
        visible = isinstance(news, News) and request.has_permission("view", news)
        if visible and is_highlighted(news):
            found.append(news)
    found.sort(key=lambda n: n.publish_at or n.created, reverse=True)
    found.sort(key=lambda n: not n.pinned)
    return found


def _saved(event: Any) -> None:
    if isinstance(event.content, News):
        note(event.content)


def _removed(event: ContentRemoved) -> None:
    if isinstance(event.content, News):
        forget(event.content)


def includeme(config: Configurator) -> None:
    config.add_subscriber(_saved, ContentAdded)
    config.add_subscriber(_saved, ContentModified)
    config.add_subscriber(_removed, ContentRemoved)
