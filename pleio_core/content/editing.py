"""Adding, changing and removing content: the one way the forms, the API and imports write.

Each function checks everything about the data: values come from the type's bound schema,
a stale edit raises ``StaleEdit``, and the events keep the catalog, the revisions and the
activity record in the same transaction. Of permissions they check one thing only, because
it is about the values, not the view: who may see content and from when (its access level,
state and publication moments, ``CONTROL_FIELDS``) is changed only with ``change_access``
(``content.access``), and only to a level at which the changer still sees it
(``ControlRefused``). Whether the caller may edit at all, its view checked.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from pleio_core.clock import now
from pleio_core.i18n import _

from .access import ACCESS_LEVELS, CHANGE_ACCESS, access_cap, acl_for, acl_permits
from .events import ContentAdded, ContentModified, ContentRemoved
from .folder import Folder, name_of, parent_of
from .markup import unique_name
from .model import Content
from .schedule import schedule_content
from .schema import ContentSchema
from .types import ContentType

#: the levels outside a group (``group`` needs one)
BASE_LEVELS = tuple(level for level in ACCESS_LEVELS if level != "group")
#: The fields that say who may see content and from when: changed only with ``change_access``.
CONTROL_FIELDS = ("access", "state", "publish_at", "publish_until")


class StaleEdit(Exception):
    """Somebody saved the content after this edit started; nothing was written."""

    def __init__(self, content: Content, started_from: int) -> None:
        super().__init__(f"edit started from serial {started_from}, content is at {content.serial}")
        self.content, self.started_from = content, started_from


class ControlRefused(Exception):
    """A change of who may see content, by someone who may not make it; nothing was written."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def group_of(request: Request, context: object) -> str | None:
    """The group principal that ``context`` belongs to (from the community module), or None."""
    return request.plugin_hooks.pleio_group_of(request=request, context=context)


def access_levels(
    request: Request, container: object, content: Content | None = None
) -> tuple[str, ...]:
    """The access levels offered for content in ``container``; for existing ``content``, only
    those at which the one changing it would still see it (an editor cannot hide somebody's
    page from everyone, the owner and admins can choose any)."""
    group = group_of(request, container)
    cap = access_cap(container, including=True)
    levels = tuple(
        level
        for level in (ACCESS_LEVELS if group else BASE_LEVELS)
        if cap is None
        or ACCESS_LEVELS.index(level) >= ACCESS_LEVELS.index(cap)
        or (content is not None and level == content.access)
    )
    if content is None:
        return levels
    return tuple(
        level
        for level in levels
        if level == content.access or acl_permits(request, acl_for(level, content.owner, group))
    )


def may_control(request: Request, content: Content) -> bool:
    """May the request change who sees ``content`` and when (``CONTROL_FIELDS``)?"""
    return bool(request.has_permission(CHANGE_ACCESS, content))


def bound_schema(
    request: Request,
    content_type: ContentType,
    container: object,
    content: Content | None = None,
    changes: Content | None = None,
) -> ContentSchema:
    """The type's schema for adding in ``container`` or, with ``content``, for changing it
    in its form. The content being changed is bound as ``content`` (None while adding), for
    a type's validators; ``changes`` binds it without the form's narrowing (the API, which
    answers a refused change of access itself, ``check_control``).

    Someone who may change ``content`` but not who sees it gets a schema without the
    ``CONTROL_FIELDS``: their form does not offer them, and what they save keeps them.
    """
    schema = content_type.schema().bind(
        request=request,
        access_levels=access_levels(request, container, content),
        content=content if content is not None else changes,
    )
    if content is not None and not may_control(request, content):
        schema = schema.clone()
        for name in CONTROL_FIELDS:
            if name in schema:
                del schema[name]
    return schema


def check_control(request: Request, content: Content, values: dict[str, Any]) -> None:
    """``ControlRefused`` if ``values`` change who may see ``content`` without the right to."""
    changed = [
        name
        for name in CONTROL_FIELDS
        if name in values and values[name] != getattr(content, name, None)
    ]
    if not changed:
        return
    if not may_control(request, content):
        raise ControlRefused(
            changed[0],
            _("Only its owner, the editors and the admins may change who sees this, and when."),
        )
    if "access" in changed and values["access"] not in access_levels(
        request, content.__parent__, content
    ):
        raise ControlRefused(
            "access", _("With this access level you would no longer see it yourself.")
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
    schedule_content(request.site_root, content)
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
    """Save changed values; False if nothing changed. ``StaleEdit`` if someone saved between,
    ``ControlRefused`` if they change who sees it and the request may not (``check_control``)."""
    if started_from != content.serial:
        raise StaleEdit(content, started_from)
    check_control(request, content, values)
    old = content_values(content, content_type)
    if all(values.get(name, value) == value for name, value in old.items()):
        return False
    inner = getattr(content, "inner_access", None)
    _apply(content, content_type, values)
    content.group = group_of(request, content.__parent__)
    content.serial += 1
    content.modified = now()
    schedule_content(request.site_root, content)
    inside = inner != getattr(content, "inner_access", None)
    event = ContentModified(content, request, old=old, comment=comment, inside=inside)
    request.registry.notify(event)
    return True


def delete_content(request: Request, content: Content) -> None:
    """Remove content and everything inside it (or let a plugin take it, to a trash:
    ``pleio_delete_content``)."""
    if request.plugin_hooks.pleio_delete_content(request=request, content=content):
        return
    request.registry.notify(ContentRemoved(content, request))
    parent_of(content).remove(name_of(content))
