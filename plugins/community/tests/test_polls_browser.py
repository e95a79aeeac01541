"""Polls in a real browser: the add form, the poll before and after voting and a refused
vote under axe at every width, and voting by keyboard alone."""

from __future__ import annotations

import pytest

from pleio_core.testing import (
    PleioTestSetup,
    assert_accessible,
    axe_violations,
    signed_in_page,
)

HOST = "polls.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("polls", modules=["community"], hosts=[HOST], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", polls="member")
    pleio_setup.create_account("bert@example.nl", "Bert", polls="member")
    return live_server_factory(pleio_setup.make_app())


def test_poll_pages_pass_axe_and_a_vote_is_cast_by_keyboard(browser, server) -> None:
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    bert = signed_in_page(browser, server, HOST, "bert@example.nl")
    visitor = browser.new_context().new_page()
    try:
        add = server.url(HOST, "/community/@@add?type=poll")
        assert_accessible(anne, add)
        anne.goto(add)
        anne.get_by_label("Vraag").fill("Welke dag past het best voor het overleg?")
        anne.get_by_label("Keuzes").fill("Maandag\nDinsdag\nEen dag met een heel lange naam")
        anne.get_by_label("Openbaar", exact=False).check()
        anne.get_by_role("button", name="Opslaan").click()
        anne.wait_for_url("**/community/welke-dag-past-het-best-voor-het-overleg/")
        poll = anne.url
        assert_accessible(bert, poll)  # before voting: the ballot

        bert.goto(poll)
        for _ in range(60):  # from the top of the page, with Tab only
            bert.keyboard.press("Tab")
            if bert.evaluate("document.activeElement.id") == "choice-0":
                break
        else:
            pytest.fail("the first choice is not reached with Tab")
        bert.keyboard.press("ArrowDown")  # the next choice, as radio buttons go
        assert bert.evaluate("document.activeElement.id") == "choice-1"
        bert.keyboard.press("Tab")
        assert bert.evaluate("document.activeElement.textContent.trim()") == "Stemmen"
        with bert.expect_navigation():
            bert.keyboard.press("Enter")
        assert bert.get_by_role("status").inner_text() == "Je stem is geteld. Bedankt!"
        assert bert.get_by_role("row", name="Dinsdag (jouw keuze) 1 100%").is_visible()
        assert_accessible(bert, bert.url)  # after voting: the results
        assert_accessible(anne, poll)  # its owner: the ballot, the results, closing it

        # a vote without a choice is refused; the page that says so passes axe too
        anne.goto(poll)
        with anne.expect_navigation():
            anne.get_by_role("button", name="Stemmen").click()
        assert anne.get_by_role("alert").inner_text() == "Kies een antwoord."
        assert axe_violations(anne) == []  # (a posted page: loaded once, at this width)
        assert_accessible(visitor, poll)
        assert_accessible(anne, poll + "@@edit")
        # closed by hand, by keyboard: the page that says since when passes axe
        anne.goto(poll)
        anne.get_by_role("button", name="De peiling nu sluiten").focus()
        with anne.expect_navigation():
            anne.keyboard.press("Enter")
        assert "Gesloten sinds" in anne.content()
        assert_accessible(bert, poll)
        # results after closing: hidden from a voter until then, and said so
        anne.goto(add)
        anne.get_by_label("Vraag").fill("Geheime stemming")
        anne.get_by_label("Keuzes").fill("Ja\nNee")
        anne.get_by_label("Na het sluiten", exact=False).check()
        anne.get_by_label("Openbaar", exact=False).check()
        anne.get_by_role("button", name="Opslaan").click()
        anne.wait_for_url("**/community/geheime-stemming/")
        assert_accessible(bert, anne.url)
    finally:
        for page in (anne, bert, visitor):
            page.context.close()
