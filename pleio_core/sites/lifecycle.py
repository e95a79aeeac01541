"""Creating a site's root object and switching its modules on and off."""

from __future__ import annotations

import logging

import transaction
from pyramid.registry import Registry
from ZODB.Connection import Connection

from pleio_core.content.events import ContentRemoved
from pleio_core.content.model import Content, content_in
from pleio_core.content.site import ROOT_KEY, ModuleFolder, SiteRoot
from pleio_core.services import MODULE_FOLDERS, PLUGINS, SITES
from pleio_core.storage.databases import SiteDatabases
from pleio_core.storage.retry import committed

from .audit import append_entry
from .config import SiteConfig
from .effective import effective_access
from .evolve import pending_steps, start_data_version

log = logging.getLogger(__name__)
#: tries of the transaction that applies a site file, when processes apply it at once
APPLY_ATTEMPTS = 5


def enable_module(
    root: SiteRoot, module: str, registry: Registry, actor: tuple[str, str] | None = None
) -> bool:
    """Switch ``module`` on; create its folder if it has none. False if already on.

    ``actor`` is the (account id, e-mail address) the audit log names; None for the platform.
    """
    plugins = PLUGINS(registry)
    if module not in plugins or module in root.enabled_modules:
        return False
    missing = [m for m in plugins.plugins[module].needs if m not in root.enabled_modules]
    for needed in missing:
        enable_module(root, needed, registry, actor)
    folder_title = MODULE_FOLDERS(registry).get(module)
    fresh = folder_title is None or module not in root
    if folder_title is not None and module not in root:
        root.add(module, ModuleFolder(module, str(folder_title)))
    start_data_version(root, module, registry, fresh)
    root.enabled_modules = (*root.enabled_modules, module)
    actor_id, actor_email = actor or (None, "")
    append_entry(root, "module-enabled", actor_id, actor_email, module=module)
    plugins.call_for(module, "pleio_module_enabled", site=root, registry=registry)
    return True


def disable_module(
    root: SiteRoot, module: str, registry: Registry, actor: tuple[str, str] | None = None
) -> bool:
    """Switch ``module`` off; its data stays. False if it was not on."""
    if module not in root.enabled_modules:
        return False
    root.enabled_modules = tuple(m for m in root.enabled_modules if m != module)
    actor_id, actor_email = actor or (None, "")
    append_entry(root, "module-disabled", actor_id, actor_email, module=module)
    return True


def purge_module(
    root: SiteRoot, module: str, registry: Registry, actor: tuple[str, str] | None = None
) -> int:
    """Delete ``module``'s data from the site: what the plugin keeps elsewhere (its
    ``pleio_purge_module``), then its folder and everything in it, as content is deleted
    (so the catalog forgets it). The module must be switched off and installed. Returns the
    number of content items deleted; audited."""
    if module in root.enabled_modules:
        raise ValueError(f"module {module!r} is switched on: switch it off first")
    plugins = PLUGINS(registry)
    if module not in plugins:
        raise ValueError(f"module {module!r} is not installed: install it to purge its data")
    plugins.call_for(module, "pleio_purge_module", site=root, registry=registry)
    folder = root.get(module)  # (not root[module]: that hides a switched-off module)
    deleted = 0
    if isinstance(folder, ModuleFolder):
        for child in folder.values():  # told while they still know their site
            if isinstance(child, Content):
                deleted += sum(1 for _ in content_in(child))
                registry.notify(ContentRemoved(child))
        root.remove(module)
    if root.data_versions is not None:
        root.data_versions.pop(module, None)
    actor_id, actor_email = actor or (None, "")
    append_entry(root, "module-purged", actor_id, actor_email, module=module, items=str(deleted))
    return deleted


def apply_site_config(root: SiteRoot, site: SiteConfig, registry: Registry) -> None:
    """Apply what changed in the operator's file since it was last applied.

    A module added to the file is enabled, one removed from it is disabled; modules the
    holder switched on or off in between are otherwise left as they are.
    """
    root.set_acl(effective_access(site, root))
    if root.file_modules == site.modules:
        return
    for module in site.modules:
        if module not in root.file_modules:
            enable_module(root, module, registry)
    for module in root.file_modules:
        if module not in site.modules:
            disable_module(root, module, registry)
    root.file_modules = site.modules


def pending_modules(root: SiteRoot, site: SiteConfig) -> tuple[str, ...]:
    """The modules ``root`` will have once ``apply_site_config`` applied ``site``'s file."""
    added = [m for m in site.modules if m not in root.file_modules]
    removed = [m for m in root.file_modules if m not in site.modules]
    kept = [m for m in root.enabled_modules if m not in removed]
    return (*kept, *(m for m in added if m not in kept))


def get_site_root(conn: Connection, site: SiteConfig, registry: Registry) -> SiteRoot:
    """The SiteRoot in ``conn``'s database, created (with its modules) on first use."""
    zodb_root = conn.root()
    root = zodb_root.get(ROOT_KEY)
    if root is None:
        log.info("creating the database of site %s", site.name)
        root = SiteRoot(site.name, site.title)
        zodb_root[ROOT_KEY] = root
    apply_site_config(root, site, registry)
    return root


def prepare_site(databases: SiteDatabases, site: SiteConfig, registry: Registry) -> None:
    """Bring ``site``'s database up to its file, in a transaction of its own, before a
    request opens it; once per change of the file in this process.

    A request then only reads: no GET writes, and no request fails or rolls back the change
    for what another request does. Several processes (or threads) that see a change at
    once each check; the first commits it and the others find nothing left to do (a
    conflict between them is tried again). What is applied: the root made on first use,
    the ACL for the site's access, modules added to or removed from the file.
    """
    applied = SITES(registry).applied
    if applied.get(site.name) is site:
        return
    manager = transaction.TransactionManager()
    conn = databases.connect(site.name, manager)
    try:
        pending = committed(
            manager,
            lambda: len(pending_steps(get_site_root(conn, site, registry), registry)),
            APPLY_ATTEMPTS,
            f"pleio: apply the site file of {site.name}",
        )
    finally:
        databases.release(site.name, conn)
    if pending and applied.get(site.name) is None:  # once per process
        log.warning(
            "site %s: %d evolve step(s) pending: run `pleio site evolve %s` "
            "(or Modules in its control panel)",
            site.name,
            pending,
            site.name,
        )
    applied[site.name] = site


def read_site_root(conn: Connection) -> SiteRoot | None:
    """The SiteRoot in ``conn``'s database as ``prepare_site`` left it (None without one)."""
    return conn.root().get(ROOT_KEY)


def enabled_dependants(root: SiteRoot, module: str, registry: Registry) -> list[str]:
    """The enabled modules that need ``module``: it may not be switched off while they are on."""
    plugins = PLUGINS(registry)
    return [m for m in root.enabled_modules if m in plugins and module in plugins.plugins[m].needs]


def missing_requirements(root: SiteRoot, module: str, registry: Registry) -> list[str]:
    """The modules ``enable_module`` would switch on as well (``module`` needs them), in order."""
    plugins = PLUGINS(registry)
    missing: list[str] = []

    def visit(name: str) -> None:
        for needed in plugins.plugins[name].needs:
            if needed not in root.enabled_modules and needed not in missing:
                visit(needed)
                missing.append(needed)

    if module in plugins:
        visit(module)
    return missing
