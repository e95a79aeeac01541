"""What the commands cron runs in every site (``pleio digest``, ``pleio periodic``) share:
which sites to visit, and the site's address with a transaction manager whose mailer
sends when its transaction commits."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

import transaction

from pleio_core.mail import make_mailer

from .context import Platform
from .sites import _site


def sites_to_visit(platform: Platform, args: argparse.Namespace) -> Iterator[Any]:
    """The site ``--site`` names (2 if none has that name), or every one; those switched
    off or without a database yet (nothing is due there) left out."""
    sites = [_site(platform, args.site)] if args.site else list(platform.sites)
    if not sites:
        print("no sites", file=sys.stderr)
    for site in sites:
        if not site.disabled and platform.read_root(site, lambda root: True) is not None:
            yield site


def site_mail(platform: Platform, site: Any) -> tuple[str, transaction.TransactionManager, Any]:
    """The site's address, a transaction manager, and a mailer that sends when that
    manager's transaction commits."""
    scheme = "https" if platform.settings.secure_cookies else "http"
    manager = transaction.TransactionManager()
    mailer = make_mailer(platform.settings.mail).bind(transaction_manager=manager)
    return f"{scheme}://{site.primary_host}", manager, mailer
