"""The intranet in a real browser: every page kind under axe at every width, and posting a
status update and opening a news item by keyboard alone."""

from __future__ import annotations

import io

import pytest
import webtest
from PIL import Image

from pleio_core.testing import (
    LiveServer,
    PleioTestSetup,
    add_through_form,
    assert_accessible,
    signed_in_page,
)

HOST = "intra.localhost"
LONG = "Verslag van de bijeenkomst over informatiebeheer en archiefwetgeving in de regio"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One installation and live server for the module, with content of every kind: the axe
    test only reads; the keyboard test adds a status update, which the other does not count."""
    setup = PleioTestSetup(tmp_path_factory.mktemp("intranet"))
    setup.write_site("intra", modules=("intranet",), hosts=(HOST,), access="public")
    setup.create_account("anne@example.nl", "Anne", intra="member")
    setup.create_account("eva@example.nl", "Eva", intra="editor")
    app = setup.make_app()
    eva = setup.signed_in(app, "eva@example.nl", HOST)
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    form = eva.get("/intranet/@@add?type=news").forms["content-form"]
    form["title"], form["body"], form["featured"] = LONG, "Het **nieuws** van vandaag.", True
    form["access"].force_value("public")
    form["lead_image_alt"] = "Een blauw vlak"
    out = io.BytesIO()
    Image.new("RGB", (1200, 500), (20, 60, 120)).save(out, format="JPEG")
    form["upload"] = webtest.Upload("blauw.jpg", out.getvalue(), "image/jpeg")
    form.submit("save", status=303)
    for n in range(3):
        add_through_form(eva, "/intranet/", "news", title=f"Bericht {n}", access="public")
    add_through_form(anne, "/intranet/", "blog", title="Mijn eerste week", access="public",
                     body="Een week rondgekeken.")  # fmt: skip
    add_through_form(anne, "/intranet/", "status", body="Vandaag thuis, samen met @Eva.",
                     access="public")  # fmt: skip
    add_through_form(eva, "/intranet/", "intranet_page", title="Over ons", access="public")
    add_through_form(eva, "/intranet/over-ons/", "intranet_page", title="Organogram",
                     access="public")  # fmt: skip
    server = LiveServer(app)
    yield server
    server.close()
    setup.close()


def test_every_intranet_page_kind_passes_axe(browser, server) -> None:
    eva = signed_in_page(browser, server, HOST, "eva@example.nl")
    try:
        eva.goto(server.url(HOST, "/intranet/"))
        blog = eva.get_by_role("link", name="Anne").first.get_attribute("href")
        news = eva.locator(".intranet-highlights h3 a").get_attribute("href")
        for path in (
            "/intranet/", "/intranet/@@news", "/intranet/@@blogs", "/intranet/@@status-updates",
            "/intranet/@@pages", "/intranet/mijn-eerste-week/", "/intranet/over-ons/",
            "/intranet/@@add?type=news", "/intranet/@@add?type=status",
        ):  # fmt: skip
            assert_accessible(eva, server.url(HOST, path))
        for url in (blog, news):
            assert_accessible(eva, url)
        eva.goto(server.url(HOST, "/intranet/"))
        eva.locator(".status-list a").first.click()
        assert_accessible(eva, eva.url)
    finally:
        eva.context.close()
    visitor = browser.new_context().new_page()
    try:
        for path in ("/intranet/", "/intranet/@@news", "/"):
            assert_accessible(visitor, server.url(HOST, path))
    finally:
        visitor.context.close()


def test_a_status_update_and_a_news_item_by_keyboard(browser, server) -> None:
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    try:
        anne.goto(server.url(HOST, "/intranet/"))
        for _ in range(40):  # from the top of the page, with Tab only
            anne.keyboard.press("Tab")
            if anne.evaluate("document.activeElement.id") == "status-text":
                break
        else:
            pytest.fail("the status field is not reached with Tab")
        anne.keyboard.type("Met het toetsenbord geschreven.")
        anne.keyboard.press("Tab")
        assert anne.evaluate("document.activeElement.textContent.trim()") == "Plaatsen"
        with anne.expect_navigation():
            anne.keyboard.press("Enter")
        assert "Met het toetsenbord geschreven." in anne.locator("article .body").inner_text()
        anne.goto(server.url(HOST, "/intranet/"))
        anne.locator(".intranet-highlights h3 a").focus()
        with anne.expect_navigation():
            anne.keyboard.press("Enter")
        assert anne.get_by_role("heading", level=1).inner_text() == LONG
        assert anne.get_by_role("img", name="Een blauw vlak").is_visible()
    finally:
        anne.context.close()
