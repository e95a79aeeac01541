"""The base layout: what every page's frame needs (site name, menu, languages)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cached_property
from html import escape
from importlib import resources
from typing import Any, NamedTuple
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.csrf import get_csrf_token
from pyramid.events import BeforeRender
from pyramid.registry import Registry
from pyramid.renderers import get_renderer
from pyramid.request import Request
from pyramid_chameleon import zpt

from pleio_core.services import PEOPLE, STYLESHEETS, Service

from .content.site import SiteRoot
from .i18n import LANGUAGES, _
from .notifications import unread_count
from .plugins import MenuItem
from .sites.urls import platform_url
from .text import sendable

MENU_CACHE_ENTRIES = 10_000
Entry = tuple[str, str]  # a menu entry: (title, href)

_MENU_CACHE: Service[dict[Any, Any]] = Service(
    "menu cache", "pleio_core.layout", "Each site's menu, per language, address and viewer kind."
)
_LANGUAGE_CACHE: Service[dict[Any, str]] = Service(
    "language links cache", "pleio_core.layout", "The language links, per address."
)
_STATIC_PATHS: Service[dict[str, str]] = Service(
    "static paths", "pleio_core.layout", "Where the core's static files are served."
)
_TOOLS_CACHE: Service[dict[Any, tuple[str, ...]]] = Service(
    "header tools cache",
    "pleio_core.layout",
    "The header's search, language, sign-in and personal menu, per address, language and "
    "kind of visitor.",
)


# Templates read these by attribute: Chameleon looks a name up on a dict only after a failed
# getattr, and that exception costs more than the rest of the lookup.


class MenuLink(NamedTuple):
    title: str
    href: str
    current: bool


class LanguageLink(NamedTuple):
    code: str
    name: str
    current: bool
    href: str


def item_key(href: str, app_url: str) -> str:
    """An item's path on the site: the same on every host the site answers on."""
    return href[len(app_url) :] if href.startswith(app_url) else href


def apply_menu_settings(
    entries: list[Entry], settings: Mapping[str, Any], app_url: str
) -> list[Entry]:
    """The modules' entries in the holder's order, with their titles, without the hidden
    ones, followed by the holder's own links."""
    order = list(settings.get("order", ()))
    titles = settings.get("titles", {})
    hidden = set(settings.get("hidden", ()))

    def position(indexed: tuple[int, Entry]) -> tuple[int, int]:
        index, (_title, href) = indexed
        key = item_key(href, app_url)
        return (order.index(key) if key in order else len(order), index)

    shown = []
    for _index, (title, href) in sorted(enumerate(entries), key=position):
        key = item_key(href, app_url)
        if key not in hidden:
            shown.append((titles.get(key) or title, href))
    for title, url in settings.get("links", ()):
        shown.append((title, app_url + url if url.startswith("/") else url))
    return shown


def initials(name: str | None) -> str:
    """An avatar's letters, until accounts have photos: the first letter of the first and of
    the last word of the name ("Ada Lovelace" → "AL")."""
    words = (name or "").split() or ["?"]
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()


