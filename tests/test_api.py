"""The JSON API, driven through the whole WSGI app: the notes type declares nothing for it."""

from __future__ import annotations

import pytest
import schemathesis
from bs4 import BeautifulSoup

from pleio_core.content.revisions import history_of
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, SITE_DATABASES
from pleio_core.testing import (
    ApiConformance,
    PleioTestSetup,
    bearer,
    csrf_token,
    make_token,
    sign_in_client,
)

HOST = "kia.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup, notes_plugin: str):
    pleio_setup.write_site("kia", modules=("notes",))
    pleio_setup.write_site("bare", modules=())
    pleio_setup.create_account("member@example.nl", kia="member")
    pleio_setup.create_account("other@example.nl", kia="member")
    pleio_setup.create_account("editor@example.nl", kia="editor")
    pleio_setup.create_account("stranger@example.nl")
    app = pleio_setup.make_app()
    return pleio_setup, app


@pytest.fixture
def member(world):
    setup, app = world
    client = sign_in_client(setup, app, "member@example.nl", HOST)
    return client, bearer(make_token(client, "kia"))


@pytest.fixture
def conformance(world) -> ApiConformance:
    setup, app = world
    return ApiConformance(setup.client(app).get("/api/v1/openapi.json", host=HOST).json)


def add_note(client, headers, **fields):
    body = {"type": "note", "title": "Hello", "body": "Some *text*", **fields}
    return client.post_json("/api/v1/content/notes", body, headers=headers, host=HOST, status=201)


def test_a_note_is_created_read_changed_listed_and_deleted(world, member, conformance) -> None:
    _setup, app = world
    client, auth = member
    made = add_note(client, auth, tags=["a", "b", "A"], access="public")
    conformance.check("/api/v1/content/{path}", "post", made)
    note = made.json
    assert note["type"] == "note" and note["path"] == "notes/hello"
    assert note["body_html"] == "<p>Some <em>text</em></p>\n"
    assert note["tags"] == ["a", "b"] and note["serial"] == 0 and note["owner"]
    assert made.location.endswith("/api/v1/content/notes/hello")

    read = client.get("/api/v1/content/notes/hello", headers=auth, host=HOST)
    conformance.check("/api/v1/content/{path}", "get", read)
    assert read.json == note

    changed = client.patch_json(
        "/api/v1/content/notes/hello", {"serial": 0, "title": "Hi"}, headers=auth, host=HOST
    )
    conformance.check("/api/v1/content/{path}", "patch", changed)
    assert changed.json["title"] == "Hi" and changed.json["serial"] == 1
    assert changed.json["body"] == "Some *text*"  # what was not sent stays as it was
    noted = client.patch_json(
        "/api/v1/content/notes/hello",
        {"serial": 1, "body": "More", "change_note": "longer"},
        headers=auth,
        host=HOST,
    )
    assert noted.json["serial"] == 2 and "change_note" not in noted.json
    with SITE_DATABASES(app.registry).get("kia").transaction() as conn:  # notes keep revisions
        note_object = conn.root()[ROOT_KEY]["notes"]["hello"]
        assert next(history_of(note_object).newest_first()).comment == "longer"

    listing = client.get("/api/v1/children/notes", headers=auth, host=HOST)
    conformance.check("/api/v1/children/{path}", "get", listing)
    assert listing.json["addable_types"] == ["note"]
    assert [i["title"] for i in listing.json["items"]] == ["Hi"]

    gone = client.delete("/api/v1/content/notes/hello", headers=auth, host=HOST, status=204)
    conformance.check("/api/v1/content/{path}", "delete", gone)
    missing = client.get("/api/v1/content/notes/hello", headers=auth, host=HOST, status=404)
    conformance.check("/api/v1/content/{path}", "get", missing)


def test_listing_pages_and_shows_only_what_the_caller_may_see(world, member) -> None:
    setup, app = world
    client, auth = member
    for n in range(5):
        add_note(client, auth, title=f"Note {n}", access="public")
    add_note(client, auth, title="Secret", access="private")
    anonymous = setup.client(app)
    page = anonymous.get("/api/v1/children/notes?start=2&limit=2", host=HOST).json
    assert page["total"] == 5 and [i["title"] for i in page["items"]] == ["Note 2", "Note 3"]
    mine = client.get("/api/v1/children/notes", headers=auth, host=HOST).json
    assert mine["total"] == 6
    bad = client.get("/api/v1/children/notes?limit=1000", host=HOST, status=422)
    assert "limit" in bad.json["errors"]


