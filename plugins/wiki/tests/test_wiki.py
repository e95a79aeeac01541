"""The wiki, through its pages: links, renames, moves, merges, access, export, bad input."""

from __future__ import annotations

import io
import zipfile

import pytest

from pleio_core.testing import (
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    bearer,
    fill_form,
    make_token,
    page_csrf,
    sign_in_client,
)

HOST = "wiki.localhost"
PEOPLE = {"anne": "member", "bert": "member", "editor": "editor", "admin": "admin"}


class World(SiteWorld):
    def stored(self, path: str):
        """(title, body, serial) of the page at ``path`` as committed."""
        with self.committed(path) as page:
            return page.title, page.body, page.serial


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> World:
    pleio_setup.write_site("wiki", modules=("wiki",))
    for who, role in PEOPLE.items():
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), wiki=role)
    return World(pleio_setup, pleio_setup.make_app(), "wiki", HOST)


def add_page(client, title: str, body: str = "", where: str = "/wiki/", status=303, **fields):
    """Add through the add form; the new page's path (or the response when it fails)."""
    fields = {"title": title, "body": body, "access": "public", **fields}
    return add_through_form(client, where, "page", status=status, **fields)


def edit_form(client, path: str):
    return client.get(f"{path}@@edit").forms["content-form"]


def save(form, status=303, **fields):
    fill_form(form, fields)
    return form.submit("save", status=status)


# -- links --------------------------------------------------------------------------------


def test_link_graph_missing_page_create_from_link_rename_keeps_links_and_urls(world) -> None:
    anne = world.client("anne")
    a = add_page(anne, "Page A", "See [[Page B]] and [[page b|the other one]].")
    page = anne.get(a)
    missing = page.html.select("a.wiki-link--missing")
    assert [m.contents[0] for m in missing] == ["Page B", "the other one"]
    assert "bestaat nog niet" in missing[0].select_one(".visually-hidden").text
    create = anne.get(missing[0]["href"].split(HOST, 1)[1])
    form = create.forms["content-form"]
    assert form["title"].value == "Page B"
    form["body"] = "I am B."
    b = form.submit("save", status=303).location.split(HOST, 1)[1]
    assert b == "/wiki/page-b/"
    links = anne.get(a).html.select("a.wiki-link")
    assert [link["href"].split(HOST, 1)[1] for link in links] == [b, b]
    assert not anne.get(a).html.select("a.wiki-link--missing")
    assert [li.text for li in anne.get(b).html.select("#backlinks li")] == ["Page A"]

    save(edit_form(anne, b), title="Renamed B", change_note="new name")
    assert world.stored("/wiki/renamed-b")[0] == "Renamed B"
    old = anne.get(b, status=303)
    assert old.location.endswith("/wiki/renamed-b/")
    assert anne.get(b + "@@history", status=303).location.endswith("/wiki/renamed-b/@@history")
    links = anne.get(a).html.select("a.wiki-link")
    assert {link["href"].split(HOST, 1)[1] for link in links} == {"/wiki/renamed-b/"}
    assert [li.text for li in anne.get("/wiki/renamed-b/").html.select("#backlinks li")] == [
        "Page A"
    ]
    # a new page may take the old title: links with that title now lead to it
    add_page(anne, "Page B", "The new B.")
    links = anne.get(a).html.select("a.wiki-link")
    assert {link["href"].split(HOST, 1)[1] for link in links} == {"/wiki/page-b/"}


def test_links_in_code_stay_text_and_a_javascript_link_is_harmless(world) -> None:
    anne = world.client("anne")
    body = "`[[Code]]` [x](javascript:alert(1)) [[javascript:alert(1)]] <script>alert(2)</script>"
    path = add_page(anne, "Odd", body)
    html = anne.get(path).html.select_one("article .body")
    assert "[[Code]]" in html.select_one("code").text
    assert all(not a.get("href", "").startswith("javascript") for a in html.select("a"))
    assert "<script>" not in str(html)
    (missing,) = html.select("a.wiki-link--missing")
    assert "@@add?type=page&title=javascript" in missing["href"]


