"""The wiki in a real browser: two editors at once, and every wiki page kind under axe."""

import re

import pytest

from pleio_core.testing import (
    WIDTHS,
    LiveServer,
    PleioTestSetup,
    assert_accessible,
    axe_violations,
    signed_in_page,
)

HOST = "wiki.localhost"
START = "Eerste alinea.\n\nTweede alinea.\n\nDerde alinea."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One installation and live server for the module: each test adds pages of its own
    titles, and neither counts the other's."""
    setup = PleioTestSetup(tmp_path_factory.mktemp("wiki"))
    setup.write_site("wiki", modules=["wiki"], access="public")
    setup.create_account("anne@example.nl", "Anne", wiki="member")
    setup.create_account("bert@example.nl", "Bert", wiki="member")
    server = LiveServer(setup.make_app())
    yield server
    server.close()
    setup.close()


def add_page(page, server, title: str, body: str, where: str = "/wiki/") -> str:
    page.goto(server.url(HOST, f"{where}@@add?type=page"))
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Tekst").fill(body)
    page.get_by_label("Openbaar").check()
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/wiki/**/")
    return page.url


def open_editor(page, url: str) -> None:
    page.goto(url + "@@edit")


def write(page, body: str) -> None:
    page.get_by_label("Tekst").fill(body)
    page.get_by_role("button", name="Opslaan").click()


def test_two_editors_merge_different_paragraphs_and_keep_both_texts_on_a_conflict(
    browser, server
) -> None:
    anne, bert = (
        signed_in_page(browser, server, HOST, "anne@example.nl"),
        signed_in_page(browser, server, HOST, "bert@example.nl"),
    )
    url = add_page(anne, server, "Samen", START)
    open_editor(anne, url)
    open_editor(bert, url)
    write(anne, START.replace("Eerste alinea.", "Eerste alinea, van Anne."))
    anne.wait_for_url(url)
    write(bert, START.replace("Derde alinea.", "Derde alinea, van Bert."))
    bert.wait_for_url("**merged=1")
    assert bert.get_by_role("status").is_visible()
    text = bert.locator("article .body").inner_text()
    assert "Eerste alinea, van Anne." in text and "Derde alinea, van Bert." in text
    assert_accessible(bert, bert.url)  # the page that tells of the merge

    open_editor(anne, url)
    open_editor(bert, url)
    write(anne, "Anne schrijft de tweede alinea.\n\n" + START)
    anne.wait_for_url(url)
    bert.get_by_label("Tekst").fill("Bert schrijft ook de tweede alinea.\n\n" + START)
    with bert.expect_response(lambda r: r.request.method == "POST") as answer:
        bert.get_by_role("button", name="Opslaan").click()
    assert answer.value.status == 409
    assert "Anne schrijft de tweede alinea." in bert.locator(".other-version").inner_text()
    assert bert.get_by_label("Tekst").input_value().startswith("Bert schrijft ook")
    for width in WIDTHS:  # the conflict page (a POST's answer: checked as it stands)
        bert.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(bert) == [], width
    bert.context.close()
    anne.context.close()


def test_every_wiki_page_kind_passes_axe(browser, server) -> None:
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    top = add_page(
        anne, server, "Handboek",
        "Zie [[Werkwijze]] en [[Ontbreekt|een ontbrekende pagina]].\n\n## Doel\n\nTekst.\n\n"
        "## Aanpak\n\nMeer tekst.",
    )  # fmt: skip
    add_page(anne, server, "Werkwijze", "Terug naar [[Handboek]].", where="/wiki/handboek/")
    add_page(anne, server, "Bijlage", "Een bijlage.", where="/wiki/handboek/")
    child = server.url(HOST, "/wiki/handboek/werkwijze/")
    for url in (top, child, top + "@@move", child + "@@move", top + "@@history"):
        assert_accessible(anne, url)
    anne.goto(top)
    anne.get_by_role("link", name="een ontbrekende pagina").click()
    assert anne.get_by_label("Titel").input_value() == "Ontbreekt"
    assert axe_violations(anne) == []
    # the order of sub-pages, by keyboard
    anne.goto(top)
    anne.get_by_role("button", name=re.compile(r"Omlaag\s*: Bijlage")).focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    order = anne.locator(".sub-pages > li > a").all_inner_texts()
    assert order == ["Werkwijze", "Bijlage"]
    visitor = browser.new_context().new_page()
    assert_accessible(visitor, top)
    # the tree is an aside on the left on desktop, and below the page on a phone
    visitor.goto(top)
    for width, tree_first in ((1280, True), (375, False)):
        visitor.set_viewport_size({"width": width, "height": 900})
        tree = visitor.locator(".wiki-tree").bounding_box()
        article = visitor.locator(".wiki-page").bounding_box()
        assert tree and article
        if tree_first:
            assert tree["x"] < article["x"] and article["width"] > 2 * tree["width"]
        else:
            assert tree["y"] > article["y"] and tree["width"] == article["width"]
    visitor.context.close()
    anne.context.close()
