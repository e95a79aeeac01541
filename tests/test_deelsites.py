"""Deelsites over HTTP: hosts, the sites overview, modules per site, errors."""

import time

import pytest

from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup, wait_for


@pytest.fixture
def two_sites(pleio_setup: PleioTestSetup):
    pleio_setup.write_site(
        "alpha",
        modules=("wiki", "community"),
        title="Alpha Gemeente",
        description="Alpha's own site",
    )
    pleio_setup.write_site("beta", modules=("community",), title="Beta Provincie")
    pleio_setup.write_site("gamma", modules=("wiki",), title="Gamma Besloten", access="closed")
    return pleio_setup.client()


def test_the_overview_marks_the_language_a_site_is_written_in(pleio_setup) -> None:
    """A site's title and description are its holder's words: on a Dutch overview an
    English site's are marked lang="en" (WCAG 3.1.2), and in English the Dutch site's; the
    operator's list of sites marks the titles the same way."""
    pleio_setup.write_site("nl", title="Gemeente", description="Onze eigen site")
    pleio_setup.write_site("en", title="Archives", description="Our own site", language="en")
    pleio_setup.create_account("op@example.nl", operator=True)
    app = pleio_setup.make_app()
    client = pleio_setup.client(app)
    cards = {c.h2.text: c for c in client.get("/").html.select(".card")}
    archives = cards["Archives"]
    assert archives.h2["lang"] == "en" and archives.select("p")[-1]["lang"] == "en"
    assert not cards["Gemeente"].select("[lang]")
    english = client.get("/", headers={"Cookie": "pleio_lang=en"}).html
    assert {c.h2.text: c.h2.get("lang") for c in english.select(".card")} == {
        "Archives": None,
        "Gemeente": "nl",
    }
    operator = pleio_setup.signed_in_on_platform(app, "op@example.nl")
    rows = operator.get("/@@operator-sites").html.select("tbody th a")
    assert {a.text: a.get("lang") for a in rows} == {"Archives": "en", "Gemeente": None}


def test_the_overview_lists_public_sites_only(two_sites) -> None:
    page = two_sites.get("/", host="localhost")
    assert "Alpha Gemeente" in page.text and "Alpha's own site" in page.text
    assert 'href="http://alpha.localhost/"' in page.text
    assert "Beta Provincie" in page.text
    assert "Gamma Besloten" not in page.text


def test_each_site_answers_on_its_own_host_with_its_own_modules(two_sites) -> None:
    alpha = two_sites.get("/", host="ALPHA.localhost.:6543")
    assert "<h1>Alpha Gemeente</h1>" in alpha.text
    assert '/wiki/">Wiki</a>' in alpha.text
    assert two_sites.get("/wiki/", host="alpha.localhost").status_int == 200
    assert two_sites.get("/wiki/", host="beta.localhost", status=404)
    beta_home = two_sites.get("/", host="beta.localhost")
    assert "/wiki/" not in beta_home.text  # no menu item, no card
    assert "/community/" in beta_home.text


@pytest.mark.parametrize(
    ("host", "status"),
    [("unknown.localhost", 404), ("bad_host!", 400), ("", 400), ("a..b", 400)],
)
def test_unknown_or_garbage_hosts(two_sites, host: str, status: int) -> None:
    response = two_sites.get("/", host=host, status=status)
    assert "<main" in response.text  # a real page, not a traceback


def test_a_request_without_host_header_is_400(two_sites) -> None:
    two_sites.get("/", headers={"Host": ""}, status=400)
    response = two_sites.testapp.get("/", extra_environ={"HTTP_HOST": ""}, status=400)
    assert "Host" in response.text


def test_a_closed_site_shows_only_a_notice_to_outsiders(two_sites) -> None:
    home = two_sites.get("/", host="gamma.localhost")
    assert "besloten" in home.text
    assert "/wiki/" not in home.text
    two_sites.get("/wiki/", host="gamma.localhost", status=403)


def test_health_on_any_host(two_sites) -> None:
    # the details are the operator's only (tests/test_http_edges.py)
    for host in ("localhost", "alpha.localhost", "nowhere.localhost"):
        assert two_sites.get("/_health", host=host).json == {"status": "ok"}


def test_a_new_site_file_is_served_without_restart(pleio_setup: PleioTestSetup) -> None:
    client = pleio_setup.client()
    client.get("/", host="late.localhost", status=404)
    pleio_setup.write_site("late", title="Late Waterschap")
    start = time.monotonic()
    wait_for(lambda: client.get("/", host="late.localhost", expect_errors=True).status_int == 200)
    assert time.monotonic() - start < 5
    assert "Late Waterschap" in client.get("/", host="localhost").text


def test_a_broken_change_keeps_the_site_serving(
    clock, two_sites, pleio_setup: PleioTestSetup
) -> None:
    (pleio_setup.site_configs / "alpha.toml").write_text("title = [oops")
    clock.advance(60)  # past the interval between checks of the site files
    assert "Alpha Gemeente" in two_sites.get("/", host="alpha.localhost").text


def test_language_default_and_choice(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("nlsite", language="nl", modules=("wiki",))
    pleio_setup.write_site("ensite", language="en", modules=("wiki",))
    client = pleio_setup.client()
    nl = client.get("/", host="nlsite.localhost")
    assert '<html lang="nl"' in nl.text and "Naar de inhoud" in nl.text
    en = client.get("/", host="ensite.localhost")
    assert '<html lang="en"' in en.text and "Skip to content" in en.text
    switched = client.get(
        "/@@language?lang=en&came_from=/wiki/", host="nlsite.localhost", status=303
    )
    assert switched.location == "http://nlsite.localhost/wiki/"
    assert "pleio_lang=en" in switched.headers["Set-Cookie"]
    assert "HttpOnly" in switched.headers["Set-Cookie"]
    assert '<html lang="en"' in client.get("/wiki/", host="nlsite.localhost").text


@pytest.mark.parametrize(
    "came_from", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_language_switch_has_no_open_redirect(two_sites, came_from: str) -> None:
    response = two_sites.get(
        "/@@language",
        params={"lang": "nl", "came_from": came_from},
        host="alpha.localhost",
        status=303,
    )
    assert response.location == "http://alpha.localhost/"


def test_an_unknown_language_is_a_clear_400(two_sites) -> None:
    response = two_sites.get("/@@language?lang=de", host="alpha.localhost", status=400)
    assert "Onbekende taal 'de'; kies uit: nl, en." in response.text  # in Dutch too


def test_sample_item_view(two_sites) -> None:
    from pleio_core.content import Item

    app = two_sites.app
    two_sites.get("/", host="alpha.localhost")  # the first request creates the site's root
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        conn.root()["pleio_site"]["wiki"].add("hello", Item("Hallo wereld", "Eerste tekst"))
    page = two_sites.get("/wiki/", host="alpha.localhost")
    assert "Hallo wereld" in page.text
    item = two_sites.get("/wiki/hello", host="alpha.localhost")
    assert "Eerste tekst" in item.text


def test_theme_css_carries_the_site_colours(two_sites) -> None:
    css = two_sites.get("/@@theme.css", host="alpha.localhost")
    assert css.content_type == "text/css" and "--pleio-primary: #01689b;" in css.text