class Page:
    """The frame around one rendered page; templates reach it as ``page``."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.site = None if request.is_platform else request.site
        self.site_root = request.site_root if self.site is not None else None
        # WebOb works application_url out anew on every read; a page needs it often
        self.app_url = request.application_url
        self.settings = request.site_settings if self.site is not None else None
        self.site_title = self.settings.title if self.settings is not None else "Pleio"
        self.home_url = self.app_url + "/"
        static = _STATIC_PATHS(request.registry)
        self.head_html = static["head"]
        self.icons_url = static["nlds/icons.svg"]
        self.menu_script_url = static["menu.js"]
        #: What a page with a textarea for mentions loads (``data-mentions``).
        self.mentions_script_url = static["mentions.js"]
        self.logo_url = self.favicon_url = static["logo.svg"]
        self.favicon_type = "image/svg+xml"
        self.has_own_logo = False
        root = self.site_root
        if root is not None and root.logo_version:
            self.logo_url = f"{self.app_url}/@@logo?v={root.logo_version}"
            self.has_own_logo = True
        if root is not None and root.favicon_version:
            self.favicon_url = f"{self.app_url}/@@favicon?v={root.favicon_version}"
            self.favicon_type = root.favicon_type

    @property
    def plugin_stylesheets(self) -> list[str]:
        """The stylesheets of the site's enabled plugins (``config.add_stylesheet``)."""
        if self.site is None:
            return []
        sheets = STYLESHEETS(self.request.registry)
        return [sheets[m] for m in self.request.enabled_modules if m in sheets]

    @cached_property
    def menu(self) -> list[MenuLink]:
        request, site, site_root = self.request, self.site, self.site_root
        if site is None or site_root is None:  # (both or neither)
            return []
        can_view = bool(request.has_permission("view", site_root))
        key = (
            site.name,
            request.enabled_modules,
            request.locale_name,
            self.app_url,
            can_view,
            site_root.menu_version,  # the holder's menu: a change counts in every process
        )
        cache = _MENU_CACHE(request.registry)
        entries = cache.get(key)
        if entries is None:
            entries = cache[key] = self._menu_entries(site_root, can_view)
            if len(cache) > MENU_CACHE_ENTRIES:  # hosts come from the client: stay bounded
                cache.clear()
        here = request.path_url.rstrip("/") + "/"
        return [MenuLink(title, href, href.rstrip("/") + "/" == here) for title, href in entries]

    def _menu_entries(self, site_root: SiteRoot, can_view: bool) -> tuple[Entry, ...]:
        """(title, link) of each menu item, in order: the same for every visitor of the site
        in one language on one host (the contract of ``pleio_menu_items``), as the holder
        arranged them."""
        entries = self.default_menu_entries(can_view)
        settings = site_root.menu_settings
        return (
            tuple(apply_menu_settings(list(entries), settings, self.app_url))
            if settings
            else entries
        )

    def default_menu_entries(self, can_view: bool = True) -> tuple[Entry, ...]:
        """The menu as the modules make it, before the holder's changes."""
        request = self.request
        items = [MenuItem(_("Home"), self.home_url, order=0)]
        if can_view:
            for contributed in request.plugin_hooks.pleio_menu_items(request=request):
                items.extend(contributed)
        items.sort(key=lambda item: item.order)
        translate = request.localizer.translate
        return tuple((translate(item.title), item.href) for item in items)

    @cached_property
    def menu_html(self) -> str:
        """The menu's list items. Written here, not in the template: on every page, the
        template engine took an eighth of the whole request to render these few links."""
        return "".join(
            f'<li><a href="{escape(link.href)}"'
            + (' aria-current="page"' if link.current else "")
            + f">{escape(link.title)}</a></li>"
            for link in self.menu
        )

    @cached_property
    def languages_html(self) -> str:
        """The language links' list items (see ``menu_html`` for why they are made here).

        The same for every visitor of one address in one language: kept per address (the
        address and the language links took a tenth of a signed-in page).
        """
        key = (self.app_url, self.request.path_qs, self.request.locale_name)
        cache = _LANGUAGE_CACHE(self.request.registry)
        html = cache.get(key)
        if html is None:
            html = cache[key] = self._languages_html()
            if len(cache) > MENU_CACHE_ENTRIES:  # addresses come from the client: stay bounded
                cache.clear()
        return html

    def _languages_html(self) -> str:
        return "".join(
            f'<li><a href="{escape(link.href)}" lang="{link.code}" hreflang="{link.code}"'
            + (' aria-current="true"' if link.current else "")
            + f">{escape(link.name)}</a></li>"
            for link in self.languages
        )

    @cached_property
    def account(self) -> Any:
        return self.request.identity  # its name is all the frame shows

    @cached_property
    def initials(self) -> str:
        """The signed-in person's avatar letters."""
        return initials(self.account.name)

    @staticmethod
    def initials_of(name: str) -> str:
        """Anyone's avatar letters, for templates: ``page.initials_of(comment.author_name)``."""
        return initials(name)

    @cached_property
    def _people_seen(self) -> dict[str, Any]:
        return self.request.people_seen

    def display_name(self, account_id: str | None, fallback: str = "") -> str:
        """Someone's name as their account has it now, for templates:
        ``page.display_name(content.owner, content.owner_name)`` (the stored copy is the
        fallback for an account that is gone)."""
        # A list names the same few people many times: the second time costs a dict look-up.
        shown = self._people_seen.get(account_id) if account_id else None
        if shown is not None and shown.exists:
            return str(shown.name)
        return PEOPLE(self.request.registry).display_name(self.request, account_id, fallback)

    def person_html(self, account_id: str | None, fallback: str = "") -> str:
        """Someone's name (``structure:``), a link to their profile for those who may see it."""
        return PEOPLE(self.request.registry).person_html(self.request, account_id, fallback)

    @cached_property
    def _avatars(self) -> dict[tuple[str, str], str]:
        return {}

    def avatar_html(self, account_id: str | None, size: str = "small", fallback: str = "") -> str:
        """Someone's photo or initials (``structure:``): ``page.avatar_html(comment.author)``
        (kept per page: a stream shows the same few people many times)."""
        key = (account_id or "", size)
        html = self._avatars.get(key) if account_id else None
        if html is None:
            people = PEOPLE(self.request.registry)
            html = people.avatar_html(self.request, account_id, size, fallback)
            if account_id:
                self._avatars[key] = html
        return html

    @cached_property
    def tools_html(self) -> str:
        """The header's tools: search, and the language links and sign-in or the personal
        menu. Written here and kept per address, language and kind of visitor (see
        ``menu_html`` for why); only the name, its initials and the sign-out form's token are
        filled in per request."""
        request = self.request
        account = self.account
        kind = None if account is None else (bool(self.control_panel_url), bool(self.operator_url))
        key = (self.app_url, request.path_qs, request.locale_name, self.site is None, kind)
        cache = _TOOLS_CACHE(request.registry)
        parts = cache.get(key)
        if parts is None:
            parts = cache[key] = self._tools_parts(signed_in=account is not None)
            if len(cache) > MENU_CACHE_ENTRIES:  # addresses come from the client: stay bounded
                cache.clear()
        if account is None:
            return parts[0]
        name = escape(account.name)
        filled: tuple[str, ...] = (
            escape(self.initials),
            name,
            name,
            escape(get_csrf_token(request)),
        )
        if self.site_root is not None:
            filled = (self._unread_badge(account.id), *filled)
        return "".join(part + value for part, value in zip(parts, filled, strict=False)) + parts[-1]

    def _unread_badge(self, account_id: str) -> str:
        """The count of unread notifications beside their link (filled per request: the
        parts around it are kept), or nothing when none are unread."""
        count = unread_count(self.site_root, account_id)
        if not count:
            return ""
        shown = str(count) if count < 100 else "99+"
        text = self.request.localizer.pluralize(
            "${count} unread notification",
            "${count} unread notifications",
            count,
            domain="pleio",
            mapping={"count": shown},
        )
        return (
            f'<span class="unread-count" aria-hidden="true">{escape(shown)}</span>'
            f'<span class="visually-hidden">{escape(text)}</span>'
        )

    def _icon(self, name: str) -> str:
        return (
            f'<svg class="utrecht-icon" aria-hidden="true" focusable="false">'
            f'<use href="{self.icons_url}#{name}"></use></svg>'
        )

    def _tools_parts(self, signed_in: bool) -> tuple[str, ...]:
        """The tools' markup, split where the per-request values go (``tools_html``)."""
        translate = self.request.localizer.translate
        # (named out here: message extraction does not look inside f-strings)
        search, sign_in, sign_out = _("Search"), _("Sign in"), _("Sign out")
        language, personal_menu = _("Language"), _("Personal menu")
        notifications = _("Notifications")
        languages = (
            f'<nav class="language" aria-label="{escape(translate(language))}">'
            f"<ul>{self._languages_html()}</ul></nav>"
        )
        html = '<div class="site-tools">'
        if self.site_root is not None:
            html += (
                f'<a class="site-tool" href="{escape(self.app_url)}/@@search">'
                f'{self._icon("search")}<span class="site-tool__label">'
                f"{escape(translate(search))}</span></a>"
            )
        if not signed_in:
            return (
                html + languages + '<a class="utrecht-button-link utrecht-button-link--html-a'
                f' utrecht-button-link--primary-action sign-in" href="{escape(self.sign_in_url)}">'
                f"{self._icon('login')}<span>{escape(translate(sign_in))}</span></a></div>",
            )
        before: tuple[str, ...] = (html,)
        if self.site_root is not None:  # the unread count goes between these two
            before = (
                html + f'<a class="site-tool notifications-tool" href="{escape(self.app_url)}'
                f'/@@notifications">{self._icon("alert")}<span class="site-tool__label">'
                f"{escape(translate(notifications))}</span>",
                "</a>",
            )
        return (
            *before[:-1],
            before[-1]
            + '<details class="personal-menu"><summary><span class="avatar" aria-hidden="true">',
            '</span><span class="personal-menu__name">',
            f"</span>{self._icon('chevron-down')}</summary>"
            '<div class="personal-menu__panel"><p class="personal-menu__who"><strong>',
            "</strong></p>"
            f'<nav aria-label="{escape(translate(personal_menu))}">'
            '<ul class="utrecht-link-list utrecht-link-list--html-ul">'
            f"{self._personal_links_html(self.site_root is not None)}</ul></nav>"
            '<div class="language-choice">'
            f"<h2>{escape(translate(language))}</h2>{languages}</div>"
            f'<form method="post" action="{escape(self.app_url)}/@@logout" class="sign-out">'
            '<input type="hidden" name="csrf_token" value="',
            '"><button type="submit" class="utrecht-button utrecht-button--secondary-action">'
            f"{self._icon('logout')}<span>{escape(translate(sign_out))}</span></button>"
            "</form></div></details></div>",
        )

    def _personal_links_html(self, on_site: bool) -> str:
        request = self.request
        links = [("user", _("Your account"), platform_url(request, "/account"))]
        if on_site:
            links.append(("bookmark", _("Saved"), self.app_url + "/@@saved"))
            links.append(("download", _("My data"), self.app_url + "/@@my-data"))
        links.append(("two-factor", _("Two-factor sign-in"), platform_url(request, "/two-factor")))
        links.append(("key", _("API tokens"), platform_url(request, "/account#tokens-heading")))
        if self.control_panel_url:
            links.append(("settings", _("Control panel"), self.control_panel_url))
        if self.operator_url:
            links.append(("sites", _("Deelsites"), self.operator_url))
        translate = request.localizer.translate
        return "".join(
            f'<li class="utrecht-link-list__item"><a class="utrecht-link-list__link"'
            f' href="{escape(href)}">{self._icon(icon)}'
            f"<span>{escape(translate(title))}</span></a></li>"
            for icon, title, href in links
        )

    @cached_property
    def sign_in_url(self) -> str:
        if self.site is None:
            return self.app_url + "/login"
        query = urlencode({"came_from": self.request.path_qs})
        return f"{self.app_url}/@@login?{query}"

    @cached_property
    def languages(self) -> list[LanguageLink]:
        came_from = urlencode({"came_from": self.request.path_qs})
        current = self.request.locale_name
        return [
            LanguageLink(
                code, name, code == current, f"{self.app_url}/@@language?lang={code}&{came_from}"
            )
            for code, name in LANGUAGES.items()
        ]

    @cached_property
    def operator_url(self) -> str | None:
        """On the platform host, the operator's link to the sites page."""
        identity = self.request.identity
        if self.site is None and identity is not None and identity.operator:
            return self.app_url + "/@@operator-sites"
        return None

    @cached_property
    def control_panel_url(self) -> str | None:
        """The frame's link to the control panel, for those who may manage the site only."""
        if self.site_root is None or self.request.identity is None:
            return None
        principals = self.request.principals
        return self.app_url + "/@@control-panel" if "role:admin" in principals else None

    @cached_property
    def theme_url(self) -> str | None:
        if self.site_root is None:
            return None
        return self.app_url + "/@@theme.css"


