"""Wiki links that no text can steer, and that show a page only to whoever may see it.

Who may see a page is asked of the site (its address answers 200 or not), not of a table
of roles here, so these tests keep holding when the access rules change.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from pleio_wiki.links import Target, render_page

from pleio_core.testing import (
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    bearer,
    fill_form,
    make_token,
    rebuild_archive,
)

HOST = "links.localhost"
PEOPLE = {"anne": "member", "bert": "member", "editor": "editor", "admin": "admin"}
#: The allow-list of the page's body: what any element there may carry.
ATTRIBUTES = {"a": {"href", "title", "class", "rel"}, "span": {"class"}, "code": set()}


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> SiteWorld:
    pleio_setup.write_site("links", modules=("wiki", "community"), hosts=(HOST,))
    for who, role in PEOPLE.items():
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), links=role)
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "links", HOST)


def add_page(client, title: str, body: str = "", where: str = "/wiki/", **fields) -> str:
    fields = {"title": title, "body": body, "access": "public", **fields}
    return add_through_form(client, where, "page", **fields)


def body_of(client, path: str):
    return client.get(path).html.select_one("article .body")


def assert_only_allowed_attributes(body) -> None:
    for element in body.find_all(True):
        allowed = ATTRIBUTES.get(element.name, set())
        assert set(element.attrs) <= allowed, str(element)
        assert not any(name.startswith("on") for name in element.attrs), str(element)


# -- the text cannot steer the links (issue 12, item 5) -----------------------------------


def test_placeholder_characters_in_a_link_title_stay_text_through_the_form(world) -> None:
    anne = world.client("anne")
    add_page(anne, "Target", "The target.")
    body = '[c](https://ok.example/ "&#xE000;0&#xE001;") and [[Target]] and [[Missing]].'
    path = add_page(anne, "Steered", body)
    html = body_of(anne, path)
    assert_only_allowed_attributes(html)
    outside, wiki, missing = html.select("a")
    assert outside["href"] == "https://ok.example/"
    assert outside["title"] == "\ue0000\ue001"  # what was written, not a link's HTML
    assert outside.text == "c"
    assert wiki["class"] == ["wiki-link"] and wiki["href"].endswith("/wiki/target/")
    assert missing["class"] == ["wiki-link", "wiki-link--missing"]


def test_placeholder_characters_as_text_are_saved_and_shown_through_the_api(world) -> None:
    anne = world.client("anne")
    auth = bearer(make_token(anne, "links"))
    made = anne.post_json(
        "/api/v1/content/wiki",
        {"type": "page", "title": "Numbers", "access": "public", "body": "&#xE000;7&#xE001;"},
        headers=auth,
        status=201,
    ).json
    html = body_of(anne, made["url"].split(HOST, 1)[1])
    assert html.text.strip() == "\ue0007\ue001"
    # and the same through the form, in a page with a link: no error, the text as written
    path = add_page(anne, "More numbers", "[[Numbers]] &#xE000;0&#xE001; &#xE000;7&#xE001;")
    html = body_of(anne, path)
    assert html.text.strip() == "Numbers \ue0000\ue001 \ue0007\ue001"
    assert len(html.select("a")) == 1


def test_a_link_s_values_are_escaped_whatever_they_hold() -> None:
    odd = '/wiki/x" onmouseover="alert(1)'
    html, _ = render_page(
        '[[A "title" <b>]] and [[B|label " onclick=alert(2)]]',
        lambda title: Target(odd, title.startswith("A")),
        'hint " onfocus=alert(3)',
    )
    body = BeautifulSoup(html, "html.parser")
    assert_only_allowed_attributes(body)
    found, missing = body.select("a")
    assert found["href"] == missing["href"] == odd  # a value, whole, in its attribute
    assert found.text == 'A "title" <b>' and not body.select("b")
    assert missing.text == 'label " onclick=alert(2) (hint " onfocus=alert(3))'


@pytest.mark.parametrize("with_wiki_data", [True, False])
def test_a_page_imported_under_a_name_that_is_no_address_is_refused(
    world, tmp_path, capsys, with_wiki_data
) -> None:
    """The core's import refuses the name, whatever the type (also without the wiki's data,
    which the wiki checks again)."""
    anne = world.client("anne")
    add_page(anne, "Linker", "To [[Target]].")
    add_page(anne, "Target", "The target.")
    world.setup.close()
    good = tmp_path / "good.zip"
    assert world.setup.pleio("site", "export", "links", str(good)) == 0
    with zipfile.ZipFile(good) as archive:
        name = next(
            n
            for n in archive.namelist()
            if n.startswith("content/") and json.loads(archive.read(n))["path"] == "wiki/target"
        )
        document = json.loads(archive.read(name))
    document["path"] = "wiki/onmouseover=alert(document.domain)"
    if not with_wiki_data:
        document.pop("extra", None)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(rebuild_archive(good, {name: json.dumps(document).encode()}))
    capsys.readouterr()
    args = ("site", "import", "copy", str(bad), "--host", "copy.localhost")
    assert world.setup.pleio(*args) == 2
    error = capsys.readouterr().err
    assert "cannot be named 'onmouseover=alert(document.domain)'" in error
    assert not (world.setup.site_configs / "copy.toml").exists()
    # the archive as exported is fine
    assert world.setup.pleio("site", "import", "copy", str(good), "--host", "copy.localhost") == 0
    copy = world.setup.client(world.setup.make_app(), host="copy.localhost")
    (link,) = body_of(copy, "/wiki/linker/").select("a.wiki-link")
    assert link["href"].endswith("/wiki/target/")


# -- links to pages the viewer may not see (issue 12, item 6) -----------------------------


HIDDEN = {
    "Private page title": {"access": "private"},
    "Draft page": {"state": "draft"},
    "Members page": {"access": "members"},
    "Scheduled page": {"publish_at": "later"},
    "Opened later": {"access": "private"},
}
LINKER = " ".join(f"[[{title}]]" for title in [*HIDDEN, "No such page"])


def as_missing(link, title: str) -> str:
    """The link's HTML with its title taken out: the same for any page still to be written."""
    return str(link).replace(quote_plus(title), "TITLE").replace(title, "TITLE")


