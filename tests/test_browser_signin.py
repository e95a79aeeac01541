"""Sign-in in a real browser: once for every deelsite, and the account pages pass axe."""

import io
import re
import sys

import pytest

from pleio_core.services import PLATFORM_DATABASE
from pleio_core.testing import PleioTestSetup, assert_accessible, axe_violations, personal_menu

PASSWORD = "correct horse battery"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("alpha", modules=("wiki",), access="closed", title="Alpha")
    pleio_setup.write_site("beta", modules=("wiki",), access="closed", title="Beta")
    stdin, sys.stdin = sys.stdin, io.StringIO(PASSWORD + "\n")
    try:
        assert pleio_setup.pleio("user", "create", "anne@example.nl", "--name", "Anne") == 0
    finally:
        sys.stdin = stdin
    for site in ("alpha", "beta"):
        assert pleio_setup.pleio("user", "grant", "anne@example.nl", site, "member") == 0
    return live_server_factory(pleio_setup.make_app())


def sign_in_on(page, server, host: str) -> None:
    page.goto(server.url(host, "/"))
    page.get_by_role("link", name="Inloggen").click()
    page.get_by_label("E-mailadres").fill("anne@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_single_sign_on_across_two_deelsites(production_passwords, server, page) -> None:
    """At the production Argon2id parameters (the rest of the suite hashes at test strength):
    the account is made, and signed in to, with the hasher a server runs."""
    tickets: list[str] = []
    page.on("request", lambda r: tickets.append(r.url) if "/@@sso?" in r.url else None)
    sign_in_on(page, server, "alpha.localhost")
    page.wait_for_url(re.compile(r"http://alpha\.localhost:\d+/$"))
    assert page.get_by_text("Anne").first.is_visible()
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    assert menu.get_by_role("link", name="Wiki").is_visible()  # a member sees the content

    page.goto(server.url("beta.localhost", "/"))
    page.get_by_role("link", name="Inloggen").click()  # no password asked again
    page.wait_for_url(re.compile(r"http://beta\.localhost:\d+/$"))
    assert personal_menu(page).get_by_role("button", name="Uitloggen").is_visible()

    assert len(tickets) == 2
    replay = page.goto(tickets[0])
    assert replay.status == 400

    page.goto(server.url("beta.localhost", "/"))
    personal_menu(page).get_by_role("button", name="Uitloggen").click()
    page.goto(server.url("alpha.localhost", "/"))
    assert page.get_by_role("link", name="Inloggen").is_visible()  # signed out everywhere
    with PLATFORM_DATABASE(server.app.registry).transaction() as conn:
        stored = conn.root()["pleio_platform"]["accounts"].by_email("anne@example.nl")
        assert not production_passwords.check_needs_rehash(stored.password_hash)


def test_came_from_to_a_foreign_host_is_refused(server, page) -> None:
    page.goto(server.url("localhost", "/login?site=evil.example&came_from=https://evil.example/"))
    page.get_by_label("E-mailadres").fill("anne@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert page.url.startswith(server.url("localhost", "/"))


@pytest.mark.parametrize("path", ["/login", "/register", "/reset"])
def test_account_pages_pass_axe(server, page, path: str) -> None:
    assert_accessible(page, server.url("localhost", path))


def test_profile_and_error_states_pass_axe(server, page) -> None:
    page.goto(server.url("localhost", "/register"))
    page.get_by_role("button", name="Account aanmaken").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []  # the page with its error summary
    sign_in_on(page, server, "alpha.localhost")
    page.wait_for_url(re.compile(r"http://alpha\.localhost:\d+/$"))
    assert_accessible(page, server.url("localhost", "/account"))
