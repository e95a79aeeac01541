"""The control panel in a real browser: switching the wiki on and off, axe at three widths,
and the keyboard alone."""

import pytest

from pleio_core.testing import (
    TEST_PASSWORD,
    WIDTHS,
    PleioTestSetup,
    assert_accessible,
    axe_violations,
    personal_menu,
    sign_in_page,
)

HOST = "beta.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("beta", modules=(), title="Beta", access="public")
    pleio_setup.create_account("ada@example.nl", "Ada", beta="admin")
    pleio_setup.create_account("mo@example.nl", "Mo", beta="member")
    pleio_setup.create_account("op@example.nl", "Olga", operator=True)
    return live_server_factory(pleio_setup.make_app())


def switch_wiki(page, server, on: bool) -> None:
    """With the keyboard alone: the module's button, then the confirmation's."""
    page.goto(server.url(HOST, "/@@control-panel-modules"))
    verb = "aanzetten" if on else "uitzetten"
    page.get_by_role("button", name=f"Wiki {verb}").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@control-panel-module?*")
    assert page.get_by_role("heading", name=f"Wiki {verb}?").is_visible()
    page.get_by_role("button", name=f"Ja, {verb}").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@control-panel-modules?done=*")


def test_an_admin_switches_the_wiki_on_off_and_on_again(server, page) -> None:
    sign_in_page(page, server, HOST, "ada@example.nl")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    assert menu.get_by_role("link", name="Wiki").count() == 0
    personal_menu(page).get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Modules").click()
    switch_wiki(page, server, on=True)
    assert page.get_by_role("status").get_by_text("Wiki staat aan.").is_visible()
    menu.get_by_role("link", name="Wiki").click()  # the menu item is there
    page.wait_for_url(server.url(HOST, "/wiki/"))
    page.goto(server.url(HOST, "/wiki/@@add?type=page"))
    page.get_by_label("Titel").fill("Werkafspraken")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/wiki/werkafspraken/")
    earlier = page.url

    switch_wiki(page, server, on=False)
    assert menu.get_by_role("link", name="Wiki").count() == 0
    assert page.goto(server.url(HOST, "/wiki/")).status == 404
    assert page.goto(earlier).status == 404

    switch_wiki(page, server, on=True)
    assert page.goto(earlier).status == 200
    assert page.get_by_role("heading", name="Werkafspraken").is_visible()


def test_every_control_panel_page_passes_axe(server, page) -> None:
    sign_in_page(page, server, HOST, "ada@example.nl")
    for path in (
        "/@@control-panel",
        "/@@control-panel-general",
        "/@@control-panel-appearance",
        "/@@control-panel-menu",
        "/@@control-panel-home",
        "/@@control-panel-modules",
        "/@@control-panel-module?module=wiki&action=enable",
        "/@@control-panel-members",
        "/@@audit",
    ):
        assert_accessible(page, server.url(HOST, path))
    # forms with errors: each message is tied to its field and the page still passes
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(server.url(HOST, "/@@control-panel-appearance"))
        page.get_by_label("Hoofdkleur (menu, links, knoppen)").fill("#cccccc")
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_role("alert").is_visible()
        assert "1.60:1" in page.content()
        assert axe_violations(page) == [], width
        page.goto(server.url(HOST, "/@@control-panel-general"))
        page.get_by_label("Titel").fill("")
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_role("alert").is_visible()
        assert axe_violations(page) == [], width


def test_the_keyboard_alone_saves_an_accepted_theme_that_shows_on_pages(server, page) -> None:
    sign_in_page(page, server, HOST, "ada@example.nl")
    page.goto(server.url(HOST, "/@@control-panel-appearance"))
    page.get_by_label("Hoofdkleur (menu, links, knoppen)").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("#8b0000")
    # the live preview follows the typing (a static script: no inline script under the CSP)
    preview = page.locator("#colour-preview")
    assert preview.evaluate("e => e.style.getPropertyValue('--preview-primary')") == "#8b0000"
    assert page.locator("#primary-contrast").inner_text().endswith("leesbaar.")
    page.keyboard.press("Tab")  # the hint-described secondary colour field
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@control-panel-appearance?done=saved")
    page.goto(server.url(HOST, "/"))
    colour = page.locator(".main-menu").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(139, 0, 0)"
    # the colour reaches the NL Design System components through the tokens: a primary
    # button, a secondary one's border and a link in the content take it
    page.goto(server.url(HOST, "/@@control-panel-members"))
    style = "(e, p) => getComputedStyle(e)[p]"
    search = page.locator("main").get_by_role("button", name="Zoeken")
    assert search.evaluate(style, "backgroundColor") == "rgb(139, 0, 0)"
    assert search.evaluate(style, "color") == "rgb(255, 255, 255)"
    change = page.get_by_role("button", name="Rol wijzigen").first
    assert change.evaluate(style, "borderTopColor") == "rgb(139, 0, 0)"
    assert change.evaluate(style, "color") == "rgb(139, 0, 0)"
    # the members' page works by keyboard as well: search, then change a role
    page.goto(server.url(HOST, "/@@control-panel-members"))
    page.get_by_label("Zoeken op naam of e-mailadres").focus()
    page.keyboard.type("mo@")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=mo%40*")
    page.get_by_label("Rol van Mo").select_option("editor")
    page.get_by_role("button", name="Rol wijzigen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**done=role*")
    assert page.get_by_role("status").get_by_text("De rol is gewijzigd.").is_visible()


def test_the_operator_pages_and_the_maintenance_page_pass_axe(server, page) -> None:
    page.goto(server.url("localhost", "/login"))
    page.get_by_label("E-mailadres").fill("op@example.nl")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    personal_menu(page).get_by_role("link", name="Deelsites").click()
    assert_accessible(page, page.url)
    page.get_by_role("button", name="beta uitzetten").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**done=disabled*")
    assert page.get_by_role("status").get_by_text("Site beta staat uit").is_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for _attempt in range(50):  # the site's file is read again within 0.2 s
            if page.goto(server.url(HOST, "/")).status == 503:
                break
            page.wait_for_timeout(100)
        assert page.get_by_role("heading", name="Aan deze site wordt onderhoud gedaan").is_visible()
        assert axe_violations(page) == [], width


def test_the_keyboard_alone_changes_the_general_settings_and_the_menu(server, page) -> None:
    sign_in_page(page, server, HOST, "ada@example.nl")
    page.goto(server.url(HOST, "/@@control-panel"))
    page.get_by_role("link", name="Algemeen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@control-panel-general")
    page.get_by_label("Titel").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Beta van de holder")
    page.get_by_label("Besloten: alleen leden zien iets").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**done=saved")
    assert page.get_by_role("link", name="Beta van de holder").is_visible()  # the frame
    assert page.get_by_label("Besloten: alleen leden zien iets").is_checked()

    page.goto(server.url(HOST, "/@@control-panel-menu"))
    page.get_by_label("Eigen titel voor Home").focus()
    page.keyboard.type("Start")
    page.get_by_label("Extra links").focus()
    page.keyboard.type("Rijksoverheid | https://www.rijksoverheid.nl/")
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**done=saved")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    assert menu.get_by_role("link", name="Start").is_visible()
    assert menu.get_by_role("link", name="Rijksoverheid").is_visible()
