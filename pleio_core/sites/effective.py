"""A deelsite's effective settings: the holder's choice if they made one, else the file's.

The operator's file (``site_configs/NAME.toml``) gives the first title, description,
language and access; once the holder changes one in the control panel, the value lives in
the site's own database (``SiteRoot.holder_settings``), so every process sees it with the
next transaction. Everything that shows or enforces these settings asks here, never the
file's SiteConfig directly.

The holder's values are a plain dict on the SiteRoot: reading them costs no database load
beyond the root itself, which every request of a site has loaded anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import NamedTuple

from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.content import Content, ModuleFolder
from pleio_core.content.site import ROOT_KEY, SiteRoot
from pleio_core.services import SITE_DATABASES, SITES

from .config import SiteConfig
from .urls import host_url

log = logging.getLogger(__name__)

#: The settings a holder may override, each with the file's key of the same name.
HOLDER_KEYS = ("title", "description", "language", "access", "contact_email")


class SiteSettings(NamedTuple):
    title: str
    description: str
    language: str
    access: str
    contact_email: str


def effective_settings(site: SiteConfig, root: SiteRoot | None) -> SiteSettings:
    """The settings in force: ``root``'s holder values over ``site``'s file values."""
    return settings_over(site, root.holder_settings if root is not None else {})


def settings_over(site: SiteConfig, own: Mapping[str, str]) -> SiteSettings:
    """The holder's values ``own`` over the file's (for readers without a SiteRoot)."""
    if not own:  # most sites, and every site until its holder changes something
        return SiteSettings(site.title, site.description, site.language, site.access, "")
    return SiteSettings(
        own.get("title") or site.title,
        own.get("description", site.description),
        own.get("language") or site.language,
        own.get("access") or site.access,
        own.get("contact_email", ""),
    )


def effective_access(site: SiteConfig, root: SiteRoot) -> str:
    """Just the access in force (asked on every request, when the root's ACL is set)."""
    return root.holder_settings.get("access") or site.access


def set_holder_settings(root: SiteRoot, **values: str) -> dict[str, str]:
    """Store the holder's values (a new dict, so ZODB sees the change); return what changed."""
    unknown = set(values) - set(HOLDER_KEYS)
    if unknown:
        raise ValueError(f"unknown site settings: {', '.join(sorted(unknown))}")
    changed = {k: v for k, v in values.items() if root.holder_settings.get(k) != v}
    if changed:
        root.holder_settings = {**root.holder_settings, **changed}
    return changed


def front_page_content(request: Request, root: SiteRoot) -> Content | None:
    """The chosen front page, if it is still there, live and visible to this visitor."""
    if not root.front_page:
        return None
    module, _sep, name = root.front_page.partition("/")
    if module not in request.enabled_modules:
        return None
    folder = root.get(module)
    item = folder.get(name) if isinstance(folder, ModuleFolder) else None
    if not isinstance(item, Content) or not item.is_live():
        return None
    return item if request.has_permission("view", item) else None


def site_settings(request: Request) -> SiteSettings | None:
    """``request.site_settings``: the effective settings of the request's site (None on the
    platform host or an unknown host)."""
    if request.is_platform or request.site is None:
        return None
    return effective_settings(request.site, request.site_root)


def stored_settings(registry: Registry, site: SiteConfig) -> SiteSettings | None:
    """``site``'s effective settings read from its database, for the pages of other hosts
    (the platform's overview, the operator's list): what the holder set in the control
    panel, not only the file. Read without writing; the file's settings for a site whose
    database has no root yet; None if the database cannot be read (the caller decides
    what it shows then: the overview leaves such a site out rather than guess)."""
    try:
        db = SITE_DATABASES(registry).get(site.name)
        with db.transaction() as conn:
            root = conn.root().get(ROOT_KEY)
            return effective_settings(site, root)
    except Exception:  # one database that cannot be opened must not break the page
        log.exception("cannot read the settings of site %s", site.name)
        return None


def listed_sites(request: Request) -> list[dict[str, object]]:
    """The sites the platform's overview lists to ``request``'s viewer, by title.

    Everyone sees the sites that are public now (the holder's access over the file's),
    under the title and description the holder set. A closed site is not listed to the
    public: its name and description are its members' business. The operator sees every
    site that is switched on, the closed ones marked so. A site switched off (a
    maintenance page) is listed to nobody.
    """
    identity = request.identity if request.is_platform else None
    operator = identity is not None and identity.operator
    listed = []
    for site in SITES(request.registry):
        if site.disabled:
            continue
        settings = stored_settings(request.registry, site)
        if settings is None or (settings.access != "public" and not operator):
            continue
        listed.append(
            {
                "title": settings.title,
                "description": settings.description,
                "language": settings.language,  # what the holder wrote them in
                "href": host_url(request, site.primary_host) + "/",
                "closed": settings.access != "public",
            }
        )
    listed.sort(key=lambda entry: str(entry["title"]).lower())
    return listed
