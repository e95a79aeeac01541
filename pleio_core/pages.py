"""The pages every deelsite has: its home page, module start pages, theme, and error pages.

They sit above sites, security and the control panel's rules, and show what those decide:
the site's front page and colours (``sites``), why a member is refused (``security``).

The home page is the site's front page: its title, description and welcome, the page the
holder chose (or the recent activity), the modules' widgets (``config.add_home_widget``),
and a card for each other module that has content the visitor may open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from pyramid.config import Configurator
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPSeeOther,
    HTTPServiceUnavailable,
    HTTPTemporaryRedirect,
)
from pyramid.renderers import render
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.catalog import with_visible_content
from pleio_core.content import Item, ModuleFolder, SiteRoot
from pleio_core.content.access import concealed
from pleio_core.content.activity import visible_activity
from pleio_core.content.moves import moved_location
from pleio_core.content.views import add_links, folder_title, format_time, visible_children
from pleio_core.i18n import _
from pleio_core.layout import Page
from pleio_core.pagecache import SiteStateMemo, note_page
from pleio_core.plugins.widgets import HomeWidget, WidgetItem, shown_widgets
from pleio_core.security.twofactor import lacks_required_two_factor, set_up_url
from pleio_core.services import PLUGINS, Service
from pleio_core.sites.appearance import site_colours
from pleio_core.sites.effective import front_page_content
from pleio_core.text import whole_number

_MODULE_TEXTS: Service[dict[tuple[str, str], tuple[str, str]]] = Service(
    "module texts", "pleio_core.pages", "Module titles and descriptions, per language."
)
_WIDGET_TEXTS: Service[dict[tuple[str, str], tuple[str, str]]] = Service(
    "widget texts", "pleio_core.pages", "Home widgets' titles and links, per language."
)
_HOME_HTML: Service[SiteStateMemo] = Service(
    "home page drawn", "pleio_core.pages", "Each visitor kind's home page below its introduction."
)
_HOME_PARTS: Service[SiteStateMemo] = Service(
    "home page parts", "pleio_core.pages", "Each visitor kind's widgets and cards, per site state."
)
#: Entries of the activity stream on the home page, and on each page of ``@@activity``.
ACTIVITY_ENTRIES = 20
#: Pages of ``@@activity`` at most (the log keeps the newest 10,000 entries).
ACTIVITY_PAGES = 50
#: Characters of what was written shown with an entry.
SNIPPET = 200
#: Visitor kinds whose drawn home page (below its introduction; ~10 kB each) is kept.
HOME_HTML_ENTRIES = 1_000
STREAM_TEMPLATE = "pleio_core:templates/home_stream.pt"
#: Visitor kinds whose home widgets are kept at once (an entry is a few short lists, ~2 kB).
HOME_PARTS_ENTRIES = 5_000


class ModuleItem(NamedTuple):
    title: str
    href: str


class ModuleCard(NamedTuple):
    title: str
    description: str
    href: str


class WidgetView(NamedTuple):
    """A home widget with its items for this visitor, as the template shows it."""

    module: str
    heading_id: str
    title: str
    items: list[WidgetItem]
    more_href: str
    more_title: str


def module_texts(request: Request, name: str) -> tuple[str, str]:
    """A module's title and description in the request's language (kept: they never change
    while the process runs, and translating them took a tenth of the home page)."""
    key = (name, request.locale_name)
    texts = _MODULE_TEXTS(request.registry).get(key)
    if texts is None:
        info = PLUGINS(request.registry).plugins[name].info
        translate = request.localizer.translate
        texts = _MODULE_TEXTS(request.registry)[key] = (
            translate(info.title),
            translate(info.description),
        )
    return texts


def widget_texts(request: Request, widget: HomeWidget) -> tuple[str, str]:
    """A widget's title and the text of its "more" link in the request's language (kept,
    as the modules' texts are)."""
    key = (widget.key, request.locale_name)
    texts = _WIDGET_TEXTS(request.registry).get(key)
    if texts is None:
        translate = request.localizer.translate
        more = widget.more_title
        if more is None:
            module = module_texts(request, widget.module)[0]
            more = _("More in ${module}", mapping={"module": module})
        texts = _WIDGET_TEXTS(request.registry)[key] = (translate(widget.title), translate(more))
    return texts


class ActivityView(NamedTuple):
    """An entry of the activity stream, as the template shows it (no persistent objects:
    it is kept with the home page's parts)."""

    verb: str
    actor: str  # account id: the name is looked up when the page is drawn
    actor_name: str  # the name when it happened, for an account that is gone
    title: str
    href: str
    #: The beginning of what was written, for an entry that made something.
    snippet: str
    when: datetime


class HomeParts(NamedTuple):
    """What the home page shows of the modules, for one visitor."""

    widgets: list[WidgetView]
    cards: list[ModuleCard]
    activity: list[ActivityView]
    #: Every widget answered (one that raised is asked again next time, not kept out).
    complete: bool


def activity_views(request: Request, skip: int = 0, limit: int = ACTIVITY_ENTRIES) -> list:
    """The activity the visitor may see, newest first, from the ``skip``-th entry on."""
    views = []
    for entry in visible_activity(request, skip + limit)[skip:]:
        content = entry.content
        snippet = ""
        if entry.verb == "created":
            text = " ".join(content.text.split())
            snippet = text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"
        title = content.title or content.__name__ or ""
        href = request.resource_url(content)
        views.append(
            ActivityView(
                entry.verb, entry.actor, entry.actor_name, title, href, snippet, entry.when
            )
        )
    return views


def home_parts(request: Request, root: SiteRoot) -> HomeParts:
    """The widgets with items for this visitor, and a card for each other module that has
    content they may open: a module with nothing to show makes no promise there."""
    app_url = request.application_url
    shown, complete = shown_widgets(request)
    widgets = []
    for widget, items in shown:
        title, more_title = widget_texts(request, widget)
        more_href = app_url + widget.more if widget.more else ""
        heading_id = "widget-" + widget.key.replace(".", "-")
        widgets.append(WidgetView(widget.module, heading_id, title, items, more_href, more_title))
    with_widgets = {view.module for view in widgets}
    others = [m for m in request.enabled_modules if m not in with_widgets and m in root]
    with_content = with_visible_content(request, others)
    cards = [
        ModuleCard(*module_texts(request, name), f"{app_url}/{name}/")
        for name in others
        if name in with_content
    ]
    activity = activity_views(request) if not root.front_page else []
    return HomeParts(widgets, cards, activity, complete)


def home(context: SiteRoot, request: Request) -> dict[str, Any]:
    """The front page. Its widgets and cards depend on the site's database and who asks,
    nothing else (the widgets' contract): they are kept per visitor kind until the site's
    next commit or scheduled publication, so reloading the home page costs little."""
    can_view = bool(request.has_permission("view", context))
    values: dict[str, Any] = {
        "site": request.site_settings,
        "can_view": can_view,
        "front_page": None,
        "widgets": [],
        "modules": [],
        "activity": [],
        "more_activity": False,
        "when": format_time,
    }
    if not can_view:
        return values
    front_page = front_page_content(request, context) if context.front_page else None
    memo = _HOME_PARTS(request.registry)
    key = (request.site, request.application_url, request.locale_name, *request.principals)
    parts = memo.get(request, key)
    if parts is None:
        parts = home_parts(request, context)
        if parts.complete:
            memo.put(request, key, parts)
    values.update(
        front_page=front_page,
        widgets=parts.widgets,
        modules=parts.cards,
        activity=parts.activity if front_page is None else [],
        more_activity=len(parts.activity) == ACTIVITY_ENTRIES,
    )
    # The page below its introduction depends on what the parts do (and on the names and
    # photos of the people in it, which the memo's site state counts): drawn once too.
    drawn = _HOME_HTML(request.registry)
    stream_html = drawn.get(request, key)
    if stream_html is None:
        stream_html = render(STREAM_TEMPLATE, {**values, "page": Page(request)}, request)
        if parts.complete:
            drawn.put(request, key, stream_html)
    values["stream_html"] = stream_html
    return values


def activity_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    """All the recent activity the visitor may see, a page at a time (``?page=2``)."""
    number = whole_number(request.GET.get("page", "1"), ACTIVITY_PAGES)
    if not number:
        raise HTTPBadRequest(_("The page number is a whole number from 1 to ${max}.",
                               mapping={"max": ACTIVITY_PAGES}))  # fmt: skip
    entries = activity_views(request, (number - 1) * ACTIVITY_ENTRIES, ACTIVITY_ENTRIES + 1)
    return {
        "activity": entries[:ACTIVITY_ENTRIES],
        "number": number,
        "previous": f"{request.path_url}?page={number - 1}" if number > 1 else None,
        "next": f"{request.path_url}?page={number + 1}"
        if len(entries) > ACTIVITY_ENTRIES and number < ACTIVITY_PAGES
        else None,
        "when": format_time,
    }


def module_start(context: ModuleFolder, request: Request) -> dict[str, Any]:
    title = folder_title(request, context)
    items = [  # (a private page's title is private too)
        ModuleItem(item.title or item.__name__, request.resource_url(item))
        for item in visible_children(request, context)
    ]
    return {"title": title, "items": items, "add_links": add_links(request, context)}


def item_view(context: Item, request: Request) -> dict[str, Any]:
    return {"title": context.title, "text": context.text}


def theme_css(context: SiteRoot, request: Request) -> Response:
    note_page(request)  # no renderer: the page cache is told of the site here
    colours = site_colours(context)
    body = ":root {\n" + "".join(f"  --pleio-{k}: {v};\n" for k, v in colours.items()) + "}\n"
    response = Response(body, content_type="text/css", charset="utf-8")
    response.cache_control.no_cache = True
    return response


ERRORS = {
    400: (_("Bad request"), _("The address or the request is not valid.")),
    403: (_("No access"), _("This page is only for members of this site.")),
    404: (_("Page not found"), _("There is no page at this address.")),
    503: (
        _("This site is under maintenance"),
        _("The site is not available for a while. Nothing on it is lost: try again later."),
    ),
}


def error_page(exc: Exception, request: Request) -> dict[str, Any]:
    status = getattr(exc, "code", 500)
    if status == 404 and request.site is not None:
        location = moved_location(request)
        # 303, not 301: a new page may take the old address later. A form posted to the
        # old address (an edit begun before a rename) goes on to the new one: 307.
        if location is not None and request.method in ("GET", "HEAD"):
            return HTTPSeeOther(location=location)
        if location is not None:
            return HTTPTemporaryRedirect(location=location)
    if status == 403 and concealed(request, getattr(request, "context", None)):
        status = 404
    request.response.status_int = status
    if status == 403 and lacks_required_two_factor(request):
        # say why, and where to fix it, rather than "members only" to a member
        request.override_renderer = "pleio_core:templates/two_factor_required.pt"
        return {"set_up_url": set_up_url(request)}
    if status == 503:
        request.response.headers["Retry-After"] = "3600"
    title, text = ERRORS.get(status, ERRORS[404])
    return {"title": title, "text": text, "status": status, "detail": getattr(exc, "detail", None)}


def includeme(config: Configurator) -> None:
    _MODULE_TEXTS.provide(config, {})
    _WIDGET_TEXTS.provide(config, {})
    _HOME_PARTS.provide(config, SiteStateMemo(HOME_PARTS_ENTRIES))
    _HOME_HTML.provide(config, SiteStateMemo(HOME_HTML_ENTRIES))
    config.add_view(
        home,
        context=SiteRoot,
        renderer="pleio_core:templates/home.pt",
        permission=NO_PERMISSION_REQUIRED,
        request_method=("GET", "HEAD"),
    )
    config.add_view(
        activity_page,
        context=SiteRoot,
        name="activity",
        renderer="pleio_core:templates/activity.pt",
        permission="view",
        request_method=("GET", "HEAD"),
    )
    config.add_view(
        module_start,
        context=ModuleFolder,
        renderer="pleio_core:templates/module.pt",
        request_method=("GET", "HEAD"),
    )
    config.add_view(
        item_view,
        context=Item,
        renderer="pleio_core:templates/item.pt",
        request_method=("GET", "HEAD"),
    )
    config.add_view(
        theme_css,
        context=SiteRoot,
        name="theme.css",
        permission=NO_PERMISSION_REQUIRED,
        request_method=("GET", "HEAD"),
    )
    config.add_exception_view(
        error_page, context=HTTPBadRequest, renderer="pleio_core:templates/error.pt"
    )
    config.add_exception_view(
        error_page, context=HTTPServiceUnavailable, renderer="pleio_core:templates/error.pt"
    )
    config.add_notfound_view(error_page, renderer="pleio_core:templates/error.pt")
    config.add_forbidden_view(error_page, renderer="pleio_core:templates/error.pt")
