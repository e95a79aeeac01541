"""Plugins (modules) as pluggy plugins, and the core's guarantee that disabled ones are invisible.

Public API for plugin authors: ``hookimpl``, ``PluginInfo``, ``MenuItem``, ``ModuleSettings``,
``WidgetItem``, the ``config.add_module_folder``, ``config.add_stylesheet``,
``config.add_evolve_step`` and ``config.add_home_widget`` directives and
``request.plugin_hooks``.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.events import ContextFound
from pyramid.httpexceptions import HTTPNotFound
from pyramid.interfaces import IViewDeriverInfo
from pyramid.request import Request
from pyramid.viewderivers import INGRESS

from pleio_core.content.site import ModuleFolder, SiteRoot
from pleio_core.services import (
    EVOLVE_STEPS,
    HOME_WIDGETS,
    MODULE_FOLDERS,
    PLUGINS,
    SETTINGS,
    STYLESHEETS,
)

from .evolve import EvolveStep, add_evolve_step
from .hookspecs import MenuItem, ModuleSettings, PluginInfo
from .manager import (
    InstalledPlugin,
    PluginError,
    PluginSet,
    SiteHooks,
    hookimpl,
    load_plugins,
    make_plugin_manager,
)
from .widgets import HomeWidget, WidgetItem, add_home_widget

__all__ = [
    "EvolveStep",
    "HomeWidget",
    "InstalledPlugin",
    "MenuItem",
    "ModuleSettings",
    "PluginError",
    "PluginInfo",
    "PluginSet",
    "WidgetItem",
    "hookimpl",
    "includeme",
]


def module_guard(view: Any, info: IViewDeriverInfo) -> Any:
    """Make every view registered by a plugin answer 404 on sites that have not enabled it."""
    plugins: PluginSet = PLUGINS(info.registry)
    module = plugins.plugin_of_package(info.package.__name__) if info.package else None
    if module is None:
        return view

    def guarded(context: Any, request: Request) -> Any:
        if module not in request.enabled_modules:
            raise HTTPNotFound()
        return view(context, request)

    return guarded


def hide_unavailable_modules(event: ContextFound) -> None:
    """Everything under the folder of a module the site enabled but this installation has
    not loaded (uninstalled, or made for another pleio_core) answers 404; its data is kept,
    and is there again when the plugin is. (The site root hides folders of modules the
    holder switched off; this is for those the holder did not.)"""
    request = event.request
    root, traversed = request.root, request.traversed
    if traversed and isinstance(root, SiteRoot):
        folder = root.get(traversed[0])
        if isinstance(folder, ModuleFolder) and folder.module not in request.enabled_modules:
            raise HTTPNotFound()


def add_module_folder(config: Configurator, module: str, title: str) -> None:
    """Claim ``/<module>`` in every site: a ModuleFolder created when the module is enabled.

    The folder is invisible (404) while the module is disabled; its content is kept.
    """
    plugins: PluginSet = PLUGINS(config.registry)
    owner = plugins.plugin_of_package(config.package_name)
    if owner != module:
        raise PluginError(
            f"add_module_folder({module!r}) called from {config.package_name}: a plugin may only "
            "claim the folder named after itself"
        )

    def register() -> None:
        MODULE_FOLDERS(config.registry)[module] = title

    config.action(("pleio.module_folder", module), register)


def add_stylesheet(config: Configurator, filename: str, directory: str = "static") -> None:
    """Serve the plugin's ``<package>/<directory>/`` at ``/static-<plugin>/`` and put
    ``filename`` from it in the head of every page on the sites that enable the plugin."""
    plugins: PluginSet = PLUGINS(config.registry)
    module = plugins.plugin_of_package(config.package_name)
    if module is None:
        raise PluginError(f"add_stylesheet({filename!r}): call it from a plugin's configure hook")
    if "/" in filename or not filename.endswith(".css"):
        raise PluginError(f"add_stylesheet({filename!r}): a .css file name, without folders")
    config.add_static_view(
        f"static-{module}", f"{config.package_name}:{directory}", cache_max_age=3600
    )

    def register() -> None:
        STYLESHEETS(config.registry)[module] = f"/static-{module}/{filename}"

    config.action(("pleio.stylesheet", module), register)


class ModuleFolderPredicate:
    """``config.add_view(view, context=ModuleFolder, module_folder="community")``: a view
    for one module's own folder (its start page), not every module's."""

    def __init__(self, module: str, config: Configurator) -> None:
        self.module = module

    def text(self) -> str:
        return f"module_folder = {self.module}"

    phash = text

    def __call__(self, context: Any, request: Request) -> bool:
        return getattr(context, "module", None) == self.module


def plugin_hooks(request: Request) -> SiteHooks:
    """Hook callers for the plugins the current site has enabled."""
    return PLUGINS(request.registry).hooks_for(request.enabled_modules)


def includeme(config: Configurator) -> None:
    settings = SETTINGS(config.registry)
    pm = make_plugin_manager()
    loaded, incompatible = load_plugins(pm, disabled=settings.disabled_plugins)
    plugins = PluginSet(pm, loaded, incompatible)
    PLUGINS.provide(config, plugins)
    MODULE_FOLDERS.provide(config, {})
    STYLESHEETS.provide(config, {})
    EVOLVE_STEPS.provide(config, {})
    HOME_WIDGETS.provide(config, {})
    config.add_directive("add_module_folder", add_module_folder)
    config.add_directive("add_stylesheet", add_stylesheet)
    config.add_directive("add_evolve_step", add_evolve_step)
    config.add_directive("add_home_widget", add_home_widget)
    config.add_view_predicate("module_folder", ModuleFolderPredicate)
    # Outside the permission check: a disabled module answers 404, never 403.
    config.add_view_deriver(module_guard, under=INGRESS, over="secured_view")
    config.add_request_method(plugin_hooks, "plugin_hooks", reify=True)
    config.add_subscriber(hide_unavailable_modules, ContextFound)
    for plugin in plugins:
        plugin_config = config.with_package(plugin.package)
        plugins.call_for(plugin.name, "pleio_configure", config=plugin_config)
