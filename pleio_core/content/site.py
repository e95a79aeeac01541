"""The root object of a deelsite's database, and the platform host's (non-persistent) root."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Everyone

from .folder import Folder, Item

if TYPE_CHECKING:  # floors above content: named for the reader and mypy, never imported
    from pleio_core.security.joining import JoinRequests
    from pleio_core.security.membership import Members
    from pleio_core.sites.appearance import SiteImage
    from pleio_core.sites.audit import AuditLog

#: The key under which the SiteRoot lives in the ZODB root mapping.
ROOT_KEY = "pleio_site"


class ModuleFolder(Folder):
    """The top folder of one module's content (``/wiki``, ``/workspace``, …)."""

    def __init__(self, module: str, title: str = "") -> None:
        super().__init__(title)
        self.module = module


class SiteRoot(Folder):
    """A deelsite. Traversal hides module folders of modules the site has not enabled."""

    #: The site's members and their roles (``pleio_core.security.membership.Members``),
    #: created with the first member.
    members: Members | None = None
    #: Only accounts with two-factor sign-in may use their role here (Pleio's REQUIRE_2FA).
    require_two_factor = False
    #: How people join: "open" (at once), "request" (an admin approves) or "invitation".
    join_mode = "request"
    #: E-mail domains whose verified accounts become members by themselves ("minbzk.nl").
    join_domains: tuple[str, ...] = ()
    #: Pending requests to join (``pleio_core.security.joining.JoinRequests``), made with the first.
    join_requests: JoinRequests | None = None
    #: What was done on the site, by whom (``pleio_core.sites.audit.AuditLog``), made with
    #: the first entry.
    audit_log: AuditLog | None = None
    #: The holder's own title, description, language, access and contact address, over
    #: the file's (``pleio_core.sites.effective``); a plain dict, replaced on each change.
    holder_settings: Mapping[str, str] = MappingProxyType({})
    #: The site's colours for ``/@@theme.css`` ({"primary": "#…", "secondary": "#…"}).
    colours: Mapping[str, str] = MappingProxyType({})
    #: The uploaded logo and favicon (``pleio_core.sites.appearance.SiteImage``), or None.
    logo: SiteImage | None = None
    favicon: SiteImage | None = None
    #: Bumped by each upload (the images' addresses carry it), with the media type: the page
    #: frame reads these root attributes, never the images themselves.
    logo_version = favicon_version = 0
    logo_type = favicon_type = ""
    #: The holder's menu: {"order": [path…], "titles": {path: title}, "hidden": [path…],
    #: "links": [(title, url)…]} (``pleio_core.admin.menu``), and a counter of its changes.
    menu_settings: Mapping[str, Any] = MappingProxyType({})
    menu_version = 0
    #: The holder's home widgets: {"order": [key…], "hidden": [key…]} with the widgets'
    #: keys, ``<module>.<name>`` (``pleio_core.admin.home``); a plain dict, replaced on change.
    home_settings: Mapping[str, Any] = MappingProxyType({})
    #: The path of the page shown on the home page instead of the activity, or "".
    front_page = ""
    #: Old path → content moved or renamed since (``pleio_core.content.moves``), made with
    #: the first move: old addresses lead to the content's new one.
    moved_paths: OOBTree | None = None
    #: Module → the version its data is at (``pleio_core.sites.evolve``), made on first use.
    data_versions: PersistentMapping | None = None
    #: The evolve step that failed here, as {"module", "version", "title", "error", "at"}:
    #: until it succeeds, the site answers 503 (its data is as before the step).
    evolve_failure: Mapping[str, Any] | None = None
    #: The bytes the site's files take (``pleio_core.uploads.limits``), made with the first
    #: change; a Length, so that concurrent uploads do not conflict over it.
    storage_usage: Length | None = None

    def __init__(self, name: str, title: str, modules: Iterable[str] = ()) -> None:
        super().__init__(title)
        self.site_name = name
        #: The modules the holder has switched on, in menu order.
        self.enabled_modules: tuple[str, ...] = ()
        #: The ``modules`` of the site's file when last applied; a change to the file is
        #: applied as a difference, so the holder's own choices are kept.
        self.file_modules: tuple[str, ...] = tuple(modules)
        self.welcome = ""
        self.__name__, self.__parent__ = "", None
        self.__acl__: list = []

    def __getitem__(self, name: str) -> Item:
        item = super().__getitem__(name)
        if isinstance(item, ModuleFolder) and item.module not in self.enabled_modules:
            raise KeyError(name)
        return item

    def set_acl(self, access: str) -> None:
        """Public sites can be read by anyone; every site root ACL ends in DENY_ALL.

        Members may ``add`` content (and comment, like); editors may also ``moderate``
        (others' comments, types declared with ``add_permission="moderate"``). Content
        denies ``view``/``edit``/``delete`` itself (``security.access.acl_for``), so those
        never fall through to here.
        """
        acl: list = [(Allow, "role:admin", ALL_PERMISSIONS)]
        acl.append((Allow, Everyone if access == "public" else "site:member", "view"))
        acl.append((Allow, "role:member", "add"))
        acl.append((Allow, "role:editor", "moderate"))
        acl.append(DENY_ALL)
        if acl != self.__acl__:
            self.__acl__ = acl


class PlatformRoot:
    """The platform host's root: the sites overview. Nothing in it is persistent."""

    __name__ = ""
    __parent__ = None
    __acl__: ClassVar = [
        (Allow, "role:operator", ALL_PERMISSIONS),
        (Allow, Everyone, "view"),
        DENY_ALL,
    ]

    def __getitem__(self, name: str) -> object:
        raise KeyError(name)
