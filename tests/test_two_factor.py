"""Two-factor sign-in: set up through the pages, sign in with a code, recovery codes, and a
deelsite that requires it. Codes are computed with pyotp from the secret the page shows."""

import io
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pyotp
import pytest

from pleio_core.security import twofactor
from pleio_core.security.accounts import Account
from pleio_core.security.store import accounts_of
from pleio_core.services import PLATFORM_DATABASE
from pleio_core.storage import PLATFORM_KEY
from pleio_core.testing import (
    PleioTestApp,
    PleioTestSetup,
    assert_accessible,
    axe_violations,
    personal_menu,
)

PASSWORD = "correct horse battery"
EMAIL = "anne@example.nl"


@pytest.fixture
def setup(pleio_setup: PleioTestSetup) -> PleioTestSetup:
    pleio_setup.write_site("alpha", modules=("wiki",), access="closed")
    pleio_setup.create_account(EMAIL, "Anne de Vries", alpha="member")
    pleio_setup.create_account("bert@example.nl", "Bert")  # a member of nothing
    return pleio_setup


@pytest.fixture
def client(setup: PleioTestSetup) -> PleioTestApp:
    return setup.client(host="localhost")


def fresh(client: PleioTestApp) -> PleioTestApp:
    """Another browser on the same application: no cookies."""
    return PleioTestApp(client.app, "localhost")


def path(url: str) -> str:
    return re.sub(r"^http://[^/]+", "", url)


def step() -> int:
    return int(time.time()) // twofactor.INTERVAL


