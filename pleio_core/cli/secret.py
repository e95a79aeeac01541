"""``pleio secret``: print a new random value for ``PLEIO_SECRET``.

It reads no ``.ini`` and opens no database: run it anywhere, e.g.
``export PLEIO_SECRET="$(pleio secret)"``.
"""

from __future__ import annotations

import argparse
import secrets

#: 48 random bytes (64 characters): 384 bits, far over the 128 production start-up asks.
SECRET_BYTES = 48


def print_secret(args: argparse.Namespace) -> int:
    print(secrets.token_urlsafe(SECRET_BYTES))
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "secret", help="print a new random secret for PLEIO_SECRET (pleio.secret)"
    )
    p.set_defaults(run=print_secret)
