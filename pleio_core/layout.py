"""The base layout: what every page's frame needs (site name, menu, languages)."""

from __future__ import annotations

from functools import cached_property
from typing import Any, NamedTuple
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.events import BeforeRender
from pyramid.renderers import get_renderer
from pyramid.request import Request

from .i18n import LANGUAGES, _
from .plugins import MenuItem


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


class Page:
    """The frame around one rendered page; templates reach it as ``page``."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.site = None if request.is_platform else request.site
        self.site_root = request.site_root if self.site is not None else None
        # WebOb works application_url out anew on every read; a page needs it often
        self.app_url = request.application_url
        self.site_title = self.site.title if self.site is not None else "Pleio"
        self.home_url = self.app_url + "/"
        static = request.registry.pleio_static_paths
        self.stylesheet_url = static["pleio.css"]
        self.logo_url = static["logo.svg"]

    @cached_property
    def menu(self) -> list[MenuLink]:
        request = self.request
        if self.site_root is None:
            return []
        items = [MenuItem(request.localizer.translate(_("Home")), self.home_url, order=0)]
        if request.has_permission("view", self.site_root):
            for contributed in request.plugin_hooks.pleio_menu_items(request=request):
                items.extend(contributed)
        items.sort(key=lambda item: item.order)
        here = request.path_url.rstrip("/") + "/"
        translate = request.localizer.translate
        return [
            MenuLink(translate(item.title), item.href, item.href.rstrip("/") + "/" == here)
            for item in items
        ]

    @cached_property
    def account(self) -> Any:
        identity = self.request.identity
        return identity.account if identity is not None else None

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


STATIC_FILES = ("pleio.css", "logo.svg")


def includeme(config: Configurator) -> None:
    config.add_subscriber(add_layout, BeforeRender)
    config.add_static_view("static", "pleio_core:static", cache_max_age=3600)
    # The same path on every host; made once instead of on every page.
    config.registry.pleio_static_paths = {name: f"/static/{name}" for name in STATIC_FILES}
