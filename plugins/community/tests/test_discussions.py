"""Discussions and questions through their pages: replies, answers, the best answer,
closing and opening again, who may settle a question, bad input, Unicode, the demo and the
exit (export and import)."""

from __future__ import annotations

import json
import zipfile
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pleio_community.discussions import (
    Discussion,
    Question,
    export_extra,
    import_extra,
    listing_note,
)

from pleio_core.testing import (
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    assert_valid_html,
    bearer,
    make_token,
    page_csrf,
    sign_in_client,
)

HOST = "praat.localhost"
#: carl owns the group; anne and bert are in it; dora is a member of the site, not of it.
PEOPLE = {
    "anne": "member", "bert": "member", "carl": "member", "dora": "member", "eva": "editor",
    "admin": "admin",
}  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    setup = PleioTestSetup(tmp_path_factory.mktemp("discussions") / "pleio")
    setup.write_site("praat", modules=("community",), hosts=(HOST,), access="public")
    for who, role in PEOPLE.items():
        setup.create_account(f"{who}@example.nl", who.capitalize(), praat=role)
    world = SiteWorld(setup, setup.make_app(), "praat", HOST)
    carl = world.client("carl")
    world.group = add_through_form(
        carl, "/community/", "group", title="Werkgroep", body="Over ons.", access="public"
    )
    for who in ("anne", "bert"):
        act(world.client(who), world.group, "join")
    yield world
    setup.close()


def act(client, path: str, view: str, status: int = 303, **fields):
    """POST to ``path@@view`` with the CSRF token from the page at ``path``."""
    token = page_csrf(client.get(path))
    return client.post(f"{path}@@{view}", {"csrf_token": token, **fields}, status=status)


def ask(world, title: str, who: str = "anne", **fields) -> str:
    fields = {"access": "public", **fields}
    return add_through_form(world.client(who), world.group, "question", title=title, **fields)


def answer(world, who: str, path: str, text: str, status: int = 303, **fields) -> int | None:
    """Post an answer (or a reply, with ``reply_to``); the new comment's id."""
    response = act(world.client(who), path, "comment", status=status, text=text, **fields)
    return int(response.location.rsplit("#comment-", 1)[1]) if status == 303 else None


def answers(page) -> list[str]:
    """The answers on a question's page, as read: "best:" before the best, then its text."""
    return [
        ("best:" if "answer--best" in li["class"] else "") + li.select_one(".body").text.strip()
        for li in page.html.select("ol.answers > li")
    ]


def stored(world, path: str):
    with world.committed(path) as item:
        return item.best_answer, item.closed, len(item.comments or ())


# -- discussions ---------------------------------------------------------------------------


