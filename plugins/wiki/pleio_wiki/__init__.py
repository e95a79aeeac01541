"""The wiki module of Pleio: linked pages in a hierarchy, with their history.

It uses only the public plugin API of ``pleio_core``.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.i18n import TranslationStringFactory
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.content import Item, SiteRoot
from pleio_core.plugins import MenuItem, PluginInfo, hookimpl

_ = TranslationStringFactory("pleio_wiki")
NAME = "wiki"
TITLE = _("Wiki")


@hookimpl
def pleio_plugin_info() -> PluginInfo:
    return PluginInfo(
        title=TITLE,
        description=_("Linked pages in a hierarchy, with their history."),
        version="",
        requires_core=">=0.1,<0.2",
    )


@hookimpl
def pleio_configure(config: Configurator) -> None:
    config.add_translation_dirs("pleio_wiki:locale")
    config.add_module_folder(NAME, TITLE)


@hookimpl
def pleio_menu_items(request: Request) -> list[MenuItem]:
    return [MenuItem(TITLE, request.resource_url(request.site_root[NAME]), order=40)]


SAMPLE = {
    "nl": ("Beginnen met de wiki", "Schrijf samen pagina's en houd hun geschiedenis bij."),
    "en": ("Getting started with the wiki", "Write pages together and keep their history."),
}


@hookimpl
def pleio_sample_content(site: SiteRoot, registry: Registry, language: str) -> None:
    title, text = SAMPLE[language]
    folder = site[NAME]
    if "welcome" not in folder:
        folder.add("welcome", Item(title, text))
