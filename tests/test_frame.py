"""The frame of every page, as HTML: the personal menu for each kind of visitor, avatars."""

from __future__ import annotations

import pytest

from pleio_core.layout import initials
from pleio_core.testing import PleioTestSetup

HOST = "alpha.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha")
    pleio_setup.create_account("member@example.nl", "Mo de Vries", alpha="member")
    pleio_setup.create_account("admin@example.nl", "Ada", alpha="admin")
    pleio_setup.create_account("op@example.nl", "Olga", operator=True)
    return pleio_setup, pleio_setup.make_app()


def menu_links(page) -> list[str]:
    menu = page.html.select_one(".personal-menu nav")
    return [a["href"].split("/", 3)[-1] for a in menu.select("a")] if menu else []


def test_anonymous_visitors_get_the_sign_in_and_no_menu(world) -> None:
    setup, app = world
    page = setup.client(app).get("/", host=HOST)
    assert page.html.select_one(".personal-menu") is None
    assert page.html.select_one("a.sign-in")["href"].startswith(f"http://{HOST}/@@login")


@pytest.mark.parametrize(
    ("email", "host", "links"),
    [
        (
            "member@example.nl",
            HOST,
            ["account", "@@saved", "@@my-data", "two-factor", "account#tokens-heading"],
        ),
        (
            "admin@example.nl",
            HOST,
            [
                "account",
                "@@saved",
                "@@my-data",
                "two-factor",
                "account#tokens-heading",
                "@@control-panel",
            ],
        ),
        (
            "op@example.nl",
            "localhost",
            ["account", "two-factor", "account#tokens-heading", "@@operator-sites"],
        ),
    ],
)
def test_the_personal_menu_holds_what_each_may_use(world, email, host, links) -> None:
    setup, app = world
    client = setup.signed_in(app, email, HOST)
    page = client.get("/", host=host)
    assert menu_links(page) == links
    menu = page.html.select_one(".personal-menu")
    # the sign-out form is the first form of the page, and its language links are there
    assert page.html.select_one("form") is menu.select_one("form.sign-out")
    assert [a["hreflang"] for a in menu.select(".language a")] == ["nl", "en"]
    for icon in menu.select("svg"):
        assert icon["aria-hidden"] == "true"  # each link has its words; icons are decoration


def test_avatars_show_initials_and_hide_them_from_screen_readers(world) -> None:
    setup, app = world
    page = setup.signed_in(app, "member@example.nl", HOST).get("/", host=HOST)
    avatar = page.html.select_one(".personal-menu summary .avatar")
    assert avatar.text == "MV" and avatar["aria-hidden"] == "true"
    assert page.html.select_one(".personal-menu__name").text == "Mo de Vries"


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Ada Lovelace", "AL"),
        ("Mo", "M"),
        ("  jan  van der  berg ", "JB"),
        ("", "?"),
        (None, "?"),
        ("Ökan Çelik", "ÖÇ"),
        ("李 小龍", "李小"),
    ],
)
def test_initials(name, letters) -> None:
    assert initials(name) == letters
