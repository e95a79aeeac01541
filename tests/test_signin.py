"""Sign-in once for every deelsite: tickets, sign-out everywhere, CSRF, throttling."""

import re
import secrets

import pytest

from pleio_core.security.tokens import OneTimeTokens, TokenError
from pleio_core.services import ACCOUNT_SUMMARIES, PLATFORM_DATABASE
from pleio_core.testing import PleioTestSetup, page_csrf

PASSWORD = "correct horse battery"


@pytest.fixture
def setup(pleio_setup: PleioTestSetup) -> PleioTestSetup:
    pleio_setup.write_site("alpha", modules=("wiki",), access="closed")
    pleio_setup.write_site("beta", modules=("wiki",), access="closed")
    pleio_setup.create_account("anne@example.nl", "Anne de Vries", alpha="member", beta="admin")
    pleio_setup.create_account("bert@example.nl", name="Bert", alpha="admin")
    return pleio_setup


def sign_in(
    client, email: str, password: str = PASSWORD, site: str = "alpha.localhost", status: int = 303
):
    start = client.get("/@@login?came_from=/wiki/", host=site, status=303)
    assert start.location.startswith("http://localhost/login?")
    form = client.get(start.location[len("http://localhost") :], host="localhost").forms[0]
    form["email"], form["password"] = email, password
    return form.submit(headers={"Host": "localhost"}, status=status)


def follow(client, response, host: str):
    path = re.sub(r"^http://[^/]+", "", response.location)
    return client.get(path, host=host)


def test_sign_in_through_the_platform_host_with_a_one_time_ticket(setup) -> None:
    client = setup.client()
    client.get("/wiki/", host="alpha.localhost", status=403)
    done = sign_in(client, "Anne@Example.nl")
    assert done.location.startswith("http://alpha.localhost/@@sso?ticket=")
    landed = follow(client, done, "alpha.localhost")
    assert landed.status_int == 303 and landed.location == "http://alpha.localhost/wiki/"
    page = client.get("/wiki/", host="alpha.localhost")
    assert "Anne de Vries" in page.text
    replay = client.get(
        re.sub(r"^http://[^/]+", "", done.location), host="alpha.localhost", status=400
    )
    assert "al gebruikt" in replay.text


def test_a_ticket_is_bound_to_its_host(setup) -> None:
    client = setup.client()
    done = sign_in(client, "anne@example.nl")
    wrong = client.get(
        re.sub(r"^http://[^/]+", "", done.location), host="beta.localhost", status=400
    )
    assert "andere site" in wrong.text


def test_a_second_site_signs_in_without_the_password(setup) -> None:
    client = setup.client()
    follow(client, sign_in(client, "anne@example.nl"), "alpha.localhost")
    start = client.get("/@@login?came_from=/", host="beta.localhost", status=303)
    again = client.get(start.location[len("http://localhost") :], host="localhost", status=303)
    assert again.location.startswith("http://beta.localhost/@@sso?ticket=")
    follow(client, again, "beta.localhost")
    assert "Anne de Vries" in client.get("/", host="beta.localhost").text


def test_came_from_cannot_leave_the_installation(setup) -> None:
    client = setup.client()
    form = client.get(
        "/login?site=evil.example&came_from=https://evil.example/x", host="localhost"
    ).forms[0]
    assert form["site"].value == "" and form["came_from"].value == "/"
    form["email"], form["password"] = "anne@example.nl", PASSWORD
    done = form.submit(headers={"Host": "localhost"}, status=303)
    assert done.location == "http://localhost/"


def test_wrong_password_and_unknown_address_answer_alike(setup) -> None:
    client = setup.client()
    wrong = sign_in(client, "anne@example.nl", "not the password", status=400)
    unknown = sign_in(client, "nobody@example.nl", "not the password", status=400)
    message = "Het e-mailadres of het wachtwoord klopt niet."
    assert message in wrong.text and message in unknown.text
    assert "auth" not in wrong.headers.get("Set-Cookie", "")


def test_throttling_answers_429_with_retry_after(setup) -> None:
    client = setup.client()
    for _ in range(5):
        sign_in(client, "anne@example.nl", "guess guess guess", status=400)
    blocked = sign_in(client, "anne@example.nl", PASSWORD, status=429)
    assert int(blocked.headers["Retry-After"]) > 0
    # another account from the same address may still try
    sign_in(client, "bert@example.nl", PASSWORD, status=303)


