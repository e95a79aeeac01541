"""People: who is on a deelsite, and how they are shown.

- ``names``: names and photos read from the account when a page is drawn (``display_name``,
  ``avatar_html``), for every page of the core and the plugins (the ``PEOPLE`` service for
  the floors below);
- ``model`` and ``rules``: the site's profile fields and its members' profiles;
- ``access``: who sees the directory, and which fields;
- ``directory``, ``editing``: ``/@@people``, ``/@@people/<account id>``, ``/@@people-edit``;
- ``photos``: the account's photo, checked, resized and stripped;
- ``widget``: the "New members" home widget; ``leaving``: a member who leaves takes the profile.

The control panel's page for the fields is ``pleio_core.admin.profile_fields``; the export
and import of profiles ``pleio_core.exchange``.
"""

from __future__ import annotations

from pyramid.config import Configurator

from pleio_core.content.site import SiteRoot
from pleio_core.services import PEOPLE

from .access import may_view_people
from .directory import people_view, photo_view
from .editing import edit_form
from .names import PeopleNames, avatar_html, display_name, people_seen, profile_url

__all__ = ["avatar_html", "display_name", "includeme", "profile_url"]

TEMPLATES = "pleio_core:templates/"


def includeme(config: Configurator) -> None:
    config.include(".leaving")
    PEOPLE.provide(config, PeopleNames())
    config.add_request_method(people_seen, "people_seen", reify=True)
    config.add_request_method(may_view_people, "may_view_people", reify=True)
    config.add_view(
        people_view, context=SiteRoot, name="people", renderer=TEMPLATES + "people.pt",
        request_method=("GET", "HEAD"), permission="view",
    )  # fmt: skip
    config.add_view(
        edit_form, context=SiteRoot, name="people-edit", renderer=TEMPLATES + "people_edit.pt",
        request_method=("GET", "HEAD", "POST"), permission="view",
    )  # fmt: skip
    config.add_view(
        photo_view, context=SiteRoot, name="people-photo",
        request_method=("GET", "HEAD"), permission="view",
    )  # fmt: skip
    config.include(".widget")
