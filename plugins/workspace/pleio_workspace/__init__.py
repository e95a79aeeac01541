"""The workspace module of Pleio: share files and folders with colleagues.

Folders and files at site level, in groups (the types name ``group`` in ``addable_to``, so
a group offers them as tools) and in each member's own folder; files with versions and a
lock, kept in ZODB blobs, scanned by clamd when the operator sets it up, found by the text
inside them, and reached by desktop clients over WebDAV (``/dav/``).

It uses only the public plugin API of ``pleio_core``.
"""

from __future__ import annotations

from pyramid.config import Configurator

from pleio_core.plugin_api import ModulePlugin, hookimpl

from .i18n import _


class WorkspacePlugin(ModulePlugin):
    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        super().pleio_configure(config)
        config.add_stylesheet("workspace.css")
        config.include(".files")


plugin = WorkspacePlugin(
    name="workspace",
    package=__name__,
    title=_("Workspace"),
    description=_("Share files and folders with colleagues."),
    requires_core=">=0.1,<0.2",
    menu_order=30,
    sample={
        "nl": ("Projectplan", "Het projectplan komt in deze map."),
        "en": ("Project plan", "The project plan goes in this folder."),
    },
)
