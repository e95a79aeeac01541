"""``pleio plugins list``: what is installed."""

from __future__ import annotations

import argparse

from pleio_core.services import PLUGINS

from . import reference
from .sites import _platform


def plugins_list(args: argparse.Namespace) -> int:
    """The loaded plugins; then those installed but not loaded, and the modules that site
    files name but that are not installed, each with why."""
    platform = _platform(args)
    plugins = PLUGINS(platform.registry)
    for plugin in plugins:
        info = plugin.info
        print(f"{plugin.name}\t{info.version}\t{info.title}\t{info.description}")
    for name, incompatible in sorted(plugins.incompatible.items()):
        info = incompatible.info
        print(f"{name}\t{info.version}\t{info.title}\tnot loaded: {incompatible.reason}")
    named: dict[str, list[str]] = {}
    for site in platform.sites:
        for module in platform.sites.unavailable(site.modules):
            named.setdefault(module, []).append(site.name)
    for module, sites in sorted(named.items()):
        if module not in plugins.incompatible:
            print(f"{module}\t-\t-\tnot installed; named by site(s): {', '.join(sites)}")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    plugins = commands.add_parser("plugins", help="installed plugins")
    sub = plugins.add_subparsers(dest="plugins_command", required=True, metavar="SUBCOMMAND")
    p = sub.add_parser("list", help="list installed plugins (name, version, title, description)")
    p.set_defaults(run=plugins_list)
    reference.add_commands(sub)