def test_bad_input_gets_a_message_per_field(member, conformance) -> None:
    client, auth = member
    body = {"type": "note", "title": " ", "access": "everybody", "tags": 7, "publish_at": "soon"}
    bad = client.post_json("/api/v1/content/notes", body, headers=auth, host=HOST, status=422)
    conformance.check("/api/v1/content/{path}", "post", bad)
    assert set(bad.json["errors"]) == {"title", "access", "tags", "publish_at"}
    assert all(isinstance(m, str) and m for m in bad.json["errors"].values())

    unknown = client.post_json(
        "/api/v1/content/notes",
        {"type": "note", "title": "x", "colour": "red"},
        headers=auth,
        host=HOST,
        status=422,
    )
    assert unknown.json["errors"] == {"colour": "Dit veld bestaat niet."}  # Dutch: the site's
    for raw in (b"{not json", b"[1, 2]", b"\xff\xfe", b""):
        answer = client.post(
            "/api/v1/content/notes",
            raw,
            headers={**auth, "Content-Type": "application/json"},
            host=HOST,
            status=400,
        )
        conformance.check("/api/v1/content/{path}", "post", answer)
        assert answer.json["error"]
    assert client.get("/api/v1/children/notes", host=HOST).json["total"] == 0  # nothing written


def test_scripts_and_javascript_links_are_stored_harmless(member) -> None:
    client, auth = member
    body = (
        '<script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror="alert(1)">'
        ' <a href="javascript:alert(2)">x</a> [fine](https://example.nl)'
    )
    note = add_note(client, auth, body=body).json
    assert note["body"] == body  # the Markdown as written; only the HTML is rendered
    tags = BeautifulSoup(note["body_html"], "html.parser").find_all(True)
    assert [t.name for t in tags] == ["p", "a"]  # the raw HTML became text
    assert tags[1]["href"] == "https://example.nl"
    assert "&lt;script&gt;" in note["body_html"]


def test_a_stale_edit_is_refused_with_409(member, conformance) -> None:
    client, auth = member
    add_note(client, auth)
    client.patch_json(
        "/api/v1/content/notes/hello", {"serial": 0, "body": "first"}, headers=auth, host=HOST
    )
    stale = client.patch_json(
        "/api/v1/content/notes/hello",
        {"serial": 0, "body": "second"},
        headers=auth,
        host=HOST,
        status=409,
    )
    conformance.check("/api/v1/content/{path}", "patch", stale)
    assert stale.json["serial"] == 1
    assert (
        client.get("/api/v1/content/notes/hello", headers=auth, host=HOST).json["body"] == "first"
    )
    no_serial = client.patch_json(
        "/api/v1/content/notes/hello", {"body": "x"}, headers=auth, host=HOST, status=422
    )
    assert list(no_serial.json["errors"]) == ["serial"]


def test_a_change_keeps_the_stored_publication_as_it_is(member) -> None:
    """A change that does not touch the publication is checked against the stored start and
    end as they are: less than a second apart, they must not come back equal from their
    local time, the end then "before" the start (the fuzz test's 422 on a PATCH that sent
    neither)."""
    client, auth = member
    start, end = "2026-12-01T09:00:00.080387+00:00", "2026-12-01T09:00:00.104172+00:00"
    made = add_note(client, auth, publish_at=start, publish_until=end).json
    changed = client.patch_json(
        "/api/v1/content/notes/hello",
        {"serial": made["serial"], "title": "Hello again"},
        headers=auth,
        host=HOST,
        status=200,
    ).json
    assert changed["title"] == "Hello again"
    assert (changed["publish_at"], changed["publish_until"]) == (
        made["publish_at"],
        made["publish_until"],
    )


def test_unknown_types_paths_and_disabled_modules_are_404(world, member, conformance) -> None:
    setup, app = world
    client, auth = member
    add_note(client, auth, access="public")
    unknown_type = client.post_json(
        "/api/v1/content/notes", {"type": "poem", "title": "x"}, headers=auth, host=HOST, status=404
    )
    conformance.check("/api/v1/content/{path}", "post", unknown_type)
    for path in ("/api/v1/content/notes/nope", "/api/v1/content/wiki", "/api/v1/nothing"):
        answer = client.get(path, headers=auth, host=HOST, status=404)
        assert answer.content_type == "application/json" and answer.json["error"]
    client.get("/api/v1/content/notes/hello", host="bare.localhost", status=404)
    assert setup.pleio  # the module is switched off in the site's own database:
    with SITE_DATABASES(app.registry).get("kia").transaction() as conn:
        root = conn.root()[ROOT_KEY]
        root.enabled_modules = ()
    for path in ("/api/v1/content/notes/hello", "/api/v1/children/notes"):
        client.get(path, headers=auth, host=HOST, status=404)
    assert client.get("/api/v1/site", host=HOST).json["content_types"] == []


