"""The people pages in a real browser: the directory, a profile, editing one's profile and
the control panel's profile fields pass axe at every width, and work by keyboard alone."""

import pytest

from pleio_core.content.site import ROOT_KEY
from pleio_core.people.model import ProfileField, site_people
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.testing import (
    WIDTHS,
    PleioTestSetup,
    assert_accessible,
    axe_violations,
    sign_in_page,
)

HOST = "mensen.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("mensen", modules=("wiki",), title="Mensen", access="public")
    pleio_setup.create_account("ada@example.nl", "Ada Admin", mensen="admin")
    pleio_setup.create_account("mo@example.nl", "Mo Lid", mensen="member")
    app = pleio_setup.make_app()
    with SITE_DATABASES(app.registry).get("mensen").transaction() as conn:
        people = site_people(conn.root()[ROOT_KEY], create=True)
        people.put_field(ProfileField("room", "Kamer", "text", (), "everyone", 1))
        people.put_field(ProfileField("team", "Team", "choice", ("Rood", "Blauw"), "members", 2))
        people.put_field(ProfileField("skills", "Kennis", "multiple", ("Data", "Recht"), "members"))
        people.put_field(ProfileField("start", "In dienst", "date", (), "admins", 4))
    server = live_server_factory(app)
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        server.mo = conn.root()["pleio_platform"]["accounts"].by_email("mo@example.nl").id
    return server


def test_a_member_fills_in_their_profile_by_keyboard_and_every_page_passes_axe(
    server, page
) -> None:
    sign_in_page(page, server, HOST, "mo@example.nl")
    assert_accessible(page, server.url(HOST, "/@@people-edit"))
    page.get_by_label("Functie").focus()
    page.keyboard.type("Adviseur")
    page.keyboard.press("Tab")
    page.keyboard.type("Digitalisering")
    page.get_by_label("Team").focus()
    page.keyboard.press("ArrowDown")  # (none) → Rood
    page.get_by_label("Data").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@people/*?done=saved")
    assert page.get_by_role("status").get_by_text("Je profiel is opgeslagen.").is_visible()
    assert page.get_by_text("Adviseur").is_visible()
    assert_accessible(page, server.url(HOST, f"/@@people/{server.mo}"))
    assert_accessible(page, server.url(HOST, "/@@people?department=Digitalisering"))
    # the directory's search, by keyboard
    page.get_by_label("Zoeken op naam").focus()
    page.keyboard.type("mo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@people?q=mo*")
    assert page.get_by_role("link", name="Mo Lid").is_visible()


def test_the_profile_fields_page_passes_axe_and_adds_a_field_by_keyboard(server, page) -> None:
    sign_in_page(page, server, HOST, "ada@example.nl")
    assert_accessible(page, server.url(HOST, "/@@control-panel-people"))
    page.get_by_label("Sleutel").focus()
    page.keyboard.type("gebouw")
    page.keyboard.press("Tab")  # the label
    page.keyboard.type("Gebouw")
    page.get_by_role("button", name="Veld toevoegen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/@@control-panel-people?done=added")
    assert page.get_by_role("status").get_by_text("Het veld is toegevoegd.").is_visible()
    assert_accessible(page, server.url(HOST, "/@@control-panel-people-field?key=gebouw"))
    # a definition that does not fit: its errors, beside their fields, also pass axe
    page.goto(server.url(HOST, "/@@control-panel-people"))
    page.get_by_label("Sleutel").fill("Geen Sleutel")
    page.get_by_role("button", name="Veld toevoegen").click()
    page.get_by_role("alert").wait_for()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], width
