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
from pyramid.request import Request

from pleio_core.plugin_api import (
    CONTENT_TYPES,
    OWN,
    Content,
    ContentSchema,
    Folder,
    acl_for,
    now,
    parent_of,
)

from .i18n import _

OPEN, CLOSED = "open", "closed"
JOIN_TITLES = {
    OPEN: _("Open: members of the site join at once"),
    CLOSED: _("Closed: the group's owners and admins approve each request to join"),
}
OWNER, ADMIN, MEMBER = "owner", "admin", "member"
ROLES = (OWNER, ADMIN, MEMBER)
#: The permission to answer requests, invite and take plain members out: its owners' and
#: admins' (and the site admins'); the site's editors may edit a group but not its members.
MANAGE = "manage_group"
#: The permission to change who owns and administers the group: its owners' (and the site
#: admins').
OWN_GROUP = "own_group"
HIDDEN = "group"  # the access level of a hidden group: for its members only
GROUP_ACCESS = {
    "public": _("Everyone who can see this site"),
    "members": _("Members of this site"),
    HIDDEN: _("Only its members: a hidden group, which nobody else finds"),
}
WELCOME_LENGTH = 2000


@colander.deferred
def tool_choices(node: colander.SchemaNode, kw: dict) -> deform.widget.Widget:
    return deform.widget.CheckboxChoiceWidget(values=group_tools(kw["request"]))


@colander.deferred
def all_tools(node: colander.SchemaNode, kw: dict) -> tuple[str, ...] | None:
    """Every tool there is (None, read as "all", where no request tells which)."""
    request = kw.get("request")
    return tuple(name for name, _title in group_tools(request)) if request is not None else None


def group_tools(request: Request | None) -> list[tuple[str, str]]:
    """(type name, title) of what a group may offer: every type of an enabled module that
    may be added in a group (``addable_to=("group",)`` — the wiki's pages, the community's
    discussions and events, a plugin's own)."""
    if request is None:  # (a schema bound without a request: an export, an import)
        return []
    translate = request.localizer.translate
    enabled = request.enabled_modules
    return sorted(
        (
            (ct.name, translate(ct.title))
            for ct in CONTENT_TYPES(request.registry).values()
            if "group" in ct.addable_to and ct.module in enabled
        ),
        key=lambda tool: tool[1].casefold(),
    )


class GroupSchema(ContentSchema):
    """A group's title, description (the body), tags, visibility, how people join, its
    tools and the welcome its new members get.

    A group is seen by everyone who can see the site, by its members, or (hidden) by the
    group's own members only.
    """

    access = colander.SchemaNode(
        colander.String(),
        title=_("Who may see the group"),
        description=_(
            "What lies in the group is never seen more widely than the group: in a hidden or "
            "a closed group only its members see it."
        ),
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

    tools = colander.SchemaNode(
        colander.Set(),
        title=_("What members may add in the group"),
        missing=all_tools,
        default=all_tools,
        preparer=lambda value: tuple(sorted(value)) if isinstance(value, set) else value,
        widget=tool_choices,
    )

    welcome = colander.SchemaNode(
        colander.String(),
        title=_("Welcome for new members"),
        description=_("Shown and e-mailed to whoever joins (optional)."),
        missing="",
        validator=colander.Length(max=WELCOME_LENGTH),
        widget=deform.widget.TextAreaWidget(rows=3),
    )


class Membership(NamedTuple):
    account_id: str
    name: str
    role: str
    since: datetime


class Group(Content):
    """A group: its members, its requests to join, and the content inside it."""

    joining = OPEN
    #: The types members may add in it (None: every type a group may hold).
    tools: tuple[str, ...] | None = None
    welcome = ""
    members: OOBTree | None = None  # account id → Membership
    requests: OOBTree | None = None  # account id → (name, when asked)
    invitations: OOBTree | None = None  # account id → (who invited, when)
    #: digest of the link's token → ``invitations.EmailInvitation``
    email_invitations: OOBTree | None = None

    @property
    def principal(self) -> str:
        return f"group:{self.uid}"

    @property
    def owner_principal(self) -> str:
        return f"group:{self.uid}:owner"

    @property
    def admin_principal(self) -> str:
        return f"group:{self.uid}:admin"

    @property
    def effective_access(self) -> str:
        """A group's own level counts as it is (a hidden group is for its own members)."""
        return self.access

    @property
    def inner_access(self) -> str | None:
        """The widest level of what lies inside (the core narrows to it): a hidden or closed
        group's content is for its members, a members' group's for the site's members."""
        if self.access == HIDDEN or self.joining == CLOSED:
            return "group"
        return "members" if self.access == "members" else None

    @property
    def conceals(self) -> bool:
        """A hidden group is "not found" to those outside it, and so is what lies in it."""
        return self.access == HIDDEN

    @property
    def chosen_types(self) -> tuple[str, ...] | None:
        return self.tools

    @property
    def __acl__(self) -> list:
        """Its owners change it and manage its members; its admins manage its members; only
        its members add content in it (and comment, like, take part there). Who made it has
        no rights of their own once someone else owns it: ownership passes with the owner
        role. Whoever is invited to a hidden group sees it, to join it. A draft or scheduled
        group is its owners' and the editors' until it is live, and nobody adds in it."""
        owners = (Allow, self.owner_principal, (*OWN, "add", MANAGE, OWN_GROUP))
        acl = acl_for(self.access, None, self.principal, live=self.is_live())
        if not self.is_live():
            return [*acl[:-1], owners, DENY_ALL]
        # (a group that is not hidden is seen by the site's members, the invited among them)
        invited = (
            [(Allow, f"account:{a}", "view") for a in self.invitations or ()]
            if self.conceals
            else []
        )
        acl[-1:-1] = [
            owners,
            (Allow, self.admin_principal, ("view", "add", MANAGE)),
            (Allow, self.principal, ("view", "add")),
            *invited,
        ]
        acl.append((Deny, Everyone, ("add", MANAGE, OWN_GROUP)))
        return acl

    # -- members ---------------------------------------------------------------------------

    def role_of(self, account_id: str | None) -> str | None:
        if account_id is None or self.members is None:
            return None
        membership = self.members.get(account_id)
        return membership.role if membership is not None else None

    def member_list(self) -> list[Membership]:
        """The owners first, then the admins, then the others by name."""
        found = list(self.members.values()) if self.members is not None else []
        return sorted(found, key=lambda m: (ROLES.index(m.role), m.name.casefold()))

    def member_count(self) -> int:
        return len(self.members) if self.members is not None else 0

    def owners(self) -> list[str]:
        return [m.account_id for m in (self.members or {}).values() if m.role == OWNER]

    def managers(self) -> list[str]:
        """Who answers requests to join: the owners and the admins."""
        return [m.account_id for m in (self.members or {}).values() if m.role in (OWNER, ADMIN)]

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
        for principal, holds in (
            (group.principal, role),
            (group.admin_principal, role in (OWNER, ADMIN)),
            (group.owner_principal, role == OWNER),
        ):
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
    """Make the account a member (or admin, or owner) of the group; a pending request or
    invitation is settled. The last owner cannot step down: a group keeps an owner."""
    if role != OWNER and group.owners() == [account_id]:
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
