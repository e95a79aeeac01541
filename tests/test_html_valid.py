"""Every kind of page is valid HTML for the W3C Nu checker (WCAG 2.1 SC 4.1.1).

The pages of a site with all four bundled modules, as an admin, a member and an anonymous
visitor see them, the platform's account pages, and the error pages (the text edge's 400
included); the home page's other states (a chosen front page, nothing to show yet, no
modules, a closed site from outside); one run of the checker over all of them.
"""

from __future__ import annotations

import pytest

from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup, add_through_form, assert_valid_html

HOST = "geldig.localhost"
MODULES = ("wiki", "community", "intranet", "workspace")
SITE_PAGES = (
    "/",
    "/wiki/",
    "/wiki/@@add?type=page",
    "/community/",
    "/community/@@add?type=group",
    "/community/@@events",
    "/community/@@add?type=event",
    "/intranet/",
    "/intranet/@@news",
    "/intranet/@@add?type=news",
    "/intranet/@@add?type=status",
    "/workspace/",
    "/@@search",
    "/@@search?text=hallo",
    "/@@saved",
    "/@@activity",
    "/@@join",
    "/@@control-panel",
    "/@@control-panel-general",
    "/@@control-panel-appearance",
    "/@@control-panel-menu",
    "/@@control-panel-home",
    "/@@control-panel-modules",
    "/@@control-panel-members",
    "/@@audit",
    "/@@notifications",
    "/@@notification-settings",
    "/@@unsubscribe?token=x.y",  # 400
    "/@@people",
    "/@@people-edit",
    "/@@control-panel-people",
    "/nowhere",  # 404
    "/@@search?text=a%00b",  # the text edge's 400
    "/@@language?lang=xx",  # 400
)
PLATFORM_PAGES = ("/", "/login", "/register", "/reset", "/verify?token=x", "/account")
#: The home page's other states: site → (its modules, its access)
HOME_STATES = {
    "voorpagina": (MODULES, "public"),  # a chosen front page, beside the widgets
    "leeg": (("intranet", "workspace"), "public"),  # nothing to show yet
    "kaal": ((), "public"),  # no modules
    "dicht": (("wiki",), "closed"),  # seen from outside: the join offer
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, bytes]:
    setup = PleioTestSetup(tmp_path_factory.mktemp("html"))
    setup.write_site("geldig", modules=MODULES, hosts=(HOST,), access="public")
    for name, (modules, access) in HOME_STATES.items():
        setup.write_site(name, modules=modules, access=access)
    setup.create_account("admin@example.nl", "Ada", geldig="admin", voorpagina="admin")
    setup.create_account("member@example.nl", "Mo", geldig="member")
    app = setup.make_app()
    admin = setup.signed_in(app, "admin@example.nl", HOST)
    page = add_through_form(
        admin, "/wiki/", "page", title="Hallo", body="# Kop\n\n*tekst* [[Nog niet]]",
        access="public",
    )  # fmt: skip
    comment = admin.get(page).forms["comment-form"]
    comment["text"] = "Een reactie"
    comment.submit(status=303)
    group = add_through_form(admin, "/community/", "group", title="Kring", access="public")
    event = add_through_form(admin, "/community/", "event", title="Borrel", access="public",
                             capacity="5", location="Zaal 1")  # fmt: skip
    news = add_through_form(admin, "/intranet/", "news", title="Nieuws", featured=True,
                            access="public")  # fmt: skip
    post = add_through_form(admin, "/intranet/", "blog", title="Blog", access="public")
    add_through_form(admin, "/intranet/", "status", body="Aan het werk.", access="public")
    visitors = {
        "admin": admin,
        "member": setup.signed_in(app, "member@example.nl", HOST),
        "anonymous": setup.client(app, host=HOST),
    }
    found: dict[str, bytes] = {}
    for who, client in visitors.items():
        paths = (*SITE_PAGES, page, f"{page}@@history", f"{page}@@edit", group, news, post,
                 event, f"{event}@@attendees", f"{event}@@edit", f"{group}@@events",
                 f"{group}@@members", f"{group}@@invitation?token=no-such")  # fmt: skip
        for path in paths:
            answer = client.get(path, expect_errors=True)
            if "html" in answer.content_type:
                found[f"{who} {path} ({answer.status_int})"] = answer.body
    chosen = setup.signed_in(app, "admin@example.nl", "voorpagina.localhost")
    add_through_form(chosen, "/wiki/", "page", title="Welkom", body="*Hallo*", access="public")
    with SITE_DATABASES(app.registry).get("voorpagina").transaction() as conn:
        conn.root()[ROOT_KEY].front_page = "wiki/welkom"
    for name in HOME_STATES:
        answer = setup.client(app, host=f"{name}.localhost").get("/")
        found[f"anonymous {name} / ({answer.status_int})"] = answer.body
    assert "Hallo" in found["anonymous voorpagina / (200)"].decode()
    platform = setup.signed_in_on_platform(app, "member@example.nl")
    for path in PLATFORM_PAGES:
        for who, client in (("member", platform), ("anonymous", setup.client(app))):
            answer = client.get(path, expect_errors=True)
            if "html" in answer.content_type:
                found[f"{who} platform {path} ({answer.status_int})"] = answer.body
    setup.close()
    return found


def test_the_pages_were_all_rendered(pages) -> None:
    statuses = {name.rsplit("(", 1)[1].rstrip(")") for name in pages}
    assert {"200", "400", "404"} <= statuses
    assert len(pages) >= 60


def test_every_page_kind_is_valid_html(pages) -> None:
    assert_valid_html(pages)
