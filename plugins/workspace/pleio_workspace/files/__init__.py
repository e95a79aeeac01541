"""Folders and files: their types, their names, storing an upload, versions, locks, pages."""

from __future__ import annotations

from pyramid.config import Configurator

from pleio_core.plugin_api import ContentModified

from ..i18n import _
from .model import File, Lock, Version, WorkspaceFolder, searchable_text
from .schema import WorkspaceSchema

__all__ = ["File", "Lock", "Version", "WorkspaceFolder"]

#: Where folders and files go: the module's folder, a folder, and a group (a group's tool).
PLACES = ("module", "folder", "group")


def file_modified(event: ContentModified) -> None:
    """An edited file (its description, its access) changed its moment of change too."""
    file = event.content
    if isinstance(file, File) and isinstance(file.__parent__, WorkspaceFolder):
        file.__parent__.relist(file)


def includeme(config: Configurator) -> None:
    config.add_subscriber(file_modified, ContentModified)
    config.add_content_type(
        "folder", WorkspaceFolder, title=_("Folder"), schema=WorkspaceSchema, addable_to=PLACES,
        file_names=True, own_add=True,
    )  # fmt: skip
    config.add_content_type(
        "file", File, title=_("File"), schema=WorkspaceSchema, addable_to=PLACES,
        searchable_text=searchable_text, file_names=True, own_add=True,
    )  # fmt: skip
    config.include(".views")
