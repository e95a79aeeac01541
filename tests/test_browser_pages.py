"""The pages reached from e-mail links, and error pages, pass axe at three widths."""

import pytest

from pleio_core.cli.context import load_platform
from pleio_core.security.store import tokens_of
from pleio_core.testing import PleioTestSetup, assert_accessible, axe_violations


@pytest.fixture
def server(pleio_setup: PleioTestSetup, smtp_server, live_server_factory):
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha", access="closed")
    pleio_setup.create_account("anne@example.nl", "Anne")
    platform = load_platform(str(pleio_setup.ini_file()))
    invitation = platform.edit_platform(
        lambda root: tokens_of(root).issue(
            "invite", "", 3600, site="alpha", email="new@example.nl", role="member", inviter=""
        )
    )
    server = live_server_factory(pleio_setup.make_app())
    server.invitation = invitation
    return server


def test_pages_behind_e_mail_links_pass_axe(server, page, smtp_server) -> None:
    page.goto(server.url("localhost", "/register"))
    page.get_by_label("E-mailadres").fill("bert@example.nl")
    page.get_by_label("Je naam").fill("Bert")
    page.get_by_label("Wachtwoord").fill("a long enough passphrase")
    page.get_by_role("button", name="Account aanmaken").click()
    # wait_for: the click starts a navigation that is_visible() would not wait for
    page.get_by_role("heading", name="Kijk in je e-mail").wait_for()
    verify = smtp_server.link("bert@example.nl", "/verify").replace(
        "http://localhost/", server.url("localhost", "/")
    )
    assert_accessible(page, verify)  # the page with the button
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_role("heading", name="Je e-mailadres is bevestigd").wait_for()

    page.goto(server.url("localhost", "/reset"))
    page.get_by_label("E-mailadres").fill("anne@example.nl")
    page.get_by_role("button", name="Stuur de link").click()
    reset = smtp_server.link("anne@example.nl", "/reset-password").replace(
        "http://localhost/", server.url("localhost", "/")
    )
    assert_accessible(page, reset)


def test_invitation_and_error_pages_pass_axe(server, page) -> None:
    assert_accessible(
        page, server.url("alpha.localhost", f"/@@invitation?token={server.invitation}")
    )
    for url, status in (
        (server.url("localhost", "/@@language?lang=xx"), 400),
        (server.url("localhost", "/verify?token=nonsense"), 400),
        (server.url("alpha.localhost", "/@@search?text=a%00b"), 400),  # the text edge
        (server.url("alpha.localhost", "/wiki/"), 403),
        (server.url("nowhere.localhost", "/"), 404),
    ):
        for width in (375, 768, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(url).status == status
            assert axe_violations(page) == [], (url, width)
