"""The community on the home page: the visitor's own groups, and the newest of the others."""

from __future__ import annotations

from pyramid.request import Request

from pleio_core.plugin_api import WidgetItem, latest_content

from .groups import Group
from .i18n import DOMAIN


def group_principals(request: Request) -> set[str]:
    """The principals of the groups the visitor is in (``group:<uid>``), from
    ``pleio_principals``: nothing to look up for someone in no group."""
    if request.identity is None:
        return set()
    return {p for p in request.principals if p.startswith("group:") and p.count(":") == 1}


def group_item(request: Request, group: Group) -> WidgetItem:
    count = group.member_count()
    members = request.localizer.pluralize(
        "${count} member", "${count} members", count, domain=DOMAIN, mapping={"count": count}
    )
    title = group.title or group.__name__ or ""
    return WidgetItem(title, request.resource_url(group), members)


def my_groups(request: Request, limit: int) -> list[WidgetItem]:
    """The groups the signed-in visitor is in, by title."""
    mine = group_principals(request)
    folder = request.site_root.get("community") if mine else None
    if folder is None:
        return []
    groups = [
        group
        for group in folder.values()
        if isinstance(group, Group)
        and group.principal in mine
        and request.has_permission("view", group)
    ]
    groups.sort(key=lambda group: group.title.casefold())
    return [group_item(request, group) for group in groups[:limit]]


def newest_groups(request: Request, limit: int) -> list[WidgetItem]:
    """The newest groups the visitor may see, but for those they are in (listed above)."""
    mine = group_principals(request)
    groups = latest_content(request, types=("group",), order="date", limit=limit + len(mine))
    return [group_item(request, g) for g in groups if g.principal not in mine][:limit]
