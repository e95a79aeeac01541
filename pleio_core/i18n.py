"""Languages: Dutch first, English second. The visitor's choice beats the site's default."""

from __future__ import annotations

from urllib.parse import urlsplit

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.i18n import TranslationStringFactory
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

_ = TranslationStringFactory("pleio")

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
COOKIE = "pleio_lang"


def negotiate_locale(request: Request) -> str:
    """The visitor's choice (cookie), else the account's language, else the site's."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    identity = request.identity
    if identity is not None and identity.language in LANGUAGES:
        return identity.language
    settings = request.site_settings
    return settings.language if settings is not None else DEFAULT_LANGUAGE


def local_path(value: str | None) -> str:
    """``value`` if it is a path on this host, else ``/``: no open redirects."""
    if not value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(c) < 32 for c in value):
        return "/"
    return value


def set_language(request: Request) -> HTTPSeeOther:
    """``/@@language?lang=en&came_from=/wiki``: remember the visitor's language in a cookie."""
    lang = request.GET.get("lang", "")
    if lang not in LANGUAGES:
        raise HTTPBadRequest(f"Unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}.")
    response = HTTPSeeOther(location=local_path(request.GET.get("came_from")))
    response.set_cookie(
        COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.registry.pleio_settings.secure_cookies,
    )
    return response


def includeme(config: Configurator) -> None:
    config.set_locale_negotiator(negotiate_locale)
    config.add_view(set_language, name="language", permission=NO_PERMISSION_REQUIRED)
