"""WebDAV at ``/dav/`` of each deelsite: the workspace's folders and files on a desktop.

Desktop clients (Windows Explorer, macOS Finder, rclone, cadaver, office programs) mount
``https://<site>/dav/`` and sign in with the account's e-mail address and an app password
made on the account page (``config.add_app_password_path``): never the sign-in password,
never the cookie. What they see and may do is what the account sees and may do on the web,
through the same functions (``resources``); a lock is the file's check-out (``locking``);
the whole request is one transaction of the site's database (``view``).
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from ..i18n import _
from .view import PREFIX, dav_view


def dav_root(request: Request) -> object:
    """The route's context: the deelsite (the platform host has no workspace)."""
    root = request.site_root
    if root is None:
        raise HTTPNotFound()
    return root


def includeme(config: Configurator) -> None:
    config.add_app_password_path(
        PREFIX + "/", title=_("WebDAV: the workspace's folders and files on your computer")
    )
    config.add_route("workspace.dav.root", PREFIX, factory=dav_root)
    config.add_route("workspace.dav", PREFIX + "/*subpath", factory=dav_root)
    # Basic (an app password) is the only way in: no cookie, so no CSRF to check; each
    # resource is checked with request.has_permission as the web checks it.
    options = {"permission": NO_PERMISSION_REQUIRED, "require_csrf": False}
    config.add_view(dav_view, route_name="workspace.dav.root", **options)
    config.add_view(dav_view, route_name="workspace.dav", **options)
