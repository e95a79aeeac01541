"""Notifications in a real browser: the list, the settings and the unsubscribe page pass
axe at every width (WIDTHS), and following, the settings and unsubscribing work by keyboard."""

from __future__ import annotations

import re

from pleio_core.testing import PleioTestSetup, assert_accessible, axe_violations, signed_in_page

HOST = "melding.localhost"


def test_notification_pages_pass_axe_and_work_by_keyboard(
    browser, pleio_setup: PleioTestSetup, live_server_factory, smtp_server
) -> None:
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("melding", modules=["wiki"], hosts=[HOST], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne Aal", melding="member")
    pleio_setup.create_account("bert@example.nl", "Bert Bos", melding="member")
    server = live_server_factory(pleio_setup.make_app())
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    anne.goto(server.url(HOST, "/wiki/@@add?type=page"))
    anne.get_by_label("Titel").fill("Speeltuin")
    anne.get_by_role("button", name="Opslaan").click()
    anne.wait_for_url("**/wiki/speeltuin/")
    page_url = anne.url
    assert_accessible(anne, server.url(HOST, "/@@notifications"))  # (none yet)

    bert = signed_in_page(browser, server, HOST, "bert@example.nl")
    bert.goto(page_url)
    bert.get_by_role("button", name="Volgen").focus()
    with bert.expect_navigation():
        bert.keyboard.press("Enter")
    assert bert.get_by_role("button", name="Ontvolgen").is_visible()
    assert_accessible(bert, page_url)
    bert.get_by_label("Je reactie").fill("Mooi, @Anne Aal!")
    bert.get_by_role("button", name="Reactie plaatsen").click()
    bert.wait_for_url(re.compile(r".*#comment-\d+"))

    anne.goto(server.url(HOST, "/"))
    tool = anne.locator(".notifications-tool")
    assert tool.locator(".unread-count").inner_text() == "1"
    assert "Meldingen" in tool.text_content() and "1 ongelezen melding" in tool.text_content()
    assert_accessible(anne, server.url(HOST, "/@@notifications"))
    assert "Bert Bos noemde je in “Speeltuin”" in anne.locator("#notifications").inner_text()

    settings = server.url(HOST, "/@@notification-settings")
    assert_accessible(anne, settings)
    anne.goto(settings)
    anne.locator("#kind-mention-digest").focus()
    anne.keyboard.press("Space")
    anne.locator("#frequency-weekly").focus()
    anne.keyboard.press("Space")
    anne.get_by_role("button", name="Opslaan").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert "opgeslagen" in anne.get_by_role("status").inner_text()
    assert anne.locator("#kind-mention-digest").is_checked()
    assert_accessible(anne, settings)

    link = smtp_server.link("anne@example.nl", "/@@unsubscribe")
    visitor = browser.new_context().new_page()
    assert_accessible(visitor, link)
    visitor.goto(link)
    visitor.get_by_role("button", name="Afmelden").focus()
    with visitor.expect_navigation():
        visitor.keyboard.press("Enter")
    assert "geen e-mail meer" in visitor.get_by_role("status").inner_text()
    assert_accessible(visitor, link)  # (the page asks again: a GET changes nothing)
    for page in (anne, bert, visitor):
        page.context.close()


def test_mention_suggestions_by_keyboard(
    browser, pleio_setup: PleioTestSetup, live_server_factory
) -> None:
    """With JavaScript, typing "@An" offers "Anne Aal"; Arrow Down and Enter put it in."""
    pleio_setup.write_site("melding", modules=["wiki"], hosts=[HOST], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne Aal", melding="member")
    pleio_setup.create_account("bert@example.nl", "Bert Bos", melding="member")
    server = live_server_factory(pleio_setup.make_app())
    bert = signed_in_page(browser, server, HOST, "bert@example.nl")
    bert.goto(server.url(HOST, "/wiki/@@add?type=page"))
    bert.get_by_label("Titel").fill("Bankje")
    bert.get_by_role("button", name="Opslaan").click()
    bert.wait_for_url("**/wiki/bankje/")
    box = bert.get_by_label("Je reactie")
    box.focus()
    bert.keyboard.type("Zie @An")
    suggestion = bert.get_by_role("button", name="Anne Aal")
    suggestion.wait_for()
    assert "1 suggestie" in bert.locator("[aria-live=polite]").last.text_content()
    assert axe_violations(bert) == []
    bert.keyboard.press("ArrowDown")
    bert.keyboard.press("Enter")
    assert box.input_value() == "Zie @Anne Aal "
    assert bert.evaluate("document.activeElement.id") == "comment-text"
    bert.context.close()
