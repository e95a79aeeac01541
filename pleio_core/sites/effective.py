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

from collections.abc import Mapping
from typing import NamedTuple

from pyramid.request import Request

from pleio_core.content.site import SiteRoot

from .config import SiteConfig

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


def site_settings(request: Request) -> SiteSettings | None:
    """``request.site_settings``: the effective settings of the request's site (None on the
    platform host or an unknown host)."""
    if request.is_platform or request.site is None:
        return None
    return effective_settings(request.site, request.site_root)