def test_table_of_contents_tree_and_trail(world) -> None:
    anne = world.client("anne")
    top = add_page(anne, "Top", "Intro\n\n## First part\n\ntext\n\n### Detail\n\n## First part\n")
    child = add_page(anne, "Child", "Below.", where=top)
    page = anne.get(child)
    assert [a.text for a in page.html.select(".utrecht-breadcrumb-nav a")] == [
        "Wiki",
        "Top",
        "Child",
    ]
    tree = page.html.select_one(".wiki-tree")
    assert [a.text for a in tree.select("a[aria-current=page]")] == ["Child"]
    assert "Child" in tree.text and "Top" in tree.text
    toc = anne.get(top).html.select(".toc a")
    assert [a["href"] for a in toc] == ["#h-first-part", "#h-detail", "#h-first-part-2"]
    assert anne.get(top).html.select_one("#h-detail").text == "Detail"


# -- moving, ordering, deleting -----------------------------------------------------------


def test_move_reorder_and_a_move_below_itself_is_refused(world) -> None:
    anne = world.client("anne")
    one = add_page(anne, "One")
    two = add_page(anne, "Two")
    inner = add_page(anne, "Inner", where=one)
    form = anne.get(f"{one}@@move")
    options = [o[0] for o in form.forms["move-form"]["parent"].options]
    assert len(options) == 2  # the wiki and "Two": not itself, not its sub-page
    bad = anne.post(
        f"{one}@@move", {"csrf_token": page_csrf(form), "parent": "nonsense"}, status=400
    )
    assert "Kies waar de pagina heen gaat" in bad.text
    # a sub-page's key, posted by hand: refused, nothing moved
    with world.committed("/wiki/one/inner") as stored:
        inner_uid = stored.uid
    bad = anne.post(
        f"{one}@@move", {"csrf_token": page_csrf(form), "parent": inner_uid}, status=400
    )
    assert "onder zichzelf" in bad.text
    assert world.stored("/wiki/one/inner")[0] == "Inner"
    moved = form.forms["move-form"]
    moved["parent"] = next(o for o in options if o)
    assert moved.submit(status=303).location.endswith("/wiki/two/one/")
    assert world.stored("/wiki/two/one/inner")[0] == "Inner"
    assert anne.get(inner, status=303).location.endswith("/wiki/two/one/inner/")
    anne.post("/wiki/two/one/@@move", {"parent": ""}, status=400)  # no CSRF token
    assert world.stored("/wiki/two/one")[0] == "One"
    # order of sub-pages
    add_page(anne, "Alpha", where=two)
    order = [a.text for a in anne.get(two).html.select(".sub-pages > li > a")]
    assert order == ["Alpha", "One"]
    page = anne.get(two)
    page.forms[next(k for k, f in page.forms.items() if f.action.endswith("one/@@reorder"))].submit(
        status=303
    )
    assert [a.text for a in anne.get(two).html.select(".sub-pages > li > a")] == ["One", "Alpha"]


def test_delete_takes_the_subtree_and_its_links_go_missing(world) -> None:
    anne = world.client("anne")
    add_page(anne, "Linker", "To [[Gone]] and [[Gone child]].")
    gone = add_page(anne, "Gone")
    add_page(anne, "Gone child", where=gone)
    confirm = anne.get(f"{gone}@@delete")
    assert "nog 1 onderdeel." in confirm.html.select_one("main").text  # one, not "onderdelen"
    confirm.forms["delete-form"].submit(status=303)
    anne.get(gone, status=404)
    missing = anne.get("/wiki/linker/").html.select("a.wiki-link--missing")
    assert len(missing) == 2


# -- concurrent edits ---------------------------------------------------------------------


