"""The workspace module of Pleio: share files and folders with colleagues.

It uses only the public plugin API of ``pleio_core``.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.i18n import TranslationStringFactory
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.content import Item, SiteRoot
from pleio_core.plugins import MenuItem, PluginInfo, hookimpl

_ = TranslationStringFactory("pleio_workspace")
NAME = "workspace"
TITLE = _("Workspace")


@hookimpl
def pleio_plugin_info() -> PluginInfo:
    return PluginInfo(
        title=TITLE,
        description=_("Share files and folders with colleagues."),
        version="",
        requires_core=">=0.1,<0.2",
    )


@hookimpl
def pleio_configure(config: Configurator) -> None:
    config.add_translation_dirs("pleio_workspace:locale")
    config.add_module_folder(NAME, TITLE)


@hookimpl
def pleio_menu_items(request: Request) -> list[MenuItem]:
    return [MenuItem(TITLE, request.resource_url(request.site_root[NAME]), order=30)]


SAMPLE = {
    "nl": ("Projectplan", "Het projectplan komt in deze map."),
    "en": ("Project plan", "The project plan goes in this folder."),
}


@hookimpl
def pleio_sample_content(site: SiteRoot, registry: Registry, language: str) -> None:
    title, text = SAMPLE[language]
    folder = site[NAME]
    if "welcome" not in folder:
        folder.add("welcome", Item(title, text))
