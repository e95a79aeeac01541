"""Scheduled publication: the moments at which content of a site becomes visible by itself.

Content with a future ``publish_at`` becomes live without any write to the database, so
whatever keeps pages or results for as long as nothing is written (the anonymous page
cache) must also stop at the next of these moments. The site keeps them in a tree set.
"""

from __future__ import annotations

from datetime import datetime

from BTrees.OOBTree import OOTreeSet

from pleio_core.clock import now


def schedule_publication(root: object, moment: datetime | None) -> None:
    """Remember ``moment`` if it is in the future (a content's ``publish_at``)."""
    if moment is None or moment <= now():
        return
    moments = getattr(root, "publications", None)
    if moments is None:
        moments = root.publications = OOTreeSet()  # type: ignore[attr-defined]
    moments.add(moment.timestamp())


def next_publication(root: object) -> float | None:
    """The next moment (a POSIX time) at which scheduled content becomes visible, or None."""
    moments = getattr(root, "publications", None)
    if not moments:
        return None
    upcoming = moments.keys(min=now().timestamp(), excludemin=True)
    return upcoming[0] if len(upcoming) else None
