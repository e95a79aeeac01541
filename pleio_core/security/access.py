"""Access levels of content, for every module to use: public, members, group, private.

``acl_for`` gives the ACL a content object carries. Whoever may see it is allowed ``view``;
everybody else is denied it right there, so a members-only page on a public site does not
fall through to the site's "everyone may view". A closed site is closed for all of its
content, whatever its level: the security policy checks that first.
"""

from __future__ import annotations

from pyramid.authorization import ALL_PERMISSIONS, Allow, Deny, Everyone

ACCESS_LEVELS = ("public", "members", "group", "private")
EDIT = ("view", "edit", "delete")


def acl_for(access: str, owner_id: str | None, group_principal: str | None = None) -> list:
    """The ACL of content with this access level, owner and (for ``group``) group.

    The owner may always view, edit and delete; editors may edit what they can see;
    admins may do everything (also granted by the site root).
    """
    if access not in ACCESS_LEVELS:
        raise ValueError(f"unknown access level {access!r} (levels: {', '.join(ACCESS_LEVELS)})")
    if access == "group" and not group_principal:
        raise ValueError("access level 'group' needs the group's principal")
    acl: list = [(Allow, "role:admin", ALL_PERMISSIONS)]
    if owner_id:
        acl.append((Allow, f"account:{owner_id}", EDIT))
    if access in ("public", "members"):
        acl.append((Allow, "role:editor", ("view", "edit")))
    viewer = {"public": Everyone, "members": "site:member", "group": group_principal}.get(access)
    if viewer:
        acl.append((Allow, viewer, "view"))
    acl.append((Deny, Everyone, EDIT))
    return acl
