"""The edges of HTTP: odd return addresses, addresses that are not UTF-8, methods an address
does not take (405 with Allow), and what ``/_health`` tells whom."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from pleio_core.i18n import MAX_LOCAL_PATH, local_path
from pleio_core.testing import PleioTestSetup, page_csrf
from pleio_core.text import forbidden_character

PLATFORM = "localhost"
SITE = "alpha.localhost"

#: Return addresses an attacker or a broken link might send, as a visitor's browser would
#: (decoded: the value the view sees).
ODD_CAME_FROM = [
    "/\u3000",  # a full-width space: not Latin-1, so not in a header as it is
    "/wiki/caf\u00e9?q=\u2603",
    "/\U0001f600",
    "//evil.example",
    "///evil.example",
    "\\\\evil",
    "/\\evil",
    "/\r\nSet-Cookie:x",
    "/\x00",  # these two are refused (pleio_core.text)
    "/\x7f",
    "https://evil.example/x",
    "javascript:alert(1)",
    "/" + "a" * 5000,
]


def where(location: str) -> tuple[str, str]:
    parts = urlsplit(location)
    return parts.netloc, location[len(f"{parts.scheme}://{parts.netloc}") :]


def assert_safe_location(location: str, host: str, value: str) -> None:
    location.encode("latin-1")  # a header that waitress can send
    netloc, path = where(location)
    assert netloc == host, f"{value!r} sent the visitor to {location!r}"
    assert path.startswith("/") and not path.startswith("//"), (value, location)
    assert not re.search(r"[\x00-\x20\x7f\\]", location), (value, location)
    assert len(location) < MAX_LOCAL_PATH * 3 + 200, (value, len(location))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/wiki/", "/wiki/"),
        ("/wiki/?a=1&b=%2F", "/wiki/?a=1&b=%2F"),  # percent-encoding kept as it is
        ("/\u3000", "/%E3%80%80"),
        ("/caf\u00e9 x", "/caf%C3%A9%20x"),
        ("/sur\ud800", "/"),  # a lone surrogate is no UTF-8, so no address
        ("/a\r\nSet-Cookie:x", "/"),
        ("//evil.example", "/"),
        ("/\\evil", "/"),
        ("https://evil.example/", "/"),
        ("wiki", "/"),
        ("/" + "a" * MAX_LOCAL_PATH, "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_local_path_is_always_a_path_on_this_host_in_ascii(value, expected) -> None:
    assert local_path(value) == expected
    assert local_path(local_path(value)) == local_path(value)  # applied twice: the same


@pytest.fixture
def site(pleio_setup: PleioTestSetup) -> PleioTestSetup:
    """One deelsite, no accounts (making them takes the most time)."""
    pleio_setup.write_site("alpha", modules=("wiki",))
    return pleio_setup


@pytest.fixture
def setup(site: PleioTestSetup) -> PleioTestSetup:
    pleio_setup = site
    pleio_setup.create_account("anne@example.nl", "Anne", alpha="member")
    pleio_setup.create_account("olga@example.nl", "Olga", operator=True)
    return pleio_setup


def test_every_sign_in_entry_point_takes_odd_came_from_values(setup) -> None:
    """``/@@language``, a site's ``/@@login``, the platform's ``/login`` (form, post, and
    signed in), the ticket landing ``/@@sso`` and the two-factor pages: never a 5xx, never a
    header that cannot be sent (WebTest's lint checks every header), never another host."""
    app = setup.make_app()
    anonymous = setup.client(app)
    anne = setup.signed_in(app, "anne@example.nl", SITE)
    for value in ODD_CAME_FROM:
        query = urlencode({"lang": "en", "came_from": value})
        if forbidden_character(value):  # what no text may hold: refused at the edge
            for path in ("/@@language", "/@@login", "/@@sso"):
                anonymous.get(f"{path}?{query}", host=SITE, status=400)
            for path in ("/login", "/two-factor"):
                anne.get(f"{path}?{query}", host=PLATFORM, status=400)
            continue
        for host in (SITE, PLATFORM):
            answer = anonymous.get(f"/@@language?{query}", host=host, status=303)
            assert_safe_location(answer.location, host, value)

        # a site's sign-in link: to the platform, the value carried in the query
        answer = anonymous.get("/@@login?" + urlencode({"came_from": value}), host=SITE)
        assert_safe_location(answer.location, PLATFORM, value)
        carried = parse_qs(urlsplit(answer.location).query)["came_from"][0]
        assert carried == local_path(value)

        # the platform's form keeps a safe value; posting it ends on the site
        signing_in = setup.client(app)
        form_page = signing_in.get(
            "/login?" + urlencode({"site": SITE, "came_from": value}), host=PLATFORM
        )
        form = form_page.forms["login-form"]
        assert form["came_from"].value == local_path(value)
        form["came_from"].force_value(value)  # a crafted post
        form["email"], form["password"] = "anne@example.nl", "correct horse battery"
        ticket = form.submit(headers={"Host": PLATFORM}, status=303)
        assert_safe_location(ticket.location, SITE, value)

        # the ticket landing, with the return address replaced by the odd one
        _netloc, path = where(ticket.location)
        ticket_value = parse_qs(urlsplit(path).query)["ticket"][0]
        landing = signing_in.get(
            "/@@sso?" + urlencode({"ticket": ticket_value, "came_from": value}), host=SITE
        )
        assert landing.status_int == 303
        assert_safe_location(landing.location, SITE, value)

        # signed in already: the platform's /login sends straight on
        again = anne.get("/login?" + urlencode({"came_from": value}), host=PLATFORM, status=303)
        assert_safe_location(again.location, PLATFORM, value)
        again = anne.get(
            "/login?" + urlencode({"site": SITE, "came_from": value}), host=PLATFORM, status=303
        )
        assert_safe_location(again.location, SITE, value)

        # the two-factor pages: the way back is a link, the sign-in a redirect
        page = anne.get(
            "/two-factor?" + urlencode({"site": SITE, "came_from": value}), host=PLATFORM
        )
        back = page.html.find("a", href=re.compile("^http://alpha"))
        if back is not None:
            assert_safe_location(back["href"], SITE, value)
        answer = anonymous.get(
            "/two-factor?" + urlencode({"came_from": value}), host=PLATFORM, status=303
        )
        assert_safe_location(answer.location, PLATFORM, value)


def test_the_full_width_space_of_the_report_is_kept_percent_encoded(site) -> None:
    client = site.client()
    answer = client.get("/@@language?lang=en&came_from=%2F%E3%80%80", host=SITE, status=303)
    assert answer.location == "http://alpha.localhost/%E3%80%80"


@pytest.mark.parametrize(
    "url",
    [
        "/@@language?lang=en&came_from=%2F%FF",  # not UTF-8
        "/@@language?lang=en&came_from=%2F%ED%A0%80",  # UTF-8 of a surrogate: not UTF-8
        "/@@login?came_from=%C0%AF",  # an overlong "/"
        "/%FF",
        "/wiki/%FF",
        "/@@search?text=%FF",
    ],
)
def test_an_address_that_is_not_utf8_answers_400(site, url) -> None:
    client = site.client()
    answer = client.get(url, host=SITE, status=400)
    assert "UTF-8" in answer.text and answer.content_type == "text/html"


def test_an_api_address_that_is_not_utf8_answers_400_in_json(site) -> None:
    answer = site.client().get("/api/v1/search?text=%FF", host=SITE, status=400)
    assert answer.content_type == "application/json" and "UTF-8" in answer.json["error"]


# -- 405 with Allow --------------------------------------------------------------------------


def allow(answer) -> set[str]:
    return {m.strip() for m in answer.headers["Allow"].split(",")}


@pytest.mark.parametrize(
    ("method", "host", "url", "allowed"),
    [
        ("DELETE", SITE, "/", {"GET", "HEAD"}),
        ("PUT", SITE, "/", {"GET", "HEAD"}),
        ("OPTIONS", SITE, "/", {"GET", "HEAD"}),
        ("POST", SITE, "/wiki/", {"GET", "HEAD"}),
        ("PUT", PLATFORM, "/login", {"GET", "HEAD", "POST"}),
        ("DELETE", SITE, "/@@login", {"GET", "HEAD"}),
        ("PUT", SITE, "/@@control-panel-general", {"GET", "HEAD", "POST"}),
        ("GET", SITE, "/@@logout", {"POST"}),
        ("POST", PLATFORM, "/_health", {"GET", "HEAD"}),
        ("DELETE", PLATFORM, "/", {"GET", "HEAD"}),
        ("POST", SITE, "/.well-known/security.txt", {"GET", "HEAD"}),
    ],
)
def test_a_page_answers_405_with_allow(site, method, host, url, allowed) -> None:
    client = site.client()
    answer = client.testapp.request(
        url, method=method, headers={"Host": host}, status=405, expect_errors=True
    )
    assert allow(answer) == allowed
    if method != "HEAD":
        assert "text/html" in answer.content_type and "<h1>" in answer.text


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/api/v1/site", {"GET", "HEAD"}),
        ("PUT", "/api/v1/content/wiki", {"GET", "HEAD", "POST", "PATCH", "DELETE"}),
        ("POST", "/api/v1/likes/wiki", {"GET", "HEAD", "PUT", "DELETE"}),
        ("DELETE", "/api/v1/search", {"GET", "HEAD"}),
    ],
)
def test_an_api_route_answers_405_with_allow(site, method, url, allowed) -> None:
    client = site.client()
    answer = client.testapp.request(
        url, method=method, headers={"Host": SITE}, status=405, expect_errors=True
    )
    assert allow(answer) == allowed
    assert answer.content_type == "application/json"


