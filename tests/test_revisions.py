"""Revisions: every save kept with its author, time and comment; history, diff and restore."""

from datetime import datetime

import pytest

from pleio_core.content.diff import changed_fields, diff_html
from pleio_core.content.revisions import LONG_TEXT, History
from pleio_core.content.schema import ContentSchema
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup, assert_accessible, fill_form, page_csrf

HOST = "alpha.localhost"
PEOPLE = {"owner": "member", "member": "member", "editor": "editor"}


# -- the world ---------------------------------------------------------------------------


class World:
    def __init__(self, setup: PleioTestSetup, app) -> None:
        self.setup, self.app = setup, app

    def client(self, who: str | None = None):
        """A WebTest client on the site, signed in as ``who`` or anonymous."""
        if who is None:
            return self.setup.client(self.app, host=HOST)
        return self.setup.signed_in(self.app, f"{who}@example.nl", HOST)

    def note(self, name: str):
        """The note ``name`` as stored (a fresh connection: what was committed)."""
        db = SITE_DATABASES(self.app.registry).get("alpha")
        conn = db.open()
        try:
            note = conn.root()[ROOT_KEY]["notes"][name]
            history = note.history
            revisions = list(reversed(list(history.newest_first()))) if history else []
            return note.serial, content_values_of(note), revisions
        finally:
            conn.close()


def content_values_of(note) -> dict:
    return {name: getattr(note, name) for name in ("title", "body", "tags", "access", "state")}


@pytest.fixture
def world(pleio_setup: PleioTestSetup, notes_plugin, memos_plugin) -> World:
    pleio_setup.write_site("alpha", modules=("notes", "memos"))
    for who, role in PEOPLE.items():
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), alpha=role)
    pleio_setup.create_account("stranger@example.nl", "Stranger")
    return World(pleio_setup, pleio_setup.make_app())


def add_note(client, title="Plan", body="First words.", where="notes", type_name="note", **fields):
    """Add through the add form; the new item's name."""
    form = client.get(f"/{where}/@@add?type={type_name}").forms["content-form"]
    fill_form(form, {"title": title, "body": body, "access": "members", **fields})
    created = form.submit("save", status=303)
    return created.location.rstrip("/").rsplit("/", 1)[1]


def edit(client, name: str, comment: str = "", **fields) -> None:
    """Save through the edit form, with ``comment`` as what changed."""
    form = client.get(f"/notes/{name}/@@edit").forms["content-form"]
    fill_form(form, {"change_note": comment, **fields})
    form.submit("save", status=303)


# -- the model ---------------------------------------------------------------------------


def test_every_save_is_a_revision_with_author_time_comment_and_values(world) -> None:
    owner = world.client("owner")
    name = add_note(owner, body="First words.")
    edit(owner, name, "typo", body="First word.")
    edit(world.client("editor"), name, "", title="The plan", tags="a, b")
    edit(owner, name, "nothing changed", title="The plan")  # no save, no revision
    serial, values, revisions = world.note(name)
    assert serial == 2
    assert [r.number for r in revisions] == [1, 2, 3]
    assert [r.author_name for r in revisions] == ["Owner", "Owner", "Editor"]
    assert revisions[0].author_id == revisions[1].author_id != revisions[2].author_id
    assert [r.comment for r in revisions] == ["", "typo", ""]
    assert all(isinstance(r.time, datetime) for r in revisions)
    assert revisions[0].time < revisions[1].time < revisions[2].time
    assert revisions[0].value("body") == "First words."
    assert revisions[1].values["body"] == "First word."
    assert revisions[2].values == {**values, "publish_at": None, "publish_until": None}
    assert revisions[2].values["tags"] == ("a", "b")
    assert all(r.restored_from is None for r in revisions)


def test_a_long_text_that_did_not_change_is_stored_once() -> None:
    history = History()
    long = "word " * LONG_TEXT
    first = history.append({"title": "A", "body": long}, "a1", "Anne", None)
    second = history.append({"title": "B", "body": long}, "a1", "Anne", None)
    third = history.append({"title": "B", "body": long + "more"}, "a1", "Anne", None)
    assert first._values["body"] is second._values["body"]
    assert third._values["body"] is not second._values["body"]
    assert (second.values, third.value("body")) == ({"title": "B", "body": long}, long + "more")
    assert len(history) == 3 and history.latest() is third and history.get(4) is None
    assert [r.number for r in history.newest_first(below=3)] == [2, 1]


