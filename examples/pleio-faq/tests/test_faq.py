"""The FAQ through its pages: editors write questions, everyone reads them by topic, in
Dutch and English; a site without the module answers 404; the page passes axe."""

import pytest
from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form, assert_accessible

HOST = "alpha.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> SiteWorld:
    pleio_setup.write_site("alpha", modules=["faq"], access="public")
    pleio_setup.write_site("beta")  # without the module
    pleio_setup.create_account("erik@example.nl", "Erik", alpha="editor")
    pleio_setup.create_account("anne@example.nl", "Anne", alpha="member")
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "alpha", HOST)


def ask(world: SiteWorld, question: str, answer: str, topic: str = "") -> str:
    return add_through_form(
        world.client("erik"), "/faq/", "faq_question",
        title=question, body=answer, topic=topic, access="public",
    )  # fmt: skip


def test_questions_are_listed_by_topic_with_their_answers(world: SiteWorld) -> None:
    ask(world, "Hoe meld ik me aan?", "Via **Inloggen**.", topic="Account")
    ask(world, "Wat is Pleio?", "Een platform.")
    ask(world, "Hoe wijzig ik mijn wachtwoord?", "Op *Mijn gegevens*.", topic="Account")
    page = world.client().get("/faq/").html
    assert page.h1.text == "Veelgestelde vragen"
    sections = page.select("section.faq-topic")
    assert [s.h2.text if s.h2 else "" for s in sections] == ["", "Account"]
    assert [d.summary.text for d in sections[1].select("details")] == [
        "Hoe meld ik me aan?",
        "Hoe wijzig ik mijn wachtwoord?",
    ]
    assert sections[1].select_one("details .body strong").text == "Inloggen"
    with world.committed("/faq/wat-is-pleio") as question:
        assert (question.title, question.topic) == ("Wat is Pleio?", "")


def test_a_question_is_found_by_its_topic_too(world: SiteWorld) -> None:
    ask(world, "Hoe meld ik me aan?", "Via de knop.", topic="Toegangspas")
    page = world.client().get("/@@search", params={"text": "toegangspas"})
    assert [a.text for a in page.html.select(".search-hits h3 a")] == ["Hoe meld ik me aan?"]


def test_the_page_speaks_dutch_and_english(world: SiteWorld) -> None:
    visitor = world.client()
    assert "Er zijn nog geen vragen." in visitor.get("/faq/").text
    english = visitor.get("/faq/", headers={"Cookie": "pleio_lang=en"})
    assert english.html.h1.text == "FAQ" and "There are no questions yet." in english.text
    form = world.client("erik").get("/faq/@@add?type=faq_question").text
    assert "Onderwerp" in form


def test_members_read_but_only_editors_write(world: SiteWorld) -> None:
    anne = world.client("anne")
    assert "toevoegen" not in anne.get("/faq/").text
    anne.get("/faq/@@add?type=faq_question", status=403)
    too_long = add_through_form(
        world.client("erik"), "/faq/", "faq_question", status=400,
        title="Lang?", body="Ja.", topic="x" * 101, access="public",
    )  # fmt: skip
    assert too_long.html.select_one("input[name=topic][aria-invalid=true]") is not None


def test_a_site_without_the_module_answers_404(world: SiteWorld) -> None:
    world.client().get("/faq/", host="beta.localhost", status=404)


def test_the_faq_page_is_accessible(world: SiteWorld, live_server_factory, page) -> None:
    ask(world, "Wat is Pleio?", "Een platform.", topic="Algemeen")
    server = live_server_factory(world.app)
    assert_accessible(page, server.url(HOST, "/faq/"))
    page.locator("summary", has_text="Wat is Pleio?").click()  # opens the answer
    assert page.get_by_text("Een platform.").is_visible()
