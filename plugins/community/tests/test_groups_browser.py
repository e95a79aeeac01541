"""Groups in a real browser: every group page under axe, joining by keyboard alone."""

import pytest

from pleio_core.testing import PleioTestSetup, assert_accessible, axe_violations, signed_in_page

HOST = "groups.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory, smtp_server):
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("groups", modules=["community", "wiki"], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", groups="member")
    pleio_setup.create_account("bert@example.nl", "Bert", groups="member")
    return live_server_factory(pleio_setup.make_app())


def test_group_pages_pass_axe_and_joining_works_by_keyboard(browser, server) -> None:
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    add_group = server.url(HOST, "/community/@@add?type=group")
    assert_accessible(anne, add_group)
    anne.goto(add_group)
    anne.get_by_label("Titel").fill("Werkgroep")
    anne.get_by_label("Besloten", exact=False).check()
    anne.get_by_label("Iedereen die deze site kan zien").check()
    anne.get_by_role("button", name="Opslaan").click()
    anne.wait_for_url("**/community/werkgroep/")
    group = anne.url

    bert = signed_in_page(browser, server, HOST, "bert@example.nl")
    bert.goto(group)
    bert.get_by_role("button", name="Vraag om lid te worden van deze groep").focus()
    with bert.expect_navigation():
        bert.keyboard.press("Enter")
    assert bert.get_by_text("Je hebt gevraagd om lid te worden").is_visible()
    assert_accessible(bert, group)

    # the owner answers by keyboard too; the members page with a request on it passes axe
    assert_accessible(anne, group + "@@members")
    anne.goto(group + "@@members")
    anne.get_by_role("button", name="Bert goedkeuren").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert anne.get_by_role("status").inner_text().startswith("Het verzoek is goedgekeurd")
    assert_accessible(anne, group + "@@members")
    assert_accessible(anne, group)
    assert_accessible(anne, group + "@@add?type=page")
    # refused: the only owner cannot leave; the page that says so passes axe too
    anne.goto(group)
    anne.get_by_role("button", name="Deze groep verlaten").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert "enige eigenaar" in anne.get_by_role("alert").inner_text()
    assert axe_violations(anne) == []
    visitor = browser.new_context().new_page()
    assert_accessible(visitor, group)
    assert_accessible(visitor, server.url(HOST, "/community/"))
    assert_accessible(bert, server.url(HOST, "/community/"))
    for page in (anne, bert, visitor):
        page.context.close()


def test_an_invitation_by_e_mail_and_its_welcome_by_keyboard(browser, server, smtp_server) -> None:
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    anne.goto(server.url(HOST, "/community/@@add?type=group"))
    anne.get_by_label("Titel").fill("Verborgen kring")
    anne.get_by_label("Alleen de leden", exact=False).check()
    anne.get_by_label("Welkom voor nieuwe leden").fill("Fijn dat je er bent.")
    anne.get_by_role("button", name="Opslaan").click()
    anne.wait_for_url("**/community/verborgen-kring/")
    group = anne.url
    anne.goto(group + "@@members")
    anne.get_by_label("E-mailadressen").fill("bert@example.nl")
    anne.get_by_role("button", name="Verstuur de uitnodigingen").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert "per e-mail verstuurd" in anne.get_by_role("status").inner_text()
    assert_accessible(anne, group + "@@members")
    link = smtp_server.link("bert@example.nl", "@@invitation")
    link = server.url(HOST, "/" + link.split("://", 1)[1].split("/", 1)[1])
    anne.goto(link)  # for another address: refused (403), and the page says why
    assert "bert@example.nl" in anne.get_by_role("alert").inner_text()
    assert axe_violations(anne) == []
    visitor = browser.new_context().new_page()
    assert_accessible(visitor, link)  # sign in first
    bert = signed_in_page(browser, server, HOST, "bert@example.nl")
    assert_accessible(bert, link)
    bert.goto(link)
    bert.get_by_role("button", name="Word lid van de groep").focus()
    with bert.expect_navigation():
        bert.keyboard.press("Enter")
    assert "Fijn dat je er bent." in bert.get_by_role("status").inner_text()
    assert_accessible(bert, bert.url)
    answer = visitor.goto(link)  # used: the hidden group is not found by whoever is outside it
    assert answer.status == 404 and visitor.title().startswith("Pagina niet gevonden")
    for page in (anne, bert, visitor):
        page.context.close()