def test_content_from_before_revisions_keeps_its_first_version(world) -> None:
    owner = world.client("owner")
    name = add_note(owner, body="Old text.")
    with SITE_DATABASES(world.app.registry).get("alpha").transaction() as conn:
        conn.root()[ROOT_KEY]["notes"][name].history = None  # as if made before
    edit(owner, name, "update", body="New text.")
    _serial, _values, revisions = world.note(name)
    assert [(r.value("body"), r.time is None, r.author_id) for r in revisions[:1]] == [
        ("Old text.", True, None)
    ]
    assert revisions[1].value("body") == "New text." and revisions[1].comment == "update"
    page = owner.get(f"/notes/{name}/@@history", host=HOST)
    assert "voordat versies werden bewaard" in page.text


# -- the diff ----------------------------------------------------------------------------


def test_the_diff_marks_changed_words_and_escapes_html() -> None:
    html = diff_html(
        "The quick brown fox.\n\nSame line.\n",
        "The slow brown <script>alert(1)</script> fox.\n\nSame line.\n",
        added="erbij:",
        removed="weg:",
    )
    assert '<del><span class="visually-hidden">weg: </span>quick</del> ' in html
    assert '<ins><span class="visually-hidden">erbij: </span>slow</ins> ' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "brown " in html and "Same line.\n" in html
    assert diff_html("same\ntext", "same\ntext") == "same\ntext"
    assert "<ins>" not in diff_html("a  b", "a b") and "<del>" not in diff_html("a  b", "a b")


def test_the_changed_fields_come_in_the_schema_order_without_the_body() -> None:
    old = {"title": "A", "body": "x", "tags": ("t",), "access": "members"}
    new = {"title": "B", "body": "y", "tags": ("t",), "access": "public"}
    changes = changed_fields(ContentSchema(), old, new)
    assert [(c.name, c.old, c.new) for c in changes] == [
        ("title", "A", "B"),
        ("access", "members", "public"),
    ]


# -- the pages ---------------------------------------------------------------------------


def test_history_revision_and_diff_pages(world) -> None:
    owner = world.client("owner")
    name = add_note(owner, body="The quick brown fox.")
    edit(owner, name, "faster <b>now</b>", body="The <script>x</script> fox.", access="public")
    history = owner.get(f"/notes/{name}/@@history", host=HOST)
    assert "Geschiedenis van Plan" in history.text
    assert "Versie 2" in history.text and "Versie 1" in history.text
    assert "faster &lt;b&gt;now&lt;/b&gt;" in history.text
    assert "Owner" in history.text
    assert f"/notes/{name}/@@diff?a=1&amp;b=2" in history.text
    compare = history.forms["compare-form"]
    assert (compare["a"].value, compare["b"].value) == ("1", "2")
    diff = compare.submit(headers={"Host": HOST})
    assert "Wijzigingen van versie 1 naar versie 2" in diff.text
    assert '<del><span class="visually-hidden">verwijderd: </span>quick brown</del> ' in diff.text
    assert "&lt;script&gt;x&lt;/script&gt;" in diff.text and "<script>x" not in diff.text
    assert diff.text.count("<dd><del>") == 1  # one field changed: who may see it
    same = owner.get(f"/notes/{name}/@@diff?a=2&b=2", host=HOST)
    assert "Deze versies zijn gelijk." in same.text and "<ins>" not in same.text
    first = owner.get(f"/notes/{name}/@@revision?n=1", host=HOST)
    assert "Plan (versie 1)" in first.text
    assert "<p>The quick brown fox.</p>" in first.text
    assert "restore-form" in first.forms
    latest = owner.get(f"/notes/{name}/@@revision?n=2", host=HOST)
    assert "&lt;script&gt;x&lt;/script&gt;" in latest.text and "<script>x" not in latest.text
    assert "restore-form" not in latest.forms  # the current version: nothing to restore


