"""The intranet's part of a site export and import: what the news' fields do not hold.

Every field of the intranet's types is in its schema, so it travels by itself (the lead
image as a file). An import sends no content events, so the folder's list of featured and
pinned news (``highlights``) is made again here, from the item each document marks.
"""

from __future__ import annotations

from typing import Any

from .content import News
from .highlights import is_highlighted, note


def export_extra(content: object) -> dict[str, Any] | None:
    if isinstance(content, News) and is_highlighted(content):
        return {"highlighted": True}
    return None


def import_extra(content: object, data: Any) -> None:
    if not isinstance(content, News):
        raise ValueError("intranet data on something that is not a news item")
    if data != {"highlighted": True}:
        raise ValueError("the intranet's data of a news item is {'highlighted': true}")
    note(content)
