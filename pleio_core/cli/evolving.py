"""``pleio site evolve [NAME]``: run the plugins' pending evolve steps on deelsites.

Like every command that writes, it needs the databases free: a running server holds a
FileStorage (the Modules page of a site's control panel runs the same steps from a
running server).
"""

from __future__ import annotations

import argparse
import sys

import transaction

from pleio_core.sites.config import SiteConfig
from pleio_core.sites.evolve import EvolveRun, evolve_site, pending_steps
from pleio_core.sites.lifecycle import get_site_root

from .context import Platform, opened
from .sites import _platform, _site


def _evolve(platform: Platform, site: SiteConfig) -> EvolveRun:
    with opened(platform.storage_uri(site.name, site), site.name) as db:
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            with manager:  # the site's file applied first: its modules are the ones to evolve
                get_site_root(conn, site, platform.registry)
            return evolve_site(conn, manager, platform.registry)
        finally:
            conn.close()


def site_evolve(args: argparse.Namespace) -> int:
    platform = _platform(args)
    sites = [_site(platform, args.name)] if args.name else list(platform.sites)
    if args.list:
        for site in sites:
            steps = platform.read_root(site, lambda root: pending_steps(root, platform.registry))
            for step in steps or ():
                print(f"{site.name}\t{step.module}\t{step.version}\t{step.title}")
        return 0
    failed = 0
    for site in sites:
        run = _evolve(platform, site)
        for step in run.done:
            print(f"{site.name}: {step.module} {step.version} done: {step.title}")
        if run.failed is not None:
            failed += 1
            step = run.failed
            print(
                f"pleio: {site.name}: {step.module} {step.version} failed ({step.title}): "
                f"{run.error}; nothing of it was kept, and the site answers 503 until it succeeds",
                file=sys.stderr,
            )
        elif not run.done:
            print(f"{site.name}: up to date")
    return 1 if failed else 0


def add_commands(site_commands: argparse._SubParsersAction) -> None:
    p = site_commands.add_parser(
        "evolve", help="run the modules' pending data updates (evolve steps) on deelsites"
    )
    p.add_argument("name", nargs="?", help="one deelsite (default: every one)")
    p.add_argument("--list", action="store_true", help="only list the pending steps")
    p.set_defaults(run=site_evolve)
