"""Groups: who is in which, and what a group allows its members.

A group is content of the community module (``/community/<name>/``). Its members are kept on
the group, with their role in it (``owner`` or ``member``) and the name they had when they
joined; the pending requests of a closed group likewise. Each group has a principal,
``group:<uid>``, that its members carry on this site (``pleio_principals``): content in the
group with the access level ``group`` is for them, and only they add content in the group.
Its owners also carry ``group:<uid>:owner``: they change the group and its members.

Which principals an account has from groups is also kept on the community folder
(``group_memberships``), so working out someone's principals reads one small set, not
every group.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, NamedTuple, overload

import colander
import deform.widget
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from pyramid.authorization import DENY_ALL, Allow, Deny, Everyone

from pleio_core.plugin_api import OWN, Content, ContentSchema, Folder, acl_for, now, parent_of

from .i18n import _

OPEN, CLOSED = "open", "closed"
JOIN_TITLES = {
    OPEN: _("Open: members of the site join at once"),
    CLOSED: _("Closed: the group's owner approves each request to join"),
}
OWNER, MEMBER = "owner", "member"
#: The permission to answer requests and change who is in the group: its owners' (and the
#: site admins'); the site's editors may edit a group but not its members.
MANAGE = "manage_group"
GROUP_ACCESS = {
    "public": _("Everyone who can see this site"),
    "members": _("Members of this site"),
}


class GroupSchema(ContentSchema):
    """A group's title, description (the body), tags, visibility and how people join.

    A group is seen by everyone who can see the site, or by its members only.
    """

    access = colander.SchemaNode(
        colander.String(),
        title=_("Who may see the group"),
        missing="members",
        validator=colander.OneOf(tuple(GROUP_ACCESS)),
        widget=deform.widget.RadioChoiceWidget(values=list(GROUP_ACCESS.items())),
    )

    joining = colander.SchemaNode(
        colander.String(),
        title=_("Who may join"),
        missing=OPEN,
        validator=colander.OneOf((OPEN, CLOSED)),
        widget=deform.widget.RadioChoiceWidget(values=list(JOIN_TITLES.items())),
    )


class Membership(NamedTuple):
    account_id: str
    name: str
    role: str
    since: datetime


class Group(Content):
    """A group: its members, its requests to join, and the content inside it."""

    joining = OPEN
    members: OOBTree | None = None  # account id → Membership
    requests: OOBTree | None = None  # account id → (name, when asked)
    invitations: OOBTree | None = None  # account id → (who invited, when)

    @property
    def principal(self) -> str:
        return f"group:{self.uid}"

    @property
    def owner_principal(self) -> str:
        return f"group:{self.uid}:owner"

    @property
    def __acl__(self) -> list:
        """Its owners change it and manage its members; only its members add content in it
        (and comment, like, take part there). Who made it has no rights of their own once
        someone else owns it: ownership passes with the owner role. A draft or scheduled
        group is its owners' and the editors' until it is live, and nobody adds in it."""
        owners = (Allow, self.owner_principal, (*OWN, "add", MANAGE))
        acl = acl_for(self.access, None, live=self.is_live())
        if not self.is_live():
            return [*acl[:-1], owners, DENY_ALL]
        acl[-1:-1] = [owners, (Allow, self.principal, "add")]
        acl.append((Deny, Everyone, ("add", MANAGE)))
        return acl

    # -- members ---------------------------------------------------------------------------

    def role_of(self, account_id: str | None) -> str | None:
        if account_id is None or self.members is None:
            return None
        membership = self.members.get(account_id)
        return membership.role if membership is not None else None

    def member_list(self) -> list[Membership]:
        """The owners first, then the others by name."""
        found = list(self.members.values()) if self.members is not None else []
        return sorted(found, key=lambda m: (m.role != OWNER, m.name.casefold()))

    def member_count(self) -> int:
        return len(self.members) if self.members is not None else 0

    def owners(self) -> list[str]:
        return [m.account_id for m in self.member_list() if m.role == OWNER]

    def asked(self, account_id: str | None) -> bool:
        return account_id is not None and self.requests is not None and account_id in self.requests

    def invited(self, account_id: str | None) -> bool:
        """Invited by an owner: joins at once, also a closed group."""
        return (
            account_id is not None
            and self.invitations is not None
            and account_id in self.invitations
        )

    def request_list(self) -> list[tuple[str, str, datetime]]:
        if self.requests is None:
            return []
        return sorted(
            ((a, name, when) for a, (name, when) in self.requests.items()), key=lambda r: r[2]
        )


class GroupMemberships(Persistent):
    """Account id → the principals its groups give it, for one site (on the community folder)."""

    def __init__(self) -> None:
        self.principals = OOBTree()

    def of(self, account_id: str) -> list[str]:
        found = self.principals.get(account_id)
        return list(found) if found is not None else []

    def set(self, account_id: str, group: Group) -> None:
        """Record the account's place in ``group`` (none, member or owner)."""
        role = group.role_of(account_id)
        found = self.principals.get(account_id)
        if found is None:
            if role is None:
                return
            found = self.principals[account_id] = OOTreeSet()
        for principal, holds in ((group.principal, role), (group.owner_principal, role == OWNER)):
            if holds and principal not in found:
                found.add(principal)
            elif not holds and principal in found:
                found.remove(principal)
        if not found:
            del self.principals[account_id]


