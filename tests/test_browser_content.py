"""Content pages in a real browser: axe at three widths, and the keyboard alone."""

import pytest

from pleio_core.testing import (
    WIDTHS,
    PleioTestSetup,
    assert_accessible,
    axe_violations,
    sign_in_page,
)


@pytest.fixture
def server(pleio_setup: PleioTestSetup, notes_plugin, live_server_factory):
    pleio_setup.write_site("demo", modules=["notes"], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", demo="member")
    return live_server_factory(pleio_setup.make_app())


def test_add_view_edit_and_error_pages_pass_axe(server, page) -> None:
    sign_in_page(page, server, "demo.localhost", "anne@example.nl")
    add = server.url("demo.localhost", "/notes/@@add?type=note")
    assert_accessible(page, add)
    # with the keyboard alone: fill the form, tab to the button, press Enter
    page.goto(add)
    page.get_by_label("Titel").focus()
    page.keyboard.type("Een toegankelijke notitie")
    page.keyboard.press("Tab")
    page.keyboard.type("Met **nadruk** en een [link](https://example.nl).")
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/notes/een-toegankelijke-notitie/")
    note = page.url
    page.get_by_label("Je reactie").fill("Een reactie")
    page.get_by_role("button", name="Reactie plaatsen").click()
    assert page.get_by_text("Een reactie").is_visible()
    assert_accessible(page, note)
    assert_accessible(page, note + "@@edit")
    assert_accessible(page, note + "@@delete")
    # a form with errors: the summary links to the fields, and still passes
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(add)
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_role("alert").is_visible()
        assert axe_violations(page) == [], width
    page.get_by_role("link", name="Titel: Geef een titel.").click()
    assert page.evaluate("document.activeElement.name") == "title"
    assert_accessible(page, server.url("demo.localhost", "/@@saved"))
    assert_accessible(page, server.url("demo.localhost", "/@@activity"))
    assert_accessible(page, server.url("demo.localhost", "/"))
