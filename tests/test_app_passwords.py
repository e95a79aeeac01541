"""App passwords: made and revoked on the account page, ``Authorization: Basic`` under the
paths a plugin registers (``config.add_app_password_path``) and nowhere else."""

from __future__ import annotations

import hashlib
import re

import pytest
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.security.api_tokens import APP_PASSWORD, PLATFORM_KEY
from pleio_core.services import PLATFORM_DATABASE
from pleio_core.storage import PLATFORM_KEY as PLATFORM_ROOT
from pleio_core.testing import (
    TEST_PASSWORD,
    PleioTestSetup,
    assert_accessible,
    assert_valid_html,
    basic,
    bearer,
    make_app_password,
    make_token,
    sign_in_client,
)

HOST = "kia.localhost"
EMAIL = "member@example.nl"


def who(request):
    identity = request.identity
    return {"who": identity.id if identity else None, "body": len(request.body_file.read())}


def files_path(config) -> None:
    """What a plugin does: app passwords under ``/files/``, and a view there."""
    config.add_app_password_path("/files/", title="Files")
    config.add_route("files", "/files/*rest")
    config.add_view(
        who,
        route_name="files",
        renderer="json",
        permission=NO_PERMISSION_REQUIRED,
        require_csrf=False,
    )


@pytest.fixture
def world(pleio_setup: PleioTestSetup, notes_plugin: str):
    pleio_setup.write_site("kia", modules=("notes",))
    pleio_setup.write_site("two", modules=("notes",))
    pleio_setup.create_account(EMAIL, kia="member", two="member")
    pleio_setup.create_account("other@example.nl", kia="member")
    app = pleio_setup.make_app(files_path)
    client = sign_in_client(pleio_setup, app, EMAIL, HOST)
    return pleio_setup, app, client


def records(app):
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        tokens = conn.root()[PLATFORM_ROOT][PLATFORM_KEY]
        return {key: (r.scope, r.site, r.name, r.last_used) for key, r in tokens._by_digest.items()}


def test_an_app_password_signs_in_under_its_path_on_its_site_only(world) -> None:
    setup, app, client = world
    password = make_app_password(client, "kia", name="  Laptop   op werk ")
    dav = setup.client(app)
    me = dav.get("/files/x", headers=basic(EMAIL, password), host=HOST).json
    assert (
        me["who"]
        and me["who"]
        == dav.get("/files/", headers=basic(" Member@Example.nl", password), host=HOST).json["who"]
    )
    # stored as its sha256 only, with its scope, site, name and when it was last used
    [(key, (scope, site, name, used))] = records(app).items()
    assert key == hashlib.sha256(password.encode()).hexdigest()
    assert (scope, site, name) == (APP_PASSWORD, "kia", "Laptop op werk") and used is not None
    # another site, even where the account is a member too: 401 with a Basic challenge
    refused = dav.get("/files/x", headers=basic(EMAIL, password), host="two.localhost", status=401)
    assert refused.headers["WWW-Authenticate"].startswith('Basic realm="Pleio"')
    assert "app-wachtwoord" in refused.text
    # never Basic elsewhere: the pages do not know the account, the API refuses it
    home = dav.get("/", headers=basic(EMAIL, password), host=HOST)
    assert not home.html.find("input", attrs={"name": "csrf_token"})
    dav.get("/api/v1/me", headers=basic(EMAIL, password), host=HOST, status=401)
    # and an app password is no API token
    dav.get("/api/v1/me", headers=bearer(password), host=HOST, status=401)
    # shown once: the account page lists it, not the secret
    page = client.get("/account", host="localhost")
    assert "Laptop op werk" in page.text and password not in page.text
    listed = " ".join(page.html.select_one(".app-password-list li span").text.split())
    assert re.fullmatch(r"voor kia, gemaakt \d{4}-\d\d-\d\d, laatst gebruikt .+", listed)
    assert EMAIL in page.html.find(id="app-passwords-heading").parent.text
    assert_valid_html({"account": page.body})


def test_the_cookie_never_signs_in_there(world) -> None:
    _setup, _app, client = world
    assert client.get("/files/x", host=HOST).json["who"] is None
    assert client.get("/", host=HOST).html.find("input", attrs={"name": "csrf_token"})


@pytest.mark.parametrize(
    "header",
    [
        "Basic bWU6cGFzcw==",  # me:pass
        "Basic !!!",
        "Basic ",
        "Basic bm9jb2xvbg==",  # no colon
        "Bearer pleio_whatever",
        "Digest username=x",
    ],
)
def test_credentials_that_sign_nobody_in_are_401_not_anonymous(world, header) -> None:
    setup, app, _client = world
    answer = setup.client(app).request(
        "/files/x", method="PROPFIND", headers={"Authorization": header}, host=HOST, status=401
    )
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="Pleio", charset="UTF-8"'
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_sign_in_password_or_an_api_token_is_no_app_password(world) -> None:
    setup, app, client = world
    token = make_token(client, "kia")
    dav = setup.client(app)
    dav.get("/files/x", headers=basic(EMAIL, TEST_PASSWORD), host=HOST, status=401)
    dav.get("/files/x", headers=basic(EMAIL, token), host=HOST, status=401)
    # somebody else's app password with my address
    other = sign_in_client(setup, app, "other@example.nl", HOST)
    theirs = make_app_password(other, "kia")
    dav.get("/files/x", headers=basic(EMAIL, theirs), host=HOST, status=401)
    assert dav.get("/files/x", headers=basic("other@example.nl", theirs), host=HOST).json["who"]