def test_stale_edits_of_different_paragraphs_merge_and_of_the_same_one_conflict(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    path = add_page(anne, "Shared", "First paragraph.\n\nSecond paragraph.\n")
    anne_form, bert_form = edit_form(anne, path), edit_form(bert, path)
    save(anne_form, body="First paragraph, by Anne.\n\nSecond paragraph.\n")
    merged = save(bert_form, body="First paragraph.\n\nSecond paragraph, by Bert.\n")
    assert "merged=1" in merged.location
    assert "samengevoegde versie" in anne.get(merged.location.split(HOST, 1)[1]).text
    body = world.stored(path)[1]
    assert body == "First paragraph, by Anne.\n\nSecond paragraph, by Bert."
    history = anne.get(f"{path}@@history")
    assert "Versie 3" in history.text

    anne_form, bert_form = edit_form(anne, path), edit_form(bert, path)
    save(anne_form, body="First paragraph, Anne again.\n\nSecond paragraph, by Bert.\n")
    conflict = save(
        bert_form, status=409, body="First paragraph, Bert too.\n\nSecond paragraph, by Bert.\n"
    )
    assert "First paragraph, Anne again." in conflict.html.select_one(".other-version").text
    assert "First paragraph, Bert too." in conflict.forms["content-form"]["body"].value
    assert world.stored(path)[1].startswith("First paragraph, Anne again.")
    # saving again, knowingly, replaces theirs
    conflict.forms["content-form"].submit("save", status=303)
    assert world.stored(path)[1].startswith("First paragraph, Bert too.")


def test_a_stale_title_change_against_another_title_change_conflicts(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    path = add_page(anne, "Named", "Text.\n")
    anne_form, bert_form = edit_form(anne, path), edit_form(bert, path)
    save(anne_form, title="Anne's name")
    moved_on = save(bert_form, status=307, title="Bert's name")  # posted to the old address
    assert moved_on.location.endswith("/wiki/anne-s-name/@@edit")
    bert_form.action = moved_on.location
    conflict = bert_form.submit("save", status=409)
    assert conflict.forms["content-form"]["title"].value == "Bert's name"
    assert world.stored("/wiki/anne-s-name")[0] == "Anne's name"
    anne_form, bert_form = (
        edit_form(anne, "/wiki/anne-s-name/"),
        edit_form(bert, "/wiki/anne-s-name/"),
    )
    save(anne_form, body="Text, changed.\n")
    save(bert_form, tags="green")  # another field: merged
    assert world.stored("/wiki/anne-s-name")[1] == "Text, changed."


# -- history ------------------------------------------------------------------------------


def test_history_diff_and_restore_are_the_cores(world) -> None:
    anne = world.client("anne")
    path = add_page(anne, "Versions", "One two three, see [[Other|the other page]].")
    save(edit_form(anne, path), body="One four three.", change_note="better")
    page = anne.get(path)
    assert page.html.select_one(f'a[href$="{path}@@history"]')
    history = anne.get(f"{path}@@history")
    assert "better" in history.text
    diff = anne.get(f"{path}@@diff?a=1&b=2")
    assert "two" in diff.html.select_one("del").text and "four" in diff.html.select_one("ins").text
    restore = anne.get(f"{path}@@revision?n=1")
    # an old version shows its wiki links as the page did: by their words, not as [[…]]
    shown = restore.html.select_one(".revision-body").text
    assert "see the other page." in shown and "[[" not in shown
    restore.forms["restore-form"].submit(status=303)
    assert world.stored(path)[1] == "One two three, see [[Other|the other page]]."
    assert "Versie 1" in anne.get(f"{path}@@history").text


# -- access -------------------------------------------------------------------------------


def test_access_levels_and_a_sub_page_starts_with_its_parents(world) -> None:
    anne = world.client("anne")
    private = add_page(anne, "Secret", "Hidden.", access="private")
    form = anne.get(f"{private}@@add?type=page").forms["content-form"]
    assert form["access"].value == "private"
    form["title"] = "Secret child"
    child = form.submit("save", status=303).location.split(HOST, 1)[1]
    world.client("bert").get(private, status=403)
    world.client("bert").get(child, status=403)
    world.client().get(child, status=403)
    add_page(anne, "Open", "Public, see [[Secret]].")
    bert_view = world.client("bert").get("/wiki/open/")
    assert "Secret" not in bert_view.html.select_one(".wiki-tree").text
    assert "Secret" not in world.client().get("/wiki/open/").html.select_one(".wiki-tree").text
    world.client("bert").get(f"{private}@@export", status=403)
    names = zipfile.ZipFile(io.BytesIO(world.client("bert").get("/wiki/@@export").body)).namelist()
    assert names == ["open.md"]
    anne_zip = zipfile.ZipFile(io.BytesIO(anne.get("/wiki/@@export").body))
    assert sorted(anne_zip.namelist()) == ["open.md", "secret.md", "secret/secret-child.md"]
    assert anne_zip.read("secret.md").decode() == "# Secret\n\nHidden.\n"


def test_export_of_a_page_has_its_subtree_in_folders(world) -> None:
    anne = world.client("anne")
    top = add_page(anne, "Top", "Top text with [[Links]].")
    mid = add_page(anne, "Mid", "Mid text.", where=top)
    add_page(anne, "Low", "Low text.", where=mid)
    response = anne.get(f"{top}@@export")
    assert response.content_type == "application/zip"
    assert 'filename="top.zip"' in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.body))
    assert archive.namelist() == ["top.md", "top/mid.md", "top/mid/low.md"]
    assert archive.read("top/mid/low.md").decode() == "# Low\n\nLow text.\n"
    assert "[[Links]]" in archive.read("top.md").decode()
    world.client().get("/intranet/@@export", status=404)


