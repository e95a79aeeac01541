"""Pages of other hosts show a site as its holder set it: the platform's overview and the
operator's list use the title, description and access of the control panel, not the file's;
a site its holder closed is not listed to the public."""

from __future__ import annotations

import pytest

from pleio_core.testing import PleioTestSetup

HOST = "alpha.localhost"
PLATFORM = "localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup):
    setup = pleio_setup
    setup.write_site(
        "alpha",
        modules=("wiki",),
        title="Alpha van het bestand",
        description="Wat het bestand zegt",
    )
    setup.write_site("beta", modules=(), title="Beta besloten", access="closed")
    setup.create_account("op@example.nl", "Olga", operator=True)
    setup.create_account("ada@example.nl", "Ada", alpha="admin", beta="admin")
    setup.create_account("mo@example.nl", "Mo", alpha="member")
    app = setup.make_app()
    return setup, app


def holder_sets(setup: PleioTestSetup, app, host: str, **values: str) -> None:
    """The holder changes the general settings in the control panel."""
    admin = setup.signed_in(app, "ada@example.nl", host)
    form = admin.get("/@@control-panel-general").forms["panel-form"]
    for key, value in values.items():
        form[key] = value
    form.submit(status=303)


def overview(setup: PleioTestSetup, app, who: str | None) -> str:
    client = setup.signed_in_on_platform(app, who) if who else setup.client(app, PLATFORM)
    return client.get("/").text


def test_the_overview_shows_the_holders_title_and_description(world) -> None:
    setup, app = world
    holder_sets(setup, app, HOST, title="Alfa zoals de holder wil", description="Eigen tekst")
    for who in (None, "mo@example.nl", "op@example.nl"):
        page = overview(setup, app, who)
        assert "Alfa zoals de holder wil" in page and "Eigen tekst" in page
        assert "Alpha van het bestand" not in page and "Wat het bestand zegt" not in page


def test_a_site_closed_in_the_control_panel_is_listed_only_to_the_operator(world) -> None:
    setup, app = world
    assert "Alpha van het bestand" in overview(setup, app, None)
    holder_sets(setup, app, HOST, title="Alfa besloten", access="closed")
    for who in (None, "mo@example.nl", "ada@example.nl"):  # even its own members and admin
        page = overview(setup, app, who)
        assert "Alfa" not in page and "Alpha" not in page and "Wat het bestand" not in page
        assert "http://alpha.localhost/" not in page
    page = setup.signed_in_on_platform(app, "op@example.nl").get("/")
    card = page.html.find("a", string="Alfa besloten").find_parent("li")
    assert "Besloten: alleen de leden" in card.get_text()  # the operator sees it, marked
    listed = setup.signed_in_on_platform(app, "op@example.nl").get("/@@operator-sites")
    assert listed.html.find("a", string="Alfa besloten") is not None


def test_a_site_opened_in_the_control_panel_is_listed(world) -> None:
    setup, app = world
    assert "Beta besloten" not in overview(setup, app, None)
    holder_sets(setup, app, "beta.localhost", title="Beta open", access="public")
    page = overview(setup, app, None)
    assert "Beta open" in page and "Beta besloten" not in page
    assert "Besloten: alleen de leden" not in page


def test_a_switched_off_site_is_not_listed(world) -> None:
    setup, app = world
    operator = setup.signed_in_on_platform(app, "op@example.nl")
    form = operator.get("/@@operator-sites").forms["create-form"]
    data = {"action": "disable", "site": "alpha", "csrf_token": form["csrf_token"].value}
    operator.post("/@@operator-sites", data, status=303)
    assert "Alpha van het bestand" not in overview(setup, app, None)


def test_the_api_tells_the_site_as_its_holder_set_it(world) -> None:
    setup, app = world
    holder_sets(setup, app, HOST, title="Alfa via de API", language="en")
    info = setup.signed_in(app, "mo@example.nl", HOST).get("/api/v1/site").json
    assert (info["title"], info["language"], info["access"]) == ("Alfa via de API", "en", "public")
