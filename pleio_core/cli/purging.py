"""``pleio site purge-module NAME MODULE``: delete a switched-off module's data from a site.

Switching a module off keeps its data; this is the step after, for a module the site will
not use again (or before uninstalling a plugin for good). It cannot be undone, except
from a backup, so it asks first.
"""

from __future__ import annotations

import argparse
import sys

from pleio_core.content.site import SiteRoot
from pleio_core.sites.lifecycle import purge_module

from .context import UsageError
from .sites import _platform, _site


def site_purge_module(args: argparse.Namespace) -> int:
    platform = _platform(args)
    site = _site(platform, args.name)
    module = args.module
    if module in site.modules:
        raise UsageError(
            f"{site.name} has {module!r} in its file: "
            f"pleio site disable-module {site.name} {module} first"
        )
    modules = platform.effective_modules(site)
    if modules is not None and module in modules:
        raise UsageError(f"{module!r} is switched on for {site.name}: switch it off first")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("this deletes data for good: add --yes to confirm")
        answer = input(
            f"Delete all data of {module!r} from {site.name}, for good? Type the site's name: "
        )
        if answer.strip() != site.name:
            print("nothing deleted", file=sys.stderr)
            return 1

    def purge(root: SiteRoot) -> int:
        try:
            return purge_module(root, module, platform.registry)
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    deleted = platform.edit_site(site, purge)
    print(f"{site.name}: the data of {module} is deleted ({deleted} content items)")
    return 0


def add_commands(site_commands: argparse._SubParsersAction) -> None:
    p = site_commands.add_parser(
        "purge-module", help="delete a switched-off module's data from a deelsite, for good"
    )
    p.add_argument("name")
    p.add_argument("module")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(run=site_purge_module)
