"""Invitations to a group by e-mail: a link that lets one person join, once.

An owner or admin of the group types addresses; each gets a mail with a link to the group's
``@@invitation`` page. The link holds a random token; the group keeps only its SHA-256
digest, the address, who invited and until when it is valid. The link is bound to the
address it was sent to — whoever signs in with another address is refused and the link stays
unused — unless the inviter chose an open link (then whoever is a member of the site and
signs in may use it, once). Accepting needs membership of the site: the page says how to
become one first, and the link keeps.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import NamedTuple

from BTrees.OOBTree import OOBTree

from .groups import Group

INVITATION_DAYS = 14
MAX_AT_ONCE = 50  # a pasted list with a typo should not mail a thousand people


class EmailInvitation(NamedTuple):
    email: str
    inviter: str  # account id
    expires: float  # a Unix time
    bound: bool  # only for an account with ``email``


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(group: Group, email: str, inviter: str, bound: bool, when: float | None = None) -> str:
    """A new link's token for ``email`` (the group keeps its digest)."""
    when = time.time() if when is None else when
    if group.email_invitations is None:
        group.email_invitations = OOBTree()
    for digest, invitation in list(group.email_invitations.items()):
        if invitation.expires < when:  # few per group: cleared as new ones are made
            del group.email_invitations[digest]
    token = secrets.token_urlsafe(32)
    expires = when + INVITATION_DAYS * 24 * 3600
    group.email_invitations[_digest(token)] = EmailInvitation(email, inviter, expires, bound)
    return token


def look_up(group: Group, token: object, when: float | None = None) -> EmailInvitation | None:
    """The invitation the token is for, if it is valid (unused, not expired)."""
    if not isinstance(token, str) or not token or group.email_invitations is None:
        return None
    found = group.email_invitations.get(_digest(token))
    if found is None or found.expires < (time.time() if when is None else when):
        return None
    return found


def use_up(group: Group, token: str) -> None:
    if group.email_invitations is not None:
        group.email_invitations.pop(_digest(token), None)


def pending(group: Group, when: float | None = None) -> list[EmailInvitation]:
    """The valid invitations, for the members page (the addresses, not the links)."""
    when = time.time() if when is None else when
    found = group.email_invitations.values() if group.email_invitations is not None else ()
    return sorted((i for i in found if i.expires >= when), key=lambda i: i.email)


def for_someone_else(invitation: EmailInvitation, email: str) -> bool:
    return invitation.bound and invitation.email.casefold() != email.casefold()
