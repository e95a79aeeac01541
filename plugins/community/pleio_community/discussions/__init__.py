"""The community's discussions (being built; the interface below is what the module calls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry


def includeme(config: Configurator) -> None:
    """Declare the content types, views and notification kinds."""


def sample_content(
    group: Any, registry: Registry, language: str, owner: str | None, owner_name: str
) -> None:
    """Put an example in the demo community's sample group."""


def export_extra(content: object, email_of: Callable[[str | None], str | None]) -> dict | None:
    """What a site export carries beyond the schema's fields (None: nothing, or not ours)."""
    return None


def import_extra(
    content: object, data: Any, account_id: Callable[[str | None], str | None]
) -> bool:
    """Restore what export_extra gave; False if the content is not of our types."""
    return False


def personal_data(site: Any, account_id: str) -> dict | None:
    """The account's own part, for "Download my data"."""
    return None