def test_permissions_are_those_of_the_pages(world, member) -> None:
    setup, app = world
    client, auth = member
    add_note(client, auth, access="members")
    anonymous = setup.client(app)
    assert anonymous.get("/api/v1/content/notes/hello", host=HOST, status=401).json["error"]
    anonymous.post_json("/api/v1/content/notes", {"type": "note"}, host=HOST, status=401)
    stranger = sign_in_client(setup, app, "stranger@example.nl", HOST)
    stranger_auth = bearer(make_token(stranger, "kia"))
    stranger.get("/api/v1/content/notes/hello", headers=stranger_auth, host=HOST, status=403)
    stranger.post_json(
        "/api/v1/content/notes",
        {"type": "note", "title": "x"},
        headers=stranger_auth,
        host=HOST,
        status=403,
    )
    other = sign_in_client(setup, app, "other@example.nl", HOST)
    other_auth = bearer(make_token(other, "kia"))
    other.get("/api/v1/content/notes/hello", headers=other_auth, host=HOST)  # a member: reads
    other.patch_json(
        "/api/v1/content/notes/hello", {"serial": 0}, headers=other_auth, host=HOST, status=403
    )
    other.delete("/api/v1/content/notes/hello", headers=other_auth, host=HOST, status=403)
    editor = sign_in_client(setup, app, "editor@example.nl", HOST)
    editor_auth = bearer(make_token(editor, "kia"))
    editor.patch_json(
        "/api/v1/content/notes/hello",
        {"serial": 0, "title": "Edited"},
        headers=editor_auth,
        host=HOST,
    )


def test_session_writes_need_the_csrf_header(member) -> None:
    client, _auth = member
    body = {"type": "note", "title": "By browser"}
    refused = client.post_json("/api/v1/content/notes", body, host=HOST, status=403)
    assert "X-CSRF-Token" in refused.json["error"]
    token = csrf_token(client, HOST)
    made = client.post_json(
        "/api/v1/content/notes", body, headers={"X-CSRF-Token": token}, host=HOST, status=201
    )
    assert made.json["title"] == "By browser"
    assert client.get("/api/v1/me", host=HOST).json["via"] == "session"
    # beside a token the cookie does not count: no CSRF header needed, none would help
    _client, auth = member
    body = {"type": "note", "title": "By script"}
    client.post_json("/api/v1/content/notes", body, headers=auth, host=HOST, status=201)
    refused = client.post_json(
        "/api/v1/content/notes",
        body,
        headers={"X-CSRF-Token": token, "Authorization": "Bearer pleio_revoked"},
        host=HOST,
        status=401,
    )


def test_comments_and_likes(world, member, conformance) -> None:
    setup, app = world
    client, auth = member
    add_note(client, auth, access="public")
    url = "/api/v1/comments/notes/hello"
    first = client.post_json(url, {"text": "Nice"}, headers=auth, host=HOST, status=201)
    conformance.check("/api/v1/comments/{path}", "post", first)
    reply = client.post_json(
        url, {"text": "Yes", "reply_to": first.json["id"]}, headers=auth, host=HOST, status=201
    )
    assert reply.json["reply_to"] == first.json["id"]
    empty = client.post_json(url, {"text": " "}, headers=auth, host=HOST, status=422)
    assert list(empty.json["errors"]) == ["text"]
    nowhere = client.post_json(
        url, {"text": "x", "reply_to": 5}, headers=auth, host=HOST, status=422
    )
    assert list(nowhere.json["errors"]) == ["reply_to"]
    listed = client.get(url, host=HOST)
    conformance.check("/api/v1/comments/{path}", "get", listed)
    assert [c["text"] for c in listed.json["items"]] == ["Nice", "Yes"]

    other = sign_in_client(setup, app, "other@example.nl", HOST)
    other_auth = bearer(make_token(other, "kia"))
    comment_id = first.json["id"]
    other.patch_json(
        f"{url}?id={comment_id}", {"text": "Mine now"}, headers=other_auth, host=HOST, status=403
    )
    changed = client.patch_json(
        f"{url}?id={comment_id}", {"text": "Nicer"}, headers=auth, host=HOST
    )
    assert changed.json["text"] == "Nicer"
    client.delete(f"{url}?id={comment_id}", headers=auth, host=HOST, status=204)
    assert client.get(url, host=HOST).json["total"] == 0  # the reply went with it

    likes = "/api/v1/likes/notes/hello"
    liked = other.put(likes, headers=other_auth, host=HOST)
    conformance.check("/api/v1/likes/{path}", "put", liked)
    assert liked.json == {"like_count": 1, "liked": True}
    assert other.put(likes, headers=other_auth, host=HOST).json["like_count"] == 1
    assert client.get(likes, headers=auth, host=HOST).json == {"like_count": 1, "liked": False}
    assert client.get("/api/v1/content/notes/hello", host=HOST).json["like_count"] == 1
    assert other.delete(likes, headers=other_auth, host=HOST).json["like_count"] == 0
    setup.client(app).put(likes, host=HOST, status=401)


