"""Digests: each account's notifications since its last digest, in one mail, for the
accounts of a site that chose this frequency (``pleio digest``, ``cli/digest.py``).

Idempotent and resumable: for each account, the mail and the record of how far it got
(``SitePreferences.digested``: the key of the newest notification looked at) are one
transaction, committed account by account. Running twice sends nothing twice; a run that
is interrupted leaves the accounts done as done, and the next run sends the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.services import PLUGINS
from pleio_core.sites.config import SiteConfig
from pleio_core.sites.effective import effective_settings

from .audience import Audience
from .kinds import KINDS
from .mails import digest_mail
from .preferences import preferences_of, site_preferences
from .store import site_notifications

#: Notifications one digest lists at most (the rest are on the site's list).
DIGEST_ENTRIES = 50


@dataclass(frozen=True)
class Recipient:
    """What a digest needs of an account, read once from the platform database."""

    id: str
    email: str
    name: str
    language: str
    operator: bool
    two_factor: bool
    disabled: bool

    @classmethod
    def of(cls, account: Any) -> Recipient:
        return cls(
            account.id, account.email, account.name, account.language,
            account.operator, account.two_factor, account.disabled,
        )  # fmt: skip


def site_request(registry: Registry, site: SiteConfig, root: SiteRoot, base_url: str) -> Request:
    """A request of ``site`` outside the web server: what the rules of who sees what and
    the mails' links read of a request (its root, modules, plugins' hooks, settings)."""
    request = Request.blank("/", base_url=base_url)
    request.registry = registry
    installed = PLUGINS(registry)
    enabled = tuple(m for m in root.enabled_modules if m in installed)
    request.site = site
    request.site_root = root
    request.enabled_modules = enabled
    request.plugin_hooks = installed.hooks_for(enabled)
    request.site_settings = effective_settings(site, root)
    return request


def accounts_due(root: SiteRoot, frequency: str) -> list[str]:
    """The accounts with notifications on this site whose digest comes at ``frequency``."""
    store = site_notifications(root)
    if store is None:
        return []
    return [a for a in store.accounts() if preferences_of(root, a).frequency == frequency]


def digest_for(request: Request, recipient: Recipient, frequency: str) -> Any:
    """The digest mail for ``recipient`` (None: nothing new), recording how far it got.

    Writes only when there is something new; the caller commits (with the mail).
    """
    root = request.site_root
    store = site_notifications(root)
    inbox = store.inbox(recipient.id) if store is not None else None
    if inbox is None or recipient.disabled:
        return None
    preferences = site_preferences(root, create=True)
    _frequency, after = preferences.digested.get(recipient.id, (frequency, None))
    newest = next(iter(inbox.newest(after)), None)
    if newest is None:
        return None
    kinds = KINDS(request.registry)
    chosen = preferences_of(root, recipient.id)
    audience = Audience(request)
    listed = []
    for entry in inbox.newest(after):
        kind = kinds.get(entry.kind)
        if kind is None or entry.mailed or chosen.delivery(kind) != "digest":
            continue
        if audience.may_see(recipient, entry.content):  # as it is now, not as it was
            listed.append((kind, entry))
            if len(listed) == DIGEST_ENTRIES:
                break
    preferences.digested[recipient.id] = (frequency, newest.key)
    if not listed:
        return None
    return digest_mail(request, recipient, listed, frequency)  # type: ignore[arg-type]
