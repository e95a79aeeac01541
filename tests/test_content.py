"""The content framework: a type declared by a plugin gets its pages, permissions and more."""

from datetime import timedelta

import pytest

from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, SITE_DATABASES
from pleio_core.testing import PleioTestSetup


@pytest.fixture
def notes(pleio_setup: PleioTestSetup, notes_plugin):
    pleio_setup.write_site("demo", modules=["notes"], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", demo="member")
    pleio_setup.create_account("bert@example.nl", "Bert", demo="member")
    pleio_setup.create_account("eva@example.nl", "Eva", demo="editor")
    pleio_setup.create_account("otto@example.nl", "Otto")
    app = pleio_setup.make_app()
    return pleio_setup, app


def people(setup, app, *names: str) -> list:
    """A client per name, signed in on the demo site as <name>@example.nl."""
    return [setup.signed_in(app, f"{name}@example.nl", "demo.localhost") for name in names]


def add_note(
    client, title="Eerste notitie", body="Hallo **wereld**", access="public", status=303, **extra
):
    form = client.get("/notes/@@add?type=note").forms["content-form"]
    form["title"], form["body"] = title, body
    form["access"].force_value(access)
    for key, value in extra.items():
        form[key] = value
    return form.submit("save", status=status)


def test_a_member_adds_views_edits_and_deletes_a_note(notes) -> None:
    setup, app = notes
    anne = setup.signed_in(app, "anne@example.nl", "demo.localhost")
    created = add_note(anne, tags="alpha, beta")
    assert created.status_int == 303
    assert created.location == "http://demo.localhost/notes/eerste-notitie/"
    page = anne.get("/notes/eerste-notitie/")
    assert "<strong>wereld</strong>" in page.text and "alpha" in page.text
    assert "Anne" in page.text
    # anyone may read public content on a public site
    assert "Eerste notitie" in setup.client(app, host="demo.localhost").get(
        "/notes/eerste-notitie/"
    )
    form = anne.get("/notes/eerste-notitie/@@edit").forms["content-form"]
    assert form["title"].value == "Eerste notitie"
    form["title"] = "Eerste notitie, herzien"
    form.submit("save", status=303)
    assert "herzien" in anne.get("/notes/eerste-notitie/").text
    # the same title again gets a name of its own
    assert add_note(anne).location.endswith("/notes/eerste-notitie-2/")
    anne.get("/notes/eerste-notitie/@@delete").forms["delete-form"].submit(status=303)
    anne.get("/notes/eerste-notitie/", status=404)


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(notes) -> None:
    setup, app = notes
    anne = setup.signed_in(app, "anne@example.nl", "demo.localhost")
    refused = add_note(anne, title="   ", body="x" * 500_001, access="everybody", status=400)
    assert refused.status_int == 400
    assert "Geef een titel." in refused.text  # the site speaks Dutch
    assert "te lang" in refused.text
    assert 'id="error-summary"' in refused.text
    assert "item-list" not in anne.get("/notes/").text


def test_scripts_and_javascript_links_are_stored_harmless(notes) -> None:
    setup, app = notes
    anne = setup.signed_in(app, "anne@example.nl", "demo.localhost")
    body = "<script>alert(1)</script> [klik](javascript:alert(1)) <img src=x onerror=alert(1)>"
    add_note(anne, title="Veilig", body=body)
    text = anne.get("/notes/veilig/").text
    assert "<script>alert" not in text and 'href="javascript:' not in text
    assert "onerror" not in text.replace("onerror=alert(1)&gt;", "")


def test_a_stale_edit_is_answered_409_and_keeps_both_texts(notes) -> None:
    setup, app = notes
    anne, eva = people(setup, app, "anne", "eva")
    add_note(anne, title="Gedeeld", body="begin")
    mine = anne.get("/notes/gedeeld/@@edit").forms["content-form"]
    theirs = eva.get("/notes/gedeeld/@@edit").forms["content-form"]
    theirs["body"] = "de tekst van Eva"
    theirs.submit("save", status=303)
    mine["body"] = "de tekst van Anne"
    conflict = mine.submit("save", status=409)
    assert "de tekst van Eva" in conflict.text  # theirs is shown
    assert "de tekst van Anne" in conflict.forms["content-form"]["body"].value  # mine is kept
    assert "de tekst van Eva" in anne.get("/notes/gedeeld/").text  # nothing overwritten
    conflict.forms["content-form"].submit("save", status=303)  # saving again is a choice
    assert "de tekst van Anne" in anne.get("/notes/gedeeld/").text


def test_who_may_do_what(notes) -> None:
    setup, app = notes
    anne, bert, eva, otto = people(setup, app, "anne", "bert", "eva", "otto")
    anonymous = setup.client(app, host="demo.localhost")
    add_note(anne, title="Privé", access="private")
    add_note(anne, title="Leden", access="members")
    bert.get("/notes/prive/", status=403)
    bert.get("/notes/leden/")
    otto.get("/notes/leden/", status=403)
    anonymous.get("/notes/leden/", status=403)
    bert.get("/notes/leden/@@edit", status=403)
    eva.get("/notes/leden/@@edit")  # editors edit what they can see
    eva.get("/notes/leden/@@delete", status=403)
    otto.get("/notes/@@add?type=note", status=403)
    anne.get("/notes/@@add?type=nothing", status=404)
    # the list shows only what the visitor may see
    assert "Privé" not in bert.get("/notes/").text
    assert "Privé" in anne.get("/notes/").text


def test_drafts_and_scheduled_items_are_for_owner_and_editors(notes) -> None:
    setup, app = notes
    anne, bert, eva = people(setup, app, "anne", "bert", "eva")
    add_note(anne, title="Concept", state="draft")
    add_note(anne, title="Later", publish_at="2099-01-01T09:00")
    add_note(anne, title="Eerder", publish_at="2001-01-01T09:00")
    for name in ("concept", "later"):
        assert "notice" in anne.get(f"/notes/{name}/").text
        eva.get(f"/notes/{name}/")
        bert.get(f"/notes/{name}/", status=403)
    bert.get("/notes/eerder/")
    refused = add_note(anne, title="Fout", publish_at="morgen", status=400)
    assert "2026-12-01T09:00" in refused.text
    # a moment UTC cannot hold is refused the same way, not a 500
    refused = add_note(anne, title="Fout", publish_at="0001-01-01T00:00", status=400)
    assert "2026-12-01T09:00" in refused.text
    # a year before 1000 keeps its four digits in the edit form (which then saves again)
    add_note(anne, title="Oud", publish_at="0999-03-01T13:00")
    form = anne.get("/notes/oud/@@edit").forms["content-form"]
    assert form["publish_at"].value.startswith("0999-03-01T")
    form.submit("save", status=303)


def test_comments_likes_and_bookmarks(notes) -> None:
    setup, app = notes
    anne, bert, eva, otto = people(setup, app, "anne", "bert", "eva", "otto")
    add_note(anne, title="Praat mee")
    page = bert.get("/notes/praat-mee/")
    form = page.forms["comment-form"]
    form["text"] = "Mooi *stuk*"
    assert "#comment-" in form.submit(status=303).location
    page = anne.get("/notes/praat-mee/")
    assert "<em>stuk</em>" in page.text
    reply = next(f for f in page.forms.values() if "reply_to" in f.fields)
    reply["text"] = "Dank je"
    reply.submit(status=303)
    assert anne.get("/notes/praat-mee/").text.count('class="comment"') == 2
    # empty comments are refused; outsiders may not comment
    empty = bert.get("/notes/praat-mee/").forms["comment-form"]
    empty["text"] = "  "
    assert "Schrijf een reactie." in empty.submit(status=400).text
    token = otto.get("/notes/praat-mee/").text
    assert 'id="comment-form"' not in token
    # editing: the author may, another member may not, an editor (moderator) may
    comment_id = bert.get("/notes/praat-mee/").html.select("ol.comments > li")[0]["id"][8:]
    anne.get(f"/notes/praat-mee/@@comment-edit?id={comment_id}", status=403)
    edit = bert.get(f"/notes/praat-mee/@@comment-edit?id={comment_id}").forms["comment-form"]
    edit["text"] = "Heel mooi"
    edit.submit(status=303)
    assert "Heel mooi" in anne.get("/notes/praat-mee/").text
    eva.get(f"/notes/praat-mee/@@comment-edit?id={comment_id}")
    # likes: one per account
    for client in (bert, eva):
        client.get("/notes/praat-mee/").forms["like-form"].submit(status=303)
    assert "(2)" in anne.get("/notes/praat-mee/").text
    bert.get("/notes/praat-mee/").forms["like-form"].submit(status=303)  # unlike
    assert "(1)" in anne.get("/notes/praat-mee/").text
    # the saved list
    bert.get("/notes/praat-mee/").forms["bookmark-form"].submit(status=303)
    assert "Praat mee" in bert.get("/@@saved").text
    assert "Praat mee" not in eva.get("/@@saved").text
    # deleting a comment removes its replies
    page = bert.get("/notes/praat-mee/")
    delete = next(f for f in page.forms.values() if f.action.endswith("@@comment-delete"))
    delete.submit(status=303)
    assert 'class="comment"' not in anne.get("/notes/praat-mee/").text


def test_a_disabled_module_hides_its_content_and_keeps_it(notes) -> None:
    setup, app = notes
    anne = setup.signed_in(app, "anne@example.nl", "demo.localhost")
    add_note(anne, title="Blijft")
    with SITE_DATABASES(app.registry).get("demo").transaction() as conn:
        conn.root()[ROOT_KEY].enabled_modules = ()
    anne.get("/notes/blijft/", status=404)
    anne.get("/notes/blijft/@@edit", status=404)
    with SITE_DATABASES(app.registry).get("demo").transaction() as conn:
        conn.root()[ROOT_KEY].enabled_modules = ("notes",)
    assert "Blijft" in anne.get("/notes/blijft/").text


def test_the_front_page_lists_activity_the_visitor_may_see(notes) -> None:
    setup, app = notes
    anne, bert = people(setup, app, "anne", "bert")
    add_note(anne, title="Voor iedereen")
    add_note(anne, title="Alleen voor Anne", access="private")
    comment = bert.get("/notes/voor-iedereen/").forms["comment-form"]
    comment["text"] = "Goed idee"
    comment.submit(status=303)
    home = bert.get("/").text
    assert "Bert reageerde op" in home and "Anne schreef" in home
    assert "Alleen voor Anne" not in home
    assert "Alleen voor Anne" in anne.get("/").text
    anonymous = setup.client(app, host="demo.localhost").get("/").text
    assert "Voor iedereen" in anonymous and "Alleen voor Anne" not in anonymous


def test_the_chosen_front_page_is_on_the_home_page_instead_of_the_activity(notes) -> None:
    """A page without sub-pages is an empty container, so false in a condition: the home
    page asks whether there is one, not whether it holds anything."""
    setup, app = notes
    (anne,) = people(setup, app, "anne")
    add_note(anne, title="Welkom op de site", body="Hier begint *alles*.")
    add_note(anne, title="Een andere notitie")
    with SITE_DATABASES(app.registry).get("demo").transaction() as conn:
        conn.root()[ROOT_KEY].front_page = "notes/welkom-op-de-site"
    home = setup.client(app, host="demo.localhost").get("/")
    section = home.html.select_one("section.front-page")
    assert section is not None and section.h2.a.text == "Welkom op de site"
    assert section.select_one(".content-body em").text == "alles"
    assert "Anne schreef" not in home.text  # the holder chose the page over the activity


def test_the_module_page_offers_what_the_visitor_may_add(notes) -> None:
    setup, app = notes
    anne = setup.signed_in(app, "anne@example.nl", "demo.localhost")
    assert "@@add?type=note" in anne.get("/notes/").text
    assert "@@add?type=note" not in setup.client(app, host="demo.localhost").get("/notes/").text


def test_scheduled_content_appears_by_itself_even_for_cached_pages(notes, clock) -> None:
    setup, app = notes
    anne = setup.signed_in(app, "anne@example.nl", "demo.localhost")
    soon = clock.now() + timedelta(days=1)
    add_note(anne, title="Straks", publish_at=soon.isoformat(timespec="seconds"))
    anonymous = setup.client(app, host="demo.localhost")
    assert "Straks" not in anonymous.get("/notes/").text
    assert anonymous.get("/notes/").headers["X-Pleio-Cache"] == "hit"
    clock.advance(timedelta(days=1, seconds=1))
    later = anonymous.get("/notes/")
    assert later.headers["X-Pleio-Cache"] == "miss"
    assert "Straks" in later.text


def test_content_without_an_author_prints_no_empty_name_between_separators(
    pleio_setup: PleioTestSetup, notes_plugin
) -> None:
    """Made by the command line, an import or sample content of before, content may have
    no author: its line says type · date · access ("Wikipagina · · 02-12-2026" it was)."""
    pleio_setup.write_site("demo", modules=["notes", "wiki"], access="public")
    app = pleio_setup.make_app()
    client = pleio_setup.client(app, host="demo.localhost")
    client.get("/")  # the first request makes the site's root
    with SITE_DATABASES(app.registry).get("demo").transaction() as conn:
        root = conn.root()[ROOT_KEY]
        for module, type_name in (("notes", "note"), ("wiki", "page")):
            content = CONTENT_TYPES(app.registry)[type_name].factory()
            content.title, content.access = "Zonder auteur", "public"
            root[module].add("zonder-auteur", content)
    for module in ("notes", "wiki"):
        meta = client.get(f"/{module}/zonder-auteur/").html.select_one(".meta")
        parts = [part.strip() for part in meta.text.split("·")]
        assert len(parts) == 3 and all(parts), (module, parts)
        assert "door" not in meta.text
