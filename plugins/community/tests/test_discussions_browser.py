"""Discussions and questions in a real browser: every page kind under axe, and answering a
question and marking the best answer by keyboard alone."""

from __future__ import annotations

import pytest

from pleio_core.testing import PleioTestSetup, assert_accessible, axe_violations, signed_in_page

HOST = "praat.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("praat", modules=["community"], hosts=[HOST], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", praat="member")
    pleio_setup.create_account("bert@example.nl", "Bert", praat="member")
    return live_server_factory(pleio_setup.make_app())


def add(page, server, kind: str, title: str, body: str) -> str:
    """Add a discussion or question in /community/ with the core's form, by label."""
    page.goto(server.url(HOST, f"/community/@@add?type={kind}"))
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Tekst").fill(body)
    page.get_by_label("Iedereen die deze site kan zien", exact=False).check()
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/community/*/")
    return page.url


def test_discussion_and_question_pages_pass_axe_and_work_by_keyboard(browser, server) -> None:
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    bert = signed_in_page(browser, server, HOST, "bert@example.nl")
    assert_accessible(anne, server.url(HOST, "/community/@@add?type=discussion"))
    assert_accessible(anne, server.url(HOST, "/community/@@add?type=question"))
    discussion = add(anne, server, "discussion", "Koffie", "Wie zet koffie?")
    question = add(anne, server, "question", "Welk lettertype?", "Voor de nieuwsbrief.")

    # bert answers by keyboard: into the field, type, Tab to the button, Enter
    bert.goto(question)
    bert.get_by_label("Je antwoord").focus()
    bert.keyboard.type("Een schreefloze letter.")
    bert.keyboard.press("Tab")
    assert bert.evaluate("document.activeElement.textContent.trim()") == "Antwoord plaatsen"
    with bert.expect_navigation():
        bert.keyboard.press("Enter")
    assert "Een schreefloze letter." in bert.locator("ol.answers").inner_text()
    assert_accessible(bert, question)  # with an answer, for someone who may not settle it

    # anne marks it the best by keyboard; it is said in words, and announced
    anne.goto(question)
    anne.get_by_role("button", name="Het antwoord van Bert als beste markeren").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert anne.get_by_role("status").inner_text().startswith("Het antwoord is als beste")
    assert "Beste antwoord" in anne.locator(".answer--best").inner_text()
    assert_accessible(anne, question)  # marked, with the settle buttons

    anne.get_by_role("button", name="De vraag sluiten").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert "Deze vraag is gesloten" in anne.locator("#closed-notice").inner_text()
    assert_accessible(anne, question)  # closed
    # a refusal (here: marking by someone else) is the page again, with an alert
    bert.goto(question)
    bert.evaluate(
        """() => { const f = document.createElement('form'); f.method = 'post';
        f.action = location.pathname + '@@close';
        const t = document.createElement('input'); t.name = 'csrf_token';
        t.value = document.querySelector('input[name=csrf_token]').value;
        f.append(t); document.body.append(f); f.submit(); }"""
    )
    bert.wait_for_load_state()
    assert "sluiten de vraag" in bert.get_by_role("alert").inner_text()
    assert axe_violations(bert) == []

    bert.goto(discussion)
    bert.get_by_label("Je reactie").fill("Ik, om tien uur.")
    with bert.expect_navigation():
        bert.get_by_role("button", name="Reactie plaatsen").click()
    assert_accessible(bert, discussion)
    visitor = browser.new_context().new_page()
    assert_accessible(visitor, question)
    assert_accessible(visitor, discussion)
    for page in (anne, bert, visitor):
        page.context.close()