def test_a_discussion_takes_replies_and_needs_its_opening_text(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    refused = add_through_form(
        anne, "/community/", "discussion", status=400, title="Zonder tekst", access="public"
    )
    assert "Schrijf waarover je wilt praten." in refused.text
    with world.committed("/community") as folder:
        assert "zonder-tekst" not in folder
    path = add_through_form(
        anne, "/community/", "discussion", title="Koffie", body="Wie zet koffie?",
        access="public",
    )  # fmt: skip
    assert path == "/community/koffie/"
    page = world.client().get(path)
    assert "Terug naar Community" in page.html.select_one("article").text
    assert page.html.select_one("h1").text == "Koffie"
    assert "0 reacties" in page.html.select_one(".meta").text
    act(bert, path, "comment", text="Ik, om **tien** uur.")
    page = world.client().get(path)
    assert "<strong>tien</strong>" in page.text and "1 reactie" in page.text
    assert "Koffie" in world.client().get("/community/").text  # in the community's listing
    with world.committed(path) as discussion:
        assert isinstance(discussion, Discussion)


# -- questions -----------------------------------------------------------------------------


def test_the_asker_marks_the_best_answer_which_comes_first_and_is_said_in_words(world) -> None:
    path = ask(world, "Welk lettertype?", body="Voor de nieuwsbrief.")
    assert path == f"{world.group}welk-lettertype/"
    first = answer(world, "carl", path, "Een schreefloze letter.")
    second = answer(world, "bert", path, "De huisstijl schrijft er een voor.")
    answer(world, "anne", path, "Welke dan?", reply_to=str(second))  # a reply, no answer
    page = world.client().get(path)
    assert answers(page) == ["Een schreefloze letter.", "De huisstijl schrijft er een voor."]
    assert "2 antwoorden" in page.html.select_one(".meta").text
    assert not page.html.select("#settle-form")  # for visitors: nothing to settle
    act(world.client("anne"), path, "best-answer", answer=str(second))
    page = world.client("anne").get(path)
    assert answers(page) == ["best:De huisstijl schrijft er een voor.", "Een schreefloze letter."]
    assert page.html.select_one(".answer--best .answer__best").text.strip() == "✓ Beste antwoord"
    assert "beantwoord" in page.html.select_one(".meta").text
    assert stored(world, path)[0] == second
    # another answer is marked; then none
    act(world.client("anne"), path, "best-answer", answer=str(first))
    assert answers(world.client().get(path))[0] == "best:Een schreefloze letter."
    act(world.client("anne"), path, "best-answer", answer="none")
    assert stored(world, path)[0] is None
    assert not world.client().get(path).html.select(".answer--best")


def test_the_asker_is_notified_of_an_answer_once(world) -> None:
    path = ask(world, "Wie heeft de sleutel?")
    answer(world, "bert", path, "Die ligt bij de balie.")
    page = world.client("anne").get("/@@notifications")
    lines = [" ".join(li.text.split()) for li in page.html.select("#notifications li")]
    [line] = [line for line in lines if "Wie heeft de sleutel?" in line]  # once, not twice
    assert "Bert" in line


def test_with_the_community_off_its_questions_are_not_there(world) -> None:
    path = ask(world, "Is het aan?")
    best = answer(world, "bert", path, "Ja.")
    anne = world.client("anne")
    token = page_csrf(anne.get(path))
    world.switch_module("community", False)
    try:
        anne.get(path, status=404)
        for view, fields in (("best-answer", {"answer": str(best)}), ("close", {})):
            anne.post(f"{path}@@{view}", {"csrf_token": token, **fields}, status=404)
    finally:
        world.switch_module("community", True)
    assert stored(world, path) == (None, False, 1)


def test_who_may_mark_the_best_answer_and_close(world) -> None:
    path = ask(world, "Wanneer vergaderen we?")
    best = answer(world, "bert", path, "Op dinsdag.")
    # someone else than the asker, the group's owner or an admin: 403, nothing written
    for who in ("bert", "dora", "eva"):
        refused = act(world.client(who), path, "best-answer", status=403, answer=str(best))
        assert "markeren" in refused.html.select_one("#question-error").text
        act(world.client(who), path, "close", status=403)
        assert stored(world, path) == (None, False, 1)
    # without the CSRF token: refused, for the asker too
    world.client().post(f"{path}@@best-answer", {"answer": str(best)}, status=400)
    for view in ("best-answer", "close"):
        world.client("anne").post(f"{path}@@{view}", {"answer": str(best)}, status=400)
    assert stored(world, path) == (None, False, 1)
    # the group's owner and the site's admin may
    act(world.client("carl"), path, "best-answer", answer=str(best))
    assert stored(world, path)[0] == best
    act(world.client("admin"), path, "close")
    assert stored(world, path)[1] is True
    act(world.client("carl"), path, "reopen")
    assert stored(world, path)[1] is False


def test_a_bad_best_answer_is_refused_with_a_message(world) -> None:
    path = ask(world, "Hoe laat begint het?")
    top = answer(world, "bert", path, "Om negen uur.")
    reply = answer(world, "carl", path, "Of half tien.", reply_to=str(top))
    anne = world.client("anne")
    for value, why in (
        (None, "Kies het antwoord"),
        ("", "Kies het antwoord"),
        ("negen", "Kies het antwoord"),
        ("12345", "niet (meer) te vinden"),
        (str(reply), "een reactie op een antwoord"),
    ):
        fields = {} if value is None else {"answer": value}
        refused = act(anne, path, "best-answer", status=400, **fields)
        assert why in refused.html.select_one("#question-error").text, value
        assert stored(world, path)[0] is None


def test_a_closed_question_takes_no_answers_until_it_is_opened_again(world) -> None:
    path = ask(world, "Is de zaal vrij?")
    top = answer(world, "bert", path, "Ja.")
    anne = world.client("anne")
    act(anne, path, "close")
    page = world.client("bert").get(path)
    assert "Deze vraag is gesloten" in page.html.select_one("#closed-notice").text
    assert "gesloten" in page.html.select_one(".meta").text
    assert not page.html.select("#answer-form") and not page.html.select("details.reply")
    assert page.html.select_one("#answers-heading").text.strip() == "Antwoorden (1)"
    for fields in ({"text": "Nee."}, {"text": "Toch?", "reply_to": str(top)}, {}):
        refused = act(world.client("bert"), path, "comment", status=409, **fields)
        assert "Deze vraag is gesloten" in refused.html.select_one("#question-error").text
    # nor through the API, nor a like
    client = sign_in_client(world.setup, world.app, "bert@example.nl", HOST)
    token = make_token(client, "praat")
    api = world.setup.client(world.app, host=HOST)
    api.post_json(
        f"/api/v1/comments{path}", {"text": "Via de API"}, headers=bearer(token), status=403
    )
    act(world.client("bert"), path, "like", status=403, liked="1")
    assert stored(world, path) == (None, True, 1)
    # the asker still marks the best answer of a closed question, and opens it again
    act(anne, path, "best-answer", answer=str(top))
    act(anne, path, "reopen")
    assert "#closed-notice" not in anne.get(path).text
    answer(world, "bert", path, "Vanaf twee uur ook.")
    assert stored(world, path) == (top, False, 2)


def test_an_empty_answer_is_refused_and_a_question_needs_a_title(world) -> None:
    path = ask(world, "Waar parkeer ik?")
    refused = act(world.client("bert"), path, "comment", status=400, text="   ")
    assert "Schrijf een reactie." in refused.text
    assert stored(world, path) == (None, False, 0)
    add_through_form(world.client("anne"), world.group, "question", status=400, title="")


def test_questions_of_a_group_are_its_members_to_answer(world) -> None:
    path = ask(world, "Alleen voor de groep?", access="group")
    world.client("dora").get(path, status=403)  # a member of the site, not of the group
    world.client().get(path, status=403)
    dora = world.client("dora")
    token = page_csrf(dora.get("/community/"))
    for view in ("comment", "best-answer", "close", "reopen"):
        response = dora.post(f"{path}@@{view}", {"csrf_token": token}, expect_errors=True)
        assert response.status_int in (401, 403, 404), (view, response.status_int)
    assert stored(world, path) == (None, False, 0)
    # a member of the site outside the group may read a public question, not answer it
    public = ask(world, "Openbare vraag")
    assert not dora.get(public).html.select("#answer-form")
    act(dora, public, "comment", status=403, text="Mag ik?")
    assert stored(world, public) == (None, False, 0)


def test_a_question_made_by_its_class_renders_and_its_listing_note(world) -> None:
    question = Question("Zomaar", owner="someone")
    question.set_body("Tekst")
    assert question.answers() == [] and question.best() is None
    assert Discussion("Praat", owner="someone").title == "Praat"

    class Request:  # what listing_note needs of a request: a localizer
        class localizer:
            @staticmethod
            def pluralize(one, many, count, domain, mapping):
                return (one if count == 1 else many).replace("${count}", str(count))

            @staticmethod
            def translate(text):
                return str(text)

    question.closed = True
    assert listing_note(Request, question) == "0 answers · closed"
    assert listing_note(Request, object()) == ""


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60),
    text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200),
)
def test_any_unicode_in_a_question_and_its_answers(world, title: str, text: str) -> None:
    anne = world.client("anne")
    form = anne.get(f"{world.group}@@add?type=question").forms["content-form"]
    form["title"], form["body"] = title, text
    response = form.submit("save", expect_errors=True)
    if response.status_int == 400:  # a title of spaces only, or one the core refuses
        assert response.html.select(".error-summary, .utrecht-form-field-error-message")
        return
    path = urlsplit(response.location).path
    status = 303 if text.strip() else 400
    answer(world, "bert", path, text, status=status)
    page = anne.get(path)
    assert page.status_int == 200
    if status == 303:
        [top] = page.html.select("ol.answers > li")
        act(anne, path, "best-answer", answer=top["id"].removeprefix("comment-"))