def test_the_methods_an_address_takes_still_work_and_missing_pages_stay_404(site) -> None:
    client = site.client()
    client.head("/", host=SITE, status=200)
    client.get("/wiki/", host=SITE, status=200)
    missing = client.delete("/wiki/no-such-page", host=SITE, status=404)
    assert "Allow" not in missing.headers
    client.get("/@@no-such-view", host=SITE, status=404)


# -- /_health ----------------------------------------------------------------------------------


def test_health_tells_visitors_only_that_the_process_answers(setup) -> None:
    app = setup.make_app()
    anonymous = setup.client(app)
    member = setup.signed_in(app, "anne@example.nl", SITE)
    for client in (anonymous, member):
        for host in (PLATFORM, SITE, "nowhere.localhost"):
            assert client.get("/_health", host=host).json == {"status": "ok"}
    # an operator signed in on a deelsite is a visitor there
    operator = setup.signed_in(app, "olga@example.nl", SITE)
    assert operator.get("/_health", host=SITE).json == {"status": "ok"}


def test_health_tells_the_operator_on_the_platform_host_the_details(setup) -> None:
    app = setup.make_app()
    operator = setup.signed_in(app, "olga@example.nl", SITE)
    answer = operator.get("/_health", host=PLATFORM)
    details = answer.json
    assert details["status"] == "ok" and details["version"] == "0.1.0"
    assert details["sites"] == 1 and isinstance(details["open_databases"], int)
    assert "no-store" in answer.headers["Cache-Control"]


def test_the_405_page_is_a_page_of_the_site(setup) -> None:
    """With the site's layout: the sign-out form on it works."""
    app = setup.make_app()
    anne = setup.signed_in(app, "anne@example.nl", SITE)
    page = anne.testapp.request(
        "/", method="PUT", headers={"Host": SITE}, status=405, expect_errors=True
    )
    anne.post("/@@logout", {"csrf_token": page_csrf(page)}, host=SITE, status=303)
