"""CSV exports for site admins: the members (with the columns they choose), content per type
(written safely by ``pleio_core.tables``)."""

from __future__ import annotations

from collections.abc import Iterator

from pyramid.registry import Registry

from pleio_core.content.likes import like_count
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.security.accounts import Accounts
from pleio_core.security.membership import site_members
from pleio_core.services import CONTENT_TYPES

from .archive import iso
from .export import walk

MEMBER_COLUMNS = {
    "name": _("Name"),
    "email": _("E-mail address"),
    "role": _("Role"),
    "since": _("Member since"),
}
CONTENT_COLUMNS = (
    "path",
    "title",
    "owner",
    "access",
    "state",
    "created",
    "modified",
    "comments",
    "likes",
)


def member_rows(root: SiteRoot, accounts: Accounts | None, columns: list[str]) -> Iterator[list]:
    for membership in site_members(root) or ():
        account = accounts.get(membership.account_id) if accounts is not None else None
        values = {
            "name": account.name if account is not None else "",
            "email": account.email if account is not None else "",
            "role": membership.role,
            "since": iso(membership.since),
        }
        yield [values[column] for column in columns]


def content_rows(
    root: SiteRoot, registry: Registry, accounts: Accounts | None, type_name: str
) -> Iterator[list]:
    types = CONTENT_TYPES(registry)
    for path, content in walk(root):
        if content.type_name != type_name or types.of(content) is None:
            continue
        owner = accounts.get(content.owner) if accounts is not None and content.owner else None
        comments = content.comments
        yield [
            "/" + path + "/",
            content.title,
            owner.email if owner is not None else "",
            content.access,
            content.state,
            iso(content.created),
            iso(content.modified),
            len(comments) if comments is not None else 0,
            like_count(content),
        ]
