"""Events in a real browser: the event page, the events list and the add form under axe at
every width, and saying you come by keyboard alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pleio_core.testing import PleioTestSetup, assert_accessible, signed_in_page

HOST = "agenda.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("agenda", modules=["community"], hosts=[HOST], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", agenda="member")
    pleio_setup.create_account("bert@example.nl", "Bert", agenda="member")
    app = pleio_setup.make_app()
    anne = pleio_setup.signed_in(app, "anne@example.nl", HOST)
    form = anne.get("/community/@@add?type=event").forms["content-form"]
    day = (datetime.now(UTC) + timedelta(days=9)).strftime("%Y-%m-%d")
    form["title"], form["capacity"], form["location"] = "Open dag", "1", "Stadhuis, zaal 2"
    form["body"] = "Kom kijken hoe we werken."
    form["access"].force_value("public")
    form.fields["date"][0].value = form.fields["date"][1].value = day
    form.fields["time"][0].value, form.fields["time"][1].value = "10:00", "16:00"
    form.submit("save", status=303)
    token = anne.get("/community/open-dag/").forms["rsvp-form"]["csrf_token"].value
    anne.post("/community/open-dag/@@rsvp", {"csrf_token": token, "answer": "yes"}, status=303)
    return live_server_factory(app)


def test_event_pages_pass_axe_and_an_answer_by_keyboard(browser, server) -> None:
    event = server.url(HOST, "/community/open-dag/")
    bert = signed_in_page(browser, server, HOST, "bert@example.nl")
    try:
        for url in (event, server.url(HOST, "/community/@@events"),
                    server.url(HOST, "/community/@@add?type=event")):  # fmt: skip
            assert_accessible(bert, url)
        bert.goto(event)
        bert.get_by_label("Ja, ik kom").focus()
        bert.keyboard.press("Space")
        for _ in range(5):  # from the answers to the button, with Tab only
            bert.keyboard.press("Tab")
            if (
                bert.evaluate("document.activeElement.textContent.trim()")
                == "Mijn antwoord opslaan"
            ):
                break
        else:
            pytest.fail("the button is not reached with Tab")
        with bert.expect_navigation():
            bert.keyboard.press("Enter")
        assert "op plaats 1" in bert.get_by_role("status").inner_text() + bert.content()
        assert_accessible(bert, bert.url.split("#")[0])  # the page with the answer on it
    finally:
        bert.context.close()
    visitor = browser.new_context().new_page()
    try:
        assert_accessible(visitor, event)
    finally:
        visitor.context.close()
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")  # the organiser
    try:
        assert_accessible(anne, event + "@@attendees")
        assert_accessible(anne, event + "@@edit")
    finally:
        anne.context.close()