def test_the_demo_has_a_discussion_and_an_answered_question_in_both_languages(
    tmp_path,
) -> None:
    setup = PleioTestSetup(tmp_path / "pleio")
    try:
        assert setup.pleio("demo") == 0
        app = setup.make_app()
        for host, texts in (
            ("rijksportaal.localhost", ("Hoe toegankelijk", "Beste antwoord", "4,5 : 1")),
            ("kia.localhost", ("How accessible", "Best answer", "4.5 : 1")),
        ):
            client = setup.client(app, host=host)
            group = client.get("/community/sample-group/")
            assert texts[0] in group.text
            page = client.get("/community/sample-group/question/")
            assert texts[1] in page.html.select_one(".answer--best").text
            assert texts[2] in page.html.select_one(".answer--best .body").text
    finally:
        setup.close()


def test_export_extra_and_import_extra_are_a_round_trip() -> None:
    question = Question("Vraag", owner="x")
    assert export_extra(question, lambda a: a) is None
    question.closed, question.best_answer = True, 42  # (no such answer: not exported)
    assert export_extra(question, lambda a: a) == {
        "question": {"best_answer": None, "closed": True}
    }
    assert export_extra(Discussion("Praat"), lambda a: a) is None
    copy = Question("Vraag")
    assert import_extra(copy, {"question": {"best_answer": 7, "closed": True}}, str)
    assert (copy.best_answer, copy.closed) == (7, True)
    assert not import_extra(Discussion("Praat"), {"question": {}}, str)
    for bad in ({"best_answer": "7", "closed": True}, {"best_answer": 7, "closed": "ja"},
                {"best_answer": True, "closed": False}, {"closed": False}, []):  # fmt: skip
        with pytest.raises(ValueError):
            import_extra(Question("Vraag"), {"question": bad}, str)


