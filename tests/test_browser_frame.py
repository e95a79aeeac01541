"""The frame of every page in a browser: a header that holds one row on a desktop, the
personal menu by keyboard and without JavaScript, the menu in line with the content."""

import pytest

from pleio_core.testing import LiveServer, PleioTestSetup, sign_in_page

HOST = "gamma.localhost"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One installation and live server for the module: its tests only read (and sign in
    and out, each in a browser context of its own)."""
    setup = PleioTestSetup(tmp_path_factory.mktemp("frame"))
    setup.write_site(
        "gamma",
        modules=("community", "wiki"),
        title="Gemeente Gamma: samenwerken aan de leefomgeving",
        access="public",
    )
    setup.create_account("ada@example.nl", "Ada Lovelace-Byron van der Gamma", gamma="admin")
    setup.create_account("mo@example.nl", "Mo", gamma="member")
    server = LiveServer(setup.make_app())
    yield server
    server.close()
    setup.close()


def header_rows(page) -> float:
    """The header's height in rows of the brand's height (1 when nothing wraps)."""
    inner = page.locator(".site-header__inner").bounding_box()
    brand = page.locator(".site-brand").bounding_box()
    return inner["height"] / (brand["height"] + 16)


@pytest.mark.parametrize("who", [None, "ada@example.nl"])
def test_the_header_keeps_to_one_row_and_the_menu_lines_up_with_the_content(
    server, page, who
) -> None:
    if who:
        sign_in_page(page, server, HOST, who)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url(HOST, "/"))
    assert header_rows(page) < 1.5
    first = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link").first
    text_left = first.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return r.getBoundingClientRect().left; }"
    )
    heading_left = page.locator("main h1").bounding_box()["x"]
    assert abs(text_left - heading_left) <= 2


def test_the_personal_menu_by_keyboard_alone(server, page) -> None:
    sign_in_page(page, server, HOST, "ada@example.nl")
    page.goto(server.url(HOST, "/"))
    avatar = page.locator(".personal-menu > summary .avatar")
    assert avatar.inner_text() == "AG"
    assert avatar.get_attribute("aria-hidden") == "true"  # the name says who, not the letters
    assert page.locator(".personal-menu__name").inner_text() == "Ada Lovelace-Byron van der Gamma"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("the personal menu cannot be reached with Tab")
    menu = page.get_by_role("navigation", name="Persoonlijk menu")
    assert not menu.is_visible()
    page.keyboard.press("Enter")
    assert menu.is_visible()
    names = [link.inner_text().replace("\xad", "") for link in menu.get_by_role("link").all()]
    assert names == [
        "Je account",
        "Bewaard",
        "Mijn gegevens",
        "Tweestapsverificatie",
        "API-tokens",
        "Beheer",
    ]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Je account"
    page.keyboard.press("Escape")  # closes it, and the focus goes back to its toggle
    assert not menu.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@saved")
    assert page.locator("h1").inner_text() == "Bewaard"


def test_every_personal_menu_link_opens_for_a_member_and_without_javascript(
    server, browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_page(page, server, HOST, "mo@example.nl")
    page.goto(server.url(HOST, "/"))
    page.locator(".personal-menu > summary").click()
    menu = page.get_by_role("navigation", name="Persoonlijk menu")
    links = [link.get_attribute("href") for link in menu.get_by_role("link").all()]
    assert len(links) == 5  # no control panel for a member
    for href in links:
        response = page.goto(href)
        assert response is not None and response.ok, f"{href} answered {response.status}"
    page.goto(server.url(HOST, "/"))
    page.locator(".personal-menu > summary").click()
    page.get_by_role("button", name="Uitloggen").click()
    assert page.get_by_role("link", name="Inloggen").is_visible()
    context.close()
