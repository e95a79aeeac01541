"""Finding, checking and calling plugins.

Plugins are loaded from the ``pleio.plugins`` entry point group. Per request, hooks are
called through a ``SiteHooks`` object that only includes the plugins the site enabled
(pluggy's ``subset_hook_caller``, cached per enabled set).
"""

from __future__ import annotations

import functools
import importlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib.metadata import entry_points, version
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from . import hookspecs
from .hookspecs import PluginInfo

log = logging.getLogger(__name__)

#: Hooks whose answers only add to a page (a menu item, a form default, a group's
#: principal): a plugin that raises in one is logged under its name and left out of that
#: answer, instead of taking the page down. (Leaving out principals only ever gives less
#: access.) The others raise: they write data, or decide where content belongs.
CONTAINED_HOOKS = ("pleio_menu_items", "pleio_add_defaults", "pleio_principals")

ENTRY_POINT_GROUP = "pleio.plugins"
hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)


class PluginError(RuntimeError):
    """A plugin cannot be loaded; the message is one line naming the plugin and why."""


@dataclass(frozen=True)
class InstalledPlugin:
    """A loaded plugin: ``hooks`` is what its entry point names (a module or an object)."""

    name: str
    hooks: object
    info: PluginInfo
    distribution: str
    #: The top-level package the entry point lives in; the views it registers are its own.
    package: ModuleType


@dataclass(frozen=True)
class IncompatiblePlugin:
    """An installed plugin made for other versions of pleio_core: not loaded, but shown in
    the control panel (with ``reason``) so that a holder knows why it cannot be enabled."""

    name: str
    info: PluginInfo
    distribution: str
    reason: str


@functools.cache
def core_version() -> str:
    return version("pleio_core")


def make_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def load_plugins(
    pm: pluggy.PluginManager,
    disabled: Iterable[str] = (),
    incompatible: dict[str, IncompatiblePlugin] | None = None,
) -> dict[str, InstalledPlugin]:
    """Import and register every installed plugin; raise PluginError on the first bad one.

    A plugin whose declared core range excludes this pleio_core is left out (unregistered)
    and, if ``incompatible`` is given, put there with the reason; without it, it stops
    start-up like any other bad plugin.
    """
    found: dict[str, InstalledPlugin] = {}
    skip = set(disabled)
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist else "?"
        if ep.name in skip:
            continue
        if ep.name in found:
            if found[ep.name].distribution == dist:
                continue  # the same distribution seen twice on sys.path
            raise PluginError(
                f"plugin {ep.name!r} is installed twice: by {found[ep.name].distribution} "
                f"and by {dist}"
            )
        try:
            hooks = ep.load()
            package = importlib.import_module(ep.module.split(".")[0])
        except Exception as exc:
            raise PluginError(
                f"plugin {ep.name!r} ({dist}) failed to import: {type(exc).__name__}: {exc}"
            ) from exc
        try:
            pm.register(hooks, name=ep.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"plugin {ep.name!r} ({dist}) is invalid: {exc}") from exc
        _contain(pm, ep.name)
        info = _plugin_info(ep.name, hooks, dist)
        mismatch = _core_mismatch(ep.name, info, dist)
        if mismatch is not None:
            if incompatible is None:
                raise PluginError(mismatch)
            pm.unregister(hooks)
            incompatible[ep.name] = IncompatiblePlugin(ep.name, info, dist, mismatch)
            continue
        found[ep.name] = InstalledPlugin(ep.name, hooks, info, dist, package)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"a plugin implements an unknown hook: {exc}") from exc
    for plugin in found.values():
        missing = [r for r in plugin.info.requires if r not in found]
        if missing:
            needed = ", ".join(missing)
            raise PluginError(f"plugin {plugin.name!r} needs plugin(s) not installed: {needed}")
    return found


def _contain(pm: pluggy.PluginManager, name: str) -> None:
    for hook in CONTAINED_HOOKS:
        for impl in getattr(pm.hook, hook).get_hookimpls():
            if impl.plugin_name == name:
                impl.function = _logged(impl.function, name, hook)


def _logged(function: Any, plugin: str, hook: str) -> Any:
    @functools.wraps(function)
    def contained(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception:
            log.exception("plugin %r raised in %s: its part is left out", plugin, hook)
            return None  # pluggy leaves None out of the answers

    return contained


def _plugin_info(name: str, hooks: object, dist: str) -> PluginInfo:
    impl = getattr(hooks, "pleio_plugin_info", None)
    if impl is None:
        raise PluginError(f"plugin {name!r} ({dist}) does not implement pleio_plugin_info")
    info = impl()
    if not isinstance(info, PluginInfo):
        raise PluginError(f"plugin {name!r} ({dist}): pleio_plugin_info must return a PluginInfo")
    if info.requires_core:
        try:
            SpecifierSet(info.requires_core)
        except InvalidSpecifier:
            raise PluginError(
                f"plugin {name!r} ({dist}) declares an invalid core range {info.requires_core!r}"
            ) from None
    if not info.version:
        info = replace(info, version=version(dist) if dist != "?" else "0")
    return info


def _core_mismatch(name: str, info: PluginInfo, dist: str) -> str | None:
    """Why the plugin cannot run on this pleio_core, or None if it can."""
    have = core_version()
    if info.requires_core and Version(have) not in SpecifierSet(info.requires_core):
        return (
            f"plugin {name!r} ({dist}) supports pleio_core {info.requires_core}, "
            f"but {have} is installed"
        )
    return None


class SiteHooks:
    """Hook callers limited to one set of enabled plugins; ``hooks.pleio_menu_items(...)``."""

    def __init__(self, pm: pluggy.PluginManager, remove: list[object]) -> None:
        self._pm = pm
        self._remove = remove
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("pleio_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            caller = self._pm.subset_hook_caller(name, self._remove)
            self._callers[name] = caller
        return caller


class PluginSet:
    """The installed plugins, and cached SiteHooks per enabled set."""

    def __init__(
        self,
        pm: pluggy.PluginManager,
        plugins: dict[str, InstalledPlugin],
        incompatible: dict[str, IncompatiblePlugin] | None = None,
    ) -> None:
        self.pm = pm
        self.plugins = plugins
        #: Installed, but made for another pleio_core: shown, never loaded or enabled.
        self.incompatible = incompatible or {}
        self._by_package = {p.package.__name__: p.name for p in plugins.values()}
        self._hooks: dict[frozenset[str], SiteHooks] = {}
        self._lock = threading.Lock()

    def __iter__(self):
        return iter(self.plugins.values())

    def __contains__(self, name: object) -> bool:
        return name in self.plugins

    def names(self) -> list[str]:
        return list(self.plugins)

    def plugin_of_package(self, package: str) -> str | None:
        return self._by_package.get(package.split(".", maxsplit=1)[0])

    def hooks_for(self, enabled: Iterable[str]) -> SiteHooks:
        key = frozenset(enabled)
        hooks = self._hooks.get(key)
        if hooks is None:
            remove = [p.hooks for p in self.plugins.values() if p.name not in key]
            with self._lock:
                hooks = self._hooks.setdefault(key, SiteHooks(self.pm, remove))
        return hooks

    def call_for(self, plugin: str, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` of one plugin only: a list of answers, or one (``firstresult``)."""
        return self.hooks_for([plugin]).__getattr__(hook)(**kwargs)
