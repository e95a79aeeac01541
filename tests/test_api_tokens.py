"""Personal access tokens: made and revoked on the account page, good on one deelsite only."""

from __future__ import annotations

import hashlib
import re

import pytest

from pleio_core.security.api_tokens import PLATFORM_KEY
from pleio_core.services import PLATFORM_DATABASE
from pleio_core.storage import PLATFORM_KEY as PLATFORM_ROOT
from pleio_core.testing import (
    TEST_PASSWORD,
    PleioTestSetup,
    assert_accessible,
    bearer,
    make_token,
    sign_in_client,
)

HOST = "kia.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup, notes_plugin: str):
    pleio_setup.write_site("kia", modules=("notes",))
    pleio_setup.write_site("two", modules=("notes",))
    pleio_setup.create_account("member@example.nl", kia="member", two="member")
    pleio_setup.create_account("other@example.nl", kia="member")
    app = pleio_setup.make_app()
    client = sign_in_client(pleio_setup, app, "member@example.nl", HOST)
    return pleio_setup, app, client


def platform_tokens(app):
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        tokens = conn.root()[PLATFORM_ROOT][PLATFORM_KEY]
        return {
            key: (record.site, record.name, record.last_used)
            for key, record in tokens._by_digest.items()
        }


def test_a_token_works_on_its_own_site_only(world) -> None:
    setup, app, client = world
    token = make_token(client, "kia")
    assert token.startswith("pleio_")
    api = setup.client(app)  # no cookies: only the token speaks
    me = api.get("/api/v1/me", headers=bearer(token), host=HOST).json
    assert me["via"] == "token" and me["email"] == "member@example.nl"
    # a member of "two" too, but the token is for kia
    refused = api.get("/api/v1/me", headers=bearer(token), host="two.localhost", status=401)
    assert refused.json["error"] and refused.headers["WWW-Authenticate"].startswith("Bearer")
    api.get("/api/v1/site", headers=bearer(token), host="localhost", status=404)
    # a token is for the API, not for the pages: the home page does not know the account
    home = api.get("/", headers=bearer(token), host=HOST)
    assert not home.html.find("input", attrs={"name": "csrf_token"})


def test_only_a_hash_is_stored_and_last_use_is_noted(world) -> None:
    setup, app, client = world
    token = make_token(client, "kia", name="  My   script ")
    stored = platform_tokens(app)
    assert list(stored) == [hashlib.sha256(token.encode()).hexdigest()]
    assert next(iter(stored.values()))[:3] == ("kia", "My script", None)
    setup.client(app).get("/api/v1/me", headers=bearer(token), host=HOST)
    assert next(iter(platform_tokens(app).values()))[2] is not None
    page = client.get("/account", host="localhost")
    assert "My script" in page.text and token not in page.text  # shown once only
    listed = " ".join(page.html.select_one(".token-list li span").text.split())
    assert re.fullmatch(r"voor kia, gemaakt \d{4}-\d\d-\d\d, laatst gebruikt .+", listed)


@pytest.mark.parametrize(
    "header",
    ["Bearer pleio_not-a-token", "Bearer something", "Basic bWU6cGFzcw==", "Bearer "],
)
def test_bad_credentials_are_401_not_anonymous(world, header) -> None:
    setup, app, _client = world
    answer = setup.client(app).get(
        "/api/v1/site", headers={"Authorization": header}, host=HOST, status=401
    )
    assert answer.content_type == "application/json"


def test_a_revoked_token_stops_at_once(world) -> None:
    setup, app, client = world
    token = make_token(client, "kia")
    api = setup.client(app)
    api.get("/api/v1/me", headers=bearer(token), host=HOST, status=200)
    # somebody else cannot revoke it
    other = sign_in_client(setup, app, "other@example.nl", HOST)
    token_id = client.get("/account", host="localhost").html.find(
        "input", attrs={"name": "token_id"}
    )["value"]
    form = other.get("/account", host="localhost").forms["token-form"]
    other.post(
        "/account-api-token-revoke",
        {"csrf_token": form["csrf_token"].value, "token_id": token_id},
        host="localhost",
        status=303,
    )
    api.get("/api/v1/me", headers=bearer(token), host=HOST, status=200)
    # without the CSRF token nothing happens
    client.post("/account-api-token-revoke", {"token_id": token_id}, host="localhost", status=400)
    api.get("/api/v1/me", headers=bearer(token), host=HOST, status=200)
    # its holder revokes it
    page = client.get("/account", host="localhost")
    revoke = next(f for f in page.forms.values() if "revoke" in f.action)
    done = revoke.submit(headers={"Host": "localhost"}, status=303)
    assert done.location.endswith("/account?done=revoked")
    api.get("/api/v1/me", headers=bearer(token), host=HOST, status=401)
    assert platform_tokens(app) == {}


def test_a_disabled_account_stops_at_once(world) -> None:
    setup, app, client = world
    token = make_token(client, "kia")
    api = setup.client(app)
    api.get("/api/v1/me", headers=bearer(token), host=HOST, status=200)
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        conn.root()[PLATFORM_ROOT]["accounts"].by_email("member@example.nl").disabled = True
    api.get("/api/v1/me", headers=bearer(token), host=HOST, status=401)


def test_the_token_form_says_what_is_wrong(world) -> None:
    setup, app, client = world
    form = client.get("/account", host="localhost").forms["token-form"]
    form["token_name"], form["token_site"] = "", "nowhere"
    answer = form.submit(headers={"Host": "localhost"}, status=400)
    assert answer.html.find(id="token_site-error").text == "Er is geen deelsite met deze naam."
    assert answer.html.find(id="new-token") is None
    form = answer.forms["token-form"]
    form["token_site"] = "kia"
    answer = form.submit(headers={"Host": "localhost"}, status=400)
    assert answer.html.find(id="token_name-error").text == "Geef het token een naam."
    assert platform_tokens(app) == {}
    setup.client(app).post("/account-api-token", host="localhost", status=400)  # no CSRF
    assert "/login" in setup.client(app).get("/account", host="localhost", status=303).location


def test_the_account_page_with_tokens_passes_axe(
    pleio_setup: PleioTestSetup, notes_plugin, live_server_factory, page
) -> None:
    pleio_setup.write_site("kia", modules=("notes",))
    pleio_setup.create_account("anne@example.nl", "Anne", kia="member")
    server = live_server_factory(pleio_setup.make_app())
    page.goto(server.url("localhost", "/login"))
    page.get_by_label("E-mailadres").fill("anne@example.nl")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(server.url("localhost", "/account"))
    page.get_by_label("Naam van het token").fill("Nieuwsbrief")
    page.get_by_label("Deelsite").first.fill("kia")  # (the app passwords have one too)
    page.get_by_role("button", name="Token maken").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("pleio_")
    assert page.get_by_role("button", name=re.compile("^Intrekken.*Nieuwsbrief$")).is_visible()
    assert_accessible(page, server.url("localhost", "/account"))
    page.get_by_role("button", name=re.compile("^Intrekken.*Nieuwsbrief$")).press(
        "Enter"
    )  # keyboard
    page.wait_for_url("**/account?done=revoked")
    assert page.get_by_text("Je hebt geen API-tokens.").is_visible()
