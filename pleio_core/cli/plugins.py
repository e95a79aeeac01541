"""``pleio plugins list``: what is installed."""

from __future__ import annotations

import argparse

from pleio_core.services import PLUGINS

from .sites import _platform


def plugins_list(args: argparse.Namespace) -> int:
    platform = _platform(args)
    for plugin in PLUGINS(platform.registry):
        info = plugin.info
        print(f"{plugin.name}\t{info.version}\t{info.title}\t{info.description}")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    plugins = commands.add_parser("plugins", help="installed plugins")
    sub = plugins.add_subparsers(dest="plugins_command", required=True, metavar="SUBCOMMAND")
    p = sub.add_parser("list", help="list installed plugins (name, version, title, description)")
    p.set_defaults(run=plugins_list)
