"""Adding, changing and removing content: the one way the forms, the API and imports write.

Each function checks nothing about permissions (its caller did) but everything about the
data: values come from the type's bound schema, a stale edit raises ``StaleEdit``, and the
events keep the catalog, the revisions and the activity record in the same transaction.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from pleio_core.security.accounts import now

from .events import ContentAdded, ContentModified, ContentRemoved
from .folder import Folder
from .markup import unique_name
from .model import Content
from .schedule import schedule_publication
from .schema import ContentSchema
from .types import ContentType

BASE_LEVELS = ("public", "members", "private")


class StaleEdit(Exception):
    """Somebody saved the content after this edit started; nothing was written."""

    def __init__(self, content: Content, started_from: int) -> None:
        super().__init__(f"edit started from serial {started_from}, content is at {content.serial}")
        self.content, self.started_from = content, started_from


def group_of(request: Request, context: object) -> str | None:
    """The group principal that ``context`` belongs to (from the community module), or None."""
    return request.plugin_hooks.pleio_group_of(request=request, context=context)


def access_levels(request: Request, container: object) -> tuple[str, ...]:
    """The access levels offered for content in ``container``."""
    if group_of(request, container):
        return ("public", "members", "group", "private")
    return BASE_LEVELS


def bound_schema(request: Request, content_type: ContentType, container: object) -> ContentSchema:
    return content_type.schema().bind(
        request=request, access_levels=access_levels(request, container)
    )


def content_values(content: Content, content_type: ContentType) -> dict[str, Any]:
    """The content's values for every field of its type's schema."""
    return {name: getattr(content, name, None) for name in content_type.field_names()}


def _apply(content: Content, content_type: ContentType, values: dict[str, Any]) -> None:
    for name in content_type.field_names():
        if name not in values:
            continue
        if name == "body":
            content.set_body(values["body"])
        else:
            setattr(content, name, values[name])


def create_content(
    request: Request,
    container: Folder,
    content_type: ContentType,
    values: dict[str, Any],
    owner: str | None = None,
    name: str | None = None,
) -> Content:
    """Make content of this type from validated values and add it to ``container``."""
    content = content_type.factory(owner=owner)
    identity = request.identity
    if owner is not None and identity is not None and identity.id == owner:
        content.owner_name = identity.name
    _apply(content, content_type, values)
    content.group = group_of(request, container)
    container.add(name or unique_name(container, content.title), content)
    schedule_publication(request.site_root, content.publish_at)
    request.registry.notify(ContentAdded(content, request))
    return content


def update_content(
    request: Request,
    content: Content,
    content_type: ContentType,
    values: dict[str, Any],
    started_from: int,
    comment: str = "",
) -> bool:
    """Save changed values; False if nothing changed. ``StaleEdit`` if someone saved between."""
    if started_from != content.serial:
        raise StaleEdit(content, started_from)
    old = content_values(content, content_type)
    if all(values.get(name, value) == value for name, value in old.items()):
        return False
    _apply(content, content_type, values)
    content.group = group_of(request, content.__parent__)
    content.serial += 1
    content.modified = now()
    schedule_publication(request.site_root, content.publish_at)
    request.registry.notify(ContentModified(content, request, old=old, comment=comment))
    return True


def delete_content(request: Request, content: Content) -> None:
    """Remove content and everything inside it."""
    request.registry.notify(ContentRemoved(content, request))
    content.__parent__.remove(content.__name__)
