"""``pleio periodic [--site NAME]``: the plugins' work that is due (``pleio_periodic``).

For cron, every 15 minutes or so (docs/operator-guide.md): for each site, each enabled
plugin that implements the hook runs in a transaction of its own, with a request of the
site that sends mail when it commits (as ``pleio digest`` builds it). A write conflict —
another run at the same moment — rolls back and is tried again. It prints one line per
site; a plugin that raises is logged and the command exits 1 after the rest ran; bad input
exits 2. Like every command that writes, it needs the databases free when they are
FileStorages (use ZEO or RelStorage to run it beside the server).
"""

from __future__ import annotations

import argparse
import logging

import transaction
from persistent.mapping import PersistentMapping

from pleio_core.content.site import ROOT_KEY
from pleio_core.notifications.digest import site_request
from pleio_core.services import PLUGINS
from pleio_core.sites.lifecycle import get_site_root
from pleio_core.storage import PLATFORM_KEY
from pleio_core.storage.retry import committed

from .context import Platform, opened
from .cron import site_mail, sites_to_visit
from .sites import _platform

log = logging.getLogger(__name__)
HOOK = "pleio_periodic"


def implementers(platform: Platform, enabled: tuple[str, ...]) -> list[str]:
    caller = getattr(PLUGINS(platform.registry).pm.hook, HOOK)
    names = {impl.plugin_name for impl in caller.get_hookimpls()}
    return [name for name in enabled if name in names]


def periodic_site(platform: Platform, site, db, attempts: int = 10) -> tuple[int, int]:
    """Run the site's plugins' periodic work in ``db``; (how many ran, how many failed)."""
    base_url, manager, mailer = site_mail(platform, site)
    installed = PLUGINS(platform.registry)
    ran = failed = 0
    with opened(platform.settings.platform_storage_uri, "platform", read_only=True) as pdb:
        accounts = pdb.open(transaction_manager=transaction.TransactionManager())
        conn = db.open(transaction_manager=manager)
        try:
            # the site's file applied first, as every command that writes a site does
            root = committed(
                manager, lambda: get_site_root(conn, site, platform.registry), attempts,
                f"pleio periodic: apply the site file of {site.name}",
            )  # fmt: skip
            enabled = tuple(m for m in root.enabled_modules if m in installed)
            for plugin in implementers(platform, enabled):

                def work(plugin: str = plugin) -> object:
                    accounts.sync()
                    root = conn.root()[ROOT_KEY]
                    request = site_request(platform.registry, site, root, base_url)
                    request.platform_root = accounts.root().get(PLATFORM_KEY, PersistentMapping())
                    request.mailer = mailer
                    request.tm = manager
                    return installed.call_for(
                        plugin, HOOK, site=root, registry=platform.registry, request=request
                    )

                try:
                    committed(manager, work, attempts, f"pleio periodic: {plugin}")
                    ran += 1
                except Exception:
                    log.exception("site %s: plugin %r failed in pleio_periodic", site.name, plugin)
                    failed += 1
        finally:
            manager.abort()
            conn.close()
            accounts.close()
    return ran, failed


def periodic(args: argparse.Namespace) -> int:
    platform = _platform(args)
    status = 0
    for site in sites_to_visit(platform, args):
        with opened(platform.storage_uri(site.name, site), site.name) as db:
            ran, failed = periodic_site(platform, site, db)
        print(f"{site.name}: {ran} module(s) did their periodic work, {failed} failed")
        if failed:
            status = 1
    return status


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "periodic", help="let the modules do what is due: reminders and the like (for cron)"
    )
    p.add_argument("--site", default="", help="only this deelsite (default: every one)")
    p.set_defaults(run=periodic)
