"""The access matrix: every kind of viewer × access level × state × every surface.

Seven viewers (anonymous, a member, an editor, an admin, a member of the group, the owner,
another site's admin) against sixteen wiki pages (four access levels × draft, scheduled, ended
and live), on every page and API route that takes a piece of content — read from Pyramid's
introspector, so a view added later is in the matrix without anyone remembering it — in
search, and on the home page. Then the change-access attempt, through the API and the edit form.

The expectations are written out here from the rules (docs/site-holder-guide.md, "Who sees
what"), not computed with the code under test.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from pleio_core.content import ContentAdded
from pleio_core.content.activity import activity_log
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.testing import PleioTestSetup, add_through_form, wait_for

HOST = "matrix.localhost"
CSRF = "matrix-csrf-token"
VIEWERS = (None, "member", "editor", "admin", "groupie", "owner", "foreign")
ROLES = {"member": "member", "editor": "editor", "admin": "admin", "groupie": "member"}
LEVELS = ("public", "members", "group", "private")
STATES = ("draft", "scheduled", "ended", "live")
SITE_MEMBERS = {"member", "editor", "admin", "groupie", "owner"}
ITEMS = [(level, state) for level in LEVELS for state in STATES]


def may_view(who: str | None, level: str, state: str) -> bool:
    if who in ("admin", "owner"):
        return True
    if state != "live":  # never wider than its level; editors review public and members' items
        return who == "editor" and level in ("public", "members")
    return {
        "public": True,
        "members": who in SITE_MEMBERS,
        "group": who == "groupie",
        "private": False,
    }[level]


def may_edit(who: str | None, level: str, state: str) -> bool:
    """A wiki is written together: who sees a live page (not private) edits it."""
    if who in ("admin", "owner") or (who == "editor" and level in ("public", "members")):
        return True
    if state != "live" or level == "private":
        return False
    return who == "groupie" if level == "group" else who in SITE_MEMBERS


def may_manage(who: str | None, level: str) -> bool:
    """Changing who sees it (access, state, publication): owner, admins, and editors for the
    levels they look after."""
    return who in ("admin", "owner") or (who == "editor" and level in ("public", "members"))


def token(level: str, state: str) -> str:
    return f"mx{level}{state}"


def path_of(level: str, state: str) -> str:
    where = "/community/kring/" if level == "group" else "/wiki/"
    return f"{where}{token(level, state)}/"


class Matrix:
    def __init__(self, setup: PleioTestSetup, app) -> None:
        self.setup, self.app = setup, app
        self._clients: dict[str, object] = {}

    def client(self, who: str | None):
        if who is None:
            client = self.setup.client(self.app, host=HOST)
        elif who not in self._clients:
            client = self._clients[who] = self.setup.signed_in(self.app, f"{who}@example.nl", HOST)
        else:
            client = self._clients[who]
        client.testapp.set_cookie("pleio_csrf", CSRF)  # a valid token: CSRF must not hide a 403
        return client

    def db(self):
        return SITE_DATABASES(self.app.registry).get("matrix")

    def stored(self, path: str):
        conn = self.db().open()
        try:
            node = conn.root()[ROOT_KEY]
            for name in path.strip("/").split("/"):
                node = node[name]
            return node.access, node.state, node.serial
        finally:
            conn.close()


@pytest.fixture(scope="module")
def matrix(tmp_path_factory) -> Matrix:
    setup = PleioTestSetup(tmp_path_factory.mktemp("matrix"))
    setup.write_site(
        "matrix", modules=("wiki", "community", "workspace"), hosts=(HOST,), access="public"
    )
    setup.write_site("elsewhere", modules=("wiki",))
    for who, role in ROLES.items():
        setup.create_account(f"{who}@example.nl", who, matrix=role)
    setup.create_account("owner@example.nl", "owner", matrix="member")
    setup.create_account("foreign@example.nl", "foreign", elsewhere="admin")
    app = setup.make_app()
    world = Matrix(setup, app)
    assert add_through_form(
        world.client("groupie"), "/community/", "group", title="Kring", access="public"
    ) == ("/community/kring/")
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        owner_id = conn.root()["pleio_platform"]["accounts"].by_email("owner@example.nl").id
    soon = datetime.now(UTC) + timedelta(days=30)
    with world.db().transaction() as conn:
        site = conn.root()[ROOT_KEY]
        group = site["community"]["kring"]
        for level, state in ITEMS:
            page = CONTENT_TYPES(app.registry)["page"].factory(owner=owner_id)
            page.title = f"Matrix page {token(level, state)}"
            page.set_body(f"The text of {token(level, state)}.")
            page.access = level
            page.state = "draft" if state == "draft" else "published"
            page.publish_at = soon if state == "scheduled" else None
            page.publish_until = datetime.now(UTC) - timedelta(days=1) if state == "ended" else None
            page.group = group.principal if level == "group" else None
            (group if level == "group" else site["wiki"]).add(token(level, state), page)
            app.registry.notify(ContentAdded(page))
            activity_log(site, create=True).append("created", owner_id, "owner", page)
    yield world
    setup.close()


def surfaces(registry) -> list[tuple[str, str]]:
    """(view name, method) of every traversal view that a wiki page answers."""
    from pleio_wiki.content import Page

    return class_surfaces(registry, Page)


def api_routes(registry) -> list[tuple[str, str]]:
    """(pattern, method) of every API route that takes a content path."""
    found = set()
    for route in registry.introspector.get_category("routes"):
        intr = route["introspectable"]
        if not intr["pattern"].endswith("*path"):
            continue
        for view in route["related"]:
            methods = view.get("request_methods") if view.category_name == "views" else None
            for method in (methods,) if isinstance(methods, str) else methods or ():
                found.add((intr["pattern"].removesuffix("*path"), method))
    return sorted(found)


def call(client, method: str, url: str, **kw):
    headers = {"X-CSRF-Token": CSRF}
    if method in ("GET", "HEAD"):
        return getattr(client, method.lower())(url, headers=headers, expect_errors=True)
    if method == "POST" and not url.startswith("/api/"):
        return client.post(url, {"csrf_token": CSRF}, headers=headers, expect_errors=True)
    return client.request(
        url, method=method, body=b"{}", headers={**headers, "Content-Type": "application/json"},
        expect_errors=True,
    )  # fmt: skip


@pytest.mark.parametrize("who", VIEWERS)
def test_who_sees_what_on_every_surface(matrix, who) -> None:
    client = matrix.client(who)
    views = surfaces(matrix.app.registry)
    routes = api_routes(matrix.app.registry)
    assert ("", "GET") in views and ("edit", "POST") in views and ("history", "GET") in views
    assert ("follow", "POST") in views  # (notifications: following the item)
    assert ("/api/v1/content/", "PATCH") in routes and ("/api/v1/likes/", "PUT") in routes
    db = matrix.db()
    wrong = []
    for level, state in ITEMS:
        seen = may_view(who, level, state)
        wrong += surface_problems(
            client, db, path_of(level, state), f"Matrix page {token(level, state)}",
            token(level, state), views, routes, seen,
        )  # fmt: skip
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


def surface_problems(
    client, db, path: str, title: str, mark: str, views, routes, seen: bool
) -> list[str]:
    """What is wrong with one item's surfaces for one viewer: seen (GET of the page and the
    API, 200 with its title), or else 401/403/404 on every view and API route, its title
    and text nowhere, and nothing written."""
    if seen:
        wrong = []
        for url in (path, "/api/v1/content" + path.rstrip("/")):
            page = call(client, "GET", url)
            if page.status_int != 200 or title not in page.text:
                wrong.append(f"{mark}: GET {url} {page.status_int}, must be seen")
        return wrong
    urls = [(method, path + (f"@@{name}" if name else "")) for name, method in views]
    urls += [(method, prefix + path.strip("/")) for prefix, method in routes]
    wrong, before = [], db.lastTransaction()
    for method, url in urls:
        answer = call(client, method, url)
        leaked = title in answer.text or f"text of {mark}" in answer.text
        if answer.status_int not in (401, 403, 404) or leaked:
            wrong.append(f"{mark}: {method} {url} {answer.status_int}")
    if db.lastTransaction() != before:
        wrong.append(f"{mark}: written by one who may not see it")
    return wrong


@pytest.mark.parametrize("who", VIEWERS)
def test_search_finds_only_what_the_searcher_may_see(matrix, who) -> None:
    client = matrix.client(who)
    wrong = []
    for level, state in ITEMS:
        mark = token(level, state)
        expected = may_view(who, level, state)
        for url in (f"/@@search?text={mark}", f"/api/v1/search?text={mark}"):
            answer = call(client, "GET", url)
            if answer.status_int != 200 or (f"Matrix page {mark}" in answer.text) != expected:
                wrong.append(f"{level}/{state}: {url} {answer.status_int}, seen: {not expected}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", VIEWERS)
def test_the_home_page_names_only_what_the_viewer_may_see(matrix, who) -> None:
    """The wiki's widget lists the five pages changed last that the viewer may open, and the
    activity stream every page they may open: never one they may not."""
    home = call(matrix.client(who), "GET", "/")
    assert home.status_int == 200
    for part in (".home-widgets", ".home-activity"):
        text = "".join(section.text for section in home.html.select(part))
        shown = [item for item in ITEMS if f"Matrix page {token(*item)}" in text]
        leaked = [f"{level}/{state}" for level, state in shown if not may_view(who, level, state)]
        assert not leaked, f"{who} is shown in {part}: {leaked}"
        visible = sum(may_view(who, *item) for item in ITEMS)
        assert len(shown) == (min(5, visible) if part == ".home-widgets" else visible), shown


@pytest.mark.parametrize("who", [w for w in VIEWERS if w is not None])
def test_changing_who_sees_it_is_a_permission_of_its_own(matrix, who) -> None:
    """Through the API and the edit form, for every item the viewer may edit."""
    client = matrix.client(who)
    wrong = []
    for level, state in ITEMS:
        if not may_edit(who, level, state):
            continue
        path = path_of(level, state)
        api = "/api/v1/content" + path.rstrip("/")
        target = "members" if level == "public" else "public"
        _, _, serial = matrix.stored(path)
        answer = client.patch_json(
            api, {"serial": serial, "access": target}, headers={"X-CSRF-Token": CSRF},
            expect_errors=True,
        )  # fmt: skip
        if may_manage(who, level):
            if answer.status_int != 200 or matrix.stored(path)[0] != target:
                wrong.append(f"{level}/{state}: PATCH access {answer.status_int}, must change")
            back = client.patch_json(
                api, {"serial": serial + 1, "access": level}, headers={"X-CSRF-Token": CSRF}
            )
            assert back.json["access"] == level
        elif answer.status_int != 403 or matrix.stored(path)[0] != level:
            wrong.append(f"{level}/{state}: PATCH access {answer.status_int}, must be 403")
        for field, value in (("state", "draft"), ("publish_at", "2030-01-01T09:00")):
            if may_manage(who, level):
                continue
            _, _, serial = matrix.stored(path)
            answer = client.patch_json(
                api, {"serial": serial, field: value}, headers={"X-CSRF-Token": CSRF},
                expect_errors=True,
            )  # fmt: skip
            if answer.status_int != 403:
                wrong.append(f"{level}/{state}: PATCH {field} {answer.status_int}, must be 403")
        form = client.get(path + "@@edit").forms["content-form"]
        if ("access" in form.fields) != may_manage(who, level):
            wrong.append(f"{level}/{state}: the edit form offers access: {'access' in form.fields}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)
    assert matrix.stored(path_of("private", "live"))[:2] == ("private", "published")


def test_an_editor_cannot_hide_content_from_themselves_or_anyone_else(matrix) -> None:
    editor = matrix.client("editor")
    path = path_of("members", "live")
    _, _, serial = matrix.stored(path)
    answer = editor.patch_json(
        "/api/v1/content" + path.rstrip("/"), {"serial": serial, "access": "private"},
        headers={"X-CSRF-Token": CSRF}, status=403,
    )  # fmt: skip
    assert "niet meer zien" in answer.json["errors"]["access"]  # Dutch first
    assert matrix.stored(path)[0] == "members"
    form = editor.get(path + "@@edit").forms["content-form"]
    assert sorted(o[0] for o in form["access"].options) == ["members", "public"]


def test_a_member_who_restores_an_old_revision_does_not_restore_its_access(matrix) -> None:
    owner, member = matrix.client("owner"), matrix.client("member")
    path = path_of("public", "live")
    api = "/api/v1/content" + path.rstrip("/")
    headers = {"X-CSRF-Token": CSRF}
    serial = matrix.stored(path)[2]
    owner.patch_json(api, {"serial": serial, "body": "Now for members."}, headers=headers)
    owner.patch_json(api, {"serial": serial + 1, "access": "members"}, headers=headers)
    member.post(path + "@@restore", {"n": 1, "csrf_token": CSRF}, headers=headers, status=303)
    assert "The text of" in member.get(api).json["body"]  # the text came back
    assert matrix.stored(path)[0] == "members"  # who sees it did not
    owner.patch_json(api, {"serial": matrix.stored(path)[2], "access": "public"}, headers=headers)


def everything_in(answer) -> str:
    """The text of a page, or of every member of a zip file (an export)."""
    if answer.content_type != "application/zip":
        return answer.text
    with zipfile.ZipFile(io.BytesIO(answer.body)) as archive:
        return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


@pytest.mark.parametrize("who", VIEWERS)
def test_listings_and_exports_name_only_what_the_viewer_may_see(matrix, who) -> None:
    client = matrix.client(who)
    wrong = []
    listings = {  # url → the folder it lists
        "/wiki/": "/wiki/",
        "/community/kring/": "/community/kring/",
        "/wiki/@@export": "/wiki/",
        "/community/kring/@@export": "/community/kring/",
        "/api/v1/children/wiki": "/wiki/",
        "/api/v1/children/community/kring": "/community/kring/",
        "/@@activity": "/",
    }
    for url, folder in listings.items():
        answer = call(client, "GET", url)
        assert answer.status_int == 200, f"{url}: {answer.status_int}"
        text = everything_in(answer)
        for level, state in ITEMS:
            shown = f"Matrix page {token(level, state)}" in text
            expected = may_view(who, level, state) and path_of(level, state).startswith(folder)
            if shown != expected:
                wrong.append(f"{url}: {level}/{state} shown: {shown}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


def test_what_admins_and_editors_do_to_others_content_is_audited(matrix) -> None:
    """Changing who sees someone's item, and changing what only an admin reaches, is in the
    audit log; a wiki member's edit of the text is not."""
    admin, editor, member = (matrix.client(w) for w in ("admin", "editor", "member"))
    headers = {"X-CSRF-Token": CSRF}

    def entries(kind: str, about: str) -> list[str]:
        page = admin.get("/@@audit", params={"kind": kind, "who": about})
        return [" ".join(row.text.split()) for row in page.html.select("tbody tr")]

    shared, private = path_of("members", "live"), path_of("private", "live")
    before = {path: len(entries("admin-override", path)) for path in (shared, private)}
    changes = len(entries("access-changed", shared))
    api = "/api/v1/content" + shared.rstrip("/")
    member.patch_json(api, {"serial": matrix.stored(shared)[2], "body": "Edited."}, headers=headers)
    editor.patch_json(
        api, {"serial": matrix.stored(shared)[2], "access": "public"}, headers=headers
    )
    api_private = "/api/v1/content" + private.rstrip("/")
    admin.patch_json(
        api_private, {"serial": matrix.stored(private)[2], "body": "Seen."}, headers=headers
    )
    assert len(entries("admin-override", shared)) == before[shared]  # editing together
    assert len(entries("admin-override", private)) == before[private] + 1
    assert "admin@example.nl" in entries("admin-override", private)[0]
    changed = entries("access-changed", shared)
    assert len(changed) == changes + 1
    assert "editor@example.nl" in changed[0] and "alleen leden → openbaar" in changed[0]
    editor.patch_json(
        api, {"serial": matrix.stored(shared)[2], "access": "members"}, headers=headers
    )


