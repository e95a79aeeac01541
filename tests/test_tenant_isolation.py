"""Nothing of one deelsite can be reached from another: an admin of site A against every
page and endpoint of site B gets 403 or 404 and changes nothing.

The endpoints are read from Pyramid's introspector, so a view added later (content, the
control panel, the API) is in the matrix without anyone remembering to add it.
"""

import pytest

from pleio_core.content import Content, ContentAdded, Item, ModuleFolder, SiteRoot
from pleio_core.content.access import acl_for
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, SITE_DATABASES
from pleio_core.testing import PleioTestSetup

PASSWORD = "correct horse battery"
CSRF = "matrix-csrf-token"

# (context, view name, method) → what an outsider may get: the ways in, nothing else
WAYS_IN = {
    (SiteRoot, "", "GET"): {200},  # the "members only" notice
    (SiteRoot, "", "HEAD"): {200},
    (SiteRoot, "theme.css", "HEAD"): {200},
    (SiteRoot, "login", "GET"): {303},
    (SiteRoot, "sso", "GET"): {400},  # no ticket
    (SiteRoot, "join", "GET"): {200},  # how to become a member
    (SiteRoot, "join", "POST"): {403},  # invitation only: refused
    (SiteRoot, "invitation", "GET"): {400},  # no token
    (SiteRoot, "invitation", "POST"): {400},
    (SiteRoot, "theme.css", "GET"): {200},
    # a mail's one-click unsubscribe works without a session: no token, no answer
    (SiteRoot, "unsubscribe", "GET"): {400},
    (SiteRoot, "unsubscribe", "HEAD"): {400},
    (SiteRoot, "unsubscribe", "POST"): {400},
    (None, "language", "GET"): {400},  # no language given
    (None, "language", "HEAD"): {400},
    (None, "language", "POST"): {400},
}
SKIP = {(SiteRoot, "logout", "POST")}  # signing out changes the platform, tested elsewhere
PATHS = {
    SiteRoot: "/",
    ModuleFolder: "/wiki/",
    Item: "/wiki/memo/",
    Content: "/wiki/page/",
    None: "/",
}


def endpoints(registry) -> list[tuple[object, str, str]]:
    """Every traversal view that a deelsite host can answer, with each method it takes."""
    found = set()
    for view in registry.introspector.get_category("views"):
        intr = view["introspectable"]
        context = intr["context"]
        if intr["route_name"] or context not in PATHS:
            continue
        methods = intr["request_methods"] or ("GET", "POST")
        for method in (methods,) if isinstance(methods, str) else methods:
            found.add((context, intr["name"], method))
    return sorted(found, key=lambda e: (str(e[0]), e[1], e[2]))


@pytest.fixture
def world(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("site-a", modules=("wiki",), title="Site A")
    pleio_setup.write_site("site-b", modules=("wiki",), title="Site B", access="closed")
    pleio_setup.create_account("alice@example.nl", **{"site-a": "admin"})
    pleio_setup.create_account("bob@example.nl", **{"site-b": "admin"})
    assert pleio_setup.pleio("site", "join-mode", "site-b", "invitation") == 0
    app = pleio_setup.make_app()
    client = pleio_setup.client(app)
    client.get("/", host="site-b.localhost")
    with SITE_DATABASES(app.registry).get("site-b").transaction() as conn:
        memo = Item("Vertrouwelijk memo van B", "Alleen voor B.")
        memo.__acl__ = acl_for("members", None)
        wiki = conn.root()[ROOT_KEY]["wiki"]
        wiki.add("memo", memo)
        page = CONTENT_TYPES(app.registry)["page"].factory("Pagina van B")
        page.set_body("Alleen voor de leden van B.")
        wiki.add("page", page)
        app.registry.notify(ContentAdded(page))
    return pleio_setup, app


def sign_in(setup: PleioTestSetup, app, email: str, host: str):
    client = setup.client(app)
    start = client.get("/@@login", host=host, status=303)
    form = client.get(start.location[len("http://localhost") :], host="localhost").forms[
        "login-form"
    ]
    form["email"], form["password"] = email, PASSWORD
    ticket = form.submit(headers={"Host": "localhost"}, status=303)
    client.get(ticket.location.split(host, 1)[1], host=host, status=303)
    return client


def call(client, method: str, path: str, host: str) -> int:
    client.testapp.set_cookie("pleio_csrf", CSRF)  # a valid token: CSRF must not hide a 403
    headers = {"X-CSRF-Token": CSRF}
    if method in ("GET", "HEAD"):
        send = client.get if method == "GET" else client.head
        response = send(path, host=host, headers=headers, expect_errors=True)
    else:
        response = client.post(
            path, {"csrf_token": CSRF}, host=host, headers=headers, expect_errors=True
        )
    return response.status_int


def test_an_admin_of_another_site_reaches_nothing_and_changes_nothing(world) -> None:
    setup, app = world
    alice = sign_in(setup, app, "alice@example.nl", "site-b.localhost")  # signed in, no role on B
    b_db = SITE_DATABASES(app.registry).get("site-b")
    before = b_db.lastTransaction()
    matrix = endpoints(app.registry)
    assert len(matrix) >= 20  # the introspector found the site's views
    assert (Content, "edit", "POST") in matrix and (Content, "comment", "POST") in matrix
    wrong = []
    for context, name, method in matrix:
        if (context, name, method) in SKIP:
            continue
        path = PATHS[context] + (f"@@{name}" if name else "")
        status = call(alice, method, path, "site-b.localhost")
        allowed = WAYS_IN.get((context, name, method), {403, 404})
        if status not in allowed:
            wrong.append(f"{method} {path}: {status} (allowed {sorted(allowed)})")
    assert not wrong, "site B answered site A's admin:\n" + "\n".join(wrong)
    assert b_db.lastTransaction() == before, "site B's database was written"
    assert (
        "Vertrouwelijk" not in alice.get("/wiki/", host="site-b.localhost", expect_errors=True).text
    )


def test_b_admin_does_reach_them(world) -> None:
    """The same matrix signed in as B's own admin: the refusals above were about the site."""
    setup, app = world
    bob = sign_in(setup, app, "bob@example.nl", "site-b.localhost")
    for path in (
        "/",
        "/wiki/",
        "/wiki/memo/",
        "/wiki/page/",
        "/wiki/page/@@edit",
        "/wiki/page/@@history",
        "/@@audit",
        "/@@invite",
        "/@@members-requests",
    ):
        assert call(bob, "GET", path, "site-b.localhost") == 200, path