def test_the_diff_shows_field_values_as_a_reader_knows_them(world) -> None:
    owner = world.client("owner")
    name = add_note(owner, tags="a")
    edit(owner, name, "later", publish_at="2030-01-01T09:00", tags="a, b")
    diff = owner.get(f"/notes/{name}/@@diff?a=1&b=2")
    moment = '<span class="visually-hidden">toegevoegd:</span> 01-01-2030 09:00</ins>'
    assert moment in diff.text  # Dutch time, as written in the form
    assert '<span class="visually-hidden">verwijderd:</span> —</del>' in diff.text  # was empty
    assert '<span class="visually-hidden">toegevoegd:</span> a, b</ins>' in diff.text
    assert "Wijzigingen in de tekst" not in diff.text  # the body did not change


def test_restore_makes_a_new_revision_that_says_which_it_restored(world) -> None:
    owner = world.client("owner")
    name = add_note(owner, title="Plan", body="Version one.", tags="a")
    edit(owner, name, "", title="New plan", body="Version two.", tags="b")
    form = owner.get(f"/notes/{name}/@@revision?n=1", host=HOST).forms["restore-form"]
    done = form.submit(headers={"Host": HOST}, status=303)
    assert done.location.endswith(f"/notes/{name}/")
    assert "Version one." in owner.get(done.location).text
    serial, values, revisions = world.note(name)
    assert serial == 2 and len(revisions) == 3
    assert (values["title"], values["body"], values["tags"]) == ("Plan", "Version one.", ("a",))
    assert revisions[2].restored_from == 1 and revisions[2].comment == "Versie 1 teruggezet"
    assert revisions[2].author_name == "Owner"
    history = owner.get(f"/notes/{name}/@@history", host=HOST)
    assert "Teruggezet van" in history.text and f"/notes/{name}/@@revision?n=1" in history.text
    again = owner.get(f"/notes/{name}/@@revision?n=1", host=HOST).forms["restore-form"]
    same = again.submit(headers={"Host": HOST}, status=200)
    assert "Niets terug te zetten" in same.text
    assert len(world.note(name)[2]) == 3


def test_a_long_history_comes_in_pages_newest_first(world) -> None:
    owner = world.client("owner")
    name = add_note(owner)
    with SITE_DATABASES(world.app.registry).get("alpha").transaction() as conn:
        history = conn.root()[ROOT_KEY]["notes"][name].history
        for n in range(2, 61):
            history.append({"title": "Plan", "body": f"Text {n}."}, None, "Robot", None, f"c{n}")
    first = owner.get(f"/notes/{name}/@@history", host=HOST)
    assert first.text.count('<li value="') == 50
    assert ">Versie 60<" in first.text and ">Versie 11<" in first.text
    assert ">Versie 10<" not in first.text and "Nieuwste versies" not in first.text
    older = first.click("Oudere versies")
    assert older.request.url.endswith("@@history?below=11")
    assert older.text.count('<li value="') == 10 and ">Versie 1<" in older.text
    assert "Oudere versies" not in older.text and "Nieuwste versies" in older.text


def test_a_revision_no_longer_valid_here_is_refused_with_the_reason(world) -> None:
    owner = world.client("owner")
    name = add_note(owner, body="One.")
    edit(owner, name, "", body="Two.")
    with SITE_DATABASES(world.app.registry).get("alpha").transaction() as conn:
        first = conn.root()[ROOT_KEY]["notes"][name].history.get(1)
        first._values = {**first._values, "access": "group"}  # not offered outside a group
    form = owner.get(f"/notes/{name}/@@revision?n=1", host=HOST).forms["restore-form"]
    refused = form.submit(headers={"Host": HOST}, status=400)
    assert "Versie 1 kan hier niet worden teruggezet" in refused.text
    serial, values, revisions = world.note(name)
    assert (serial, values["body"], len(revisions)) == (1, "Two.", 2)


