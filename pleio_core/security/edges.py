"""The edges of HTTP: an address that is not UTF-8 (400), and a method an address does not
take (405, with the ``Allow`` header that says which it does).

Both answer before a view runs, so no view has to think of them. The methods an address
takes are read from Pyramid's introspector (every ``add_view`` is there), so a view a plugin
adds is covered too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import unquote_to_bytes

from pyramid.config import Configurator
from pyramid.exceptions import PredicateMismatch
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from zope.interface.interfaces import IInterface

from pleio_core.i18n import COOKIE as LANGUAGE_COOKIE
from pleio_core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _
from pleio_core.services import Service

#: The order ``Allow`` names methods in.
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ERROR_PAGE = "pleio_core:templates/error.pt"
UNDECODABLE_TWEEN = "pleio_core.security.edges.undecodable_tween_factory"
API_PREFIX = "/api/"


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_undecodable(environ: dict[str, Any]) -> bool:
    """True if the path or the query string is not UTF-8 once percent-decoded (``/%FF``)."""
    # WSGI gives PATH_INFO as the raw bytes, each as one Latin-1 character
    path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    query = unquote_to_bytes(environ.get("QUERY_STRING", "").encode("latin-1", "replace"))
    return not (is_utf8(path) and is_utf8(query))


def json_error(status: int, message: str) -> Response:
    """The API's error shape (``{"error": ...}``), for answers given before its routes match."""
    response = Response(json_body={"error": message}, status=status, charset="utf-8")
    response.content_type = "application/json"
    response.cache_control.no_store = True
    return response


def undecodable_answer(request: Request) -> Response:
    """400, as JSON under ``/api/``, else a page of its own: the site's layout reads the
    address, which is what cannot be read."""
    # not request.localizer: the account's language needs the identity, which reads the path
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen not in LANGUAGES:
        chosen = request.site.language if request.site is not None else DEFAULT_LANGUAGE
    directories = request.registry.queryUtility(ITranslationDirectories, default=[])
    translate = make_localizer(chosen, directories).translate
    message = translate(_("The address is not valid: it is not UTF-8 text."))
    if request.environ.get("PATH_INFO", "").startswith(API_PREFIX):
        return json_error(400, message)
    body = UNDECODABLE_PAGE.format(
        lang=chosen,
        title=escape(translate(_("Bad request"))),
        text=escape(message),
    )
    return Response(body, status=400, content_type="text/html", charset="utf-8")


UNDECODABLE_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{text}</p><p><a href="/">/</a></p></main></body>
</html>
"""


def undecodable_tween_factory(
    handler: Callable[[Request], Response], registry: Registry
) -> Callable[[Request], Response]:
    """Over the page cache and the router, under the security headers: WebOb raises
    ``UnicodeDecodeError`` (a 500) wherever the path or a parameter is read."""

    def undecodable_tween(request: Request) -> Response:
        if is_undecodable(request.environ):
            return undecodable_answer(request)
        return handler(request)

    return undecodable_tween


# -- methods -------------------------------------------------------------------------------


class _ViewMethods:
    """For each (route, view name): the views there, each with its context and methods."""

    def __init__(self, registry: Registry) -> None:
        self.views: dict[tuple[str | None, str], list[tuple[Any, frozenset[str] | None]]] = (
            defaultdict(list)
        )
        for entry in registry.introspector.get_category("views"):
            view = entry["introspectable"]
            context = view["context"]
            if view["exception_only"] or (
                isinstance(context, type) and issubclass(context, BaseException)
            ):
                continue
            methods = view["request_methods"]
            if methods is not None:
                methods = frozenset((methods,) if isinstance(methods, str) else methods)
                if "GET" in methods:
                    methods |= {"HEAD"}  # Pyramid lets HEAD in wherever GET is
            self.views[(view["route_name"], view["name"] or "")].append((context, methods))

    def at(self, request: Request) -> tuple[frozenset[str], bool]:
        """The methods named by the views that match this address, and whether one of them
        takes any method."""
        route = request.matched_route.name if request.matched_route is not None else None
        named: set[str] = set()
        any_method = False
        resource = getattr(request, "context", None)
        for context, methods in self.views.get((route, request.view_name or ""), ()):
            if context is not None and not _provides(context, resource):
                continue
            if methods is None:
                any_method = True
            else:
                named |= methods
        return frozenset(named), any_method


def _provides(context: Any, resource: Any) -> bool:
    if IInterface.providedBy(context):
        return context.providedBy(resource)
    return isinstance(context, type) and isinstance(resource, context)


_VIEW_METHODS: Service[_ViewMethods] = Service(
    "view methods", "pleio_core.security.edges", "The methods each view answers (Allow, 405)."
)


def _view_methods(registry: Registry) -> _ViewMethods:
    # built on first use: every view is registered by then
    return _VIEW_METHODS.memo(registry, lambda: _ViewMethods(registry))


def allowed_methods(request: Request) -> tuple[str, ...]:
    """The methods that views at this address name, in the usual order (for ``Allow``)."""
    named, _any = _view_methods(request.registry).at(request)
    return tuple(m for m in METHOD_ORDER if m in named) + tuple(
        sorted(named.difference(METHOD_ORDER))
    )


def allow_header(request: Request) -> str:
    return ", ".join(allowed_methods(request))


class MethodNotAllowedPredicate:
    """``method_not_allowed=True``: the address has views, none of them for this method
    (rather than a view that did not match for another reason, which stays a 404)."""

    def __init__(self, value: bool, config: Any) -> None:
        self.value = value

    def text(self) -> str:
        return f"method_not_allowed = {self.value}"

    phash = text

    def __call__(self, context: Any, request: Request) -> bool:
        named, any_method = _view_methods(request.registry).at(request)
        wrong = bool(named) and not any_method and request.method not in named
        return wrong == self.value


def method_not_allowed_page(exc: PredicateMismatch, request: Request) -> Any:
    message = _("This address does not take this kind of request.")
    allow = allow_header(request)
    if request.environ.get("PATH_INFO", "").startswith(API_PREFIX):
        response = json_error(405, request.localizer.translate(message))
        response.headers["Allow"] = allow
        return response
    request.response.status_int = 405
    request.response.headers["Allow"] = allow
    return {"title": _("Not allowed"), "text": message, "status": 405, "detail": None}


def includeme(config: Configurator) -> None:
    """The 405 answers; the undecodable tween is placed by ``headers``, which it sits under."""
    config.add_view_predicate("method_not_allowed", MethodNotAllowedPredicate)
    config.add_exception_view(
        method_not_allowed_page,
        context=PredicateMismatch,
        method_not_allowed=True,
        renderer=ERROR_PAGE,
    )
