"""Kinds of notification: what happened, in words, and how it is delivered by default.

The core declares its own kinds the way a plugin declares one,
``config.add_notification_kind(name, title, text)``: ``title`` names the kind on the
settings page, ``text`` is the line in the list and the mail (it may use ``${actor}``,
who did it, and ``${title}``, the item's title). Two declarations of one name are a
configuration conflict at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyramid.config import Configurator
from pyramid.i18n import TranslationString

from pleio_core.i18n import _
from pleio_core.services import PLUGINS, Service

NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
#: How a kind reaches its recipient: an e-mail at once, in the digest, or only in the site.
DELIVERIES = ("email", "digest", "site")
DELIVERY_TITLES = {
    "email": _("E-mail at once"),
    "digest": _("In the digest"),
    "site": _("Only in the site"),
}


@dataclass(frozen=True)
class NotificationKind:
    name: str
    title: TranslationString | str
    text: TranslationString | str
    #: Delivery for someone who has not chosen (one of ``DELIVERIES``).
    default: str = "email"
    order: int = 100
    #: The plugin that declared it (None: the core's): offered only where it is enabled.
    module: str | None = None


KINDS: Service[dict[str, NotificationKind]] = Service(
    "notification kinds",
    "pleio_core.notifications",
    "What notifications can be about (add_notification_kind).",
)


def add_notification_kind(
    config: Configurator,
    name: str,
    title: TranslationString | str,
    text: TranslationString | str,
    default: str = "email",
    order: int = 100,
) -> None:
    """Declare a kind of notification (``notify(request, name, …)`` then sends it).

    ``default`` is its delivery until the recipient chooses (``email``, ``digest`` or
    ``site``); the settings page lists the kinds by ``order``, then by name, a plugin's
    only on the sites that enable it.
    """
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"add_notification_kind({name!r}): a name is a-z, 0-9 and -")
    if default not in DELIVERIES:
        raise ValueError(f"add_notification_kind({name!r}): default is one of {DELIVERIES}")
    module = None
    if config.package_name.partition(".")[0] != "pleio_core":
        module = PLUGINS(config.registry).plugin_of_package(config.package_name)
    kind = NotificationKind(name, title, text, default, order, module)

    def register() -> None:
        KINDS(config.registry)[name] = kind

    intr = config.introspectable("pleio notification kinds", name, name, "notification kind")
    intr["kind"] = kind
    config.action(("pleio.notification_kind", name), register, introspectables=(intr,))


#: The core's kinds (``includeme`` declares them with the directive, as a plugin would).
CORE_KINDS = (
    ("mention", _("Someone mentions you"), _("${actor} mentioned you in “${title}”"), "email", 10),
    (
        "reply-content",
        _("A comment on your content"),
        _("${actor} commented on “${title}”"),
        "email",
        20,
    ),
    (
        "reply-comment",
        _("A reply to your comment"),
        _("${actor} replied to your comment on “${title}”"),
        "email",
        30,
    ),
    (
        "followed-comment",
        _("A comment on what you follow"),
        _("${actor} commented on “${title}”, which you follow"),
        "digest",
        40,
    ),
    (
        "followed-changed",
        _("A change to what you follow"),
        _("${actor} changed “${title}”, which you follow"),
        "digest",
        50,
    ),
    (
        "followed-new",
        _("New content from whom or what you follow"),
        _("${actor} published “${title}”"),
        "digest",
        60,
    ),
    (
        "join-request",
        _("A request to join the site (admins)"),
        _("${actor} asks to become a member of this site"),
        "site",  # the admins get the request's own e-mail already (security.joining)
        70,
    ),
)


def includeme(config: Configurator) -> None:
    KINDS.provide(config, {})
    config.add_directive("add_notification_kind", add_notification_kind)
    for name, title, text, default, order in CORE_KINDS:
        config.add_notification_kind(name, title, text, default=default, order=order)
