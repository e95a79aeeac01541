"""``pleio site require-two-factor NAME on|off``: keep accounts without two-factor out.

Until the control panel offers it, the operator sets it for the holder. It lives in the
site's own database, as the holder's other choices do, not in the site's file.
"""

from __future__ import annotations

import argparse

from pleio_core.content.site import SiteRoot
from pleio_core.security.audit import record

from .sites import _platform, _site


def require_two_factor(args: argparse.Namespace) -> int:
    platform = _platform(args)
    site = _site(platform, args.name)
    required = args.state == "on"

    def change(root: SiteRoot) -> None:
        root.require_two_factor = required
        record(root, "two-factor-policy", None, required=required, via="command line")

    platform.edit_site(site, change)
    if required:
        print(f"{site.name} requires two-factor sign-in: members without it keep no role there")
    else:
        print(f"{site.name} no longer requires two-factor sign-in")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``require-two-factor`` to ``pleio site`` (``sub``: its sub-commands)."""
    p = sub.add_parser(
        "require-two-factor", help="let only accounts with two-factor sign-in use a deelsite"
    )
    p.add_argument("name")
    p.add_argument("state", choices=("on", "off"))
    p.set_defaults(run=require_two_factor)
