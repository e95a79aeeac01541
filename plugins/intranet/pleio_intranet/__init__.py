"""The intranet module of Pleio: news, blogs and the organisation's own pages for its staff.

It uses only the public plugin API of ``pleio_core``.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.i18n import TranslationStringFactory
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.content import Item, SiteRoot
from pleio_core.plugins import MenuItem, PluginInfo, hookimpl

_ = TranslationStringFactory("pleio_intranet")
NAME = "intranet"
TITLE = _("Intranet")


@hookimpl
def pleio_plugin_info() -> PluginInfo:
    return PluginInfo(
        title=TITLE,
        description=_("News, blogs and the organisation's own pages for its staff."),
        version="",
        requires_core=">=0.1,<0.2",
    )


@hookimpl
def pleio_configure(config: Configurator) -> None:
    config.add_translation_dirs("pleio_intranet:locale")
    config.add_module_folder(NAME, TITLE)


@hookimpl
def pleio_menu_items(request: Request) -> list[MenuItem]:
    return [MenuItem(TITLE, request.resource_url(request.site_root[NAME]), order=10)]


SAMPLE = {
    "nl": ("Welkom op het intranet", "Hier vind je het nieuws van de organisatie."),
    "en": ("Welcome to the intranet", "Here you find the organisation's news."),
}


@hookimpl
def pleio_sample_content(site: SiteRoot, registry: Registry, language: str) -> None:
    title, text = SAMPLE[language]
    folder = site[NAME]
    if "welcome" not in folder:
        folder.add("welcome", Item(title, text))
