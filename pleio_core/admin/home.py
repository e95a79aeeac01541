"""The control panel's home page part: which modules' widgets the home page shows, and in
which order.

The holder's choice is one plain dict on the SiteRoot (``home_settings``): the widgets'
keys in order and the hidden ones. The home page keeps its parts until the site's next
commit, so a change shows at once in every process. A widget the choice does not name (of
a module switched on later) is shown after the others, by its own order.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.plugins.widgets import offered_widgets
from pleio_core.security.audit import record
from pleio_core.services import PLUGINS

from .panel import actor, add_panel_view, ordered_keys, saved

NAME = "control-panel-home"
#: Where the core's own widgets (``plugins.widgets.CORE``: "New members") come from.
CORE_TITLE = _("Pleio itself")


def _rows(request: Request, root: SiteRoot, post: Any) -> list[dict[str, Any]]:
    translate = request.localizer.translate
    plugins = PLUGINS(request.registry).plugins
    hidden = set(root.home_settings.get("hidden", ()))
    rows = []
    for index, widget in enumerate(offered_widgets(request)):
        rows.append(
            {
                "index": index,
                "key": widget.key,
                "title": translate(widget.title),
                "module": translate(
                    plugins[widget.module].info.title if widget.module in plugins else CORE_TITLE
                ),
                "position": post.get(f"position-{index}", "") if post is not None
                else str(index + 1),
                "shown": post.get(f"shown-{index}") == "on" if post is not None
                else widget.key not in hidden,
            }
        )  # fmt: skip
    return rows


def _page(request: Request, rows: list[dict[str, Any]], errors: dict[str, str]) -> dict:
    return {"rows": rows, "errors": errors, "done": request.GET.get("done") == "saved"}


def home_form(context: SiteRoot, request: Request) -> dict[str, Any]:
    return _page(request, _rows(request, context, None), {})


def home_save(context: SiteRoot, request: Request) -> Any:
    rows = _rows(request, context, request.POST)
    errors: dict[str, Any] = {}
    order = ordered_keys(rows, errors)
    if errors:
        request.response.status_int = 400
        translate = request.localizer.translate
        return _page(request, rows, {field: translate(text) for field, text in errors.items()})
    settings = {
        "order": order,
        "hidden": [row["key"] for row in rows if not row["shown"]],
    }
    if settings != context.home_settings:
        context.home_settings = settings
        actor_id, actor_email = actor(request)
        record(request, "home-page", actor_id, actor_email=actor_email)
    return saved(request, NAME)


def includeme(config: Configurator) -> None:
    add_panel_view(config, home_form, NAME, ("GET", "HEAD"), "control_panel_home.pt")
    add_panel_view(config, home_save, NAME, "POST", "control_panel_home.pt")