def test_links_to_pages_the_viewer_may_not_see_are_links_to_missing_pages(world) -> None:
    anne = world.client("anne")
    later = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=3)
    paths = {}
    for title, fields in HIDDEN.items():
        if fields.get("publish_at") == "later":
            fields = {**fields, "publish_at": later.strftime("%Y-%m-%dT%H:%M")}
        paths[title] = add_page(anne, title, "Hidden text.", **fields)
    linker = add_page(anne, "Linker", LINKER)

    def check(who: str | None) -> set[str]:
        """The titles this viewer gets a link to a page for; the others as missing."""
        client = world.client(who)
        links = body_of(client, linker).select("a")
        assert [a.contents[0] for a in links] == [*HIDDEN, "No such page"]
        nowhere = as_missing(links[-1], "No such page")
        shown = set()
        for title, link in zip(HIDDEN, links, strict=False):
            status = client.get(paths[title], expect_errors=True).status_int
            assert status in (200, 403, 404), (who, title, status)
            if status == 200:
                assert link["class"] == ["wiki-link"] and link["href"].endswith(paths[title])
                shown.add(title)
            else:
                assert as_missing(link, title) == nowhere, (who, title)
        return shown

    # the owner first, so a rendering made for her is there to be (wrongly) reused
    seen = {who: check(who) for who in ("anne", "admin", "editor", "bert", None, "bert")}
    assert seen["anne"] == set(HIDDEN)
    assert "Private page title" not in seen["bert"] and "Draft page" not in seen["bert"]
    assert seen[None] == set()
    # the owner opens a page to all: everyone's link leads to it now, with no new title
    form = anne.get(f"{paths['Opened later']}@@edit").forms["content-form"]
    fill_form(form, {"access": "public"})
    form.submit("save", status=303)
    assert "Opened later" in check("bert") and "Opened later" in check(None)
    # someone who may not see it writes a page with that title: their links lead to theirs
    bert = world.client("bert")
    own = add_page(bert, "Private page title", "Bert's own.")
    assert body_of(bert, linker).select("a")[0]["href"].endswith(own)
    assert body_of(anne, linker).select("a")[0]["href"].endswith(paths["Private page title"])


def test_a_group_only_page_is_a_missing_page_to_those_outside_the_group(world) -> None:
    anne = world.client("anne")
    group = add_through_form(anne, "/community/", "group", title="Kring", access="public")
    only = add_page(anne, "Group only", "For the group.", where=group, access="group")
    open_page = add_page(anne, "Group open", "See [[Group only]] and [[Nothing]].", where=group)
    (mine, _nothing) = body_of(anne, open_page).select("a")
    assert mine["class"] == ["wiki-link"] and mine["href"].endswith(only)
    bert = world.client("bert")
    if bert.get(only, expect_errors=True).status_int != 200:
        link, nothing = body_of(bert, open_page).select("a")
        assert as_missing(link, "Group only") == as_missing(nothing, "Nothing")
    assert world.client().get(only, expect_errors=True).status_int in (403, 404)
    link, nothing = body_of(world.client(), open_page).select("a")
    assert as_missing(link, "Group only") == as_missing(nothing, "Nothing")
