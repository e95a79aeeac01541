"""Running plugins' evolve steps on a site: what is pending, one step per transaction.

Each site records per module the version its data is at (``SiteRoot.data_versions``). A
module switched on for the first time starts at its latest version (there is nothing old
to change); one whose data predates its steps (no record) is at 0. Steps run outside
any request, each in a transaction of its own with the version it reaches, so a site is
never half-way through a step. A step that raises is rolled back, the failure is written
down, and the site answers 503 (its maintenance page) until a later run gets past it;
the other sites are not touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import transaction
from persistent.mapping import PersistentMapping
from pyramid.registry import Registry
from ZODB.Connection import Connection

from pleio_core.clock import now
from pleio_core.content.site import ROOT_KEY, SiteRoot
from pleio_core.plugins.evolve import EvolveStep, latest_version, steps_of
from pleio_core.services import PLUGINS
from pleio_core.storage.retry import committed

from .audit import append_entry

log = logging.getLogger(__name__)
#: tries of one step when another process writes to the site at the same moment
STEP_ATTEMPTS = 3


def data_version(root: SiteRoot, module: str) -> int:
    return (root.data_versions or {}).get(module, 0)


def set_data_version(root: SiteRoot, module: str, version: int) -> None:
    if root.data_versions is None:
        root.data_versions = PersistentMapping()
    root.data_versions[module] = version


def start_data_version(root: SiteRoot, module: str, registry: Registry, fresh: bool) -> None:
    """A module being switched on: new data is at the latest version (old data keeps its)."""
    if fresh and module not in (root.data_versions or {}):
        set_data_version(root, module, latest_version(registry, module))


def pending_steps(root: SiteRoot, registry: Registry) -> list[EvolveStep]:
    """The steps still to run on this site, for its switched-on, loaded modules, in order."""
    plugins = PLUGINS(registry)
    return [
        step
        for module in root.enabled_modules
        if module in plugins
        for step in steps_of(registry, module)
        if step.version > data_version(root, module)
    ]


@dataclass
class EvolveRun:
    """What one run did on one site: the steps done, and the one that failed (or None)."""

    done: list[EvolveStep] = field(default_factory=list)
    failed: EvolveStep | None = None
    error: str = ""


def evolve_site(
    conn: Connection,
    manager: transaction.TransactionManager,
    registry: Registry,
    actor: tuple[str, str] | None = None,
) -> EvolveRun:
    """Run the pending steps of the site in ``conn`` (joined to ``manager``), in order, each
    in a transaction of its own, stopping at the first that fails. ``actor`` is (account
    id, e-mail) for the audit log."""
    actor_id, actor_email = actor or (None, "")
    run = EvolveRun()
    manager.begin()
    root: SiteRoot | None = conn.root().get(ROOT_KEY)
    if root is None:
        return run
    for step in pending_steps(root, registry):

        def apply(step: EvolveStep = step) -> bool:
            # each attempt looks again: a run beside this one (another admin, the command)
            # may have done the step since, and it must not run twice
            if data_version(root, step.module) >= step.version:
                return False
            step.run(root, registry)
            set_data_version(root, step.module, step.version)
            details = {"module": step.module, "version": str(step.version)}
            append_entry(root, "module-evolved", actor_id, actor_email, **details)
            return True

        try:
            done = committed(
                manager, apply, STEP_ATTEMPTS, f"pleio: evolve {step.module} to {step.version}"
            )
        except Exception as exc:
            log.exception(
                "site %s: evolve step %s %d failed", root.site_name, step.module, step.version
            )
            run.failed, run.error = step, f"{type(exc).__name__}: {exc}"

            def record(step: EvolveStep = step) -> None:
                root.evolve_failure = {
                    "module": step.module,
                    "version": step.version,
                    "title": step.title,
                    "error": run.error,
                    "at": now().isoformat(),
                }
                details = {"module": step.module, "version": str(step.version)}
                append_entry(root, "evolve-failed", actor_id, actor_email, **details)

            committed(manager, record, STEP_ATTEMPTS, f"pleio: evolve {step.module} failed")
            return run
        if done:
            run.done.append(step)
    if root.evolve_failure is not None:

        def recovered() -> None:
            root.evolve_failure = None

        committed(manager, recovered, STEP_ATTEMPTS, "pleio: every evolve step done")
    return run
