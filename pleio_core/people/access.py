"""Who may see the people of a site, and which of a profile's fields.

The directory and the profiles are for the site's members; on a public site the holder may
open them to every visitor (``SitePeople.public_directory``). A field's value is shown to
the audience its definition names, and always to the person themself; the directory
offers and applies a filter only on fields the viewer may see, so a filter cannot reveal
what a value it does not show is.
"""

from __future__ import annotations

from pyramid.request import Request

from .model import ProfileField, SitePeople, site_people


def is_member(request: Request) -> bool:
    return "site:member" in request.principals


def may_view_people(request: Request) -> bool:
    """May the visitor see the directory and the profiles of this site?"""
    root = request.site_root
    if root is None or not request.has_permission("view", root):
        return False
    if is_member(request):
        return True
    people = site_people(root)
    settings = request.site_settings
    return people is not None and people.public_directory and settings.access == "public"


def audiences(request: Request) -> set[str]:
    """The field audiences (``model.VISIBILITY``) the visitor belongs to."""
    principals = request.principals
    found = {"everyone"}
    if "site:member" in principals:
        found.add("members")
    if "role:admin" in principals:
        found |= {"members", "admins"}
    return found


def visible_fields(
    request: Request, people: SitePeople | None, account_id: str | None = None
) -> list[ProfileField]:
    """The fields whose values the visitor may see (on ``account_id``'s profile: all of
    them if it is their own)."""
    if people is None:
        return []
    identity = request.identity
    if account_id is not None and identity is not None and identity.id == account_id:
        return people.ordered_fields()
    allowed = audiences(request)
    return [f for f in people.ordered_fields() if f.visibility in allowed]