# -- bad input ----------------------------------------------------------------------------


def test_bad_input_gets_clear_messages_and_changes_nothing(world) -> None:
    anne = world.client("anne")
    empty = add_page(anne, "   ", "Body.", status=400)
    assert "Geef een titel" in empty.text
    path = add_page(anne, "Kept", "Kept text.")
    huge = save(edit_form(anne, path), status=400, body="x" * 5_000_000)
    assert "De tekst is te lang: hoogstens 500" in huge.text
    assert huge.forms["content-form"]["title"].value == "Kept"  # the rest of the form is kept
    huge_new = add_page(anne, "Huge", "x" * 5_000_000, status=400)
    assert "De tekst is te lang" in huge_new.text
    anne.get("/wiki/huge/", status=404)
    assert world.stored(path)[1] == "Kept text."
    token = page_csrf(anne.get(path))
    anne.post(f"{path}@@reorder", {"csrf_token": token, "direction": "sideways"}, status=400)
    anne.post(f"{path}@@edit", {"csrf_token": token, "title": "x"}, status=400)
    assert world.stored(path)[0] == "Kept"


def test_members_write_together_visitors_do_not_and_only_owners_delete(world) -> None:
    anne = world.client("anne")
    path = add_page(anne, "Ours", "Text.", access="members")
    bert = world.client("bert")
    page = bert.get(path)
    assert page.html.select(f'a[href$="{path}@@move"]')
    assert not page.html.select(f'a[href$="{path}@@delete"]')
    save(edit_form(bert, path), body="Text, by Bert too.")
    bert.get(f"{path}@@move", status=200)
    bert.get(f"{path}@@delete", status=403)
    public = add_page(anne, "Open to all", "Text.")
    visitor = world.client()
    assert not visitor.get(public).html.select(f'a[href$="{public}@@edit"]')
    for view in ("edit", "move", "delete"):
        visitor.get(f"{public}@@{view}", status=403)
    visitor.post(f"{public}@@reorder", {"direction": "up"}, status=(400, 403))
    assert world.stored(public)[1] == "Text."


def test_the_wiki_brings_its_own_stylesheet_to_the_sites_that_enable_it(world) -> None:
    page = world.client().get("/")
    sheets = [link["href"] for link in page.html.select('link[rel="stylesheet"]')]
    assert "/static-wiki/wiki.css" in sheets
    css = world.client().get("/static-wiki/wiki.css")
    assert css.content_type == "text/css" and ".wiki-tree" in css.text
    world.switch_module("wiki", enabled=False)
    page = world.client().get("/")
    assert "/static-wiki/wiki.css" not in [link["href"] for link in page.html.select("link")]
    world.client().get("/static-wiki/wiki.css", status=404)


# -- the module switched off --------------------------------------------------------------


def test_disabled_module_hides_every_wiki_url_and_enabling_brings_them_back(world) -> None:
    anne = world.client("anne")
    top = add_page(anne, "Top", "[[Other]]")
    add_page(anne, "Renamed first")
    save(edit_form(anne, "/wiki/renamed-first/"), title="Renamed")
    urls = [
        "/wiki/", top, f"{top}@@edit", f"{top}@@move", f"{top}@@history", f"{top}@@export",
        "/wiki/@@export", "/wiki/@@add?type=page", "/wiki/renamed-first/",
    ]  # fmt: skip
    admin = world.client("admin")
    world.switch_module("wiki", enabled=False)
    for url in urls:
        admin.get(url, status=404)
    admin.post(f"{top}@@reorder", {"direction": "up"}, status=404)
    world.switch_module("wiki", enabled=True)
    for url in urls[:-1]:
        admin.get(url, status=200)
    admin.get(urls[-1], status=303)