def test_the_pages_are_valid_html(world) -> None:
    path = ask(world, "Geldige vraag?", body="*Ja*")
    best = answer(world, "bert", path, "Zeker.")
    answer(world, "carl", path, "Vast.", reply_to=str(best))
    anne = world.client("anne")
    act(anne, path, "best-answer", answer=str(best))
    discussion = add_through_form(
        anne, world.group, "discussion", title="Geldig gesprek", body="Hallo", access="public"
    )
    act(world.client("bert"), discussion, "comment", text="Hoi")
    pages = {
        "asker": anne.get(path),
        "member": world.client("bert").get(path),
        "visitor": world.client().get(path),
        "refused": act(anne, path, "best-answer", status=400, answer="x"),
        "discussion": world.client("bert").get(discussion),
    }
    act(anne, path, "close")
    pages["closed"] = world.client("bert").get(path)
    pages["answer refused"] = act(world.client("bert"), path, "comment", status=409, text="Nee")
    assert_valid_html({name: page.body for name, page in pages.items()})


def test_an_exported_site_keeps_the_best_answer_and_the_closed_state(world, tmp_path) -> None:
    """It closes the module's app to export with the command line, and leaves a new one."""
    path = ask(world, "Wat nemen we mee?")
    best = answer(world, "bert", path, "Een pen.")
    act(world.client("anne"), path, "best-answer", answer=str(best))
    act(world.client("anne"), path, "close")
    open_one = ask(world, "Nog open?")
    world.setup.close()
    archive = str(tmp_path / "praat.zip")
    assert world.setup.pleio("site", "export", "praat", archive) == 0
    with zipfile.ZipFile(archive) as zipped:
        docs = [json.loads(zipped.read(n)) for n in zipped.namelist() if n.startswith("content/")]
    extra = {d["path"]: d.get("extra", {}).get("community") for d in docs}
    assert extra[path.strip("/")] == {"question": {"best_answer": best, "closed": True}}
    assert extra[open_one.strip("/")] is None
    assert world.setup.pleio("site", "import", "kopie", archive, "--host", "kopie.localhost") == 0
    app = world.setup.make_app()
    copy = world.setup.client(app, host="kopie.localhost")
    page = copy.get(path)
    assert answers(page) == ["best:Een pen."]
    assert page.html.select("#closed-notice")
    # the module's world goes on with the new app (its clients sign in again)
    world.app, world._clients = app, {}
    assert world.client("anne").get(path).status_int == 200
