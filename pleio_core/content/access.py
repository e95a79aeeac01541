"""Who may do what with content: the one place access is decided, for every module.

``acl_for`` gives the ACL a content object carries, from its access level (public, members,
group, private), its owner, its group, and whether it is live (published and past its
publication moment). Whoever may see it is allowed ``view``; everybody else is denied it
right there, so a members-only page on a public site does not fall through to the site's
"everyone may view". A closed site is closed for all of its content, whatever its level:
the security policy checks that first.

The rules (docs/site-holder-guide.md, "Who sees what"):

- the owner may always view, edit, delete and ``change_access`` their content;
- editors view, edit and ``change_access`` what is public or for members — live, draft or
  scheduled: they review what is about to appear — but never group-only or private content;
- a draft or a scheduled item is seen by nobody else: never wider than its access level;
- admins may do everything (the holder answers for the site; the site's export holds it all
  anyway);
- a container may narrow what lies inside it: content is never more visible than the
  narrowest ``inner_access`` of the containers above it (a closed group's content is at most
  for the group's members, whatever its own level says). ``effective_level`` is the level
  that counts; the level as written is kept, so it comes back if the content moves out.

``change_access`` is changing who may see content and from when: its access level, its
state and its publication moment. Editing the text is not enough for that (a wiki page is
edited by every member), so it is a permission of its own.
"""

from __future__ import annotations

from pyramid.authorization import ALL_PERMISSIONS, Allow, Deny, Everyone

ACCESS_LEVELS = ("public", "members", "group", "private")
#: Changing the access level, the state or the publication moment.
CHANGE_ACCESS = "change_access"
EDIT = ("view", "edit", "delete")
OWN = (*EDIT, CHANGE_ACCESS)
#: The levels at which a site's editors look after content.
EDITED_LEVELS = ("public", "members")


def narrowest(*levels: str | None) -> str:
    """The narrowest of these access levels (None: no limit)."""
    found = [level for level in levels if level is not None]
    return max(found, key=ACCESS_LEVELS.index) if found else ACCESS_LEVELS[0]


def access_cap(node: object, including: bool = False) -> str | None:
    """The narrowest ``inner_access`` of the containers above ``node`` (and of ``node``
    itself with ``including``), or None when nothing above it narrows its level."""
    cap = None
    node = node if including else getattr(node, "__parent__", None)
    while node is not None:
        inner = getattr(node, "inner_access", None)
        if inner is not None:
            cap = inner if cap is None else narrowest(cap, inner)
        node = getattr(node, "__parent__", None)
    return cap


def effective_level(level: str, cap: str | None, group_principal: str | None) -> str:
    """``level`` narrowed by ``cap``; a group-only level without a group is private."""
    level = narrowest(level, cap) if cap is not None else level
    return "private" if level == "group" and not group_principal else level


def acl_for(
    access: str, owner_id: str | None, group_principal: str | None = None, live: bool = True
) -> list:
    """The ACL of content with this access level, owner, group and publication state."""
    if access not in ACCESS_LEVELS:
        raise ValueError(f"unknown access level {access!r} (levels: {', '.join(ACCESS_LEVELS)})")
    if access == "group" and not group_principal:
        raise ValueError("access level 'group' needs the group's principal")
    acl: list = [(Allow, "role:admin", ALL_PERMISSIONS)]
    if owner_id:
        acl.append((Allow, f"account:{owner_id}", OWN))
    if access in EDITED_LEVELS:
        acl.append((Allow, "role:editor", ("view", "edit", CHANGE_ACCESS)))
    viewer = {"public": Everyone, "members": "site:member", "group": group_principal}.get(access)
    if viewer and live:
        acl.append((Allow, viewer, "view"))
    acl.append((Deny, Everyone, OWN))
    return acl


def concealed(request, node: object) -> bool:
    """``node`` is or lies in a container that hides itself (``conceals``: a hidden group)
    from a request that may not see it. A refusal there says "not found": a guessed
    address tells nothing about what is behind it."""
    while node is not None:
        if getattr(node, "conceals", False) and not request.has_permission("view", node):
            return True
        node = getattr(node, "__parent__", None)
    return False


class _Probe:
    """Something with an ACL and no parent."""

    __parent__ = None

    def __init__(self, acl: list) -> None:
        self.__acl__ = acl


def acl_permits(request, acl: list, permission: str = "view") -> bool:
    """Would this ACL give the request ``permission``? To ask what a level would let someone
    see, or what they would see without a role."""
    return bool(request.has_permission(permission, _Probe(acl)))