@overload
def memberships_of(folder: Folder, create: Literal[True]) -> GroupMemberships: ...
@overload
def memberships_of(folder: Folder, create: Literal[False] = False) -> GroupMemberships | None: ...
def memberships_of(folder: Folder, create: bool = False) -> GroupMemberships | None:
    """The community folder's index of memberships."""
    index = getattr(folder, "group_memberships", None)
    if index is None and create:
        index = folder.group_memberships = GroupMemberships()
    return index


def group_containing(node: object) -> Group | None:
    """The group ``node`` is (or lies in), or None."""
    while node is not None:
        if isinstance(node, Group):
            return node
        node = getattr(node, "__parent__", None)
    return None


class MembershipError(ValueError):
    """A change to a group's members that cannot be made; the message says why."""


def set_member(group: Group, account_id: str, name: str, role: str = MEMBER) -> None:
    """Make the account a member (or owner) of the group; a pending request is settled.
    The last owner cannot become a plain member: a group keeps an owner."""
    if role == MEMBER and group.owners() == [account_id]:
        raise MembershipError(
            _("The group's only owner cannot stop being owner. Make someone else owner first.")
        )
    if group.members is None:
        group.members = OOBTree()
    previous = group.members.get(account_id)
    since = previous.since if previous is not None else now()
    group.members[account_id] = Membership(account_id, name, role, since)
    if group.requests is not None and account_id in group.requests:
        del group.requests[account_id]
    if group.invitations is not None and account_id in group.invitations:
        del group.invitations[account_id]
    memberships_of(parent_of(group), create=True).set(account_id, group)


def remove_member(group: Group, account_id: str) -> None:
    """Take the account out of the group. The last owner cannot go: a group keeps an owner."""
    if group.members is None or group.role_of(account_id) is None:
        raise MembershipError(_("This person is not a member of the group."))
    if group.owners() == [account_id]:
        raise MembershipError(
            _("The group's only owner cannot leave it. Make someone else owner first.")
        )
    del group.members[account_id]
    index = memberships_of(parent_of(group))
    if index is not None:
        index.set(account_id, group)


def ask_to_join(group: Group, account_id: str, name: str) -> None:
    if group.requests is None:
        group.requests = OOBTree()
    if account_id not in group.requests:
        group.requests[account_id] = (name, now())


def invite(group: Group, account_id: str, inviter: str) -> bool:
    """Invite the account (False: a member or invited already)."""
    if group.role_of(account_id) is not None or group.invited(account_id):
        return False
    if group.invitations is None:
        group.invitations = OOBTree()
    group.invitations[account_id] = (inviter, now())
    return True


def withdraw_request(group: Group, account_id: str) -> bool:
    if group.requests is None or not group.asked(account_id):
        return False
    del group.requests[account_id]
    return True


def forget_group(group: Group) -> None:
    """The group is being removed: its members no longer carry its principal."""
    index = memberships_of(parent_of(group))
    members = list(group.members or ())
    group.members = None
    if index is not None:
        for account_id in members:
            index.set(account_id, group)


def forget_account(folder: Folder, account_id: str) -> None:
    """The account left the site: out of every group and request there, even as a group's
    last owner (the site's admins manage an ownerless group)."""
    index = memberships_of(folder)
    for group in folder.values():
        if not isinstance(group, Group):
            continue
        withdraw_request(group, account_id)
        if group.members is not None and account_id in group.members:
            del group.members[account_id]
            if index is not None:
                index.set(account_id, group)