def test_reading_needs_view_and_restoring_needs_edit(world) -> None:
    owner = world.client("owner")
    name = add_note(owner)
    edit(owner, name, "", body="Second.")
    pages = [f"/notes/{name}/@@{p}" for p in ("history", "revision?n=1", "diff?a=1&b=2")]
    for who in (None, "stranger"):
        client = world.client(who)
        for url in pages:
            client.get(url, host=HOST, status=403)
    member = world.client("member")
    for url in pages:
        member.get(url, host=HOST, status=200)
    assert "restore-form" not in member.get(pages[1], host=HOST).forms
    token = page_csrf(member.get(pages[0], host=HOST))
    member.post(f"/notes/{name}/@@restore", {"n": "1", "csrf_token": token}, host=HOST, status=403)
    assert len(world.note(name)[2]) == 2
    editor = world.client("editor")
    form = editor.get(pages[1], host=HOST).forms["restore-form"]
    form.submit(headers={"Host": HOST}, status=303)
    assert world.note(name)[2][-1].restored_from == 1


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("@@revision", 400, "Geef het nummer van een versie als n"),
        ("@@revision?n=abc", 400, "Geef het nummer van een versie als n"),
        ("@@revision?n=-1", 400, "Geef het nummer van een versie als n"),
        ("@@revision?n=%C2%B2", 400, "Geef het nummer van een versie als n"),
        ("@@revision?n=99999999999999999999", 400, "Geef het nummer van een versie als n"),
        ("@@revision?n=7", 404, "Er is geen versie 7 van deze pagina."),
        ("@@revision?n=0", 404, "Er is geen versie 0 van deze pagina."),
        ("@@diff?a=1", 400, "Geef het nummer van een versie als b"),
        ("@@diff?a=1&b=x", 400, "Geef het nummer van een versie als b"),
        ("@@diff?a=9&b=1", 404, "Er is geen versie 9 van deze pagina."),
        ("@@history?below=x", 400, "Geef het nummer van een versie als below"),
        ("@@restore", 405, ""),  # only POST: says so, with Allow
    ],
)
def test_bad_parameters_get_a_clear_4xx(world, path, status, says) -> None:
    owner = world.client("owner")
    name = add_note(owner)
    page = owner.get(f"/notes/{name}/{path}", host=HOST, status=status)
    assert says in page.text
    if says:
        assert f"/notes/{name}/@@history" in page.text  # the way back


def test_restore_refuses_bad_numbers_and_a_missing_csrf_token(world) -> None:
    owner = world.client("owner")
    name = add_note(owner)
    token = page_csrf(owner.get(f"/notes/{name}/@@history", host=HOST))
    url = f"/notes/{name}/@@restore"
    owner.post(url, {"n": "1"}, host=HOST, status=400)  # no token
    owner.post(url, {"csrf_token": token}, host=HOST, status=400)
    owner.post(url, {"n": "x", "csrf_token": token}, host=HOST, status=400)
    owner.post(url, {"n": "5", "csrf_token": token}, host=HOST, status=404)
    assert len(world.note(name)[2]) == 1


def test_types_without_revisions_have_no_history_pages(world) -> None:
    owner = world.client("owner")
    name = add_note(owner, title="Memo", where="memos", type_name="memo")
    memo = SITE_DATABASES(world.app.registry).get("alpha").open()
    try:
        assert memo.root()[ROOT_KEY]["memos"][name].history is None
    finally:
        memo.close()
    for path in ("@@history", "@@revision?n=1", "@@diff?a=1&b=1"):
        owner.get(f"/memos/{name}/{path}", host=HOST, status=404)


def test_the_pages_pass_axe(world, live_server_factory, page) -> None:
    owner = world.client("owner")
    name = add_note(owner, body="A [link](https://example.nl) and some words.", access="public")
    edit(
        owner,
        name,
        "clearer",
        title="Plan B",
        body="A [link](https://example.nl) and other words.\n\nMore.",
    )
    server = live_server_factory(world.app)
    base = server.url(HOST, f"/notes/{name}")
    for path in ("/@@history", "/@@revision?n=1", "/@@diff?a=1&b=2"):
        assert_accessible(page, base + path)
    page.goto(base + "/@@history")
    page.get_by_label("Van versie").fill("2")
    page.get_by_label("Naar versie").fill("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the keyboard alone submits the comparison
    assert page.get_by_role("heading", name="Wijzigingen van versie 2 naar versie 1").is_visible()
