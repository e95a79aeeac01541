"""The control panel's modules: every installed plugin, switched on or off with one action.

A plugin made for another version of pleio_core is listed with the reason, without a switch.

Switching goes through ``sites.lifecycle`` (as the site's file does), so the plugin's
``requires`` are honoured and the change is audited. A confirmation page says what happens
to the module's data first: it is hidden, kept, and back when the module is on again.
"""

from __future__ import annotations

from typing import Any

import transaction
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.plugins.manager import core_version
from pleio_core.services import PLUGINS, SITE_DATABASES
from pleio_core.sites.evolve import evolve_site, pending_steps
from pleio_core.sites.lifecycle import (
    disable_module,
    enable_module,
    enabled_dependants,
    missing_requirements,
)

from .module_settings import NAME as SETTINGS
from .module_settings import settings_of
from .panel import actor, add_panel_view, panel_url, saved

NAME = "control-panel-modules"
CONFIRM = "control-panel-module"
EVOLVE = "control-panel-evolve"
ACTIONS = ("enable", "disable")


def _title(request: Request, module: str) -> str:
    plugins = PLUGINS(request.registry).plugins
    return request.localizer.translate(plugins[module].info.title)


def modules_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    translate = request.localizer.translate
    registry = request.registry
    rows = []
    for plugin in sorted(PLUGINS(registry), key=lambda p: translate(p.info.title).lower()):
        enabled = plugin.name in context.enabled_modules
        has_settings = enabled and settings_of(request, plugin.name) is not None
        rows.append(
            {
                "name": plugin.name,
                "title": translate(plugin.info.title),
                "description": translate(plugin.info.description),
                "version": plugin.info.version,
                "requires": [_title(request, m) for m in plugin.needs],
                "requires_core": plugin.info.requires_core,
                "enabled": enabled,
                "settings_url": panel_url(request, SETTINGS, module=plugin.name)
                if has_settings
                else None,
                "needed_by": [
                    _title(request, m) for m in enabled_dependants(context, plugin.name, registry)
                ]
                if enabled
                else [],
                "also": [
                    _title(request, m) for m in missing_requirements(context, plugin.name, registry)
                ]
                if not enabled
                else [],
            }
        )
    incompatible = [
        {
            "name": plugin.name,
            "title": translate(plugin.info.title),
            "description": translate(plugin.info.description),
            "version": plugin.info.version,
            "requires_core": plugin.info.requires_core,
            "have": core_version(),
            "lacks": plugin.lacks,
        }
        for plugin in PLUGINS(registry).incompatible.values()
    ]
    plugins = PLUGINS(registry)
    # switched on here, but not installed (any more): hidden, with the content kept
    unavailable = [
        m for m in context.enabled_modules if m not in plugins and m not in plugins.incompatible
    ]
    done = request.GET.get("done")
    module = request.GET.get("module")
    if done not in ("enabled", "disabled") or module not in PLUGINS(registry):
        done = "evolved" if done == "evolved" else None
    return {
        "rows": rows,
        "pending": [
            {"module": _title(request, step.module), "version": step.version, "title": step.title}
            for step in pending_steps(context, registry)
        ],
        "incompatible": incompatible,
        "unavailable": unavailable,
        "done": done,
        "done_title": _title(request, module) if done in ("enabled", "disabled") else "",
    }


def _chosen(context: SiteRoot, request: Request, params: Any) -> tuple[str, str]:
    module, action = params.get("module", ""), params.get("action", "")
    if module not in PLUGINS(request.registry) or action not in ACTIONS:
        raise HTTPBadRequest(_("Choose an installed module and enable or disable."))
    return module, action


def confirm_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    module, action = _chosen(context, request, request.GET)
    return _confirm_values(context, request, module, action)


def _confirm_values(context: SiteRoot, request: Request, module: str, action: str) -> dict:
    registry = request.registry
    return {
        "module": module,
        "action": action,
        "title": _title(request, module),
        "is_enabled": module in context.enabled_modules,
        "also": [_title(request, m) for m in missing_requirements(context, module, registry)],
        "needed_by": [_title(request, m) for m in enabled_dependants(context, module, registry)],
    }


def switch(context: SiteRoot, request: Request) -> Any:
    module, action = _chosen(context, request, request.POST)
    registry = request.registry
    if action == "disable":
        if enabled_dependants(context, module, registry):
            request.response.status_int = 409  # the page says which modules need it
            return _confirm_values(context, request, module, action)
        disable_module(context, module, registry, actor(request))
    else:
        enable_module(context, module, registry, actor(request))
    return saved(request, NAME, f"{action}d", module=module)


def evolve(context: SiteRoot, request: Request) -> Any:
    """Run the pending evolve steps now, each in a transaction of its own (as ``pleio site
    evolve`` does); if one fails the site answers 503 from then on, this answer too."""
    databases = SITE_DATABASES(request.registry)
    manager = transaction.TransactionManager()
    conn = databases.connect(context.site_name, manager)
    try:
        evolve_site(conn, manager, request.registry, actor(request))
    finally:
        databases.release(context.site_name, conn)
    return saved(request, NAME, "evolved")


def includeme(config: Configurator) -> None:
    add_panel_view(config, modules_page, NAME, ("GET", "HEAD"), "control_panel_modules.pt")
    add_panel_view(config, confirm_page, CONFIRM, ("GET", "HEAD"), "control_panel_module.pt")
    add_panel_view(config, switch, CONFIRM, "POST", "control_panel_module.pt")
    add_panel_view(config, evolve, EVOLVE, "POST")