def test_a_revoked_app_password_stops_at_once(world) -> None:
    setup, app, client = world
    password = make_app_password(client, "kia")
    dav = setup.client(app)
    dav.get("/files/x", headers=basic(EMAIL, password), host=HOST, status=200)
    token_id = client.get("/account", host="localhost").html.select_one(
        ".app-password-list input[name=token_id]"
    )["value"]
    # somebody else cannot revoke it, nor can anyone without the CSRF token
    other = sign_in_client(setup, app, "other@example.nl", HOST)
    form = other.get("/account", host="localhost").forms["app-password-form"]
    other.post(
        "/account-app-password-revoke",
        {"csrf_token": form["csrf_token"].value, "token_id": token_id},
        host="localhost",
        status=303,
    )
    client.post(
        "/account-app-password-revoke", {"token_id": token_id}, host="localhost", status=400
    )
    dav.get("/files/x", headers=basic(EMAIL, password), host=HOST, status=200)
    page = client.get("/account", host="localhost")
    revoke = next(f for f in page.forms.values() if "app-password-revoke" in f.action)
    done = revoke.submit(headers={"Host": "localhost"}, status=303)
    assert done.location.endswith("/account?done=app-password-revoked")
    shown = client.get(done.location, host="localhost")
    assert "Het app-wachtwoord is ingetrokken" in shown.text
    assert "Je hebt geen app-wachtwoorden." in shown.text
    dav.get("/files/x", headers=basic(EMAIL, password), host=HOST, status=401)
    assert records(app) == {}


def test_a_disabled_account_or_one_that_left_the_site_gets_nothing(world) -> None:
    setup, app, client = world
    password = make_app_password(client, "kia")
    other = sign_in_client(setup, app, "other@example.nl", HOST)
    theirs = make_app_password(other, "kia")
    dav = setup.client(app)
    dav.get("/files/x", headers=basic(EMAIL, password), host=HOST, status=200)
    setup.close()
    assert setup.pleio("user", "disable", EMAIL) == 0
    assert setup.pleio("user", "revoke", "other@example.nl", "kia") == 0
    app = setup.make_app(files_path)
    dav = setup.client(app)
    dav.get("/files/x", headers=basic(EMAIL, password), host=HOST, status=401)
    dav.get("/files/x", headers=basic("other@example.nl", theirs), host=HOST, status=401)


def test_failed_attempts_count_in_the_sign_in_throttle(world) -> None:
    setup, app, client = world
    password = make_app_password(client, "kia")
    dav = setup.client(app)
    for _attempt in range(5):
        dav.get("/files/x", headers=basic(EMAIL, "pleio_guess"), host=HOST, status=401)
    # the account is throttled now: even the right app password waits, and says how long
    answer = dav.get("/files/x", headers=basic(EMAIL, password), host=HOST, status=429)
    assert int(answer.headers["Retry-After"]) > 0
    # and so does the sign-in form for that address
    form = setup.client(app).get("/login", host="localhost").forms["login-form"]
    form["email"], form["password"] = EMAIL, TEST_PASSWORD
    assert form.submit(headers={"Host": "localhost"}, status=429)


def test_the_form_says_what_is_wrong(world) -> None:
    setup, app, client = world
    form = client.get("/account", host="localhost").forms["app-password-form"]
    form["app_password_name"], form["app_password_site"] = "", "nowhere"
    answer = form.submit(headers={"Host": "localhost"}, status=400)
    assert answer.html.find(id="app_password_site-error").text == (
        "Er is geen deelsite met deze naam."
    )
    form = answer.forms["app-password-form"]
    form["app_password_site"] = "kia"
    answer = form.submit(headers={"Host": "localhost"}, status=400)
    assert answer.html.find(id="app_password_name-error").text == "Geef het token een naam."
    assert answer.html.find(id="new-app-password") is None
    assert records(app) == {}
    setup.client(app).post("/account-app-password", host="localhost", status=400)  # no CSRF


def test_the_directive_checks_its_path_and_conflicts(pleio_setup: PleioTestSetup) -> None:
    from pleio_core import make_configurator

    config = make_configurator(pleio_setup.settings, full=False)
    config.add_app_password_path("/files/", title="one")
    config.add_app_password_path("/files/", title="two")
    with pytest.raises(ConfigurationConflictError):
        config.commit()
    for bad in ("/", "files", "/api/", "/a/b/", "/Files/", "/dav"):
        with pytest.raises(ConfigurationError):
            make_configurator(pleio_setup.settings, full=False).add_app_password_path(bad, "x")
    config = make_configurator(pleio_setup.settings, full=False)
    config.add_app_password_path("/files/", title="Files")
    config.commit()
    intr = config.registry.introspector.get("pleio app password paths", "/files/")
    assert intr["title"] == "Files"


def test_the_account_page_with_app_passwords_passes_axe(
    pleio_setup: PleioTestSetup, notes_plugin, live_server_factory, page
) -> None:
    pleio_setup.write_site("kia", modules=("notes",))
    pleio_setup.create_account("anne@example.nl", "Anne", kia="member")
    server = live_server_factory(pleio_setup.make_app(files_path))
    page.goto(server.url("localhost", "/login"))
    page.get_by_label("E-mailadres").fill("anne@example.nl")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(server.url("localhost", "/account"))
    page.get_by_label("Naam van het app-wachtwoord").fill("Laptop")
    page.get_by_label("Deelsite").last.fill("kia")
    page.get_by_role("button", name="App-wachtwoord maken").click()
    password = page.locator("#new-app-password").inner_text()
    assert password.startswith("pleio_")
    assert_accessible(page, server.url("localhost", "/account"))
    revoke = page.get_by_role("button", name=re.compile("^Intrekken.*Laptop$"))
    revoke.press("Enter")  # by keyboard
    page.wait_for_url("**/account?done=app-password-revoked")
    assert page.get_by_text("Je hebt geen app-wachtwoorden.").is_visible()
