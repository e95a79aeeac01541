"""Languages: Dutch first, English second. The visitor's choice beats the site's default."""

from __future__ import annotations

from urllib.parse import quote

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.i18n import TranslationStringFactory
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.services import SETTINGS

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


#: Longer ``came_from`` values are not a page anyone meant to return to; they only make
#: the redirect (a header) large.
MAX_LOCAL_PATH = 2000
#: Kept as they are when a path is made safe for a header: what a path and query string
#: need, and "%" so that what is already percent-encoded stays as it is.
_PATH_SAFE = "/?#&=;:@!$'()*+,%[]"


def local_path(value: str | None) -> str:
    """``value`` if it is a path on this host, else ``/``: no open redirects.

    What is returned goes into a ``Location`` header (which carries only Latin-1) and into
    the links of the sign-in pages: characters outside ASCII are percent-encoded as UTF-8
    (a full-width space becomes ``%E3%80%80``, the same address to a browser); control
    characters, backslashes, other hosts (``//host``) and overlong values give ``/``.
    """
    if not value or len(value) > MAX_LOCAL_PATH:
        return "/"
    if not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "/"
    # starting with one "/", it has neither a scheme nor a host of its own
    try:
        return quote(value, safe=_PATH_SAFE)
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8, so no address
        return "/"


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
        secure=SETTINGS(request.registry).secure_cookies,
    )
    return response


def includeme(config: Configurator) -> None:
    config.set_locale_negotiator(negotiate_locale)
    config.add_view(
        set_language,
        name="language",
        request_method=("GET", "HEAD"),
        permission=NO_PERMISSION_REQUIRED,
    )
