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
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

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
    #: The plugins it needs enabled with it (the names of ``info.requires``, in order).
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class IncompatiblePlugin:
    """An installed plugin made for other versions of pleio_core: not loaded, but shown in
    the control panel (with ``reason``) so that a holder knows why it cannot be enabled."""

    name: str
    info: PluginInfo
    distribution: str
    reason: str
    #: The plugin requirement it lacks (``"community >=0.2"``), or "" for another core.
    lacks: str = ""


@functools.cache
def core_version() -> str:
    return version("pleio_core")


def make_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def load_plugins(
    pm: pluggy.PluginManager, disabled: Iterable[str] = ()
) -> tuple[dict[str, InstalledPlugin], dict[str, IncompatiblePlugin]]:
    """Import and register every installed plugin: (the loaded, the refused).

    A bad plugin (it fails to import, has no PluginInfo, declares nonsense, implements an
    unknown hook) raises PluginError. A plugin that cannot run here is refused, with the
    reason: its core range excludes this pleio_core, a plugin it requires is missing, in a
    version outside the range, refused itself, or requires it back (a cycle).
    """
    found: dict[str, InstalledPlugin] = {}
    refused: dict[str, IncompatiblePlugin] = {}
    ranges: dict[str, dict[str, SpecifierSet]] = {}
    skip = set(disabled)
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist else "?"
        if ep.name in skip:
            continue
        if ep.name in found or ep.name in refused:
            known = (
                found[ep.name].distribution if ep.name in found else refused[ep.name].distribution
            )
            if known == dist:
                continue  # the same distribution seen twice on sys.path
            raise PluginError(f"plugin {ep.name!r} is installed twice: by {known} and by {dist}")
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
        ranges[ep.name] = _requirements(ep.name, info, dist)
        mismatch = _core_mismatch(ep.name, info, dist)
        if mismatch is not None:
            pm.unregister(hooks)
            refused[ep.name] = IncompatiblePlugin(ep.name, info, dist, mismatch)
            continue
        found[ep.name] = InstalledPlugin(
            ep.name, hooks, info, dist, package, tuple(ranges[ep.name])
        )
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"a plugin implements an unknown hook: {exc}") from exc
    for name, why in _unmet(found, ranges).items():
        pm.unregister(found[name].hooks)
        plugin = found.pop(name)
        refused[name] = IncompatiblePlugin(name, plugin.info, plugin.distribution, *why)
    return found, refused


def _requirements(name: str, info: PluginInfo, dist: str) -> dict[str, SpecifierSet]:
    """``info.requires`` as plugin names and the version ranges they must be in."""
    needs: dict[str, SpecifierSet] = {}
    for text in info.requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            requirement = None
        if requirement is None or requirement.extras or requirement.marker or requirement.url:
            raise PluginError(
                f"plugin {name!r} ({dist}) declares an invalid requirement {text!r} "
                "(a plugin name, optionally with a version range: 'community>=0.2,<0.3')"
            )
        needs[requirement.name] = requirement.specifier
    return needs


def _unmet(
    found: dict[str, InstalledPlugin], ranges: dict[str, dict[str, SpecifierSet]]
) -> dict[str, tuple[str, str]]:
    """The loaded plugins that cannot run, with (why, what they lack): a needed plugin not
    installed, in a version outside the range, itself refused, or needing this one back."""
    unmet: dict[str, tuple[str, str]] = {}
    for plugin in found.values():
        cycle = _cycle_from(plugin.name, found)
        if cycle:
            path = " -> ".join(cycle)
            unmet[plugin.name] = (f"plugin {plugin.name!r} is in a requirement cycle: {path}", "")
    changed = True
    while changed:  # a plugin whose requirement is refused is refused too
        changed = False
        for plugin in found.values():
            if plugin.name in unmet:
                continue
            for needed, wanted in ranges[plugin.name].items():
                why = _requirement_unmet(plugin, needed, wanted, found, unmet)
                if why is not None:
                    unmet[plugin.name] = (why, f"{needed} {wanted}".strip())
                    changed = True
                    break
    return unmet


def _requirement_unmet(
    plugin: InstalledPlugin,
    needed: str,
    wanted: SpecifierSet,
    found: dict[str, InstalledPlugin],
    unmet: dict[str, tuple[str, str]],
) -> str | None:
    start = f"plugin {plugin.name!r} ({plugin.distribution}) needs plugin {needed!r}"
    if needed not in found:
        return f"{start}, which is not installed"
    if needed in unmet:
        return f"{start}, which cannot be loaded"
    have = found[needed].info.version
    try:
        fits = Version(have) in wanted
    except InvalidVersion:
        fits = not wanted
    if not fits:
        return f"{start} {wanted}, but {have} is installed"
    return None


def _cycle_from(start: str, found: dict[str, InstalledPlugin]) -> list[str]:
    """A requirement path from ``start`` back to itself (``[a, b, a]``), or []."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        for needed in found[name].needs if name in found else ():
            if needed == start:
                return [*path, start]
            if needed not in seen:
                seen.add(needed)
                stack.append((needed, [*path, needed]))
    return []


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
