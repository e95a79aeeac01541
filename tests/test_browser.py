"""What only a browser shows: accessibility, widths, keyboard use, no JavaScript needed."""

import pytest

from pleio_core.content import Item
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import LiveServer, PleioTestSetup, assert_accessible, axe_violations


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One installation and live server for the module: the tests only read, but for the
    item that ``test_error_and_item_pages_pass_axe`` adds on a site of its own."""
    setup = PleioTestSetup(tmp_path_factory.mktemp("browser"))
    setup.write_site(
        "rijksportaal",
        modules=("intranet", "community", "workspace", "wiki"),
        title="Rijksportaal Samenwerken voor alle ministeries en uitvoeringsorganisaties",
        description="Het sociale intranet van de demo-ministeries.",
    )
    setup.write_site("kia", modules=("wiki",), title="Kennisplatform", language="en")
    setup.write_site("dicht", modules=("wiki",), title="Besloten", access="closed")
    setup.write_site("items", modules=("wiki",), title="Kennisbank")
    server = LiveServer(setup.make_app())
    yield server
    server.close()
    setup.close()


PAGES = [
    ("localhost", "/"),  # the sites overview
    ("rijksportaal.localhost", "/"),  # a deelsite home
    ("rijksportaal.localhost", "/wiki/"),  # a module start page (empty state)
    ("kia.localhost", "/wiki/"),  # in English
    ("dicht.localhost", "/"),  # a closed site, seen from outside
]


@pytest.mark.parametrize(("host", "path"), PAGES)
def test_pages_pass_axe_at_three_widths(server, page, host: str, path: str) -> None:
    assert_accessible(page, server.url(host, path))


def test_error_and_item_pages_pass_axe(server, page) -> None:
    # on a site of its own: rijksportaal's wiki is the empty state of PAGES
    page.goto(server.url("items.localhost", "/"))
    with SITE_DATABASES(server.app.registry).get("items").transaction() as conn:
        conn.root()[ROOT_KEY]["wiki"].add("start", Item("Startpagina", "Een eerste tekst."))
    assert_accessible(page, server.url("items.localhost", "/wiki/start"))
    response = page.goto(server.url("rijksportaal.localhost", "/bestaat-niet"))
    assert response.status == 404
    assert axe_violations(page) == []


def test_the_keyboard_alone_reaches_the_content_and_the_menu(server, page) -> None:
    page.goto(server.url("rijksportaal.localhost", "/"))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Naar de inhoud"
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(server.url("rijksportaal.localhost", "/"))
    for _ in range(15):  # skip link, brand, search, sign-in, two languages, then the menu
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Wiki":
            break
    else:
        pytest.fail("the Wiki menu item cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/wiki/")
    assert page.locator("h1").inner_text() == "Wiki"


def test_everything_works_without_javascript(server, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("localhost", "/"))
    page.get_by_role("link", name="Rijksportaal Samenwerken", exact=False).first.click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wiki").click()
    assert page.locator("h1").inner_text() == "Wiki"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/wiki/")
    assert page.get_by_role("navigation", name="Main menu").is_visible()
    context.close()


def test_the_menu_fits_a_phone(server, page) -> None:
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(server.url("rijksportaal.localhost", "/"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    for link in page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] >= 24 and box["x"] + box["width"] <= 320
