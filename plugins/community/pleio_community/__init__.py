"""The community module of Pleio: groups, with their members and their own content.

It uses only the public plugin API of ``pleio_core``: the content-type directive, the
content events, the ``pleio_principals``, ``pleio_group_of`` and export/import hooks, and
two home widgets (the visitor's groups, the newest others).
Other modules put content in groups by naming the type ``group`` in ``addable_to``
(the wiki does); access level ``group`` is then offered there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import colander
from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.plugin_api import (
    ContentAdded,
    ContentRemoved,
    MemberRemoved,
    ModulePlugin,
    SiteRoot,
    hookimpl,
)

from . import events, exchange
from .groups import (
    OWNER,
    ROLES,
    Group,
    GroupSchema,
    forget_account,
    forget_group,
    group_containing,
    memberships_of,
    set_member,
)
from .home import my_groups, newest_groups
from .i18n import _
from .parts import PARTS


def group_added(event: ContentAdded) -> None:
    """Whoever makes a group owns it."""
    group = event.content
    if isinstance(group, Group) and group.owner:
        set_member(group, group.owner, group.owner_name or group.owner, OWNER)


def group_removed(event: ContentRemoved) -> None:
    if isinstance(event.content, Group):
        forget_group(event.content)


def member_removed(event: MemberRemoved) -> None:
    """Someone who leaves the site leaves its groups: no name lingers in a members list."""
    folder = event.site.get("community")  # (SiteRoot.get sees it also while the module is off)
    if folder is not None:
        forget_account(folder, event.account_id)


class CommunityPlugin(ModulePlugin):
    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        super().pleio_configure(config)
        config.add_content_type("group", Group, title=_("Group"), schema=GroupSchema)
        config.add_stylesheet("community.css")
        config.add_notification_kind(
            "group-invitation",
            _("An invitation to a group"),
            _("${actor} invites you to join the group “${title}”"),
        )
        config.add_subscriber(group_added, ContentAdded)
        config.add_subscriber(group_removed, ContentRemoved)
        config.add_subscriber(member_removed, MemberRemoved)
        config.include(".views")
        for part in PARTS:
            config.include(part)
        config.add_home_widget(
            "mine", my_groups, _("Your groups"), more_title=_("All groups"), order=20
        )
        config.add_home_widget(
            "groups", newest_groups, _("Groups"), more_title=_("All groups"), order=21
        )
        config.add_api_endpoint(
            "my-groups",
            self.my_groups,
            summary=_("The groups the caller is in"),
            answer=MyGroups(),
            signed_in=True,
        )

    def my_groups(self, request: Request, values: dict[str, Any]) -> dict[str, Any]:
        """``GET /api/v1/modules/community/my-groups``: the caller's groups and roles."""
        folder = request.site_root.get(self.name)
        return {"groups": exchange.groups_of(folder, request.identity.id)}

    @hookimpl
    def pleio_principals(self, request: Request, account_id: str) -> list[str]:
        folder = request.site_root.get(self.name)
        index = memberships_of(folder) if folder is not None else None
        return index.of(account_id) if index is not None else []

    @hookimpl
    def pleio_group_of(self, request: Request, context: object) -> str | None:
        group = group_containing(context)
        return group.principal if group is not None else None

    @hookimpl
    def pleio_sample_content(
        self,
        site: SiteRoot,
        registry: Registry,
        language: str,
        owner: str | None,
        owner_name: str,
    ) -> None:
        super().pleio_sample_content(site, registry, language, owner, owner_name)
        folder = site[self.name]
        if "sample-group" in folder or language not in SAMPLE_GROUP:
            return
        title, text = SAMPLE_GROUP[language]
        group = Group(title, owner=owner)  # its owner is its first member (group_added)
        group.owner_name = owner_name
        group.set_body(text)
        group.access = "public"
        folder.add("sample-group", group)
        registry.notify(ContentAdded(group))
        for part in PARTS:
            part.sample_content(group, registry, language, owner, owner_name)

    @hookimpl
    def pleio_export_extra(
        self, content: object, registry: Registry, email_of: Callable[[str | None], str | None]
    ) -> dict[str, Any] | None:
        for part in PARTS:
            found = part.export_extra(content, email_of)
            if found is not None:
                return found
        return exchange.export_extra(content, email_of)

    @hookimpl
    def pleio_personal_data(
        self, site: SiteRoot, account_id: str, registry: Registry
    ) -> dict[str, Any] | None:
        found = exchange.personal_data(site.get(self.name), account_id) or {}
        for part in PARTS:
            found.update(part.personal_data(site, account_id) or {})
        return found or None

    @hookimpl
    def pleio_periodic(self, site: SiteRoot, registry: Registry, request: Request) -> int:
        return events.periodic(site, registry, request)

    @hookimpl
    def pleio_import_extra(
        self,
        content: object,
        data: object,
        registry: Registry,
        account_id: Callable[[str | None], str | None],
    ) -> None:
        if not any(part.import_extra(content, data, account_id) for part in PARTS):
            exchange.import_extra(content, data, account_id)


class MyGroup(colander.MappingSchema):
    group = colander.SchemaNode(colander.String(), title=_("Group"))
    path = colander.SchemaNode(colander.String(), description=_("Its name in /community/"))
    role = colander.SchemaNode(colander.String(), validator=colander.OneOf(ROLES))
    since = colander.SchemaNode(colander.DateTime())


class MyGroups(colander.MappingSchema):
    groups = colander.SequenceSchema(MyGroup())


SAMPLE_GROUP = {
    "nl": ("Werkgroep digitale toegankelijkheid", "Samen werken we aan websites voor iedereen."),
    "en": ("Digital accessibility working group", "Together we build websites for everyone."),
}

plugin = CommunityPlugin(
    name="community",
    package=__name__,
    title=_("Community"),
    description=_("Groups with their members and their own content."),
    requires_core=">=0.1,<0.2",
    menu_order=20,
    sample={
        "nl": ("Spelregels van de community", "Wees hoffelijk en deel wat je weet."),
        "en": ("Community guidelines", "Be courteous and share what you know."),
    },
)