def test_a_wiki_page_has_the_cores_likes_saving_and_comments(world) -> None:
    anne = world.client("anne")
    path = add_page(anne, "Talked about", "Text.")
    bert = world.client("bert")
    page = bert.get(path)
    form = page.forms["comment-form"]
    form["text"] = "A *comment*."
    form.submit(status=303)
    page = bert.get(path)
    page.forms["like-form"].submit(status=303)
    page = bert.get(path)
    assert "A comment." in page.html.select_one("#comments").text.replace("  ", " ")
    assert "(1)" in page.html.select_one("#like-form button").text
    assert "bookmark-form" in page.forms
    reply = next(f for f in page.forms.values() if "reply_to" in f.fields)
    reply["text"] = "A reply."
    reply.submit(status=303)
    replies = anne.get(path).html.select_one("#comments ol.replies")
    assert "A reply." in replies.text and "Bert" in replies.text


def test_the_cores_parts_of_a_wiki_page_speak_dutch(world) -> None:
    """The core's macros carry their own i18n domain: the wiki's domain has no such strings."""
    anne = world.client("anne")
    page = anne.get(add_page(anne, "Nog stil", "Tekst."))
    assert "Nog geen reacties." in page.text
    assert "No comments yet." not in page.text and "Likes" not in page.text


# -- search -------------------------------------------------------------------------------


def found(client, **query) -> list[str]:
    page = client.get("/@@search", params={"order": "date", **query})
    return sorted(a.text for a in page.html.select(".search-hits h3 a"))


def test_search_finds_wiki_pages_as_the_searcher_may_see_them_and_by_module(world) -> None:
    anne = world.client("anne")
    add_page(anne, "Zebra openbaar", "De zebra en [[Zebra leden|de leden]].")
    add_page(anne, "Zebra leden", "Een zebra voor leden.", access="members")
    add_page(anne, "Zebra prive", "Een zebra van Anne.", access="private")
    everyone = ["Zebra openbaar"]
    assert found(world.client(), text="zebra") == everyone
    assert found(world.client("bert"), text="zebra") == ["Zebra leden", "Zebra openbaar"]
    assert found(anne, text="zebra") == ["Zebra leden", "Zebra openbaar", "Zebra prive"]
    assert found(anne, text="zebra", module="wiki") == found(anne, text="zebra")
    assert found(anne, text="zebra", type="page") == found(anne, text="zebra")
    assert found(world.client(), text="leden") == everyone  # a link's label is its text
    page = world.client().get("/@@search", params={"text": "zebra"})
    assert page.html.select_one(".search-hits a")["href"].endswith("/wiki/zebra-openbaar/")
    # renamed: found under its new title and address
    save(edit_form(anne, "/wiki/zebra-openbaar/"), title="Zebra voor iedereen")
    page = world.client().get("/@@search", params={"text": "zebra"})
    assert page.html.select_one(".search-hits a")["href"].endswith("/wiki/zebra-voor-iedereen/")
    world.switch_module("wiki", enabled=False)
    assert found(anne, text="zebra") == []
    world.switch_module("wiki", enabled=True)
    assert found(anne, text="zebra") == ["Zebra leden", "Zebra prive", "Zebra voor iedereen"]


# -- the API ------------------------------------------------------------------------------


def test_wiki_pages_in_the_api_as_the_caller_may_see_them(world) -> None:
    anne = world.client("anne")
    add_page(anne, "Open page", "For [[Everyone]].")
    add_page(anne, "Members page", "Text.", access="members")
    add_page(anne, "Anne's own", "Text.", access="private")
    api = {"host": HOST}

    def token_for(who: str):
        client = sign_in_client(world.setup, world.app, f"{who}@example.nl", HOST)
        return client, bearer(make_token(client, "wiki"))

    bert, bert_auth = token_for("bert")
    listing = bert.get("/api/v1/children/wiki", headers=bert_auth, **api).json
    assert sorted(i["path"] for i in listing["items"]) == ["wiki/members-page", "wiki/open-page"]
    page = bert.get("/api/v1/content/wiki/open-page", headers=bert_auth, **api).json
    assert page["type"] == "page" and page["body"] == "For [[Everyone]]."
    assert page["body_html"] == "<p>For Everyone.</p>\n"  # the link's label, unresolved
    bert.get("/api/v1/content/wiki/anne-s-own", headers=bert_auth, status=403, **api)
    assert world.client().get("/api/v1/content/wiki/open-page", **api).json["title"] == "Open page"
    # a member edits through the API as through the form; a rename moves the page
    changed = bert.patch_json(
        "/api/v1/content/wiki/open-page",
        {"serial": page["serial"], "title": "Open to all"},
        headers=bert_auth,
        **api,
    ).json
    assert changed["title"] == "Open to all"
    assert world.stored("/wiki/open-to-all")[0] == "Open to all"
    world.switch_module("wiki", enabled=False)
    bert.get("/api/v1/children/wiki", headers=bert_auth, status=404, **api)
    world.switch_module("wiki", enabled=True)
    bert.get("/api/v1/content/wiki/open-to-all", headers=bert_auth, **api)


