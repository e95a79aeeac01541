"""What the core's edit form and API change on a folder or file: not its name.

A file's title is its name in its folder, which renaming changes (``operations.rename``)
so that the two never differ; the description, tags, access and publication stay the
core's fields.
"""

from __future__ import annotations

from typing import Any

from pleio_core.plugin_api import ContentSchema


class WorkspaceSchema(ContentSchema):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        del self["title"]