def test_sign_out_ends_the_session_on_every_host(setup) -> None:
    client = setup.client()
    follow(client, sign_in(client, "anne@example.nl", site="alpha.localhost"), "alpha.localhost")
    start = client.get("/@@login", host="beta.localhost", status=303)
    again = client.get(start.location[len("http://localhost") :], host="localhost", status=303)
    follow(client, again, "beta.localhost")
    page = client.get("/", host="beta.localhost")
    page.forms[0].submit(headers={"Host": "beta.localhost"}, status=303)
    for host in ("alpha.localhost", "beta.localhost"):
        client.get("/wiki/", host=host, status=403)


def test_unsafe_requests_need_the_csrf_token(setup) -> None:
    client = setup.client()
    follow(client, sign_in(client, "anne@example.nl"), "alpha.localhost")
    client.post("/@@logout", host="alpha.localhost", status=400)
    client.post("/@@logout", {"csrf_token": "forged"}, host="alpha.localhost", status=400)
    assert "Anne de Vries" in client.get("/", host="alpha.localhost").text  # still signed in
    client.post(
        "/login", {"email": "anne@example.nl", "password": PASSWORD}, host="localhost", status=400
    )


def test_cookie_attributes(setup) -> None:
    client = setup.client()
    done = sign_in(client, "anne@example.nl")
    cookie = next(c for c in done.headers.getall("Set-Cookie") if c.startswith("pleio_auth="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    setup.close()  # one process per FileStorage
    production = {"pleio.secure_cookies": "true", "pleio.secret": secrets.token_urlsafe(48)}
    secure = setup.client(setup.make_app(**production))
    form = secure.get("/login", host="localhost", extra_environ={"wsgi.url_scheme": "https"})
    csrf_cookie = form.headers["Set-Cookie"]
    assert csrf_cookie.startswith("__Host-pleio_csrf=") and "secure" in csrf_cookie.lower()


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(setup) -> None:
    client = setup.client()
    follow(client, sign_in(client, "anne@example.nl"), "alpha.localhost")
    setup.close()  # the command needs the FileStorage files
    assert setup.pleio("user", "disable", "anne@example.nl") == 0
    client = setup.client(setup.make_app(), host="localhost")
    sign_in(client, "anne@example.nl", status=400)


def test_roles_count_only_on_their_own_site(setup) -> None:
    """Bert is admin of alpha and nothing on beta: beta shows him nothing."""
    client = setup.client()
    follow(client, sign_in(client, "bert@example.nl"), "alpha.localhost")
    assert client.get("/wiki/", host="alpha.localhost").status_int == 200
    start = client.get("/@@login", host="beta.localhost", status=303)
    again = client.get(start.location[len("http://localhost") :], host="localhost", status=303)
    follow(client, again, "beta.localhost")
    for path in ("/wiki/", "/intranet/"):
        assert client.get(path, host="beta.localhost", expect_errors=True).status_int in (403, 404)


def test_tokens_expire_and_are_single_use() -> None:
    tokens = OneTimeTokens()
    token = tokens.issue("sso", "a1", ttl=60, now=1000, host="alpha.localhost")
    with pytest.raises(TokenError, match="something else"):
        tokens.redeem(token, "reset", now=1001)
    with pytest.raises(TokenError, match="expired"):
        tokens.redeem(token, "sso", now=1061)
    with pytest.raises(TokenError, match="used already"):
        tokens.redeem(token, "sso", now=1001)
    fresh = tokens.issue("sso", "a1", ttl=60, now=2000, host="x")
    assert tokens.redeem(fresh, "sso", now=2001).data == {"host": "x"}
    tokens.issue("sso", "a1", ttl=60, now=3000)
    tokens.issue("sso", "a1", ttl=60, now=5000)  # purges the one that expired at 3060
    assert len(tokens) == 1


def test_an_altered_sign_in_cookie_is_refused_even_after_the_real_one_was_seen(setup) -> None:
    client = setup.client()
    follow(client, sign_in(client, "anne@example.nl"), "alpha.localhost")
    assert "Anne de Vries" in client.get("/", host="alpha.localhost").text  # checked, kept
    real = client.testapp.cookies["pleio_auth"]
    for forged in (real[:-2] + ("AA" if not real.endswith("AA") else "BB"), real + "x", ""):
        other = setup.client(client.app)
        other.testapp.set_cookie("pleio_auth", forged)
        other.get("/wiki/", host="alpha.localhost", status=403)


def test_account_summaries_are_kept_only_while_the_platform_database_is_unchanged(setup) -> None:
    client = setup.client()
    follow(client, sign_in(client, "anne@example.nl"), "alpha.localhost")
    summaries = ACCOUNT_SUMMARIES(client.registry)
    assert summaries.enabled  # FileStorage: this process sees every commit
    client.get("/", host="alpha.localhost")
    db = PLATFORM_DATABASE(client.registry)
    # (the page names other members too, whose summaries are kept as well)
    (account_id,) = [k for k, (_tid, s) in summaries._entries.items() if s.name == "Anne de Vries"]
    assert summaries.get(account_id) is not None
    with db.transaction() as conn:
        conn.root()["pleio_platform"]["accounts"].get(account_id).name = "Anne van Dijk"
    assert summaries.get(account_id) is None  # a commit: read the account again
    assert "Anne van Dijk" in client.get("/", host="alpha.localhost").text


def test_shared_databases_keep_no_summaries(pleio_setup, postgres_server) -> None:
    from pleio_core.security.policy import AccountSummaries

    pleio_setup.settings["pleio.platform_storage_uri"] = postgres_server.uri("pleio_summaries")
    app = pleio_setup.make_app()
    summaries = ACCOUNT_SUMMARIES(app.registry)
    assert isinstance(summaries, AccountSummaries) and not summaries.enabled


# -- the CSRF token is renewed at sign-in ----------------------------------------------------


def plant_csrf_cookie(client, host: str, value: str) -> None:
    """A CSRF cookie someone set in the browser before sign-in (a sibling host, a shared
    computer): exactly the cookie the host itself would set, so the host's new one replaces it."""
    from http.cookiejar import Cookie

    cookie = Cookie(
        0, "pleio_csrf", value, None, False, host, False, False, "/", True, False, None, False,
        None, None, {},
    )  # fmt: skip
    client.testapp.cookiejar.set_cookie(cookie)


def test_signing_in_renews_the_csrf_token_on_every_host(setup) -> None:
    client = setup.client()
    plant_csrf_cookie(client, "alpha.localhost", "planted-before-sign-in")
    start = client.get("/@@login?came_from=/wiki/", host="alpha.localhost", status=303)
    form = client.get(start.location[len("http://localhost") :], host="localhost").forms[0]
    before = form["csrf_token"].value
    form["email"], form["password"] = "anne@example.nl", PASSWORD
    follow(client, form.submit(headers={"Host": "localhost"}, status=303), "alpha.localhost")
    # the tokens from before sign-in no longer work, on the platform host nor on the site
    client.post("/logout", {"csrf_token": before}, host="localhost", status=400)
    client.post(
        "/@@logout", {"csrf_token": "planted-before-sign-in"}, host="alpha.localhost", status=400
    )
    page = client.get("/", host="alpha.localhost")
    assert "Anne de Vries" in page.text
    token = page_csrf(page)
    assert token not in (before, "planted-before-sign-in")
    client.post("/@@logout", {"csrf_token": token}, host="alpha.localhost", status=303)


def test_signing_in_with_a_second_factor_renews_the_csrf_token(setup) -> None:
    """There the sign-in completes at the code form, one step after the password."""
    import pyotp

    from pleio_core.security.store import accounts_of
    from pleio_core.storage import PLATFORM_KEY

    secret = pyotp.random_base32()
    app = setup.make_app()
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        anne = accounts_of(conn.root()[PLATFORM_KEY]).by_email("anne@example.nl")
        anne.totp_secret = secret
    client = setup.client(app)
    form = client.get("/login", host="localhost").forms["login-form"]
    before = form["csrf_token"].value
    form["email"], form["password"] = "anne@example.nl", PASSWORD
    asked = form.submit(headers={"Host": "localhost"}, status=200)
    code_form = asked.forms["code-form"]
    assert code_form["csrf_token"].value == before  # not signed in yet: the same token
    code_form["code"] = pyotp.TOTP(secret).now()
    code_form.submit(headers={"Host": "localhost"}, status=303)
    client.post("/logout", {"csrf_token": before}, host="localhost", status=400)
    account_page = client.get("/account", host="localhost")
    assert page_csrf(account_page) != before


def test_signing_out_renews_the_csrf_token(setup) -> None:
    client = setup.client()
    follow(client, sign_in(client, "anne@example.nl"), "alpha.localhost")
    token = page_csrf(client.get("/", host="alpha.localhost"))
    client.post("/@@logout", {"csrf_token": token}, host="alpha.localhost", status=303)
    jar = client.testapp.cookiejar
    now = [c.value for c in jar if c.name == "pleio_csrf" and c.domain == "alpha.localhost"]
    assert len(now) == 1 and now[0] != token
