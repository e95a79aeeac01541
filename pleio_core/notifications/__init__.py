"""Notifications, a core facility: who is told what happened, in the site and by e-mail.

Public API for plugin authors (re-exported by ``pleio_core.plugin_api``): ``notify``,
``config.add_notification_kind``, and following — ``follow``, ``unfollow``,
``is_following``, ``followers`` and ``follow_button``. The core's own events (comments,
mentions, new and changed content, requests to join) notify through the same ``notify``
(``subscribers``); the digest is ``pleio digest`` (``digest``, ``cli/digest.py``).
"""

from pyramid.config import Configurator
from pyramid.events import BeforeRender

from pleio_core.i18n import _

from .buttons import follow_button, mention_hints
from .follows import FollowError, content_key, follow, followers, is_following, unfollow
from .kinds import KINDS, NotificationKind, add_notification_kind
from .mentions import mentions_in as mentioned_members
from .notify import UnknownKind, notify
from .store import unread_count
from .widget import followed_activity

__all__ = [
    "KINDS",
    "FollowError",
    "NotificationKind",
    "UnknownKind",
    "add_notification_kind",
    "content_key",
    "follow",
    "follow_button",
    "followed_activity",
    "followers",
    "includeme",
    "is_following",
    "mentioned_members",
    "notify",
    "unfollow",
    "unread_count",
]


def _template_helpers(event: BeforeRender) -> None:
    """``follow_button`` and ``mention_hints`` for every template (the content page's
    reactions and comments use them)."""
    event.setdefault("follow_button", follow_button)
    event.setdefault("mention_hints", mention_hints)


def includeme(config: Configurator) -> None:
    """Everything but the directive (``kinds``, included before the plugins, which use it)."""
    config.include(".subscribers")
    config.include(".views")
    config.add_subscriber(_template_helpers, BeforeRender)
    config.add_home_widget(
        "following", followed_activity, _("What I follow"), more="", more_title="", order=5
    )
