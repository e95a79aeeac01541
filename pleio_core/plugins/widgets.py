"""Home widgets: what a module puts on the home page of the deelsites that enable it.

A plugin declares each widget once, in ``pleio_configure``:
``config.add_home_widget("recent", recent_pages, _("Recently changed"), order=40)``. On
every home page the core asks the widgets of the site's enabled modules for their items,
for that visitor, and shows those that have something to show, by ``order``. A widget
only lists what the visitor may open: it filters its items itself, with
``latest_content`` (the catalog's filter: principals, publication moment, enabled modules)
or ``request.has_permission("view", item)``.

Each widget has a key, ``<module>.<name>``, that stays the same between releases: the
holder's choices in the control panel (which widgets, in which order; ``SiteRoot.
home_settings``) name it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.services import HOME_WIDGETS, PLUGINS

from .manager import PluginError

log = logging.getLogger(__name__)

NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
#: The module of the core's own widgets (declared from ``pleio_core``): on every site.
CORE = "core"
#: Items a widget shows at most.
WIDGET_ITEMS = 5


class WidgetItem(NamedTuple):
    """One line of a home widget: a link to something the visitor may open.

    (A named tuple: a home page makes a dozen, and the template reads them by attribute.)
    """

    title: str
    href: str
    #: A short line under the title, already in the visitor's language ("3 leden").
    meta: str = ""
    #: A moment to show with it (when it changed, or was published), aware.
    when: datetime | None = None


#: ``items(request, limit)``: at most ``limit`` items for this visitor (empty: not shown).
WidgetItems = Callable[[Request, int], Sequence[WidgetItem]]


@dataclass(frozen=True)
class HomeWidget:
    """A widget as its plugin declared it (``config.add_home_widget``)."""

    module: str
    name: str
    title: str  # may be a translation string
    items: WidgetItems
    #: Where "more" leads, a path on the site ("" for no such link).
    more: str
    more_title: str | None  # None: "More in <the module's title>"
    #: Lower comes first; the bundled modules use their menu order (10, 20, 30, 40).
    order: int

    @property
    def key(self) -> str:
        return f"{self.module}.{self.name}"


def add_home_widget(
    config: Configurator,
    name: str,
    items: Callable[[Request, int], Sequence[WidgetItem]],
    title: str,
    more: str | None = None,
    more_title: str | None = None,
    order: int = 100,
) -> None:
    """Put a widget titled ``title`` on the home page of every site that enables the plugin.

    ``items(request, limit)`` returns at most ``limit`` ``WidgetItem``s for the visitor, only
    of what they may open; with none, the widget is not shown. What it returns may depend
    on the site's database and the visitor's principals, language and address only: the
    home page keeps it until the site's next commit or scheduled publication.

    ``more`` is the path of the page with the rest (default: the module's start page,
    ``/<module>/``; ``""`` for no link), ``more_title`` its link text (default "More in
    <module>"). Widgets are shown by ``order``, then by key. Two widgets of one plugin with
    one name are a configuration conflict.

    The core declares its own widgets the same way, from an include of ``pleio_core``
    (``people``'s "New members"): their module is ``core``, they are on every site, and they
    name ``more`` and ``more_title`` (there is no module start page to default to).
    """
    module = PLUGINS(config.registry).plugin_of_package(config.package_name)
    if module is None and config.package_name.partition(".")[0] == "pleio_core":
        module = CORE
        if more is None or more_title is None:
            raise PluginError(f"add_home_widget({name!r}): a core widget names more and its title")
    if module is None:
        raise PluginError(f"add_home_widget({name!r}): call it from a plugin's configure hook")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise PluginError(f"add_home_widget({name!r}) in {module}: a name is a-z, 0-9 and -")
    if more is None:
        more = f"/{module}/"
    if more and not more.startswith("/"):
        raise PluginError(f"add_home_widget({name!r}) in {module}: more is a path, /…/")
    widget = HomeWidget(module, name, title, items, more, more_title, order)

    def register() -> None:
        HOME_WIDGETS(config.registry)[widget.key] = widget

    intr = config.introspectable("pleio home widgets", widget.key, widget.key, "home widget")
    intr["widget"] = widget
    config.action(("pleio.home_widget", module, name), register, introspectables=(intr,))


def offered_widgets(request: Request) -> list[HomeWidget]:
    """The widgets of the site's enabled modules in the holder's order, hidden ones
    included (what the control panel offers)."""
    enabled = request.enabled_modules
    found = [
        w
        for w in HOME_WIDGETS(request.registry).values()
        if w.module in enabled or w.module == CORE
    ]
    return arranged(found, getattr(request.site_root, "home_settings", {}))


def arranged(widgets: Sequence[HomeWidget], settings: Mapping[str, Any]) -> list[HomeWidget]:
    """``widgets`` in the holder's order (``settings["order"]``, a list of keys); those it
    does not name (a module switched on since) follow by their own order, then key."""
    order = {key: position for position, key in enumerate(settings.get("order", ()))}
    return sorted(widgets, key=lambda w: (order.get(w.key, len(order)), w.order, w.key))


def widgets_of(request: Request) -> list[HomeWidget]:
    """The widgets the home page shows, in order: the holder's choice
    (``pleio_core.admin.home``), else each widget's own order."""
    hidden = set(getattr(request.site_root, "home_settings", {}).get("hidden", ()))
    return [w for w in offered_widgets(request) if w.key not in hidden]


def shown_widgets(
    request: Request, limit: int = WIDGET_ITEMS
) -> tuple[list[tuple[HomeWidget, list[WidgetItem]]], bool]:
    """Each widget of the site's enabled modules that has items for this visitor, with
    them; and whether every widget answered.

    A widget that raises is logged and left out: the rest of the home page is shown (and
    not kept without it: the next view asks it again).
    """
    shown = []
    answered = True
    for widget in widgets_of(request):
        try:
            items = list(widget.items(request, limit))[:limit]
        except Exception:
            log.exception(
                "plugin %r raised in home widget %r: its part is left out",
                widget.module,
                widget.name,
            )
            answered = False
            continue
        if items:
            shown.append((widget, items))
    return shown, answered
