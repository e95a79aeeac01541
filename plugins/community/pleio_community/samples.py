"""The demo's examples in the community's sample group, made the same way for every part."""

from __future__ import annotations

from typing import Any

from pyramid.registry import Registry

from pleio_core.plugin_api import Content, ContentAdded


def add_sample(
    group: Any, registry: Registry, item: Content, name: str, owner_name: str, text: str
) -> None:
    """Put ``item`` (made by the demo's owner) in ``group`` as ``name``: public, the
    group's, with ``text`` as its body, and indexed."""
    item.owner_name = owner_name
    item.set_body(text)
    item.access = "public"
    item.group = group.principal
    group.add(name, item)
    registry.notify(ContentAdded(item))
