"""A plugin's own API endpoints: ``config.add_api_endpoint(name, view, ...)``.

Each is at ``/api/v1/modules/<plugin>/<name>``, so no plugin can take a path of the core's
or another plugin's. The core does what every API view does first: credentials (and CSRF
for a browser's write), the permission on the site, the body or query string validated by
the endpoint's colander schema (400/422 with a message per field); the plugin's view gets
the values and answers a JSON object. Where the module is off, the endpoint answers 404;
where it is on, it is in the site's OpenAPI document (``openapi``), and fuzzed with it.

The directive is added before the plugins are configured (``make_configurator``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import colander
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.httpexceptions import HTTPException
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.i18n import _
from pleio_core.services import API_ENDPOINTS, PLUGINS

from .auth import api_root, guarded, require_identity, require_permission
from .errors import DEFAULT_MESSAGES, ApiError, http_error_view, method_not_allowed
from .serialise import read_body, validated

PREFIX = "/api/v1/modules"
NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: The schema of an endpoint that takes no values: whatever is sent is refused (422).
NOTHING = colander.SchemaNode(colander.Mapping())


@dataclass(frozen=True)
class ApiEndpoint:
    module: str
    name: str
    method: str
    summary: str
    #: What a request sends: the JSON body of a write, the query string of a GET/DELETE.
    schema: colander.SchemaNode | None
    #: What it answers (a mapping), for the document only.
    answer: colander.SchemaNode | None
    permission: str
    view: Callable[[Request, dict[str, Any]], dict[str, Any]]
    #: Only for a signed-in caller (401 otherwise): every write, and every permission
    #: beyond ``view``, is; a read may be (an endpoint about the caller).
    signed_in: bool
    #: The statuses the view itself may answer with (``ApiError``), besides the core's.
    errors: tuple[int, ...] = ()

    @property
    def path(self) -> str:
        return f"{PREFIX}/{self.module}/{self.name}"

    @property
    def sends_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")


def _schema(value: Any, what: str, name: str) -> colander.SchemaNode | None:
    if value is None:
        return None
    node = value() if isinstance(value, type) else value
    if not isinstance(node, colander.SchemaNode) or not isinstance(node.typ, colander.Mapping):
        raise ConfigurationError(f"add_api_endpoint({name!r}): {what} is a colander mapping")
    return node


def add_api_endpoint(
    config: Configurator,
    name: str,
    view: Callable[[Request, dict[str, Any]], dict[str, Any]],
    method: str = "GET",
    summary: str = "",
    schema: Any = None,
    answer: Any = None,
    permission: str = "view",
    signed_in: bool = False,
    errors: tuple[int, ...] = (),
) -> None:
    """Answer ``method`` at ``/api/v1/modules/<plugin>/<name>`` with ``view(request,
    values)``, a JSON object; ``values`` are what ``schema`` (a colander mapping, bound to
    the request) made of the body (POST, PUT, PATCH) or query string (GET, DELETE).

    ``permission`` is checked on the site (``view``: whoever may see it); a write, a
    permission beyond ``view``, or ``signed_in`` needs a signed-in caller (401).
    ``answer`` describes what the view returns, for the OpenAPI document. Raise
    ``ApiError(status, message)`` to refuse, with a status named in ``errors`` (e.g.
    ``(409,)``) so that the document says so; the core's own (400, 401, 403, 404, 422) are
    there already.
    """
    module = PLUGINS(config.registry).plugin_of_package(config.package_name)
    if module is None:
        raise ConfigurationError(f"add_api_endpoint({name!r}): call it from a plugin")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ConfigurationError(f"add_api_endpoint({name!r}): a name is a-z, 0-9 and -")
    if method not in METHODS:
        raise ConfigurationError(f"add_api_endpoint({name!r}): the method is one of {METHODS}")
    endpoint = ApiEndpoint(
        module,
        name,
        method,
        summary,
        _schema(schema, "schema", name),
        _schema(answer, "answer", name),
        permission,
        view,
        signed_in or method != "GET" or permission != "view",
        tuple(errors),
    )
    if not set(endpoint.errors) <= set(DEFAULT_MESSAGES) - {405}:
        raise ConfigurationError(
            f"add_api_endpoint({name!r}): errors are among {sorted(DEFAULT_MESSAGES)}"
        )
    if endpoint.schema is not None and not endpoint.sends_body:
        for node in endpoint.schema.children:
            if isinstance(node.typ, (colander.Mapping, colander.Sequence, colander.Tuple)):
                raise ConfigurationError(
                    f"add_api_endpoint({name!r}): a {method} takes its values from the query "
                    f"string, where {node.name!r} cannot be a mapping or a list"
                )
    endpoints = API_ENDPOINTS(config.registry)
    route = f"api.modules.{module}.{name}"
    options = {"permission": NO_PERMISSION_REQUIRED, "require_csrf": False, "decorator": guarded}
    # Registered as the core's, not the plugin's (whose views the core makes answer 404
    # where its module is off, before anything else): credentials come first, as on every
    # API route, then the module (``_answer``); errors are answered as JSON everywhere.
    core = config.with_package(__name__)
    if not any(e.module == module and e.name == name for e in endpoints):
        config.add_route(route, endpoint.path, factory=api_root)
        core.add_view(_other_method(module), route_name=route, **options)
        core.add_exception_view(http_error_view, context=HTTPException, route_name=route)
    methods = (method, "HEAD") if method == "GET" else method
    core.add_view(
        _answer(endpoint), route_name=route, request_method=methods, renderer="json", **options
    )
    endpoints.append(endpoint)


def _answer(endpoint: ApiEndpoint) -> Callable[[Any, Request], dict[str, Any]]:
    def answer(context: Any, request: Request) -> dict[str, Any]:
        if endpoint.module not in request.enabled_modules:
            raise ApiError(404)
        if endpoint.signed_in:
            require_identity(request)
        require_permission(request, endpoint.permission, request.site_root)
        data = read_body(request) if endpoint.sends_body else _query(request)
        schema = (endpoint.schema or NOTHING).bind(request=request)
        values = validated(request, schema, data, typed=endpoint.sends_body)
        return endpoint.view(request, values)

    return answer


def _other_method(module: str) -> Callable[[Request], Any]:
    def fallback(request: Request) -> Any:
        if module not in request.enabled_modules:
            raise ApiError(404)  # as its other views: it is not there
        return method_not_allowed(request)

    return fallback


def _query(request: Request) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in request.GET:
        found = request.GET.getall(key)
        if len(found) > 1:
            raise ApiError(422, errors={key: _("Send this once.")})
        data[key] = found[0]
    return data


def endpoints_for(registry: Any, modules: Any) -> list[ApiEndpoint]:
    """The endpoints of these (enabled) modules, in the order they were declared."""
    enabled = set(modules)
    return [e for e in API_ENDPOINTS(registry) if e.module in enabled]


def includeme(config: Configurator) -> None:
    API_ENDPOINTS.provide(config, [])
    config.add_directive("add_api_endpoint", add_api_endpoint)
