"""Pleio: one installation, many deelsites. ``main`` builds the WSGI application."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from pyramid.config import Configurator
from pyramid.renderers import JSON

from pleio_core.services import SETTINGS

from .layout import clean_page_renderer_factory, compile_templates
from .plugins import PluginError
from .settings import PleioSettings, SettingsError
from .sites import SiteConfigError
from .storage import StorageError
from .text import json_text

STARTUP_ERRORS = (PluginError, SettingsError, SiteConfigError, StorageError)

DEFAULTS = {
    "tm.manager_hook": "pyramid_tm.explicit_manager",
    # a request that conflicts is tried again after a jittered wait (storage.retry); with
    # 32 writers on one page, about 1 in 1,000 edits needed 10 attempts (docs/performance.md)
    "retry.attempts": "20",
    "pyramid.default_locale_name": "nl",
}


def make_configurator(settings: Mapping[str, Any], full: bool = True) -> Configurator:
    """The Configurator of the platform; ``full=False`` stops after plugins (for the CLI)."""
    config = Configurator(settings={**DEFAULTS, **settings})
    SETTINGS.provide(config, PleioSettings.from_settings(config.registry.settings))
    config.include("pyramid_chameleon")
    # here: the root overrides what includes register; both clean what they send (text.py)
    config.add_renderer(".pt", clean_page_renderer_factory)
    config.add_renderer("json", JSON(serializer=json_text))
    config.add_translation_dirs("pleio_core:locale")  # before the plugins': theirs refine ours
    config.include(".content")  # its directive, before plugins use it
    config.include(".api.endpoints")  # (the same)
    config.include(".notifications.kinds")  # (the same: add_notification_kind)
    config.include(".security.app_passwords")  # (the same: add_app_password_path)
    config.include(".plugins")
    if full:
        config.include(".mail")
        config.include(".storage")
        config.include(".storage.retry")  # the wait between attempts, and the conflict log
        config.include(".pagecache")  # (its cache hears of databases that close)
        config.include(".jobs")  # its directive, before the exchange and admin add kinds
        config.include(".security")
        config.include(".sites")
        config.include(".pages")  # the pages every deelsite has
        config.include(".catalog")
        config.include(".notifications")
        config.include(".content.views")
        config.include(".content.reactions")
        config.include(".content.activity")
        config.include(".api")
        config.include(".exchange")
        config.include(".i18n")
        config.include(".layout")
        config.include(".admin")
        config.include(".people")
    else:
        config.include(".catalog.subscribers")  # what the command line writes is indexed too
        config.include(".people.leaving")  # a member the command line removes: the profile
    return config


def main(global_config: Mapping[str, Any], **settings: Any) -> Any:
    """The ``paste.app_factory``: a bad plugin or site file stops start-up with one line."""
    try:
        config = make_configurator({**global_config, **settings})
        app = config.make_wsgi_app()
    except STARTUP_ERRORS as exc:
        sys.exit(f"pleio: cannot start: {exc}")
    compile_templates(app.registry)  # before serving: see its docstring
    return app
