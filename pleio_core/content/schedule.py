"""Scheduled publication: the moments at which content of a site becomes visible, or hidden,
by itself.

Content with a future ``publish_at`` becomes live, and content with a ``publish_until``
stops being live, without any write to the database, so whatever keeps pages or results for
as long as nothing is written (the anonymous page cache, the home widgets) must also stop at
the next of these moments. The site keeps them in a tree set.
"""

from __future__ import annotations

from datetime import datetime

from BTrees.OOBTree import OOTreeSet

from pleio_core.clock import now


def schedule_publication(root: object, moment: datetime | None) -> None:
    """Remember ``moment`` if it is in the future (a content's ``publish_at`` or
    ``publish_until``)."""
    if moment is None or moment <= now():
        return
    moments = getattr(root, "publications", None)
    if moments is None:
        moments = root.publications = OOTreeSet()  # type: ignore[attr-defined]
    moments.add(moment.timestamp())


def schedule_content(root: object, content: object) -> None:
    """Remember the moments at which ``content`` becomes visible and hidden again."""
    schedule_publication(root, getattr(content, "publish_at", None))
    schedule_publication(root, getattr(content, "publish_until", None))


def next_publication(root: object) -> float | None:
    """The next moment (a POSIX time) at which scheduled content becomes visible or is
    hidden again, or None."""
    moments = getattr(root, "publications", None)
    if not moments:
        return None
    upcoming = moments.keys(min=now().timestamp(), excludemin=True)
    return upcoming[0] if len(upcoming) else None
