"""The mails of notifications: one per event, or a digest of many; each in the recipient's
language, with a link to what it is about, one to the settings, and a one-click
unsubscribe link with the RFC 8058 headers (``List-Unsubscribe``, ``List-Unsubscribe-Post``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from pyramid.i18n import Localizer, TranslationString
from pyramid.request import Request
from pyramid_mailer.message import Message

from pleio_core.i18n import _
from pleio_core.mail import build_message, localizer_for
from pleio_core.security.accounts import Account
from pleio_core.services import SETTINGS

from .kinds import NotificationKind
from .preferences import unsubscribe_token
from .store import Notification


def item_url(request: Request, entry: Notification) -> str:
    """Where a notification leads: its content (and the place in it), or a page of the site."""
    if entry.content is not None:
        return request.resource_url(entry.content) + entry.link
    return request.application_url + (entry.link or "/@@notifications")


def notification_text(localizer: Localizer, kind: NotificationKind, entry: Notification) -> str:
    """The line that says what happened, in the localizer's language."""
    title = entry.content.title if entry.content is not None else ""
    mapping = {"actor": entry.actor_name or "?", "title": title}
    return localizer.translate(TranslationString(kind.text, mapping=mapping))


def unsubscribe_url(request: Request, account_id: str) -> str:
    secret = SETTINGS(request.registry).secret
    token = unsubscribe_token(secret, request.site.name, account_id)
    return f"{request.application_url}/@@unsubscribe?{urlencode({'token': token})}"


def site_title(request: Request) -> str:
    settings = request.site_settings
    return settings.title if settings is not None else request.site_root.title


def _message(
    request: Request, account: Account, subject: str, lines: Sequence[str], localizer: Localizer
) -> Message:
    unsubscribe = unsubscribe_url(request, account.id)
    footer = localizer.translate(
        _(
            "Choose which notifications you get by e-mail: ${settings}\n"
            "No more e-mail from ${site}: ${unsubscribe}",
            mapping={
                "settings": request.application_url + "/@@notification-settings",
                "site": site_title(request),
                "unsubscribe": unsubscribe,
            },
        )
    )
    body = "\n".join(lines) + "\n\n-- \n" + footer + "\n"
    message = build_message(request.registry, account.email, subject, body, account.language)
    message.extra_headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return message


def event_mail(
    request: Request, account: Account, kind: NotificationKind, entry: Notification
) -> Message:
    localizer = localizer_for(request.registry, account.language)
    text = notification_text(localizer, kind, entry)
    subject = f"[{site_title(request)}] {text}"
    return _message(request, account, subject, [text, "", item_url(request, entry)], localizer)


def digest_mail(
    request: Request,
    account: Account,
    entries: Sequence[tuple[NotificationKind, Notification]],
    frequency: str,
) -> Message:
    localizer = localizer_for(request.registry, account.language)
    site = site_title(request)
    count = len(entries)
    heading = localizer.pluralize(
        "${count} notification on ${site}",
        "${count} notifications on ${site}",
        count,
        domain="pleio",
        mapping={"count": count, "site": site},
    )
    subject = localizer.translate(
        _("Daily digest: ${what}", mapping={"what": heading})
        if frequency == "daily"
        else _("Weekly digest: ${what}", mapping={"what": heading})
    )
    lines: list[str] = [heading, ""]
    for kind, entry in entries:
        lines += [f"- {notification_text(localizer, kind, entry)}", f"  {item_url(request, entry)}"]
    lines += ["", localizer.translate(_("All your notifications: ${url}", mapping={
        "url": request.application_url + "/@@notifications"}))]  # fmt: skip
    return _message(request, account, subject, lines, localizer)


def send_event_mail(request: Request, account: Account, kind: NotificationKind, entry: Any) -> None:
    """Queue the event's mail; it leaves when the request's transaction commits."""
    request.mailer.send(event_mail(request, account, kind, entry))
