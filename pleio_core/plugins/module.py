"""ModulePlugin: what every module plugin starts with, declared instead of written again.

A module has a title and description, a folder of its own (``/<name>/``) with a start
page, a main-menu item, its translations, and optional sample content for demo sites. A
plugin package makes one instance and names it in its entry point; it may subclass to add
hooks (every ``@hookimpl`` method is a hook implementation).
"""

from __future__ import annotations

from collections.abc import Mapping

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.content import Content, ContentAdded, Item, SiteRoot

from .hookspecs import MenuItem, PluginInfo
from .manager import hookimpl


class ModulePlugin:
    def __init__(
        self,
        name: str,
        package: str,
        title: str,
        description: str,
        requires_core: str,
        menu_order: int = 100,
        requires: tuple[str, ...] = (),
        sample: Mapping[str, tuple[str, str]] | None = None,
        sample_type: type[Content] | None = None,
    ) -> None:
        """``package`` holds ``locale/``; ``sample`` maps a language to (title, text),
        made as ``sample_type`` content (public, Markdown text) or else a plain Item."""
        self.name = name
        self.package = package
        self.title = title
        self.description = description
        self.requires_core = requires_core
        self.menu_order = menu_order
        self.requires = requires
        self.sample = dict(sample or {})
        self.sample_type = sample_type

    @hookimpl
    def pleio_plugin_info(self) -> PluginInfo:
        return PluginInfo(
            title=self.title,
            description=self.description,
            version="",  # the distribution's version
            requires_core=self.requires_core,
            requires=self.requires,
        )

    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        config.add_translation_dirs(f"{self.package}:locale")
        config.add_module_folder(self.name, self.title)

    @hookimpl
    def pleio_menu_items(self, request: Request) -> list[MenuItem]:
        # the folder's URL, without loading the folder (it is at /<name>/ by definition)
        href = f"{request.application_url}/{self.name}/"
        return [MenuItem(self.title, href, order=self.menu_order)]

    @hookimpl
    def pleio_sample_content(
        self,
        site: SiteRoot,
        registry: Registry,
        language: str,
        owner: str | None,
        owner_name: str,
    ) -> None:
        if language not in self.sample:
            return
        title, text = self.sample[language]
        folder = site[self.name]
        if "welcome" in folder:
            return
        if self.sample_type is None:
            folder.add("welcome", Item(title, text))
            return
        content = self.sample_type(title, owner=owner)
        content.owner_name = owner_name
        content.set_body(text)
        content.access = "public"
        folder.add("welcome", content)
        registry.notify(ContentAdded(content))