def test_site_me_and_openapi_document(world, member, conformance) -> None:
    setup, app = world
    client, auth = member
    site = client.get("/api/v1/site", host=HOST)
    conformance.check("/api/v1/site", "get", site)
    assert [t["name"] for t in site.json["content_types"]] == ["note"]
    me = client.get("/api/v1/me", headers=auth, host=HOST)
    conformance.check("/api/v1/me", "get", me)
    assert me.json["role"] == "member" and me.json["via"] == "token"
    conformance.check(
        "/api/v1/me", "get", setup.client(app).get("/api/v1/me", host=HOST, status=401)
    )
    document = conformance.document
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(document).validate()  # against the OpenAPI 3.1 schema
    create = document["components"]["schemas"]["NoteCreate"]
    assert create["required"] == ["type", "title"]
    assert create["properties"]["title"]["maxLength"] == 200
    assert set(create["properties"]["state"]["enum"]) == {"draft", "published", None}
    bare = setup.client(app).get("/api/v1/openapi.json", host="bare.localhost").json
    assert "NoteCreate" not in bare["components"]["schemas"]  # its modules only
    client.put("/api/v1/site", headers=auth, host=HOST, status=405)
    setup.client(app).get("/api/v1/site", host="localhost", status=404)  # not on the platform


def test_json_schema_comes_from_the_colander_nodes() -> None:
    import colander

    from pleio_core.api.schemas import node_schema, object_schema

    class Event(colander.MappingSchema):
        seats = colander.SchemaNode(colander.Integer(), validator=colander.Range(1, 500))
        code = colander.SchemaNode(
            colander.String(),
            validator=colander.All(colander.Regex("^[A-Z]+$"), colander.Length(2, 8)),
            missing="",
        )
        mail = colander.SchemaNode(colander.String(), validator=colander.Email(), missing=None)
        days = colander.SchemaNode(
            colander.Sequence(), colander.SchemaNode(colander.Date()), missing=()
        )
        free = colander.SchemaNode(colander.Boolean(), title="Free?")

    schema = object_schema(list(Event().children), str)
    assert schema["required"] == ["seats", "free"] and schema["additionalProperties"] is False
    props = schema["properties"]
    assert props["seats"] == {"type": "integer", "minimum": 1, "maximum": 500, "title": "Seats"}
    assert props["code"]["type"] == ["string", "null"]
    assert (props["code"]["pattern"], props["code"]["minLength"]) == ("^[A-Z]+$", 2)
    assert props["mail"]["format"] == "email"
    assert props["days"]["type"] == ["array", "null"]
    assert props["days"]["items"]["format"] == "date"
    assert props["free"] == {"type": "boolean", "title": "Free?"}
    change = object_schema(list(Event().children), str, partial=True)
    assert "required" not in change
    # a colander type it does not know is described as anything, never guessed
    assert node_schema(colander.SchemaNode(colander.GlobalObject(None)), str) == {}


