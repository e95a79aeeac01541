"""The root object of a deelsite's database, and the platform host's (non-persistent) root."""

from __future__ import annotations

from collections.abc import Iterable

from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Everyone

from .folder import Folder, Item

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
    members = None
    #: Only accounts with two-factor sign-in may use their role here (Pleio's REQUIRE_2FA).
    require_two_factor = False
    #: How people join: "open" (at once), "request" (an admin approves) or "invitation".
    join_mode = "request"
    #: E-mail domains whose verified accounts become members by themselves ("minbzk.nl").
    join_domains: tuple[str, ...] = ()
    #: Pending requests to join (``pleio_core.security.joining.JoinRequests``), made with the first.
    join_requests = None
    #: What was done on the site, by whom (``pleio_core.security.audit.AuditLog``), made with
    #: the first entry.
    audit_log = None
    #: Old path → content moved or renamed since (``pleio_core.content.moves``), made with
    #: the first move: old addresses lead to the content's new one.
    moved_paths = None

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
    __acl__ = [(Allow, Everyone, "view"), DENY_ALL]

    def __getitem__(self, name: str) -> object:
        raise KeyError(name)