# -- the people pages: every view on the site named people… or control-panel-people… --------

#: view name → its addresses ({owner}: the owner's account id, who has a photo). A new people
#: view that is not here fails ``test_people_pages_for_every_viewer``: say who may use it.
PEOPLE_PAGES = {
    "people": ("/@@people", "/@@people/{owner}"),
    "people-edit": ("/@@people-edit",),
    "people-photo": ("/@@people-photo/{owner}",),
    "control-panel-people": ("/@@control-panel-people",),
    "control-panel-people-field": ("/@@control-panel-people-field?key=room",),
    "control-panel-people-remove": ("/@@control-panel-people-remove?key=room",),
}


def people_surfaces(registry) -> list[tuple[str, str]]:
    """(view name, method) of every view on the SiteRoot about people."""
    from pleio_core.content.site import SiteRoot

    found = set()
    for view in registry.introspector.get_category("views"):
        intr = view["introspectable"]
        name = intr["name"] or ""
        if intr["context"] is not SiteRoot or not name.startswith(
            ("people", "control-panel-people")
        ):
            continue
        methods = intr["request_methods"] or ("GET", "POST")
        for method in (methods,) if isinstance(methods, str) else methods:
            found.add((name, method))
    return sorted(found)


def people_expected(who: str | None, name: str, method: str) -> set[int]:
    """The answers a viewer may get: the rules of docs/site-holder-guide.md ("People")."""
    if name.startswith("control-panel-people"):
        # (the matrix posts an empty form: the admin is told what it lacks)
        return ({200} if method in ("GET", "HEAD") else {303, 400}) if who == "admin" else {403}
    if name == "people-photo":  # beside a byline: whoever sees the (public) site
        return {200}
    if who not in SITE_MEMBERS:  # members only, unless the holder opens the directory
        return {403}
    return {200} if method in ("GET", "HEAD") else {303}