def test_wiki_pages_inside_pages(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("wiki", modules=("wiki",))
    pleio_setup.create_account("writer@example.nl", wiki="member")
    app = pleio_setup.make_app()
    client = sign_in_client(pleio_setup, app, "writer@example.nl", "wiki.localhost")
    auth = bearer(make_token(client, "wiki"))
    post = {"headers": auth, "host": "wiki.localhost", "status": 201}
    top = client.post_json("/api/v1/content/wiki", {"type": "page", "title": "Top"}, **post)
    sub = client.post_json(
        f"/api/v1/content/{top.json['path']}", {"type": "page", "title": "Sub"}, **post
    )
    assert sub.json["path"] == "wiki/top/sub"
    listing = client.get("/api/v1/children/wiki/top", headers=auth, host="wiki.localhost").json
    assert [i["path"] for i in listing["items"]] == ["wiki/top/sub"]
    assert listing["addable_types"] == ["page"]
    assert client.get("/api/v1/content/wiki/top", host="wiki.localhost").json["child_count"] == 1


def test_an_admin_of_another_site_reaches_nothing_through_the_api(pleio_setup) -> None:
    """Every API route and method (from the introspector), as site A's admin against closed
    site B: with A's token 401, with the cookie and a valid CSRF header 403 or 404."""
    pleio_setup.write_site("site-a", modules=("wiki",))
    pleio_setup.write_site("site-b", modules=("wiki",), access="closed")
    pleio_setup.create_account("alice@example.nl", **{"site-a": "admin"})
    app = pleio_setup.make_app()
    alice = sign_in_client(pleio_setup, app, "alice@example.nl", "site-b.localhost")
    token = make_token(alice, "site-a")
    with SITE_DATABASES(app.registry).get("site-b").transaction() as conn:
        page = CONTENT_TYPES(app.registry)["page"].factory("Pagina van B")
        conn.root()[ROOT_KEY]["wiki"].add("page", page)
    before = SITE_DATABASES(app.registry).get("site-b").lastTransaction()
    routes = {
        r["name"]: r["pattern"]
        for r in app.registry.introspector.get_category("routes")
        for r in [r["introspectable"]]
    }
    calls = set()
    for view in app.registry.introspector.get_category("views"):
        intr = view["introspectable"]
        if (intr["route_name"] or "").startswith("api.") and intr["request_methods"]:
            methods = intr["request_methods"]
            for method in (methods,) if isinstance(methods, str) else methods:
                path = routes[intr["route_name"]].replace("*path", "wiki/page")
                calls.add((method, path))
    assert len(calls) >= 15 and ("PATCH", "/api/v1/content/wiki/page") in calls
    csrf = csrf_token(alice, "site-b.localhost")  # valid: CSRF must not hide a 403
    wrong = []
    for method, path in sorted(calls):
        send = getattr(alice, method.lower())
        kwargs = {"host": "site-b.localhost", "expect_errors": True}
        if method not in ("GET", "HEAD", "DELETE"):
            kwargs["params"] = b'{"type": "page", "title": "x", "serial": 0, "text": "x"}'
        with_token = send(path, headers=bearer(token), **kwargs).status_int
        with_cookie = send(path, headers={"X-CSRF-Token": csrf}, **kwargs).status_int
        own = path == "/api/v1/me" and method in ("GET", "HEAD")  # the caller, role: null
        if with_token != 401 or with_cookie not in ((200,) if own else (403, 404)):
            wrong.append(f"{method} {path}: token {with_token}, cookie {with_cookie}")
    assert not wrong, "site B answered site A's admin:\n" + "\n".join(wrong)
    assert SITE_DATABASES(app.registry).get("site-b").lastTransaction() == before


def test_search_finds_what_the_caller_may_see(world, member, conformance) -> None:
    setup, app = world
    client, auth = member
    add_note(client, auth, title="Archive rules", body="How to keep records", access="public")
    add_note(client, auth, title="Private records", body="My records", access="private")
    add_note(client, auth, title="Tagged", body="records again", tags=["law"], access="members")
    anonymous = setup.client(app)
    found = anonymous.get("/api/v1/search?text=records", host=HOST)
    conformance.check("/api/v1/search", "get", found)
    assert [hit["title"] for hit in found.json["items"]] == ["Archive rules"]
    assert "records" in found.json["items"][0]["snippet"]
    mine = client.get("/api/v1/search?text=records&size=2", headers=auth, host=HOST).json
    assert mine["total"] == 3 and mine["pages"] == 2 and len(mine["items"]) == 2
    tagged = client.get("/api/v1/search?tag=law", headers=auth, host=HOST).json
    assert [hit["title"] for hit in tagged["items"]] == ["Tagged"]
    for query, field in (
        ("type=poem", "type"),
        ("size=1000", "size"),
        ("from=yesterday", "from"),
        ("text=" + "x" * 300, "text"),
    ):
        bad = client.get(f"/api/v1/search?{query}", headers=auth, host=HOST, status=422)
        conformance.check("/api/v1/search", "get", bad)
        assert list(bad.json["errors"]) == [field]