def add_layout(event: BeforeRender) -> None:
    request = event.get("request")
    if request is None or "page" in event:
        return
    event["page"] = Page(request)
    event["layout"] = get_renderer("pleio_core:templates/layout.pt").implementation()
    event["forms"] = get_renderer("pleio_core:templates/forms.pt").implementation()


class CleanPage:
    """A page template whose output can always be sent.

    The edge refuses characters no text may hold (``security/textinput.py``), but a lone
    surrogate stored before it did, or written by a script, would make every page that
    shows it a 500 (UTF-8 cannot encode it): such a page is cleaned, and shows U+FFFD.
    """

    def __init__(self, template: Any) -> None:
        self.template = template

    def implementation(self) -> Any:
        return self.template.implementation()

    def __call__(self, value: Any, system: dict[str, Any]) -> str:
        return sendable(self.template(value, system))


def clean_page_renderer_factory(info: Any) -> CleanPage:
    """The ``.pt`` renderer: pyramid_chameleon's, cleaned (``make_configurator`` sets it)."""
    return CleanPage(zpt.renderer_factory(info))


#: The core's static files the frame links to; each address carries a digest of the file,
#: so a browser may keep it long and still gets a changed file at once.
STATIC_FILES = (
    "nlds/utrecht.css",
    "nlds/tokens.css",
    "pleio.css",
    "nlds/icons.svg",
    "logo.svg",
    "menu.js",
    "mentions.js",
)
STYLESHEETS_IN_ORDER = ("nlds/utrecht.css", "nlds/tokens.css", "pleio.css")


