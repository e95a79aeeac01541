"""``/dav/`` of a deelsite: wsgidav's request handling, inside the Pyramid request.

The view runs wsgidav's ``RequestServer`` for one request, over a ``WorkspaceProvider``
made for it, until wsgidav has done its work and started its answer: everything it
changes is in the request's transaction, which ``pyramid_tm`` commits or (on an error
answer) aborts as for any page; only a file's bytes are streamed after that, from the
committed blob. No ``WsgiDAVApp`` is used: Pyramid has found the site, the account (an app
password, ``add_app_password_path``) and the permissions already, and a ``ConflictError``
must reach ``pyramid_retry`` instead of wsgidav's error page.

A ``Destination`` (MOVE, COPY) on another host is a 502, one outside ``/dav/`` a 403,
before wsgidav sees it: nothing outside this site's workspace is ever touched.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from itertools import chain
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pyramid.request import Request
from pyramid.response import Response
from wsgidav.dav_error import DAVError, get_http_status_string
from wsgidav.request_server import RequestServer

from pleio_core.plugin_api import basic_challenge

from ..i18n import _
from .errors import Challenge
from .resources import WorkspaceProvider

PREFIX = "/dav"
#: What wsgidav reads of its configuration (``wsgidav.config``).
CONFIG: dict[str, Any] = {
    "block_size": 1 << 20,
    "add_header_MS_Author_Via": True,  # Windows' WebDAV client wants it
    "honor_mtime_header": False,
    "mutable_live_props": [],
    "hotfixes": {
        "emulate_win32_lastmod": True,  # Windows sets times: accepted (not kept)
        "treat_root_options_as_asterisk": False,
    },
}


class _Mount:
    """What wsgidav asks of its application: which provider serves a path (one: ours)."""

    def __init__(self, provider: WorkspaceProvider) -> None:
        self.provider = provider

    def resolve_provider(self, path: str) -> tuple[str, WorkspaceProvider]:
        return PREFIX, self.provider


def refusal(request: Request, status: int, message: Any) -> Response:
    """A short plain-text answer: what a client shows of an error."""
    response = Response(status=status, charset="utf-8", content_type="text/plain")
    response.text = request.localizer.translate(message) + "\n"
    response.cache_control.no_store = True
    return response


def _error(request: Request, error: DAVError) -> Response:
    if isinstance(error, Challenge):
        return basic_challenge(request)
    response = Response(status=get_http_status_string(error), charset="utf-8")
    if error.err_condition is not None:  # (RFC 4918's XML body of a precondition)
        response.content_type = "application/xml"
        response.body = error.err_condition.as_string().encode("utf-8")
    else:
        response.content_type = "text/plain"
        response.text = (error.context_info or get_http_status_string(error)) + "\n"
    for name, value in error.add_headers or ():
        response.headers[name] = value
    response.cache_control.no_store = True
    return response


def _host(netloc: str, scheme: str) -> str:
    """A host as compared: lower case, without the scheme's own port ("h:443" is "h")."""
    host = netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(scheme)
    return host.removesuffix(default) if default else host


def _destination(request: Request, environ: dict) -> Response | None:
    """Check a ``Destination`` header and give wsgidav its path only; or the refusal."""
    raw = environ.get("HTTP_DESTINATION")
    if raw is None:
        return None
    try:  # a client may send UTF-8 unquoted: WSGI gives it as Latin-1
        text = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        text = raw  # (Latin-1 it is)
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return refusal(request, 400, _("The Destination header cannot be read."))
    if (
        parts.netloc and _host(parts.netloc, request.scheme) != _host(request.host, request.scheme)
    ) or (parts.scheme and parts.scheme.lower() != request.scheme):
        return refusal(request, 502, _("A file can only be moved or copied within this site."))
    path = unquote(parts.path)
    # "/dav/../api/x" is not in /dav/ (as wsgidav would read it: normalised)
    path = posixpath.normpath(path) + ("/" if path.endswith("/") else "") if path else path
    base = request.script_name + PREFIX
    if not path.startswith(base + "/") or path.rstrip("/") == base:
        return refusal(request, 403, _("A file can only be moved or copied within /dav/."))
    environ["HTTP_DESTINATION"] = quote(path)
    return None


def dav_view(context: Any, request: Request) -> Response:
    if request.identity is None:
        # WebDAV is for accounts: a client that has not signed in is asked to, whatever it
        # asks (an empty listing of a public site would look like an empty workspace to a
        # desktop that mounts it; public files are on the web without signing in)
        return basic_challenge(request)
    if request.method == "POST":
        return refusal(request, 405, _("WebDAV does not take POST."))
    # pyramid_retry has copied the body to replay it on a ConflictError: a replay reads it
    # from the start again (make_body_seekable rewinds it)
    request.make_body_seekable()
    environ = dict(request.environ)
    environ["wsgi.input"] = request.body_file_raw
    # (wsgidav would trust these for MOVE and COPY; only the Host counts here)
    environ.pop("HTTP_X_FORWARDED_HOST", None)
    environ.pop("HTTP_X_FORWARDED_PROTO", None)
    refused = _destination(request, environ)
    if refused is not None:
        return refused
    provider = WorkspaceProvider(request)
    identity = request.identity
    environ.update(
        {
            "SCRIPT_NAME": request.script_name + PREFIX,
            "PATH_INFO": request.path_info[len(PREFIX) :] or "/",
            "wsgidav.config": CONFIG,
            "wsgidav.provider": provider,
            "wsgidav.app": _Mount(provider),
            "wsgidav.verbose": 0,
            "wsgidav.auth.user_name": identity.id if identity is not None else "anonymous",
        }
    )
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> None:
        started["status"], started["headers"] = status, headers

    server = RequestServer(provider)
    # a PROPFIND of everything below a folder, in one answer, is refused (RFC 4918's
    # propfind-finite-depth): a workspace of 10,000 files would be one request's work
    server.allow_propfind_infinite = False
    answer: Iterator[bytes] = iter(server(environ, start_response))
    try:
        first = next(answer, b"")  # wsgidav does its work and starts its answer here
    except DAVError as error:
        request.tm.doom()  # (a refusal changes nothing)
        return _error(request, error)
    response = Response(
        status=started["status"],
        headerlist=list(started["headers"]),
        app_iter=chain([first], answer),
    )
    if response.status_int >= 400:
        request.tm.doom()
    if response.status_int == 401:
        return basic_challenge(request)
    if response.content_type == "text/html":
        if "Content-Disposition" in response.headers:
            # a file's own bytes (``FileResource.finalize_headers``): all of them, as text
            # (as the web's download gives an HTML file)
            response.headers["Content-Type"] = "text/plain"
        else:  # wsgidav's page of a status: its line will do
            response.content_type, response.charset = "text/plain", "utf-8"
            response.text = "" if response.status_int < 300 else response.status + "\n"
    return response
