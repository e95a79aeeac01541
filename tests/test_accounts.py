"""Accounts over the web: registration, confirming, password reset, the account page.

Mail goes through a real SMTP server on loopback; links are taken from the messages.
"""

import re

import pytest

from pleio_core.security.store import accounts_of
from pleio_core.services import PLATFORM_DATABASE
from pleio_core.storage import PLATFORM_KEY
from pleio_core.testing import PleioTestSetup

PASSWORD = "correct horse battery"


@pytest.fixture
def client(pleio_setup: PleioTestSetup, smtp_server):
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("alpha", modules=("wiki",))
    return pleio_setup.client(host="localhost")


def path(url: str) -> str:
    return re.sub(r"^http://[^/]+", "", url)


def account_count(client) -> int:
    with PLATFORM_DATABASE(client.registry).transaction() as conn:
        accounts = accounts_of(conn.root()[PLATFORM_KEY])
        return len(accounts) if accounts is not None else 0


def register(client, email="anne@example.nl", name="Anne de Vries", password=PASSWORD, status=200):
    form = client.get("/register").forms["register-form"]
    form["email"], form["name"], form["password"] = email, name, password
    return form.submit(headers={"Host": "localhost"}, status=status)


def sign_in(client, email="anne@example.nl", password=PASSWORD, status=303):
    form = client.get("/login").forms["login-form"]
    form["email"], form["password"] = email, password
    return form.submit(headers={"Host": "localhost"}, status=status)


def confirm(client, smtp_server, email="anne@example.nl"):
    page = client.get(path(smtp_server.link(email, "/verify")))
    return page.forms["confirm-form"].submit(headers={"Host": "localhost"})


def test_bad_registrations_are_refused_field_by_field(client) -> None:
    page = register(client, "not-an-address", "   ", "short", status=400)
    assert "Dit is geen e-mailadres." in page.text
    assert "Vul een naam in." in page.text
    assert "Een wachtwoord heeft minstens 12 tekens." in page.text
    assert 'aria-invalid="true"' in page.text and 'href="#email"' in page.text
    assert account_count(client) == 0


def test_register_confirm_and_sign_in(client, smtp_server) -> None:
    done = register(client, "Anne@Example.NL", "Anne <b>de Vries</b>")
    assert "anne@example.nl" in done.text
    (mail,) = smtp_server.to("anne@example.nl")
    assert mail["Subject"] == "Bevestig je e-mailadres"
    button = client.get(path(smtp_server.link("anne@example.nl", "/verify")))
    assert button.status_int == 200  # opening the link changes nothing by itself
    assert "bevestigd" in button.forms["confirm-form"].submit(headers={"Host": "localhost"}).text
    sign_in(client)
    page = client.get("/account")
    assert "Anne &lt;b&gt;de Vries&lt;/b&gt;" in page.text
    again = client.get(path(smtp_server.link("anne@example.nl", "/verify")), status=400)
    assert "al gebruikt" in again.text


def test_registering_a_known_address_tells_nobody(client, smtp_server) -> None:
    register(client)
    first = register(client, name="Someone Else")
    assert "Kijk in je e-mail" in first.text
    assert account_count(client) == 1
    messages = smtp_server.to("anne@example.nl")
    assert [m["Subject"] for m in messages] == [
        "Bevestig je e-mailadres",
        "Je hebt al een Pleio-account",
    ]


def test_password_reset(client, smtp_server) -> None:
    register(client)
    confirm(client, smtp_server)
    sign_in(client)
    form = client.get("/reset").forms["reset-form"]
    form["email"] = "nobody@example.nl"
    unknown = form.submit(headers={"Host": "localhost"})
    form = client.get("/reset").forms["reset-form"]
    form["email"] = "anne@example.nl"
    known = form.submit(headers={"Host": "localhost"})
    assert unknown.text.replace("nobody@example.nl", "") == known.text.replace(
        "anne@example.nl", ""
    )
    assert smtp_server.to("nobody@example.nl") == []
    link = path(smtp_server.link("anne@example.nl", "/reset-password"))
    form = client.get(link).forms["new-password-form"]
    form["password"] = "short"
    assert "minstens 12" in form.submit(headers={"Host": "localhost"}, status=400).text
    form["password"] = "a brand new passphrase"
    done = form.submit(headers={"Host": "localhost"})
    assert "Je nieuwe wachtwoord is ingesteld" in done.text
    assert client.get("/account", status=303)  # the old session has ended
    sign_in(client, password=PASSWORD, status=400)
    sign_in(client, password="a brand new passphrase")
    assert client.get(link, status=400)


