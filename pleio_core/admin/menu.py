"""The control panel's menu: order, rename and hide the modules' items; add links.

The holder's choices are one plain dict on the SiteRoot (``menu_settings``) with a counter
(``menu_version``) that is part of the key of every process's menu cache, so a change
reaches every process with the next request, at the cost of no extra database load.
Items are known by their path on the site (``/wiki/``), which stays the same on every host.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.layout import Entry, Page, apply_menu_settings, item_key
from pleio_core.security.audit import record
from pleio_core.sites.appearance import clean_link_url

from .panel import actor, add_panel_view, ordered_keys, saved

NAME = "control-panel-menu"
MAX_TITLE = 60
MAX_LINKS = 10


def _default_entries(request: Request) -> list[Entry]:
    return list(Page(request).default_menu_entries())


def menu_form(context: SiteRoot, request: Request) -> dict[str, Any]:
    return _page(request, context, _rows(request, context, None), _links(context), {})


def _rows(request: Request, root: SiteRoot, post: Any) -> list[dict[str, Any]]:
    settings = root.menu_settings
    app_url = request.application_url
    entries = _default_entries(request)
    ordered = apply_menu_settings(entries, {"order": settings.get("order", ())}, app_url)
    rows = []
    for index, (title, href) in enumerate(ordered):
        key = item_key(href, app_url)
        rows.append(
            {
                "index": index,
                "key": key,
                "default_title": title,
                "title": post.get(f"title-{index}", "")
                if post is not None
                else settings.get("titles", {}).get(key, ""),
                "position": post.get(f"position-{index}", "")
                if post is not None
                else str(index + 1),
                "hidden": (post.get(f"hidden-{index}") == "on")
                if post is not None
                else key in settings.get("hidden", ()),
            }
        )
    return rows


def _links(root: SiteRoot) -> str:
    return "\n".join(f"{title} | {url}" for title, url in root.menu_settings.get("links", ()))


def _page(request, root, rows, links, errors) -> dict[str, Any]:
    return {
        "rows": rows,
        "links": links,
        "errors": errors,
        "done": request.GET.get("done") == "saved",
        "max_links": MAX_LINKS,
    }


def _title_errors(rows: list[dict[str, Any]], errors: dict[str, Any]) -> None:
    """A row's own title that is too long goes in ``errors``."""
    for row in rows:
        if len(row["title"].strip()) > MAX_TITLE:
            errors[f"title-{row['index']}"] = _(
                "A menu title has at most ${max} characters.", mapping={"max": MAX_TITLE}
            )


def _parsed_links(raw_links: str, errors: dict[str, Any]) -> list[tuple[str, str]]:
    """The extra links, one "title | address" a line; the first bad line goes in ``errors``."""
    links = []
    for line in raw_links.splitlines():
        if not line.strip():
            continue
        title, sep, url = line.rpartition("|")
        clean = clean_link_url(url)
        if not sep or not title.strip() or clean is None or len(title.strip()) > MAX_TITLE:
            errors["links"] = _(
                "Write each link on its own line as: title | address, with an address "
                "that starts with https:// or /. This line is not right: ${line}",
                mapping={"line": line.strip()},
            )
            break
        links.append((title.strip(), clean))
    if len(links) > MAX_LINKS:
        errors["links"] = _("At most ${max} links.", mapping={"max": MAX_LINKS})
    return links


def menu_save(context: SiteRoot, request: Request) -> Any:
    rows = _rows(request, context, request.POST)
    raw_links = request.POST.get("links", "")
    errors: dict[str, Any] = {}
    order = ordered_keys(rows, errors)
    _title_errors(rows, errors)
    links = _parsed_links(raw_links, errors)
    if errors:
        request.response.status_int = 400
        translate = request.localizer.translate
        shown = {field: translate(message) for field, message in errors.items()}
        return _page(request, context, rows, raw_links, shown)
    settings = {
        "order": order,
        "titles": {r["key"]: r["title"].strip() for r in rows if r["title"].strip()},
        "hidden": [r["key"] for r in rows if r["hidden"]],
        "links": links,
    }
    if settings != context.menu_settings:
        context.menu_settings = settings
        context.menu_version += 1
        actor_id, actor_email = actor(request)
        record(request, "menu", actor_id, actor_email=actor_email)
    return saved(request, NAME)


def includeme(config: Configurator) -> None:
    add_panel_view(config, menu_form, NAME, ("GET", "HEAD"), "control_panel_menu.pt")
    add_panel_view(config, menu_save, NAME, "POST", "control_panel_menu.pt")
