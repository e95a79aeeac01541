"""Mail to accounts: each message in the account's own language, none to a disabled one."""

from __future__ import annotations

from collections.abc import Iterable

from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.mail import send_mail

from .store import platform_accounts


def mail_accounts(
    request: Request,
    account_ids: Iterable[str],
    subject: TranslationString | str,
    body: TranslationString | str,
) -> int:
    """Queue a message to each of these accounts, in the account's own language; accounts
    that no longer exist (or are disabled) are left out. Sent when the transaction commits;
    the number queued."""
    accounts = platform_accounts(request)
    sent = 0
    for account_id in account_ids:
        account = accounts.get(account_id) if accounts is not None else None
        if account is None or getattr(account, "disabled", False):
            continue
        send_mail(request, account.email, subject, body, account.language)
        sent += 1
    return sent