def static_paths() -> dict[str, str]:
    """Each static file's address (with its digest), and ``head``: the stylesheet links."""
    folder = resources.files("pleio_core") / "static"
    paths = {}
    for name in STATIC_FILES:
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()[:12]
        paths[name] = f"/static/{name}?v={digest}"
    paths["head"] = "\n  ".join(
        f'<link rel="stylesheet" href="{paths[name]}">' for name in STYLESHEETS_IN_ORDER
    )
    return paths


FRAME_TEMPLATES = ("pleio_core:templates/layout.pt", "pleio_core:templates/forms.pt")


def compile_templates(registry: Registry) -> None:
    """Compile every page template of the application now, in this one thread.

    Chameleon compiles a template on its first use; two server threads compiling at once
    can trip CPython 3.11's AST compiler ("AST constructor recursion depth mismatch", a
    500 to the first visitors after a start). ``main`` calls this before serving (about 3 s
    on start-up); a broken template then stops start-up instead of failing a visitor. Tests
    that build many applications skip it (each would pay the 3 s again).
    """
    names = set(FRAME_TEMPLATES)
    for template in registry.introspector.get_category("templates") or ():
        helper = template["introspectable"]["renderer"]
        if helper.name.endswith(".pt"):
            names.add(
                helper.name if ":" in helper.name else f"{helper.package.__name__}:{helper.name}"
            )
    for name in sorted(names):
        get_renderer(name, registry=registry).implementation().cook_check()


def includeme(config: Configurator) -> None:
    config.add_subscriber(add_layout, BeforeRender)
    _MENU_CACHE.provide(config, {})
    _LANGUAGE_CACHE.provide(config, {})
    _TOOLS_CACHE.provide(config, {})
    config.add_static_view("static", "pleio_core:static", cache_max_age=3600)
    # The same path on every host; made once instead of on every page.
    _STATIC_PATHS.provide(config, static_paths())