@pytest.fixture(scope="module")
def people_world(matrix):
    """A field to change and a photo to fetch: the owner's, uploaded through the form."""
    import io

    from PIL import Image

    from pleio_core.people.model import ProfileField, site_people

    with matrix.db().transaction() as conn:
        site_people(conn.root()[ROOT_KEY], create=True).put_field(
            ProfileField("room", "Room", "text")
        )
    owner = matrix.client("owner")
    form = owner.get("/@@people-edit").forms["profile-form"]
    picture = io.BytesIO()
    Image.new("RGB", (50, 50), "blue").save(picture, "PNG")
    form["photo"] = ("me.png", picture.getvalue())
    form.submit(status=303)
    with PLATFORM_DATABASE(matrix.app.registry).transaction() as conn:
        return conn.root()["pleio_platform"]["accounts"].by_email("owner@example.nl").id


@pytest.mark.parametrize("who", VIEWERS)
def test_people_pages_for_every_viewer(matrix, people_world, who) -> None:
    surfaces = people_surfaces(matrix.app.registry)
    assert {name for name, _method in surfaces} == set(PEOPLE_PAGES), "list each people view"
    client = matrix.client(who)
    wrong = []
    for name, method in surfaces:
        if (name, method) == ("control-panel-people-remove", "POST") and who == "admin":
            continue  # (it works: test_people; here it would take the field from the others)
        for url in PEOPLE_PAGES[name]:
            answer = call(client, method, url.format(owner=people_world))
            if answer.status_int not in people_expected(who, name, method):
                wrong.append(f"{method} {url}: {answer.status_int}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


# -- groups: what a group is caps what lies in it; every community type on every surface -------

#: group name → (its access, how one joins); the groupie made each, so is its owner
GROUP_KINDS = {"dicht": ("public", "closed"), "ledenkring": ("members", "open"),
               "verborgen": ("group", "open")}  # fmt: skip
#: the widest level of what lies in each (the rules: docs/site-holder-guide.md, "Groups")
CAPS = {"dicht": "group", "ledenkring": "members", "verborgen": "group"}
CAPPED_STATES = ("draft", "live")
GROUP_ITEMS = [(kind, level, state) for kind in GROUP_KINDS for level in LEVELS
               for state in CAPPED_STATES]  # fmt: skip
TYPE_STATES = ("draft", "scheduled", "live")


def capped(level: str, cap: str) -> str:
    return max(level, cap, key=LEVELS.index)


def group_mark(kind: str, level: str, state: str) -> str:
    return f"gx{kind}{level}{state}"


def community_types(registry) -> list[str]:
    """Every content type of the community module but the group itself: discussions,
    questions, polls, events, and whatever it gets later."""
    types = CONTENT_TYPES(registry)
    return sorted(n for n, ct in types.items() if ct.module == "community" and n != "group")


def type_mark(type_name: str, level: str, state: str) -> str:
    return f"tx{type_name}{level}{state}"


def type_path(type_name: str, level: str, state: str) -> str:
    where = "/community/kring/" if level == "group" else "/community/"
    return f"{where}{type_mark(type_name, level, state)}/"


def place_item(registry, item, container, mark, level, state, group) -> None:
    """``item`` as "Matrix item <mark>" at ``level`` and ``state`` (scheduled: a month on),
    in ``group`` (or none), added to ``container`` as ``mark`` and indexed."""
    item.title = f"Matrix item {mark}"
    item.access = level
    item.state = "draft" if state == "draft" else "published"
    item.publish_at = datetime.now(UTC) + timedelta(days=30) if state == "scheduled" else None
    item.group = group.principal if group is not None else None
    container.add(mark, item)
    registry.notify(ContentAdded(item))


@pytest.fixture(scope="module")
def groups_world(matrix):
    """Three more groups with pages at every level, and every community type at every level
    and state (owned by the owner, who is in no group: their own items they always see)."""
    groupie = matrix.client("groupie")
    for name, (access, joining) in GROUP_KINDS.items():
        path = add_through_form(
            groupie, "/community/", "group", title=name.capitalize(), access=access,
            joining=joining,
        )  # fmt: skip
        assert path == f"/community/{name}/"
    registry = matrix.app.registry
    with PLATFORM_DATABASE(registry).transaction() as conn:
        owner_id = conn.root()["pleio_platform"]["accounts"].by_email("owner@example.nl").id
    types = CONTENT_TYPES(registry)
    with matrix.db().transaction() as conn:
        site = conn.root()[ROOT_KEY]

        def make(type_name, container, mark, level, state, group) -> None:
            item = types[type_name].factory(owner=owner_id)
            item.set_body(f"The text of {mark}.")
            place_item(registry, item, container, mark, level, state, group)
            activity_log(site, create=True).append("created", owner_id, "owner", item)

        for kind, level, state in GROUP_ITEMS:
            group = site["community"][kind]
            make("page", group, group_mark(kind, level, state), level, state, group)
        for type_name in community_types(registry):
            for level in LEVELS:
                for state in TYPE_STATES:
                    group = site["community"]["kring"] if level == "group" else None
                    container = group if group is not None else site["community"]
                    make(type_name, container, type_mark(type_name, level, state), level, state,
                         group)  # fmt: skip
    return matrix


@pytest.mark.parametrize("who", VIEWERS)
def test_a_group_caps_what_lies_in_it_everywhere(groups_world, who) -> None:
    """A page in a closed or hidden group is for its members whatever its level; in a group
    for the site's members, for members: on its page, in the API, search, the group's page,
    the activity stream, the group's export and the API's listing. A hidden group's content
    is not found (404) by those outside it."""
    client = groups_world.client(who)
    texts = {
        url: everything_in(call(client, "GET", url))
        for kind in GROUP_KINDS
        for url in (f"/community/{kind}/", f"/community/{kind}/@@export",
                    f"/api/v1/children/community/{kind}")
    }  # fmt: skip
    texts["/@@activity"] = all_activity(client)
    wrong = []
    for kind, level, state in GROUP_ITEMS:
        mark = group_mark(kind, level, state)
        expected = may_view(who, capped(level, CAPS[kind]), state)
        path = f"/community/{kind}/{mark}/"
        for url in (path, f"{path}@@history", "/api/v1/content" + path.rstrip("/")):
            answer = call(client, "GET", url)
            seen = answer.status_int == 200 and f"Matrix item {mark}" in answer.text
            if seen != expected:
                wrong.append(f"{kind}/{level}/{state}: GET {url} {answer.status_int}")
            hidden_here = kind == "verborgen" and who not in ("admin", "groupie")
            if not expected and hidden_here and answer.status_int != 404:
                wrong.append(f"{kind}/{level}/{state}: GET {url} {answer.status_int}, not 404")
        found = call(client, "GET", f"/@@search?text={mark}").text
        if (f"Matrix item {mark}" in found) != expected:
            wrong.append(f"{kind}/{level}/{state}: search, seen: {not expected}")
        in_group = kind != "verborgen" or who in ("admin", "groupie")  # who finds the group
        for url in (f"/community/{kind}/", f"/community/{kind}/@@export",
                    f"/api/v1/children/community/{kind}", "/@@activity"):  # fmt: skip
            listed = expected and (in_group or url == "/@@activity")
            if (f"Matrix item {mark}" in texts[url]) != listed:
                wrong.append(f"{kind}/{level}/{state}: {url}, seen: {not expected}")
    if who not in ("admin", "groupie"):
        for url in ("/community/verborgen/", "/api/v1/content/community/verborgen"):
            if call(client, "GET", url).status_int != 404:
                wrong.append(f"the hidden group itself: GET {url} is no 404")
        if "Verborgen" in call(client, "GET", "/community/").text:
            wrong.append("the hidden group is listed")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


def all_activity(client) -> str:
    """Every page of the activity stream, newest first."""
    url, text = "/@@activity", []
    while url:
        answer = call(client, "GET", url)
        text.append(answer.text)
        older = answer.html.select_one('a[rel="next"]')
        url = older["href"] if older is not None else None
    return "\n".join(text)


@pytest.mark.parametrize("who", VIEWERS)
def test_every_community_type_on_every_surface(groups_world, who) -> None:
    """Each of the community's types at every level and state, on every view Pyramid knows
    for its class and every API route: seen by exactly who may see it; 401/403/404 and
    nothing written for everyone else."""
    registry = groups_world.app.registry
    client = groups_world.client(who)
    routes = api_routes(registry)
    types = CONTENT_TYPES(registry)
    db = groups_world.db()
    wrong = []
    names = community_types(registry)
    assert {"discussion", "question", "poll", "event"} <= set(names), names
    for type_name in names:
        views = class_surfaces(registry, types[type_name].factory)
        for level in LEVELS:
            for state in TYPE_STATES:
                mark = type_mark(type_name, level, state)
                wrong += surface_problems(
                    client, db, type_path(type_name, level, state), f"Matrix item {mark}", mark,
                    views, routes, may_view(who, level, state),
                )  # fmt: skip
    assert not wrong, f"{who}:\n" + "\n".join(wrong[:40])


def class_surfaces(registry, cls) -> list[tuple[str, str]]:
    """(view name, method) of every traversal view that an instance of ``cls`` answers."""
    found = set()
    for view in registry.introspector.get_category("views"):
        intr = view["introspectable"]
        context = intr["context"]
        if intr["route_name"] or not isinstance(context, type) or not issubclass(cls, context):
            continue
        methods = intr["request_methods"] or ("GET", "POST")
        for method in (methods,) if isinstance(methods, str) else methods:
            found.add((intr["name"], method))
    return sorted(found)


# -- the workspace: folders and files -----------------------------------------------------------

WORKSPACE_TYPES = ("folder", "file")


def workspace_mark(type_name: str, level: str, state: str) -> str:
    return f"wx{type_name}{level}{state}"


def workspace_path(type_name: str, level: str, state: str) -> str:
    where = "/community/kring/" if level == "group" else "/workspace/"
    return f"{where}{workspace_mark(type_name, level, state)}/"


@pytest.fixture(scope="module")
def workspace_world(matrix):
    """A folder and a file (with its bytes) at every level and state, owned by the owner."""
    from pleio_workspace.files.model import Version

    from pleio_core.plugin_api import store_file

    registry = matrix.app.registry
    with PLATFORM_DATABASE(registry).transaction() as conn:
        owner_id = conn.root()["pleio_platform"]["accounts"].by_email("owner@example.nl").id
    types = CONTENT_TYPES(registry)
    with matrix.db().transaction() as conn:
        site = conn.root()[ROOT_KEY]
        for type_name in WORKSPACE_TYPES:
            for level in LEVELS:
                for state in TYPE_STATES:
                    mark = workspace_mark(type_name, level, state)
                    item = types[type_name].factory(owner=owner_id)
                    if type_name == "file":
                        data = io.BytesIO(f"The text of {mark}.".encode())
                        stored = store_file(data, mark, "text/plain")
                        item.add_version(Version(1, stored, owner_id, "owner", ""))
                    group = site["community"]["kring"] if level == "group" else None
                    container = group if group is not None else site["workspace"]
                    place_item(registry, item, container, mark, level, state, group)
    return matrix


@pytest.mark.parametrize("who", VIEWERS)
def test_every_workspace_type_on_every_surface(workspace_world, who) -> None:
    """Folders and files at every level and state, on every view Pyramid knows for their
    classes (downloads, thumbnails, the ZIP, uploads, versions, check-out, the operations)
    and every API route: seen by exactly who may see them, refused and unwritten for the
    rest; a file's bytes are downloaded by exactly those who see it."""
    registry = workspace_world.app.registry
    client = workspace_world.client(who)
    routes = api_routes(registry)
    types = CONTENT_TYPES(registry)
    db = workspace_world.db()
    wrong = []
    for type_name in WORKSPACE_TYPES:
        views = class_surfaces(registry, types[type_name].factory)
        names = {name for name, _method in views}
        assert {"", "upload", "add"} <= names, views
        if type_name == "file":
            assert {"download", "thumbnail", "lock", "unlock", "restore"} <= names, views
        for level in LEVELS:
            for state in TYPE_STATES:
                mark = workspace_mark(type_name, level, state)
                path = workspace_path(type_name, level, state)
                seen = may_view(who, level, state)
                wrong += surface_problems(
                    client, db, path, f"Matrix item {mark}", mark, views, routes, seen
                )
                if type_name == "file" and seen:
                    answer = call(client, "GET", path + "@@download")
                    if answer.body != f"The text of {mark}.".encode():
                        wrong.append(f"{mark}: download {answer.status_int}, must give its bytes")
    assert not wrong, f"{who}:\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("who", VIEWERS)
def test_a_folder_zip_and_listing_hold_only_what_the_viewer_may_see(workspace_world, who) -> None:
    client = workspace_world.client(who)
    listing = call(client, "GET", "/workspace/")
    answer = call(client, "GET", "/workspace/@@zip")
    assert listing.status_int == 200 and answer.status_int == 200
    with zipfile.ZipFile(io.BytesIO(answer.body)) as archive:
        names = set(archive.namelist())
    wrong = []
    for type_name in WORKSPACE_TYPES:
        for level in ("public", "members", "private"):
            for state in TYPE_STATES:
                mark = workspace_mark(type_name, level, state)
                seen = may_view(who, level, state)
                in_zip = any(name.rstrip("/") == mark for name in names)
                if (mark in listing.text) != seen or in_zip != seen:
                    wrong.append(f"{mark}: listed {mark in listing.text}, in the ZIP {in_zip}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


def test_the_sites_archive_and_its_job_are_for_its_admins_only(matrix) -> None:
    """The export page, starting the job and the archive it made: the site's admins (who
    see everything, so the archive holds every page); every other viewer a 403, the
    admin of another site too."""
    admin = matrix.client("admin")
    assert call(admin, "POST", "/@@export").status_int in (303, 409)  # 409: one runs already
    page = wait_for(
        lambda: "export-download" in (answer := call(admin, "GET", "/@@export")).text and answer,
        timeout=30,
    )
    href = page.html.select_one("#export-download")["href"].split(HOST, 1)[1]
    archive = call(admin, "GET", href)
    assert archive.status_int == 200
    text = everything_in(archive)
    assert all(f"Matrix page {token(level, state)}" in text for level, state in ITEMS)
    for who in VIEWERS:
        if who == "admin":
            continue
        client = matrix.client(who)
        for method, url in (("GET", "/@@export"), ("POST", "/@@export"), ("GET", href)):
            answer = call(client, method, url)
            assert answer.status_int == 403, f"{who} {method} {url}: {answer.status_int}"
            assert "Matrix page" not in answer.text