def code(secret: str, at_step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(at_step)


def password_step(client, status: int = 200, email: str = EMAIL):
    """The first step, started from a deelsite: the answer to the password."""
    start = client.get("/@@login?came_from=/wiki/", host="alpha.localhost", status=303)
    form = client.get(path(start.location), host="localhost").forms["login-form"]
    form["email"], form["password"] = email, PASSWORD
    return form.submit(headers={"Host": "localhost"}, status=status)


def enter_code(page, status: int, recovery: bool = False, **fields: str):
    form = page.forms["recovery-form" if recovery else "code-form"]
    for name, value in fields.items():
        form[name] = value
    return form.submit(headers={"Host": "localhost"}, status=status)


def sign_in_without_two_factor(client, email: str = EMAIL) -> None:
    done = password_step(client, status=303, email=email)
    client.get(path(done.location), host="alpha.localhost", status=303)


def set_up(client) -> tuple[str, list[str], int]:
    """Switch two-factor on through the page: the secret, the recovery codes, the step used."""
    page = client.get("/two-factor")
    secret = page.html.find(id="secret").text.replace(" ", "")
    form = page.forms["setup-form"]
    used = step()
    form["code"] = code(secret, used)
    done = form.submit(headers={"Host": "localhost"}, status=200)
    codes = [li.text.strip() for li in done.html.find(id="recovery-codes").find_all("li")]
    return secret, codes, used


def account(client) -> SimpleNamespace:
    """What the platform database holds for Anne now."""
    with PLATFORM_DATABASE(client.registry).transaction() as conn:
        found = accounts_of(conn.root()[PLATFORM_KEY]).by_email(EMAIL)
        return SimpleNamespace(
            two_factor=found.two_factor,
            totp_secret=found.totp_secret,
            recovery_codes=found.recovery_codes,
        )


# -- setting up ------------------------------------------------------------------------------


def test_the_pages_need_a_signed_in_account(client) -> None:
    answer = client.get("/two-factor", status=303)
    assert answer.location == "http://localhost/login?came_from=%2Ftwo-factor"


def test_set_up_shows_a_qr_code_and_saves_the_secret_only_after_a_right_code(client) -> None:
    sign_in_without_two_factor(client)
    page = client.get("/two-factor")
    assert "no-store" in page.headers["Cache-Control"]
    img = page.html.find("img", src=re.compile("^data:image/svg\\+xml"))
    assert img is not None and img["alt"] == "QR-code voor je authenticator-app"
    secret = page.html.find(id="secret").text.replace(" ", "")
    assert len(secret) == 32
    form = page.forms["setup-form"]
    assert form["secret"].value == secret
    field = page.html.find(id="code")
    assert field["autocomplete"] == "one-time-code" and field["inputmode"] == "numeric"

    form["code"] = "000000" if code(secret, step()) != "000000" else "111111"
    wrong = form.submit(headers={"Host": "localhost"}, status=400)
    assert "Die code klopt niet." in wrong.text
    assert wrong.html.find(role="alert") is not None
    assert not account(client).two_factor
    assert wrong.forms["setup-form"]["secret"].value == secret  # the same secret, to retry

    form = wrong.forms["setup-form"]
    form["code"] = code(secret, step())
    done = form.submit(headers={"Host": "localhost"}, status=200)
    assert "Tweestapsverificatie staat aan." in done.text
    codes = [li.text.strip() for li in done.html.find(id="recovery-codes").find_all("li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    saved = account(client)
    assert saved.totp_secret == secret
    assert len(saved.recovery_codes) == 10
    assert not set(codes) & set(saved.recovery_codes)  # only hashes are kept
    again = client.get("/two-factor")
    assert "recovery-codes" not in again.text  # shown once only
    assert again.html.find(id="codes-left").text == "10"


def test_the_secret_in_the_form_cannot_be_swapped(client) -> None:
    sign_in_without_two_factor(client)
    page = client.get("/two-factor")
    form = page.forms["setup-form"]
    mine = pyotp.random_base32()
    form["secret"] = mine  # the signature was made for another secret
    form["code"] = code(mine, step())
    refused = form.submit(headers={"Host": "localhost"}, status=400)
    assert "Deze instelling is verlopen." in refused.text
    assert refused.forms["setup-form"]["secret"].value != mine
    assert not account(client).two_factor


def test_set_up_needs_the_csrf_token(client) -> None:
    sign_in_without_two_factor(client)
    form = client.get("/two-factor").forms["setup-form"]
    fields = {k: v for k, v in form.submit_fields() if k != "csrf_token"}
    client.post("/two-factor", fields, status=400)
    assert not account(client).two_factor


# -- signing in ------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_and_refuses_wrong_and_replayed_codes(client) -> None:
    sign_in_without_two_factor(client)
    secret, _codes, used = set_up(client)
    browser = fresh(client)
    asked = password_step(browser)
    assert "pleio_auth" not in asked.headers.get("Set-Cookie", "")  # not signed in yet
    assert "no-store" in asked.headers["Cache-Control"]
    field = asked.html.find(id="code")
    assert field["autocomplete"] == "one-time-code" and field["inputmode"] == "numeric"
    browser.get("/two-factor", status=303)  # still signed out on the platform

    wrong = enter_code(asked, 400, code="000000" if code(secret, used + 1) != "000000" else "1")
    assert "Die code klopt niet." in wrong.text
    assert "pleio_auth" not in wrong.headers.get("Set-Cookie", "")
    replayed = enter_code(wrong, 400, code=code(secret, used))  # the set-up's code, again
    assert "Die code is al gebruikt." in replayed.text

    done = enter_code(replayed, 303, code=code(secret, used + 1))  # the token is still good
    assert any(c.startswith("pleio_auth=") for c in done.headers.getall("Set-Cookie"))
    assert done.location.startswith("http://alpha.localhost/@@sso?ticket=")
    landed = browser.get(path(done.location), host="alpha.localhost", status=303)
    assert landed.location == "http://alpha.localhost/wiki/"
    assert "Anne de Vries" in browser.get("/wiki/", host="alpha.localhost").text

    # the pending token was used up with the right code (sent with the CSRF token that
    # signing in gave: the one in the old form no longer works)
    renewed = next(
        c.value
        for c in browser.testapp.cookiejar
        if c.name == "pleio_csrf" and c.domain.startswith("localhost")
    )
    used_up = enter_code(replayed, 400, code=code(secret, used + 1), csrf_token=renewed)
    assert "Deze inlogpoging is verlopen." in used_up.text
    second = fresh(client)
    again = password_step(second)
    assert "Die code is al gebruikt." in enter_code(again, 400, code=code(secret, used + 1)).text


def test_wrong_codes_count_in_the_throttle_and_the_password_does_not_reset_it(client) -> None:
    sign_in_without_two_factor(client)
    secret, _codes, used = set_up(client)
    browser = fresh(client)
    page = password_step(browser)
    for _ in range(4):
        page = enter_code(page, 400, code="12345x")
    page = password_step(browser)  # a right password: still four failures counted
    enter_code(page, 400, code="12345x")
    blocked = enter_code(page, 429, code=code(secret, used + 1))
    assert int(blocked.headers["Retry-After"]) > 0
    password_step(browser, status=429)


def test_a_recovery_code_works_once(client) -> None:
    sign_in_without_two_factor(client)
    _secret, codes, _used = set_up(client)
    browser = fresh(client)
    done = enter_code(password_step(browser), 303, recovery=True, recovery_code=codes[0].upper())
    assert done.location.startswith("http://alpha.localhost/@@sso?ticket=")
    assert len(account(client).recovery_codes) == 9
    other = fresh(client)
    refused = enter_code(password_step(other), 400, recovery=True, recovery_code=codes[0])
    assert "Die code klopt niet." in refused.text
    spaced = " ".join(codes[1].replace("-", ""))
    enter_code(refused, 303, recovery=True, recovery_code=spaced)
    assert client.get("/two-factor").html.find(id="codes-left").text == "8"


def test_few_recovery_codes_left_shows_a_notice_and_new_ones_can_be_made(client) -> None:
    sign_in_without_two_factor(client)
    secret, codes, used = set_up(client)
    assert client.get("/two-factor").html.find(id="low-on-codes") is None
    for recovery in codes[:8]:
        enter_code(password_step(fresh(client)), 303, recovery=True, recovery_code=recovery)
    page = client.get("/two-factor")
    assert page.html.find(id="codes-left").text == "2"
    assert "nog maar een paar herstelcodes" in page.html.find(id="low-on-codes").text

    form = page.forms["new-codes-form"]
    form["code"] = code(secret, used + 1)
    renewed = form.submit(headers={"Host": "localhost"}, status=200)
    new_codes = [li.text.strip() for li in renewed.html.find(id="recovery-codes").find_all("li")]
    assert len(new_codes) == 10
    old = enter_code(password_step(fresh(client)), 400, recovery=True, recovery_code=codes[8])
    enter_code(old, 303, recovery=True, recovery_code=new_codes[0])


def test_switching_off_needs_the_password_and_a_code(client) -> None:
    sign_in_without_two_factor(client)
    secret, codes, used = set_up(client)

    def switch_off(password: str, totp: str = "", recovery: str = "", status: int = 400):
        form = client.get("/two-factor").forms["disable-form"]
        form["password"], form["code"], form["recovery_code"] = password, totp, recovery
        return form.submit(headers={"Host": "localhost"}, status=status)

    wrong = switch_off("not the password", totp=code(secret, used + 1))
    assert "Het wachtwoord of de code klopt niet." in wrong.text
    switch_off(PASSWORD)  # no code
    switch_off(PASSWORD, totp="999999" if code(secret, used + 1) != "999999" else "1")
    assert account(client).two_factor
    done = switch_off(PASSWORD, recovery=codes[0], status=200)
    assert "Tweestapsverificatie staat uit." in done.text
    saved = account(client)
    assert not saved.two_factor and saved.recovery_codes == ()
    sign_in_without_two_factor(fresh(client))  # the password is enough again


# -- a deelsite that requires two-factor ------------------------------------------------------


def test_a_site_that_requires_two_factor_keeps_members_without_it_out(setup) -> None:
    assert setup.pleio("site", "require-two-factor", "alpha", "on") == 0
    assert setup.pleio("site", "require-two-factor", "nosuchsite", "on") == 2
    client = setup.client(host="localhost")
    sign_in_without_two_factor(client)
    refused = client.get("/wiki/", host="alpha.localhost", status=403)
    heading = refused.html.find("h1").text.replace("\u00ad", "")  # soft hyphens for phones
    assert heading == "Tweestapsverificatie vereist"
    link = refused.html.find("a", string=re.compile("Tweestapsverificatie instellen"))
    assert link["href"] == ("http://localhost/two-factor?site=alpha.localhost&came_from=%2Fwiki%2F")

    page = client.get(path(link["href"]))
    secret = page.html.find(id="secret").text.replace(" ", "")
    form = page.forms["setup-form"]
    form["code"] = code(secret, step())
    done = form.submit(headers={"Host": "localhost"}, status=200)
    back = done.html.find("a", string=re.compile("verder naar de site"))
    assert back["href"] == "http://alpha.localhost/wiki/"
    assert "Anne de Vries" in client.get("/wiki/", host="alpha.localhost").text

    # someone who is no member sees the usual page, not an invitation to set up two-factor
    outsider = fresh(client)
    sign_in_without_two_factor(outsider, "bert@example.nl")
    other = outsider.get("/wiki/", host="alpha.localhost", status=403)
    said = other.html.select_one("main").text  # (the personal menu links to two-factor)
    assert "alleen voor leden" in said and "two-factor" not in said and "twee" not in said


def test_operators_need_two_factor_too_where_a_site_requires_it(setup) -> None:
    stdin, sys.stdin = sys.stdin, io.StringIO(PASSWORD + "\n")
    try:
        assert setup.pleio("user", "create", "op@example.nl", "--name", "Op", "--operator") == 0
    finally:
        sys.stdin = stdin
    client = setup.client(host="localhost")
    sign_in_without_two_factor(client, "op@example.nl")
    assert client.get("/wiki/", host="alpha.localhost").status_int == 200  # operator: admin
    setup.close()
    assert setup.pleio("site", "require-two-factor", "alpha", "on") == 0
    shown = subprocess.run(
        [
            str(Path(sys.executable).with_name("pleio")),
            "-c",
            str(setup.ini_file()),
            "site",
            "show",
            "alpha",
        ],
        capture_output=True,
        text=True,
    )
    assert "two-factor:  required" in shown.stdout
    client = setup.client(host="localhost")
    sign_in_without_two_factor(client, "op@example.nl")
    client.get("/wiki/", host="alpha.localhost", status=403)


def test_the_requirement_can_be_lifted(setup) -> None:
    assert setup.pleio("site", "require-two-factor", "alpha", "on") == 0
    assert setup.pleio("site", "require-two-factor", "alpha", "off") == 0
    client = setup.client(host="localhost")
    sign_in_without_two_factor(client)
    assert "Anne de Vries" in client.get("/wiki/", host="alpha.localhost").text


# -- the logic underneath ----------------------------------------------------------------------


def test_codes_are_accepted_one_step_either_side_and_once() -> None:
    anne = Account("a1", EMAIL, "Anne")
    anne.totp_secret = secret = pyotp.random_base32()
    now = 1_700_000_000.0
    current = int(now) // 30
    assert twofactor.matching_step(secret, code(secret, current + 2), now) is None
    assert twofactor.matching_step(secret, code(secret, current - 2), now) is None
    assert twofactor.matching_step(secret, " ".join(code(secret, current)), now) == current
    assert twofactor.matching_step(secret, "١٢٣٤٥٦", now) is None  # Arabic-Indic digits
    assert twofactor.check_code(anne, code(secret, current), now) is twofactor.Check.ACCEPTED
    assert twofactor.check_code(anne, code(secret, current), now) is twofactor.Check.USED
    assert twofactor.check_code(anne, code(secret, current - 1), now) is twofactor.Check.USED
    assert twofactor.check_code(anne, code(secret, current + 1), now) is twofactor.Check.ACCEPTED


def test_a_setup_signature_binds_secret_account_session_and_time() -> None:
    anne = Account("a1", EMAIL, "Anne")
    key = "k" * 32
    secret = twofactor.new_secret()
    post = {"secret": secret, "expires": "2000", "signature": ""}
    post["signature"] = twofactor.sign_setup(key, anne, secret, 2000)
    assert twofactor.setup_secret(key, anne, post, now=1000) == (secret, 2000)
    assert twofactor.setup_secret(key, anne, post, now=2001) is None
    assert twofactor.setup_secret(key, Account("b2", "b@example.nl", "B"), post, now=1000) is None
    anne.epoch += 1  # signed out meanwhile
    assert twofactor.setup_secret(key, anne, post, now=1000) is None
    assert twofactor.setup_secret(key, anne, {**post, "expires": "x"}, now=1000) is None
    assert twofactor.setup_secret(key, anne, {**post, "signature": "é"}, now=1000) is None


# -- in the browser --------------------------------------------------------------------------


def accessible_as_it_is(page) -> None:
    """axe at three widths on the page as it is (a page that answered a POST cannot be reloaded)."""
    problems = []
    for width in (375, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        problems += [f"{width}px {v['id']}: {v['help']}" for v in axe_violations(page)]
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{width}px: scrolls horizontally by {overflow}px")
    assert not problems, "\n".join(problems)


def test_the_two_factor_pages_pass_axe(setup, live_server_factory, page) -> None:
    server = live_server_factory(setup.make_app())
    page.goto(server.url("localhost", "/login"))
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url("localhost", "/"))

    assert_accessible(page, server.url("localhost", "/two-factor"))
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code uit je app").fill("000000" if code(secret, step()) != "000000" else "1")
    page.get_by_role("button", name="Aanzetten").click()
    assert page.get_by_role("alert").is_visible()
    accessible_as_it_is(page)  # the error state
    page.get_by_label("Code uit je app").fill(code(secret, step()))
    page.keyboard.press("Enter")
    page.wait_for_selector("#recovery-codes")
    accessible_as_it_is(page)  # the recovery codes, shown once

    assert_accessible(page, server.url("localhost", "/two-factor"))  # on: status and forms
    personal_menu(page).get_by_role("button", name="Uitloggen").click()
    page.goto(server.url("localhost", "/login"))
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_label("Code uit je app").wait_for()
    accessible_as_it_is(page)  # the code page
    page.get_by_label("Code uit je app").fill("12345x")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    assert page.get_by_role("alert").is_visible()
    accessible_as_it_is(page)
    page.get_by_label("Code uit je app").fill(code(secret, step() + 1))
    page.keyboard.press("Enter")
    page.wait_for_url(server.url("localhost", "/"))
    assert personal_menu(page).get_by_role("button", name="Uitloggen").is_visible()


def test_the_requirement_is_audited(setup) -> None:
    from pleio_core.cli.context import load_platform
    from pleio_core.sites.audit import audit_log

    assert setup.pleio("site", "require-two-factor", "alpha", "on") == 0
    platform = load_platform(str(setup.ini_file()))
    kinds = platform.edit_site(
        platform.sites.get("alpha"), lambda root: [e.kind for e in audit_log(root).entries()]
    )
    assert kinds[0] == "two-factor-policy"
