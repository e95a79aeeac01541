"""The home page's "New members" widget: the site's newest members, for those who may see
the directory (a core widget: on every site)."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.i18n import _
from pleio_core.plugins.widgets import WidgetItem
from pleio_core.security.membership import site_members

from .access import may_view_people
from .model import site_people
from .names import display_name, profile_url


def new_members(request: Request, limit: int) -> Sequence[WidgetItem]:
    root = request.site_root
    members = site_members(root) if root is not None else None
    if members is None or not may_view_people(request):
        return []
    newest = heapq.nlargest(limit, members, key=lambda m: m.since)
    people = site_people(root)
    items = []
    for membership in newest:
        profile = people.profile(membership.account_id) if people is not None else None
        items.append(
            WidgetItem(
                display_name(request, membership.account_id),
                profile_url(request, membership.account_id),
                profile.function if profile is not None else "",
                membership.since,
            )
        )
    return items


def includeme(config: Configurator) -> None:
    config.add_home_widget(
        "new-members", new_members, _("New members"), more="/@@people",
        more_title=_("All people"), order=90,
    )  # fmt: skip
