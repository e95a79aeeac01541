"""Access levels of content, and closed sites, for every kind of visitor."""

import io
import sys

import pytest
from pyramid.authorization import Everyone

from pleio_core.content import Item
from pleio_core.content.access import acl_for
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.testing import PleioTestSetup

PASSWORD = "correct horse battery"
PEOPLE = {"owner": "member", "member": "member", "editor": "editor", "admin": "admin"}


def create(setup: PleioTestSetup, who: str, site: str | None, role: str | None) -> None:
    stdin, sys.stdin = sys.stdin, io.StringIO(PASSWORD + "\n")
    try:
        assert setup.pleio("user", "create", f"{who}@example.nl", "--name", who) == 0
    finally:
        sys.stdin = stdin
    if site and role:
        assert setup.pleio("user", "grant", f"{who}@example.nl", site, role) == 0


def signed_in(setup: PleioTestSetup, app, who: str | None, host: str):
    client = setup.client(app)
    if who is None:
        return client
    start = client.get("/@@login", host=host, status=303)
    form = client.get(start.location[len("http://localhost") :], host="localhost").forms[
        "login-form"
    ]
    form["email"], form["password"] = f"{who}@example.nl", PASSWORD
    ticket = form.submit(headers={"Host": "localhost"}, status=303)
    client.get(ticket.location.split(host, 1)[1], host=host, status=303)
    return client


@pytest.fixture
def world(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("open", modules=("wiki",))
    pleio_setup.write_site("shut", modules=("wiki",), access="closed")
    pleio_setup.write_site("other", modules=("wiki",))
    for who, role in PEOPLE.items():
        create(pleio_setup, who, "open", role)
        assert pleio_setup.pleio("user", "grant", f"{who}@example.nl", "shut", role) == 0
    create(pleio_setup, "stranger", None, None)
    create(pleio_setup, "foreign-admin", "other", "admin")
    app = pleio_setup.make_app()
    owner_id = None
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        owner_id = conn.root()["pleio_platform"]["accounts"].by_email("owner@example.nl").id
    for site in ("open", "shut"):
        pleio_setup.client(app).get("/", host=f"{site}.localhost")
        with SITE_DATABASES(app.registry).get(site).transaction() as conn:
            wiki = conn.root()[ROOT_KEY]["wiki"]
            for level in ("public", "members", "group", "private"):
                item = Item(f"{level} page")
                item.__acl__ = acl_for(level, owner_id, "group:g1" if level == "group" else None)
                wiki.add(level, item)
    return pleio_setup, app


# who sees which level, on a public site
EXPECTED = {
    None: {"public"},
    "stranger": {"public"},
    "foreign-admin": {"public"},
    "member": {"public", "members"},
    "editor": {"public", "members"},
    "owner": {"public", "members", "group", "private"},
    "admin": {"public", "members", "group", "private"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_access_levels_on_a_public_site(world, who) -> None:
    setup, app = world
    client = signed_in(setup, app, who, "open.localhost")
    seen = {
        level
        for level in ("public", "members", "group", "private")
        if client.get(f"/wiki/{level}", host="open.localhost", expect_errors=True).status_int == 200
    }
    assert seen == EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_a_closed_site_shows_nothing_to_outsiders(world, who) -> None:
    setup, app = world
    client = signed_in(setup, app, who, "shut.localhost")
    seen = {
        level
        for level in ("public", "members", "group", "private")
        if client.get(f"/wiki/{level}", host="shut.localhost", expect_errors=True).status_int == 200
    }
    insiders = EXPECTED[who] if who in PEOPLE else set()
    assert seen == insiders


def test_acl_for_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="unknown access level"):
        acl_for("secret", "a1")
    with pytest.raises(ValueError, match="needs the group"):
        acl_for("group", "a1")
    assert ("Allow", Everyone, "view") in acl_for("public", None)


@pytest.mark.parametrize("who", [None, "member", "owner"])
def test_a_module_listing_names_only_what_the_visitor_may_see(world, who) -> None:
    setup, app = world
    listing = signed_in(setup, app, who, "open.localhost").get("/wiki/", host="open.localhost")
    shown = {
        level
        for level in ("public", "members", "group", "private")
        if f"{level} page" in listing.text
    }
    assert shown == EXPECTED[who]
