"""``notify``: tell accounts that something happened, each as they chose, never about what
they may not see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyramid.request import Request

from pleio_core.security.store import platform_accounts

from .audience import Audience
from .kinds import KINDS
from .mails import send_event_mail
from .preferences import preferences_of
from .store import site_notifications


class UnknownKind(ValueError):
    """``notify`` was asked for a kind nobody declared (``add_notification_kind``)."""


def deliver(
    request: Request,
    kind: str,
    recipients: Iterable[str],
    content: Any = None,
    *,
    actor: str | None = None,
    link: str = "",
) -> set[str]:
    """The work of ``notify``; the ids of the accounts notified."""
    kinds = KINDS(request.registry)
    declared = kinds.get(kind)
    if declared is None:
        raise UnknownKind(f"unknown notification kind {kind!r} (declared: {', '.join(kinds)})")
    root = request.site_root
    accounts = platform_accounts(request)
    if root is None or accounts is None:
        return set()
    identity = request.identity
    if actor is None and identity is not None:
        actor = identity.id
    if identity is not None and actor == identity.id:
        actor_name = identity.name
    else:
        actor_account = accounts.get(actor) if actor else None
        actor_name = actor_account.name if actor_account is not None else ""
    audience = Audience(request)
    notified: set[str] = set()
    for account_id in dict.fromkeys(recipients):
        if account_id == actor or account_id in notified:
            continue
        account = accounts.get(account_id)
        if account is None or not audience.may_see(account, content):
            continue  # (nothing is written: a notification would name what they may not see)
        delivery = preferences_of(root, account_id).delivery(declared)
        inbox = site_notifications(root, create=True).inbox(account_id, create=True)
        entry = inbox.add(kind, actor, actor_name, content, link, delivery == "email")
        if delivery == "email":
            send_event_mail(request, account, declared, entry)
        notified.add(account_id)
    return notified


def notify(
    request: Request,
    kind: str,
    recipients: Iterable[str],
    content: Any = None,
    *,
    actor: str | None = None,
    link: str = "",
) -> int:
    """Notify ``recipients`` (account ids) on this site that ``kind`` happened to
    ``content`` (or, without content, on the page at ``link``, a path); returns how many
    were notified.

    ``actor`` (default: the signed-in account) did it, and is never notified. A recipient
    who may not view ``content`` here — with their own principals for this site, its
    publication state, its module enabled — gets nothing. Each recipient gets it in the
    site's list and, as they chose for the kind, by e-mail at once (sent when the
    transaction commits) or in their digest. With content, ``link`` is what follows its
    address (``#comment-12``). An undeclared ``kind`` raises ``ValueError``.
    """
    return len(deliver(request, kind, recipients, content, actor=actor, link=link))
