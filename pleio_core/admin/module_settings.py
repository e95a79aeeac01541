"""The settings forms that modules add to the control panel (hook ``pleio_module_settings``).

The core does the rest: only site admins, only for a module the site has enabled, the CSRF
token, validation with the plugin's colander schema, rendering with Pleio's accessible
deform templates, and an audit entry.
"""

from __future__ import annotations

from typing import Any

import deform
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request

from pleio_core.content.forms import content_form
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.plugins import ModuleSettings
from pleio_core.security.audit import record
from pleio_core.services import PLUGINS

from .panel import actor, add_panel_view, panel_url, saved

NAME = "control-panel-module-settings"


def settings_of(request: Request, module: str) -> ModuleSettings | None:
    """The module's settings form, if it is enabled here and has one."""
    if module not in request.enabled_modules:
        return None
    found: ModuleSettings | None = PLUGINS(request.registry).call_for(
        module, "pleio_module_settings", request=request
    )
    return found


def _form(request: Request, module: str, settings: ModuleSettings) -> deform.Form:
    return content_form(
        request,
        settings.schema,
        panel_url(request, NAME, module=module),
        _("Save"),
        panel_url(request, "control-panel-modules"),
    )


def _page(request: Request, module: str, html: str) -> dict[str, Any]:
    plugins = PLUGINS(request.registry).plugins
    title = request.localizer.translate(plugins[module].info.title)
    return {
        "title": title,
        "form_html": html,
        "done": request.GET.get("done") == "saved",
    }


def module_settings(context: SiteRoot, request: Request) -> Any:
    module = request.params.get("module", "")
    settings = settings_of(request, module)
    if settings is None:
        raise HTTPNotFound()
    form = _form(request, module, settings)
    if request.method != "POST":
        return _page(request, module, form.render(dict(settings.values)))
    try:
        values = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return _page(request, module, failure.render())
    settings.save(values)
    actor_id, actor_email = actor(request)
    record(request, "module-settings", actor_id, actor_email=actor_email, module=module)
    return saved(request, NAME, module=module)


def includeme(config: Configurator) -> None:
    renderer = "control_panel_module_settings.pt"
    add_panel_view(config, module_settings, NAME, ("GET", "HEAD"), renderer)
    add_panel_view(config, module_settings, NAME, "POST", renderer)
