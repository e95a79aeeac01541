"""The platform host's pages (the overview of public deelsites, the health check) and every
deelsite's control panel (one module per part)."""

from __future__ import annotations

import logging
from typing import Any

import transaction
from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED
from ZODB.utils import z64

from pleio_core.content.site import PlatformRoot
from pleio_core.plugins.manager import core_version
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES, SITES
from pleio_core.sites.effective import listed_sites

log = logging.getLogger(__name__)

#: The WSGI environ key where Pleio's server (``pleio_core.server``) says what it is doing:
#: ``"serving"``, or ``"draining"`` once it was told to stop. Under another server (or in
#: a test's WebTest app) it is absent, which counts as serving.
SERVER_STATE = "pleio.server_state"


def sites_overview(context: PlatformRoot, request: Request) -> dict[str, Any]:
    """Every public deelsite with its title, description and link (as pleio.nl/sites), as
    its holder set them; the operator also sees the closed ones."""
    return {"sites": listed_sites(request)}


def health(request: Request) -> dict[str, Any]:
    """``/_health``: that the process answers. Only the operator, signed in on the platform
    host, also learns the version and the counts; a deelsite's visitors have no need to."""
    identity = request.identity if request.is_platform else None
    if identity is None or not identity.operator:
        return {"status": "ok"}
    request.response.cache_control.no_store = True  # not for a proxy to hand to others
    request.response.cache_control.private = True
    registry = request.registry
    return {
        "status": "ok",
        "version": core_version(),
        "sites": len(SITES(registry)),
        "open_databases": len(SITE_DATABASES(registry)),
    }


def ready(request: Request) -> dict[str, Any]:
    """``/_ready``: whether a load balancer should send this process requests.

    503 while the process drains before it stops (a proxy then takes it out of rotation
    while it still serves what it gets) and while the platform database does not answer
    (nothing can sign in, no request can be served well); 200 otherwise. Never cached.
    """
    request.response.cache_control.no_store = True
    state = request.environ.get(SERVER_STATE, "serving")
    if state != "serving":
        request.response.status_code = 503
        return {"status": state}
    problem = platform_database_problem(request)
    if problem:
        request.response.status_code = 503
        return {"status": "unavailable", "reason": problem}
    return {"status": "ready"}


def platform_database_problem(request: Request) -> str | None:
    """Why the platform database does not answer now, or None if it does.

    A ZEO client that lost its server says so at once (reading would wait for it to come
    back); otherwise a connection is opened and the root read, which on RelStorage asks
    PostgreSQL for what changed.
    """
    db = PLATFORM_DATABASE(request.registry)
    is_connected = getattr(db.storage, "is_connected", None)
    if is_connected is not None and not is_connected():
        return "the platform database is not connected"
    tm = transaction.TransactionManager()
    try:
        conn = db.open(transaction_manager=tm)
        try:
            conn.get(z64)._p_activate()  # the root object, loaded if it is not
        finally:
            tm.abort()
            conn.close()
    except Exception as exc:  # whatever the storage raises: not ready, and say why in the log
        log.warning("readiness: the platform database does not answer: %r", exc)
        return "the platform database does not answer"
    return None


def includeme(config: Configurator) -> None:
    config.add_view(
        sites_overview,
        context=PlatformRoot,
        renderer="pleio_core:templates/overview.pt",
        request_method=("GET", "HEAD"),
    )
    for name, view in (("health", health), ("ready", ready)):  # what a load balancer asks
        config.add_route(name, f"/_{name}", factory=lambda request: None)
        config.add_view(
            view,
            route_name=name,
            renderer="json",
            request_method=("GET", "HEAD"),
            permission=NO_PERMISSION_REQUIRED,
        )
    config.include(".panel")
    config.include(".general")
    config.include(".appearance")
    config.include(".menu")
    config.include(".home")
    config.include(".modules")
    config.include(".module_settings")
    config.include(".members")
    config.include(".profile_fields")
    config.include(".sites")
