"""The anonymous page cache: used where safe, and never stale."""

import pytest

from pleio_core.content import Item
from pleio_core.content.site import ROOT_KEY
from pleio_core.security import AUTH_COOKIE
from pleio_core.services import SITE_DATABASES, SITES
from pleio_core.testing import PleioTestSetup


@pytest.fixture
def client(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("alpha", modules=("wiki",))
    pleio_setup.write_site("beta", modules=("wiki",))
    pleio_setup.write_site("closed", modules=("wiki",), access="closed")
    client = pleio_setup.client()
    for site in ("alpha", "beta"):  # the first request creates the site's database: a commit
        client.get("/", host=f"{site}.localhost")
    return client


def cache_state(response) -> str | None:
    return response.headers.get("X-Pleio-Cache")


def test_anonymous_pages_are_served_from_the_cache(client) -> None:
    first = client.get("/wiki/", host="alpha.localhost")
    assert cache_state(first) == "miss"
    second = client.get("/wiki/", host="alpha.localhost")
    assert cache_state(second) == "hit" and second.body == first.body
    assert second.content_type == "text/html"


def test_every_commit_to_the_site_invalidates_its_pages(client) -> None:
    client.get("/wiki/", host="alpha.localhost")
    client.get("/wiki/", host="beta.localhost")
    assert cache_state(client.get("/wiki/", host="alpha.localhost")) == "hit"
    with SITE_DATABASES(client.registry).get("alpha").transaction() as conn:
        conn.root()[ROOT_KEY]["wiki"].add("nieuw", Item("Nieuwe pagina"))
    fresh = client.get("/wiki/", host="alpha.localhost")
    assert cache_state(fresh) == "miss" and "Nieuwe pagina" in fresh.text
    assert cache_state(client.get("/wiki/", host="beta.localhost")) == "hit"  # other site intact


def test_a_changed_site_file_is_never_answered_from_the_cache(client, pleio_setup) -> None:
    client.get("/", host="alpha.localhost")
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha hernoemd")
    SITES(client.registry).refresh(force=True)
    assert "Alpha hernoemd" in client.get("/", host="alpha.localhost").text


def test_visitors_with_a_sign_in_cookie_bypass_the_cache(client) -> None:
    client.get("/wiki/", host="alpha.localhost")
    client.testapp.set_cookie(AUTH_COOKIE, "anything")
    for _ in range(2):
        assert cache_state(client.get("/wiki/", host="alpha.localhost")) is None


def test_credentials_bypass_the_cache(client) -> None:
    client.get("/wiki/", host="alpha.localhost")
    response = client.get("/wiki/", host="alpha.localhost", headers={"Authorization": "Bearer x"})
    assert cache_state(response) is None


def test_closed_sites_and_errors_are_not_cached(client) -> None:
    for _ in range(2):
        assert cache_state(client.get("/", host="closed.localhost")) is None
        assert cache_state(client.get("/nope", host="alpha.localhost", status=404)) is None


def test_the_language_is_part_of_the_key(client) -> None:
    dutch = client.get("/", host="alpha.localhost")
    client.testapp.set_cookie("pleio_lang", "en")
    english = client.get("/", host="alpha.localhost")
    assert 'lang="nl"' in dutch.text and 'lang="en"' in english.text


def test_the_cache_can_be_switched_off(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("alpha", modules=("wiki",))
    client = pleio_setup.client(pleio_setup.make_app(**{"pleio.page_cache": "false"}))
    for _ in range(2):
        assert cache_state(client.get("/", host="alpha.localhost")) is None


def test_relstorage_sites_are_not_cached(pleio_setup: PleioTestSetup, postgres_server) -> None:
    """Another process may commit to a shared database unseen: no cache there."""
    pleio_setup.write_site("shared", storage=postgres_server.uri("pleio_cache_shared"))
    client = pleio_setup.client()
    for _ in range(2):
        assert cache_state(client.get("/", host="shared.localhost")) is None