def test_api_edits_of_different_paragraphs_merge_and_of_the_same_one_answer_409(world) -> None:
    anne = world.client("anne")
    add_page(anne, "Shared", "One.\n\nTwo.\n\nThree.")
    api = {"host": HOST}
    client = sign_in_client(world.setup, world.app, "bert@example.nl", HOST)
    auth = bearer(make_token(client, "wiki"))
    url = "/api/v1/content/wiki/shared"
    start = client.get(url, headers=auth, **api).json["serial"]
    first = {"serial": start, "body": "One, changed.\n\nTwo.\n\nThree."}
    client.patch_json(url, first, headers=auth, **api)
    # started from the same version, changes another paragraph: both kept, and said so
    second = {"serial": start, "body": "One.\n\nTwo.\n\nThree, changed."}
    merged = client.patch_json(url, second, headers=auth, **api)
    assert merged.headers["Pleio-Merged"] == "true"
    assert merged.json["body"] == "One, changed.\n\nTwo.\n\nThree, changed."
    # the same paragraph as a save made since: 409, nothing written
    third = {"serial": start, "body": "One, otherwise.\n\nTwo.\n\nThree."}
    stale = client.patch_json(url, third, headers=auth, status=409, **api)
    assert stale.json["serial"] == merged.json["serial"]
    assert world.stored("/wiki/shared")[1] == "One, changed.\n\nTwo.\n\nThree, changed."
    plain = client.patch_json(
        url, {"serial": stale.json["serial"], "title": "Shared"}, headers=auth, **api
    )
    assert "Pleio-Merged" not in plain.headers


def test_renamed_back_its_old_address_is_its_address_and_nothing_loops(world) -> None:
    anne = world.client("anne")
    path = add_page(anne, "Back", "Text.")
    save(edit_form(anne, path), title="Forth")
    save(edit_form(anne, "/wiki/forth/"), title="Back")
    assert anne.get(path).html.select_one("h1").text == "Back"
    anne.get(f"{path}@@no-such-view", status=404)
    assert anne.get("/wiki/forth/", status=303).location.endswith(path)


# -- site export and import ---------------------------------------------------------------


def test_an_imported_site_has_the_same_links_order_and_former_titles(world, tmp_path) -> None:
    anne = world.client("anne")
    top = add_page(anne, "Top", "To [[Old name]] and [[Nowhere]].")
    add_page(anne, "Old name", "B.", where=top)
    add_page(anne, "Alpha", where=top)
    save(edit_form(anne, "/wiki/top/old-name/"), title="New name")
    page = anne.get(top)
    page.forms[
        next(k for k, f in page.forms.items() if f.action.endswith("new-name/@@reorder"))
    ].submit(status=303)
    add_page(anne, "Above")  # a second top page; by title it would come first
    anne.post("/wiki/top/@@reorder", {"direction": "up", "csrf_token": page_csrf(page)})
    world.setup.close()
    archive = str(tmp_path / "wiki.zip")
    assert world.setup.pleio("site", "export", "wiki", archive) == 0
    assert world.setup.pleio("site", "import", "copy", archive, "--host", "copy.localhost") == 0
    app = world.setup.make_app()
    copy = world.setup.client(app, host="copy.localhost")
    page = copy.get("/wiki/top/")
    assert [a.contents[0] for a in page.html.select("a.wiki-link")] == ["Old name", "Nowhere"]
    assert page.html.select("a.wiki-link")[0]["href"].endswith("/wiki/top/new-name/")
    assert len(page.html.select("a.wiki-link--missing")) == 1
    assert [a.text for a in page.html.select(".sub-pages > li > a")] == ["New name", "Alpha"]
    backlinks = copy.get("/wiki/top/new-name/").html.select("#backlinks li")
    assert [li.text for li in backlinks] == ["Top"]
    # the old address of the renamed page, and the order of the top pages, came along
    assert copy.get("/wiki/top/old-name/", status=303).location.endswith("/wiki/top/new-name/")
    assert [a.text for a in page.html.select(".wiki-tree > ul > li > a")] == ["Top", "Above"]
