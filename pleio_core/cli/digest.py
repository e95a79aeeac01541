"""``pleio digest --frequency daily|weekly``: mail each account its digest of notifications.

For cron (docs/operator-guide.md): it prints one line per site and exits 0; bad input
exits 2. Every account is one transaction — its mail and the record of how far its
digest got — so a second run sends nothing twice and an interrupted run resumes where it
stopped. Like every command that writes, it needs the databases free when they are
FileStorages (use ZEO or RelStorage to run it beside the server).
"""

from __future__ import annotations

import argparse

from pleio_core.content.site import ROOT_KEY
from pleio_core.notifications.digest import Recipient, accounts_due, digest_for, site_request
from pleio_core.notifications.preferences import FREQUENCIES
from pleio_core.security.store import accounts_of

from .context import Platform, UsageError, opened
from .cron import site_mail, sites_to_visit
from .sites import _platform

FREQUENCY_CHOICES = tuple(f for f in FREQUENCIES if f != "never")


def _recipients(platform: Platform) -> dict[str, Recipient]:
    def read(root) -> dict[str, Recipient]:
        accounts = accounts_of(root)
        return {a.id: Recipient.of(a) for a in accounts} if accounts is not None else {}

    return platform.read_platform(read)


def digest_site(platform: Platform, site, recipients: dict[str, Recipient], frequency: str) -> int:
    """Send the site's digests of ``frequency``; how many were sent."""
    base_url, manager, mailer = site_mail(platform, site)
    sent = 0
    with opened(platform.storage_uri(site.name, site), site.name) as db:
        conn = db.open(transaction_manager=manager)
        try:
            manager.begin()
            root = conn.root().get(ROOT_KEY)
            due = accounts_due(root, frequency) if root is not None else []
            manager.abort()
            for account_id in due:
                recipient = recipients.get(account_id)
                if recipient is None:
                    continue
                manager.begin()
                root = conn.root()[ROOT_KEY]
                request = site_request(platform.registry, site, root, base_url)
                message = digest_for(request, recipient, frequency)
                if message is not None:
                    mailer.send(message)  # sent when this account's transaction commits
                    sent += 1
                manager.commit()
        finally:
            manager.abort()
            conn.close()
    return sent


def digest(args: argparse.Namespace) -> int:
    platform = _platform(args)
    if args.frequency not in FREQUENCY_CHOICES:
        raise UsageError(f"--frequency is daily or weekly, not {args.frequency!r}")
    recipients = _recipients(platform)
    for site in sites_to_visit(platform, args):
        sent = digest_site(platform, site, recipients, args.frequency)
        print(f"{site.name}: {sent} {args.frequency} digest(s) sent")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "digest", help="mail each account its digest of notifications (for cron)"
    )
    p.add_argument("--frequency", required=True, help="daily or weekly")
    p.add_argument("--site", default="", help="only this deelsite (default: every one)")
    p.set_defaults(run=digest)
