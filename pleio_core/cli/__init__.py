"""The ``pleio`` command: manage deelsites and plugins from the shell.

Bad input prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pleio_core.exchange.errors import ArchiveError
from pleio_core.plugins import PluginError
from pleio_core.settings import SettingsError
from pleio_core.sites.config import SiteConfigError
from pleio_core.storage import StorageError

from . import (
    backup,
    catalog,
    cleaning,
    demo,
    digest,
    evolving,
    exchange,
    joining,
    periodic,
    plugins,
    purging,
    scaffold,
    secret,
    sites,
    twofactor,
    users,
    zeo,
)
from .context import UsageError


class Parser(argparse.ArgumentParser):
    """Reports a usage mistake in one line (exit status 2), not the whole usage text."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="pleio", description="Manage a Pleio installation.")
    parser.add_argument(
        "-c", "--config", default="development.ini", help="the .ini file (default: %(default)s)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    site_commands = sites.add_commands(commands)
    joining.add_commands(site_commands)
    twofactor.add_commands(site_commands)
    catalog.add_commands(site_commands)
    exchange.add_commands(site_commands)
    evolving.add_commands(site_commands)
    purging.add_commands(site_commands)
    plugins.add_commands(commands)
    scaffold.add_commands(commands)
    users.add_commands(commands)
    demo.add_commands(commands)
    digest.add_commands(commands)
    periodic.add_commands(commands)
    backup.add_commands(commands)
    secret.add_commands(commands)
    cleaning.add_commands(commands)
    zeo.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except (
        UsageError,
        SiteConfigError,
        SettingsError,
        PluginError,
        StorageError,
        ArchiveError,
    ) as exc:
        print(f"pleio: error: {exc}", file=sys.stderr)
        return 2


__all__ = ["UsageError", "main"]
