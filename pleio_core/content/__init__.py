"""Content: the base classes every module stores its content in, and the content-type registry.

Public API for plugin authors: ``Content``, ``ContentSchema``, the ``config.add_content_type``
directive, the events, and the functions in ``editing`` for writing content from code.
"""

from pyramid.config import Configurator

from pleio_core.services import CONTENT_TYPES

from .events import (
    CommentAdded,
    ContentAdded,
    ContentModified,
    ContentMoved,
    ContentRemoved,
    ContentTouched,
)
from .folder import Folder, Item
from .model import Content
from .schema import ContentSchema
from .site import ModuleFolder, PlatformRoot, SiteRoot
from .types import ContentType, ContentTypes, add_content_type

__all__ = [
    "CommentAdded",
    "Content",
    "ContentAdded",
    "ContentModified",
    "ContentMoved",
    "ContentRemoved",
    "ContentSchema",
    "ContentTouched",
    "ContentType",
    "ContentTypes",
    "Folder",
    "Item",
    "ModuleFolder",
    "PlatformRoot",
    "SiteRoot",
]


def includeme(config: Configurator) -> None:
    """The directive, before plugins are configured; the views come with ``.views``."""
    CONTENT_TYPES.provide(config, ContentTypes())
    config.add_directive("add_content_type", add_content_type)
    config.add_translation_dirs("colander:locale", "deform:locale")
    config.include(".revisions")
    config.include(".revision_views")
