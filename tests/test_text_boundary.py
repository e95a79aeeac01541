"""Text at the boundary: what no text may hold is refused at the edge, and stored text of
any kind never breaks a page, an export or a command.

Issue 12, item 3: a title with a lone surrogate was stored (201) and took ``/``, the wiki,
every wiki page and search down (500) until it was deleted; a surrogate in a body or a
comment gave a 500 on create. Here every form and API field refuses such characters with a
clear 400/422, text stored before that (written straight into the database) renders as
U+FFFD, and ``pleio clean-text`` cleans it. Hypothesis throws arbitrary Unicode, surrogates
and controls included, at the forms and the API, then renders every page.
"""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pleio_core.catalog.reindex import reindex_site
from pleio_core.content.site import ROOT_KEY
from pleio_core.i18n import COOKIE as LANGUAGE_COOKIE
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup, add_through_form, bearer, make_token
from pleio_core.text import forbidden_character

HOST = "tekst.localhost"
CSRF = "tekst-csrf-token"
#: a lone surrogate of each half, NUL, ESC, DEL, a C1 control, non-characters in three planes
BAD = ["\ud800", "\udfff", "\x00", "\x1b", "\x7f", "\x85", "\ufdd0", "\ufffe", "\U0010ffff"]
#: text of every kind: anything Unicode has, surrogates, the refused characters, markup
TEXT = st.text(
    st.one_of(
        st.characters(),
        st.characters(categories=["Cs"]),
        st.sampled_from(BAD),
        st.sampled_from(list("<>&\"'[]()*_#\n\t")),
    ),
    max_size=24,
)
PAGES = ("/", "/wiki/", "/community/", "/@@search?text=page")