def test_the_account_page(client, smtp_server, pleio_setup) -> None:
    assert client.get("/account", status=303).location.startswith("http://localhost/login?")
    register(client)
    confirm(client, smtp_server)
    sign_in(client)
    details = client.get("/account").forms["details-form"]
    details["name"] = "Anne van Dijk"
    details["language"] = "en"
    saved = details.submit(headers={"Host": "localhost"}, status=303)
    assert "Anne van Dijk" in client.get(path(saved.location)).text

    password = client.get("/account").forms["password-form"]
    password["current_password"], password["new_password"] = "wrong guess here", "x"
    refused = password.submit(headers={"Host": "localhost"}, status=400)
    assert "This is not your current password." in refused.text
    password = client.get("/account").forms["password-form"]
    password["current_password"], password["new_password"] = PASSWORD, "another fine passphrase"
    password.submit(headers={"Host": "localhost"}, status=303)
    assert client.get("/account").status_int == 200  # this session goes on

    email = client.get("/account").forms["email-form"]
    email["email_new"], email["email_password"] = "anne@minbzk.nl", "another fine passphrase"
    email.submit(headers={"Host": "localhost"}, status=303)
    assert (
        smtp_server.to("anne@example.nl")[-1]["Subject"] == "Your Pleio e-mail address is changing"
    )
    confirm_page = client.get(path(smtp_server.link("anne@minbzk.nl", "/confirm-email")))
    assert "anne@minbzk.nl" in confirm_page.text
    confirm_page.forms["confirm-form"].submit(headers={"Host": "localhost"})
    client.testapp.reset()
    sign_in(client, "anne@example.nl", "another fine passphrase", status=400)
    sign_in(client, "anne@minbzk.nl", "another fine passphrase")


def test_the_password_hint_and_the_language_names_are_right_on_the_account_pages(
    client, smtp_server
) -> None:
    """The hint's number went into the text before the lookup, so the catalogue never had
    it: the three pages showed "At least 12 characters." on Dutch pages."""
    hint = (
        "Minstens 12 tekens. Een paar woorden die niets met elkaar te maken hebben, vormen "
        "een sterk wachtwoord."
    )
    register_page = client.get("/register").html
    assert register_page.select_one("#password-hint").text == hint
    # each language is named in itself, and marked so (WCAG 3.1.2)
    names = {label.text.strip(): label.get("lang") for label in register_page.select("label")}
    assert names["Nederlands"] == "nl" and names["English"] == "en"
    register(client)
    confirm(client, smtp_server)
    sign_in(client)
    account_page = client.get("/account").html
    assert account_page.select_one("#new_password-hint").text == hint
    names = {label.text.strip(): label.get("lang") for label in account_page.select("label")}
    assert names["Nederlands"] == "nl" and names["English"] == "en"
    form = client.get("/reset").forms["reset-form"]
    form["email"] = "anne@example.nl"
    form.submit(headers={"Host": "localhost"})
    reset = client.get(path(smtp_server.link("anne@example.nl", "/reset-password")))
    assert reset.html.select_one("#password-hint").text == hint


def test_account_forms_need_csrf(client, smtp_server) -> None:
    register(client)
    confirm(client, smtp_server)
    sign_in(client)
    client.post("/account", {"name": "Evil", "language": "nl"}, status=400)
    assert "Anne de Vries" in client.get("/account").text


def test_without_an_smtp_host_mail_is_written_under_var_mail(pleio_setup: PleioTestSetup) -> None:
    client = pleio_setup.client(host="localhost")
    register(client)
    files = list((pleio_setup.root / "var" / "mail").rglob("*"))
    messages = [f for f in files if f.is_file()]
    assert len(messages) == 1
    assert "anne@example.nl" in messages[0].read_text()


def test_the_account_page_counts_wrong_passwords_in_the_sign_in_throttle(
    client, smtp_server
) -> None:
    register(client)
    confirm(client, smtp_server)
    sign_in(client)
    for _ in range(5):
        form = client.get("/account").forms["password-form"]
        form["current_password"], form["new_password"] = "a wrong guess", "another fine passphrase"
        form.submit(headers={"Host": "localhost"}, status=400)
    form = client.get("/account").forms["email-form"]
    form["email_new"], form["email_password"] = "x@example.nl", PASSWORD
    blocked = form.submit(headers={"Host": "localhost"}, status=429)
    assert int(blocked.headers["Retry-After"]) > 0


def test_registration_cannot_flood_an_inbox(client, smtp_server) -> None:
    for n in range(10):
        register(client, f"victim{n}@example.nl")
    blocked = register(client, "victim@example.nl", status=429)
    assert int(blocked.headers["Retry-After"]) > 0
    assert smtp_server.to("victim@example.nl") == []
