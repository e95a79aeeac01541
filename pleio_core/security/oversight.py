"""The audit of oversight: what the site's admins and editors do to other people's content.

Access is never wider than an item's level except for the holder's admins (``access``), and
what they do with that is audited: the audit log records a change of who may see someone
else's content (its access level, state or publication moment), and a change or removal of
someone else's content that the actor could only reach as an admin. Reading is not logged:
a write on every page view would be the price, and admins can export the whole site anyway.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.content.access import acl_for, acl_permits
from pleio_core.content.editing import CONTROL_FIELDS
from pleio_core.content.events import ContentEvent, ContentModified, ContentRemoved
from pleio_core.content.model import Content

from .audit import record


def only_as_admin(request: Request, content: Content) -> bool:
    """The request reaches ``content`` only through the admin role (not as its owner, an
    editor or one of those its level lets see it)."""
    acl = acl_for(content.effective_access, content.owner, content.group, live=content.is_live())
    without_admin = [entry for entry in acl if entry[1] != "role:admin"]
    return not acl_permits(request, without_admin)


def _others(event: ContentEvent) -> bool:
    request = event.request
    identity = getattr(request, "identity", None) if request is not None else None
    return identity is not None and identity.id != event.content.owner


def _about(content: Content, request: Request) -> dict:
    return {"title": content.title, "path": request.resource_path(content)}


def content_modified(event: ContentModified) -> None:
    if not _others(event):
        return
    content, request = event.content, event.request
    changed = {
        name: f"{event.old.get(name)} → {getattr(content, name, None)}"
        for name in CONTROL_FIELDS
        if name in event.old and event.old[name] != getattr(content, name, None)
    }
    if changed:
        record(
            request, "access-changed", request.identity.id, **_about(content, request), **changed
        )
    elif only_as_admin(request, content):
        record(request, "admin-override", request.identity.id, **_about(content, request))


def content_removed(event: ContentRemoved) -> None:
    if _others(event) and only_as_admin(event.request, event.content):
        details = _about(event.content, event.request)
        record(event.request, "admin-override", event.request.identity.id, removed=True, **details)


def includeme(config: Configurator) -> None:
    config.add_subscriber(content_modified, ContentModified)
    config.add_subscriber(content_removed, ContentRemoved)
