"""The workspace module of Pleio: share files and folders with colleagues.

Folders and files at site level, in groups (the types name ``group`` in ``addable_to``, so
a group offers them as tools) and in each member's own folder; files with versions and a
lock, kept in ZODB blobs, scanned by clamd when the operator sets it up, found by the text
inside them, and reached by desktop clients over WebDAV (``/dav/``).

It uses only the public plugin API of ``pleio_core``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.plugin_api import ModulePlugin, SiteRoot, StoredFile, hookimpl

from . import exchange, operations, samples, trash
from .i18n import _


class WorkspacePlugin(ModulePlugin):
    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        super().pleio_configure(config)
        config.add_stylesheet("workspace.css")
        config.include(".files")
        config.include(".operation_pages")
        config.include(".trash_pages")
        config.include(".dav")

    @hookimpl
    def pleio_export_extra(
        self,
        content: object,
        email_of: Callable[[str | None], str | None],
        file_ref: Callable[[StoredFile], dict[str, Any]],
    ) -> dict[str, Any] | None:
        return exchange.export_extra(content, email_of, file_ref)

    @hookimpl
    def pleio_import_extra(
        self,
        content: object,
        data: object,
        account_id: Callable[[str | None], str | None],
        stored_file: Callable[[Mapping[str, Any]], StoredFile],
    ) -> None:
        exchange.import_extra(content, data, account_id, stored_file)

    @hookimpl
    def pleio_personal_data(
        self, site: SiteRoot, account_id: str, file_ref: Callable[[StoredFile], dict[str, Any]]
    ) -> dict[str, Any] | None:
        return exchange.personal_data(site, account_id, file_ref)

    @hookimpl
    def pleio_sample_content(
        self,
        site: SiteRoot,
        registry: Registry,
        language: str,
        owner: str | None,
        owner_name: str,
    ) -> None:
        super().pleio_sample_content(site, registry, language, owner, owner_name)
        samples.sample_content(site, registry, language, owner, owner_name)

    @hookimpl
    def pleio_purge_module(self, site: SiteRoot) -> None:
        trash.purge_module(site)

    @hookimpl
    def pleio_delete_content(self, request: Request, content: object) -> bool | None:
        if not operations.is_item(content):
            return None
        operations.to_trash(request, content)  # type: ignore[arg-type]
        return True

    @hookimpl
    def pleio_periodic(self, site: SiteRoot, registry: Registry, request: Request) -> int:
        return trash.periodic(site, registry, request)


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
