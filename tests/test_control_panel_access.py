"""Only the site's own admins reach the control panel: a member, an editor and an admin of
another site get 403 on every page and action of it, and change nothing.

The pages are read from Pyramid's introspector (every SiteRoot view named
``control-panel…``), so a part added later is in this test without anyone adding it.
"""

import pytest

from pleio_core.admin.panel import PREFIX
from pleio_core.content.site import SiteRoot
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup

CSRF = "panel-csrf-token"
HOST = "alpha.localhost"


def panel_endpoints(registry) -> list[tuple[str, str]]:
    found = set()
    for view in registry.introspector.get_category("views"):
        intr = view["introspectable"]
        if intr["context"] is not SiteRoot or not (intr["name"] or "").startswith(PREFIX):
            continue
        methods = intr["request_methods"] or ("GET", "POST")
        for method in (methods,) if isinstance(methods, str) else methods:
            found.add((intr["name"], method))
    return sorted(found)


@pytest.fixture
def world(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha")
    pleio_setup.write_site("beta", modules=("wiki",), title="Beta")
    pleio_setup.create_account("member@example.nl", alpha="member")
    pleio_setup.create_account("editor@example.nl", alpha="editor")
    pleio_setup.create_account("other@example.nl", beta="admin")
    pleio_setup.create_account("admin@example.nl", alpha="admin")
    return pleio_setup, pleio_setup.make_app()


def call(client, method: str, path: str) -> int:
    client.testapp.set_cookie("pleio_csrf", CSRF)  # a valid token: CSRF must not hide a 403
    headers = {"X-CSRF-Token": CSRF}
    if method in ("GET", "HEAD"):
        send = client.get if method == "GET" else client.head
        return send(path, headers=headers, expect_errors=True).status_int
    data = {"csrf_token": CSRF, "module": "wiki", "action": "disable", "title": "Hacked"}
    return client.post(path, data, headers=headers, expect_errors=True).status_int


@pytest.mark.parametrize("email", ["member@example.nl", "editor@example.nl", "other@example.nl"])
def test_non_admins_get_403_on_every_control_panel_page_and_action(world, email) -> None:
    setup, app = world
    client = setup.signed_in(app, email, HOST)
    client.get("/")  # the site's database exists before we note its last transaction
    db = SITE_DATABASES(app.registry).get("alpha")
    before = db.lastTransaction()
    matrix = panel_endpoints(app.registry)
    assert {("control-panel", "GET"), ("control-panel-module", "POST")} <= set(matrix)
    assert len(matrix) >= 12
    wrong = [
        f"{method} /@@{name}: {status}"
        for name, method in matrix
        if (status := call(client, method, f"/@@{name}")) != 403
    ]
    assert not wrong, f"{email} reached:\n" + "\n".join(wrong)
    assert db.lastTransaction() == before


def test_anonymous_visitors_are_refused_too(world) -> None:
    setup, app = world
    client = setup.client(app, HOST)
    for name, method in panel_endpoints(app.registry):
        assert call(client, method, f"/@@{name}") == 403, (name, method)


def test_the_site_admin_reaches_every_page(world) -> None:
    setup, app = world
    admin = setup.signed_in(app, "admin@example.nl", HOST)
    for name, method in panel_endpoints(app.registry):
        if method == "GET" and name not in (
            "control-panel-module",
            "control-panel-module-settings",
            "control-panel-people-field",  # (of a field: tests/test_people.py)
        ):
            assert call(admin, method, f"/@@{name}") == 200, name
    assert call(admin, "GET", "/@@control-panel-people-field?key=nosuchfield") == 404
    assert call(admin, "GET", "/@@control-panel-module?module=wiki&action=disable") == 200
    assert call(admin, "GET", "/@@control-panel-module-settings?module=wiki") == 404  # none
