"""Evolve steps: a plugin's ordered changes to the data it keeps in each site's database.

A plugin whose stored data changes shape between versions declares, in ``pleio_configure``,
one step per change: ``config.add_evolve_step(2, split_names, "Split the names")``. Data
versions are whole numbers from 1, one per step; each site records, per module, the
version its data is at (``pleio_core.sites.evolve`` runs what is pending).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyramid.config import Configurator
from pyramid.registry import Registry

from pleio_core.services import EVOLVE_STEPS, PLUGINS

from .manager import PluginError

if TYPE_CHECKING:
    from pleio_core.content.site import SiteRoot


@dataclass(frozen=True)
class EvolveStep:
    """Bring ``module``'s data on one site from ``version - 1`` to ``version``."""

    module: str
    version: int
    title: str
    #: ``run(site_root, registry)``: change the site's data; raise to refuse (nothing is
    #: kept of what it did, and the site answers 503 until the step succeeds).
    run: Callable[[SiteRoot, Registry], None]


def add_evolve_step(
    config: Configurator,
    version: int,
    step: Callable[[SiteRoot, Registry], None],
    title: str = "",
) -> None:
    """Declare the step that brings the plugin's data to ``version`` (1, 2, …) on a site.

    ``step(site_root, registry)`` runs once per site, in a transaction of its own, without a
    request; ``title`` (default: the first line of its docstring) is what the control panel
    and ``pleio site evolve`` show. Two steps with one version are a configuration conflict.
    """
    module = PLUGINS(config.registry).plugin_of_package(config.package_name)
    if module is None:
        raise PluginError(f"add_evolve_step({version!r}): call it from a plugin's configure hook")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PluginError(f"add_evolve_step({version!r}) in {module}: versions are 1, 2, 3, …")
    doc = (step.__doc__ or "").strip().splitlines()
    declared = EvolveStep(module, version, title or (doc[0] if doc else step.__name__), step)

    def register() -> None:
        EVOLVE_STEPS(config.registry).setdefault(module, {})[version] = declared

    config.action(("pleio.evolve_step", module, version), register)


def steps_of(registry: Registry, module: str) -> list[EvolveStep]:
    """The module's steps, oldest first."""
    steps = EVOLVE_STEPS(registry).get(module, {})
    return [steps[v] for v in sorted(steps)]


def latest_version(registry: Registry, module: str) -> int:
    """The version the module's data is at once every step has run (0: it has none)."""
    return max(EVOLVE_STEPS(registry).get(module, {0: None}))
