"""Names and photos of people as their accounts have them now, for every page that shows one.

Content keeps its owner's name as it was when it was written (``owner_name``), a comment its
author's, the activity log its actor's: those copies are only the fallback for an account
that no longer exists. Every page asks here instead, when it is drawn, so a rename shows
everywhere at once. A page looks each account up once (``request.people_seen``); between
requests the accounts' summaries (``security.policy.AccountSummaries``) keep them, and the
caches of whole pages count renames (``AccountSummaries.names_stamp``).

Floors below this one (the layout's ``page``, the content views' templates) reach these
through the ``PEOPLE`` service.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from pyramid.request import Request

from pleio_core.i18n import _
from pleio_core.layout import initials
from pleio_core.security.membership import site_members
from pleio_core.services import ACCOUNT_SUMMARIES

#: The avatar sizes the stylesheet draws (``.avatar--<size>``).
SIZES = ("small", "medium", "large")


class PersonShown(NamedTuple):
    """What a page shows of someone: their name now, and their photo's version (0: none)."""

    name: str
    photo_version: int
    #: The account still exists (else ``name`` is the stored copy).
    exists: bool


def people_seen(request: Request) -> dict[str, PersonShown]:
    """``request.people_seen``: the accounts this request looked up, by id."""
    return {}


def person(request: Request, account_id: str | None, fallback: str = "") -> PersonShown:
    """The account's name and photo version now; for an account that is gone, ``fallback``
    (the name copied when the item was written) or "Former member"."""
    if not account_id:
        return PersonShown(fallback or request.localizer.translate(_("Former member")), 0, False)
    seen = request.people_seen
    found = seen.get(account_id)
    if found is None:
        summaries = ACCOUNT_SUMMARIES(request.registry)
        summary = summaries.get(account_id) or summaries.load(request, account_id)
        if summary is None:
            name = fallback or request.localizer.translate(_("Former member"))
            found = PersonShown(name, 0, False)
        else:
            found = PersonShown(summary.name, summary.photo_version, True)
        seen[account_id] = found
    return found


def display_name(request: Request, account_id: str | None, fallback: str = "") -> str:
    """The name of the account now (plain text: escape it, as templates do)."""
    return person(request, account_id, fallback).name


def photo_url(request: Request, account_id: str, version: int) -> str:
    return f"{request.application_url}/@@people-photo/{account_id}?v={version}"


def profile_url(request: Request, account_id: str) -> str:
    """The address of the account's profile on this site."""
    return f"{request.application_url}/@@people/{account_id}"


def is_member_here(request: Request, account_id: str | None) -> bool:
    root = request.site_root
    if root is None or not account_id:
        return False
    members = site_members(root)
    return members is not None and members.role_of(account_id) is not None


def avatar_html(
    request: Request, account_id: str | None, size: str = "medium", fallback: str = ""
) -> str:
    """The account's photo, or the initials of its name: HTML, hidden from screen readers
    (the name is always written beside it). A photo shows only on the sites the account is
    a member of."""
    if size not in SIZES:
        raise ValueError(f"avatar size {size!r}: one of {', '.join(SIZES)}")
    shown = person(request, account_id, fallback)
    css = "avatar" if size == "medium" else f"avatar avatar--{size}"
    if shown.photo_version and account_id and is_member_here(request, account_id):
        src = escape(photo_url(request, account_id, shown.photo_version))
        return f'<img class="{css}" src="{src}" alt="" aria-hidden="true">'
    return f'<span class="{css}" aria-hidden="true">{escape(initials(shown.name))}</span>'


def person_html(request: Request, account_id: str | None, fallback: str = "") -> str:
    """The name, escaped, as a link to the profile where the visitor may see it (a member
    of this site, for a visitor who may see the directory); else the name alone."""
    shown = person(request, account_id, fallback)
    name = escape(shown.name)
    if not (shown.exists and request.may_view_people and is_member_here(request, account_id)):
        return name
    return f'<a href="{escape(profile_url(request, str(account_id)))}">{name}</a>'


class PeopleNames:
    """The ``PEOPLE`` service: what the floors below ask of names and photos."""

    def display_name(self, request: Request, account_id: str | None, fallback: str = "") -> str:
        return display_name(request, account_id, fallback)

    def avatar_html(
        self, request: Request, account_id: str | None, size: str = "medium", fallback: str = ""
    ) -> str:
        return avatar_html(request, account_id, size, fallback)

    def person_html(self, request: Request, account_id: str | None, fallback: str = "") -> str:
        return person_html(request, account_id, fallback)