class World:
    def __init__(self, setup: PleioTestSetup, app) -> None:
        self.setup, self.app = setup, app
        self.member = setup.signed_in(app, "member@example.nl", HOST)
        self.member.testapp.set_cookie("pleio_csrf", CSRF)
        self.member.testapp.set_cookie(LANGUAGE_COOKIE, "nl")
        self.auth = bearer(make_token(self.member, "tekst"))

    def db(self):
        return SITE_DATABASES(self.app.registry).get("tekst")

    def page_names(self) -> set[str]:
        with self.db().transaction() as conn:
            return set(conn.root()[ROOT_KEY]["wiki"].keys())

    def api_add(self, **fields):
        body = {"type": "page", "title": "Page", "body": "text", "access": "public", **fields}
        return self.member.post_json(
            "/api/v1/content/wiki", body, headers=self.auth, expect_errors=True
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    setup = PleioTestSetup(tmp_path_factory.mktemp("text"))
    setup.write_site("tekst", modules=("wiki", "community"), hosts=(HOST,), access="public")
    setup.create_account("member@example.nl", "Member", tekst="member")
    world = World(setup, setup.make_app())
    yield world
    setup.close()


def form_body(fields: dict[str, str]) -> bytes:
    """A urlencoded form as a browser would send it; a surrogate as the bytes UTF-8 would
    give it were it allowed (which is what a broken client sends)."""
    return "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    ).encode()


def post_form(world: World, path: str, fields: dict[str, str]):
    return world.member.post(
        path,
        form_body({"csrf_token": CSRF, **fields}),
        content_type="application/x-www-form-urlencoded",
        expect_errors=True,
    )


# -- refused at the edge ---------------------------------------------------------------


@pytest.mark.parametrize("character", BAD, ids=[f"U+{ord(c):04X}" for c in BAD])
def test_the_api_refuses_what_no_text_may_hold_in_every_field(world, character) -> None:
    before = world.page_names()
    for fields, field in (
        ({"title": f"sur{character}title"}, "title"),
        ({"body": f"a {character} b"}, "body"),
        ({"tags": ["ok", f"t{character}"]}, "tags"),
        ({f"key{character}": "x"}, "key\ufffd"),
    ):
        answer = world.api_add(**fields)
        assert answer.status_int == 422, (fields, answer.status, answer.body[:200])
        assert answer.content_type == "application/json"
        message = answer.json["errors"][field]
        assert f"U+{ord(character):04X}" in message and "niet kan worden opgeslagen" in message
    assert world.page_names() == before  # nothing was written


def test_a_change_or_comment_through_the_api_is_refused_and_nothing_changes(world) -> None:
    made = world.api_add(title="Kept page", body="the body")
    assert made.status_int == 201
    path = made.json["path"]
    changed = world.member.patch_json(
        f"/api/v1/content/{path}", {"body": "new\x00body"}, headers=world.auth, expect_errors=True
    )
    assert changed.status_int == 422 and "body" in changed.json["errors"]
    comment = world.member.post_json(
        f"/api/v1/comments/{path}", {"text": "hi\ud800"}, headers=world.auth, expect_errors=True
    )
    assert comment.status_int == 422 and "text" in comment.json["errors"]
    read = world.member.get(f"/api/v1/content/{path}", headers=world.auth).json
    assert read["body"] == "the body" and read["comment_count"] == 0


def test_forms_refuse_it_with_a_page_that_says_which_field_and_what(world) -> None:
    before = world.page_names()
    for title in ("nul\x00title", "sur\ud800title", "esc\x1btitle"):
        answer = post_form(world, "/wiki/@@add?type=page", {"title": title, "body": "x"})
        assert answer.status_int == 400, answer.body[:300]
        text = answer.html.main.get_text(" ", strip=True)
        assert "Er is niets opgeslagen" in text, text
        if "\ud800" in title:  # the bytes are not UTF-8 at all
            assert "geen UTF-8" in text, text
        else:
            assert "title" in text and "niet kan worden opgeslagen" in text, text
    assert world.page_names() == before
    page = add_through_form(world.member, "/wiki/", "page", title="Comment here", body="b")
    answer = post_form(world, f"{page}@@comment", {"text": "a\ufffeb"})
    assert answer.status_int == 400 and "text" in answer.html.main.get_text()
    read = world.member.get(f"/api/v1/content{page}", headers=world.auth).json
    assert read["comment_count"] == 0


def test_a_json_body_is_checked_whatever_its_content_type_says(world) -> None:
    """The API reads any body as JSON, so the edge does too: no way around it by label."""
    body = b'{"type": "page", "title": "sur\\ud800title", "access": "public"}'
    for content_type in ("text/plain", "application/octet-stream", "application/json"):
        answer = world.member.post(
            "/api/v1/content/wiki", body, headers=world.auth, content_type=content_type,
            expect_errors=True,
        )  # fmt: skip
        assert answer.status_int == 422 and "title" in answer.json["errors"], content_type


def test_json_nested_too_deep_is_a_400_not_a_500(world) -> None:
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        answer = world.member.post(
            "/api/v1/content/wiki", body.encode(), headers=world.auth,
            content_type="application/json", expect_errors=True,
        )  # fmt: skip
        assert answer.status_int == 400, answer.status


def test_a_form_that_cannot_be_read_is_a_400_not_a_500(world) -> None:
    for path, headers in (("/wiki/@@add?type=page", {}), ("/api/v1/content/wiki", world.auth)):
        answer = world.member.post(
            path, b"title=x", headers=headers, content_type="multipart/form-data",
            expect_errors=True,
        )  # fmt: skip
        assert answer.status_int == 400, (path, answer.status)


def test_a_query_string_with_it_is_refused_too(world) -> None:
    for query in ("text=a%00b", "text=%EF%BF%BE", "text=%ED%A0%80"):
        answer = world.member.get(f"/@@search?{query}", expect_errors=True)
        assert answer.status_int == 400, query
        api = world.member.get(f"/api/v1/search?{query}", headers=world.auth, expect_errors=True)
        assert api.status_int in (400, 422) and api.content_type == "application/json", query


def test_ordinary_text_of_every_script_is_taken_as_it_is(world) -> None:
    title = "Ĳsselmeer — 東京 \U0001f600 عربى"
    made = world.api_add(title=title, body="line\r\nnext\u00a0nbsp\ttab")
    assert made.status_int == 201, made.body[:200]
    assert made.json["title"] == title


# -- stored before: rendered, exported and cleaned -------------------------------------


def spoil(world: World, path: str, group: str) -> None:
    """Put bad text straight into the database, as text stored before the edge refused it."""
    with world.db().transaction() as conn:
        site = conn.root()[ROOT_KEY]
        page = site
        for name in path.strip("/").split("/"):
            page = page[name]
        page.title = "Kapot\ud800page"
        page.body = "body \x00 with \ufffe and [[Kapot\udfffpage]]"
        page.tags = ["tag\ud800"]
        site["community"][group].title = "Groep\udbff"
        reindex_site(site, world.app.registry)


def test_text_stored_before_never_breaks_a_page_or_an_export(world) -> None:
    page = add_through_form(
        world.member, "/wiki/", "page", title="Spoiled", body="b", access="public"
    )
    group = add_through_form(world.member, "/community/", "group", title="Kring", access="public")
    add_through_form(world.member, page, "page", title="Child", body="c")
    spoil(world, page, group.strip("/").split("/")[-1])
    anonymous = world.setup.client(world.app, host=HOST)
    for client in (world.member, anonymous):
        for path in (*PAGES, page, f"{page}@@history", group, "/@@search?text=Kapot"):
            answer = client.get(path, expect_errors=True)
            assert answer.status_int == 200, (path, answer.status)
    shown = world.member.get(page).text
    assert "Kapot\ufffdpage" in shown and "\ufffd" in world.member.get("/community/").text
    exported = world.member.get(f"{page}@@export")
    with zipfile.ZipFile(io.BytesIO(exported.body)) as archive:
        texts = [archive.read(name).decode("utf-8") for name in archive.namelist()]
    assert any("\ufffd" in text for text in texts)
    api = world.member.get(f"/api/v1/content{page}", headers=world.auth)
    assert api.status_int == 200 and api.json["title"] == "Kapot\ufffdpage"
    api.body.decode("utf-8")  # strict UTF-8, no surrogate escapes
    assert b"\\ud800" not in api.body


def test_clean_text_cleans_what_was_stored_and_search_finds_it(tmp_path) -> None:
    setup = PleioTestSetup(tmp_path)
    setup.write_site("tekst", modules=("wiki", "community"), hosts=(HOST,), access="public")
    setup.create_account("member@example.nl", "Member", tekst="member")
    world = World(setup, setup.make_app())
    page = add_through_form(
        world.member, "/wiki/", "page", title="Spoiled", body="b", access="public"
    )
    group = add_through_form(world.member, "/community/", "group", title="Kring", access="public")
    spoil(world, page, group.strip("/").split("/")[-1])
    setup.close()

    out = tmp_path / "export.zip"
    assert setup.pleio("site", "export", "tekst", str(out)) == 0
    with zipfile.ZipFile(out) as archive:
        members = [archive.read(n) for n in archive.namelist() if n.endswith(".json")]
    assert any("Kapot\ufffdpage" in json.dumps(json.loads(m), ensure_ascii=False) for m in members)

    assert setup.pleio("clean-text") == 0
    app = setup.make_app()
    with SITE_DATABASES(app.registry).get("tekst").transaction() as conn:
        site = conn.root()[ROOT_KEY]
        node = site
        for name in page.strip("/").split("/"):
            node = node[name]
        assert node.title == "Kapot\ufffdpage"
        assert node.body == "body \ufffd with \ufffd and [[Kapot\ufffdpage]]"
        assert node.tags == ["tag\ufffd"]
        assert forbidden_character(site["community"][group.strip("/").split("/")[-1]].title) is None
    found = setup.client(app, host=HOST).get("/@@search?text=Kapot").html
    assert "Kapot\ufffdpage" in found.get_text()
    setup.close()


def test_clean_text_says_what_it_did_and_a_second_run_changes_nothing(tmp_path, capsys) -> None:
    setup = PleioTestSetup(tmp_path)
    setup.write_site("tekst", modules=("wiki",), hosts=(HOST,), access="public")
    setup.create_account("member@example.nl", "Member", tekst="member")
    world = World(setup, setup.make_app())
    page = add_through_form(
        world.member, "/wiki/", "page", title="Spoiled", body="b", access="public"
    )
    with world.db().transaction() as conn:
        node = conn.root()[ROOT_KEY]["wiki"][page.strip("/").split("/")[-1]]
        node.body = "bad\x00"
    setup.close()
    capsys.readouterr()
    assert setup.pleio("clean-text", "tekst") == 0
    assert "tekst: 1 objects cleaned" in capsys.readouterr().out
    assert setup.pleio("clean-text", "tekst") == 0
    assert "tekst: 0 objects cleaned" in capsys.readouterr().out
    assert setup.pleio("clean-text", "nosuchsite") == 2


# -- anything at all ------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(title=TEXT, body=TEXT, tag=TEXT)
def test_any_text_through_the_api_and_the_forms_never_gives_a_server_error(
    world, title, body, tag
) -> None:
    refused = any(forbidden_character(text) for text in (title, body, tag))
    made = world.api_add(title=title, body=body, tags=[tag])
    assert made.status_int < 500, made.body[:300]
    if refused:
        assert made.status_int == 422 and made.json["errors"], made.body[:300]
    form = post_form(world, "/wiki/@@add?type=page", {"title": title, "body": body, "tags": tag})
    assert form.status_int < 500, form.body[:300]
    if refused:
        assert form.status_int == 400
    shown = [*PAGES, f"/@@search?text={quote(title.encode('utf-8', 'surrogatepass'))}"]
    if made.status_int == 201:
        shown.append(f"/{made.json['path']}/")
        # a comment on it, through the API and through the page's form
        said = world.member.post_json(
            f"/api/v1/comments/{made.json['path']}", {"text": body}, headers=world.auth,
            expect_errors=True,
        )  # fmt: skip
        assert said.status_int < 500, said.body[:300]
        assert said.status_int == 422 or not forbidden_character(body), said.body[:300]
        form_said = post_form(world, f"/{made.json['path']}/@@comment", {"text": body})
        assert form_said.status_int < 500, form_said.body[:300]
    group = post_form(world, "/community/@@add?type=group", {"title": title, "access": "public"})
    assert group.status_int < 500, group.body[:300]
    assert group.status_int == 400 or not forbidden_character(title), group.body[:300]
    if form.status_int == 303:
        shown.append(form.location.split(HOST, 1)[1])
    for path in shown:
        answer = world.member.get(path, expect_errors=True)
        assert answer.status_int < 500, (path, answer.status)
