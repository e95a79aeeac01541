"""The access matrix of the intranet: every kind of viewer × the four types × three access
levels × draft, scheduled, ended and live, on every page a piece of intranet content answers
— read from Pyramid's introspector, so a view added later is in it — and in every listing
and feed. Written out from the rules (docs/site-holder-guide.md, "Who sees what")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pleio_intranet.content import BlogPost, News, OrgPage, StatusUpdate

from pleio_core.testing import PleioTestSetup, SiteWorld

HOST = "matrix.localhost"
CSRF = "matrix-csrf-token"
VIEWERS = (None, "member", "editor", "admin", "owner", "foreign")
ROLES = {"member": "member", "editor": "editor", "admin": "admin", "owner": "editor"}
TYPES = ("news", "blog", "status", "intranet_page")
LEVELS = ("public", "members", "private")
STATES = ("draft", "scheduled", "ended", "live")
ITEMS = [(t, level, state) for t in TYPES for level in LEVELS for state in STATES]
LISTINGS = {"news": "@@news", "blog": "@@blogs", "status": "@@status-updates",
            "intranet_page": "@@pages"}  # fmt: skip


def may_view(who: str | None, level: str, state: str) -> bool:
    if who in ("admin", "owner"):
        return True
    if state != "live":
        return who == "editor" and level in ("public", "members")
    return {"public": True, "members": who in ROLES, "private": False}[level]


def mark(type_name: str, level: str, state: str) -> str:
    return f"mx{type_name.replace('_', '')}{level}{state}"


class Matrix(SiteWorld):
    def client(self, who: str | None = None):
        client = super().client(who)
        client.testapp.set_cookie("pleio_csrf", CSRF)  # a valid token: CSRF must not hide a 403
        return client

    def last_transaction(self) -> bytes:
        with self.committed("/") as site:
            return site._p_jar.db().lastTransaction()


def local(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """The items are the owner's (an editor, so that they may add news and pages)."""
    setup = PleioTestSetup(tmp_path_factory.mktemp("intranet-matrix"))
    setup.write_site("matrix", modules=("intranet",), hosts=(HOST,), access="public")
    setup.write_site("elsewhere", modules=("intranet",))
    for who, role in ROLES.items():
        setup.create_account(f"{who}@example.nl", who, matrix=role)
    setup.create_account("foreign@example.nl", "foreign", elsewhere="admin")
    world = Matrix(setup, setup.make_app(), "matrix", HOST)
    owner = world.client("owner")
    soon, past = datetime.now(UTC) + timedelta(days=30), datetime.now(UTC) - timedelta(days=1)
    for type_name, level, state in ITEMS:
        form = owner.get(f"/intranet/@@add?type={type_name}").forms["content-form"]
        if type_name != "status":
            form["title"] = f"Matrix item {mark(type_name, level, state)}"
        form["body"] = f"Matrix item {mark(type_name, level, state)}: its text."
        form["access"].force_value(level)
        form["state"].force_value("draft" if state == "draft" else "published")
        if state == "scheduled":
            form["publish_at"] = local(soon)
        if state == "ended":
            form["publish_until"] = local(past)
        made = form.submit("save", status=303)
        world.paths = getattr(world, "paths", {})
        world.paths[(type_name, level, state)] = made.location.split(HOST, 1)[1]
    with world.committed(world.paths[ITEMS[0]]) as item:
        world.owner_id = item.owner
    yield world
    setup.close()


def surfaces(registry) -> list[tuple[str, str, type]]:
    """(view name, method, context class) of every view registered for the intranet's
    classes (and for the core's ones above them: the forms, history, comments, likes)."""
    found = set()
    for view in registry.introspector.get_category("views"):
        intr = view["introspectable"]
        context = intr["context"]
        if intr["route_name"] or not isinstance(context, type):
            continue
        for cls in (News, BlogPost, OrgPage, StatusUpdate):
            if issubclass(cls, context):
                methods = intr["request_methods"] or ("GET", "POST")
                for method in (methods,) if isinstance(methods, str) else methods:
                    found.add((intr["name"], method, cls))
    return sorted(found, key=lambda s: (s[0], s[1], s[2].__name__))


def call(client, method: str, url: str):
    headers = {"X-CSRF-Token": CSRF}
    if method in ("GET", "HEAD"):
        return getattr(client, method.lower())(url, headers=headers, expect_errors=True)
    return client.post(url, {"csrf_token": CSRF}, headers=headers, expect_errors=True)


def test_the_matrix_covers_the_intranet_s_own_pages(matrix) -> None:
    names = {(name, cls.__name__) for name, _method, cls in surfaces(matrix.app.registry)}
    assert {
        ("", "News"), ("lead-image", "News"), ("remove-lead-image", "News"), ("", "BlogPost"),
        ("edit", "StatusUpdate"), ("history", "OrgPage"),
    } <= names  # fmt: skip


@pytest.mark.parametrize("who", VIEWERS, ids=lambda w: w or "anonymous")
def test_who_sees_what_on_every_surface(matrix, who) -> None:
    client = matrix.client(who)
    views = surfaces(matrix.app.registry)
    classes = {"news": "News", "blog": "BlogPost", "status": "StatusUpdate",
               "intranet_page": "OrgPage"}  # fmt: skip
    wrong = []
    for item in ITEMS:
        path, text = matrix.paths[item], f"Matrix item {mark(*item)}"  # (the path has it too)
        if may_view(who, *item[1:]):
            page = client.get(path, expect_errors=True)
            if page.status_int != 200 or text not in page.text:
                wrong.append(f"{item}: GET {path} {page.status_int}, must be seen")
            continue
        before = matrix.last_transaction()
        for name, method, cls in views:
            if cls.__name__ != classes[item[0]]:
                continue
            url = path + (f"@@{name}" if name else "")
            answer = call(client, method, url)
            if answer.status_int not in (401, 403, 404) or text in answer.text:
                wrong.append(f"{item}: {method} {url} {answer.status_int}")
        if matrix.last_transaction() != before:
            wrong.append(f"{item}: written by one who may not see it")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", VIEWERS, ids=lambda w: w or "anonymous")
def test_listings_and_feeds_name_only_what_the_viewer_may_see(matrix, who) -> None:
    client = matrix.client(who)
    wrong = []
    pages = {
        "/intranet/": None,  # five of each kind: never one too many
        "/": None,
        **{f"/intranet/{view}": type_name for type_name, view in LISTINGS.items()},
        f"/intranet/@@blog/{matrix.owner_id}": "blog",
    }
    for url, listed in pages.items():
        answer = client.get(url, expect_errors=True)
        if answer.status_int != 200:
            wrong.append(f"{url}: {answer.status_int}")
            continue
        for item in ITEMS:
            shown = f"Matrix item {mark(*item)}" in answer.text
            expected = may_view(who, *item[1:])
            if shown and not expected:
                wrong.append(f"{url}: {item} shown")
            elif listed == item[0] and expected and not shown:
                wrong.append(f"{url}: {item} missing")
    for url, type_name in (
        ("/intranet/@@news-feed", "news"),
        (f"/intranet/@@blog-feed/{matrix.owner_id}", "blog"),
    ):
        answer = client.get(url, expect_errors=True)
        for item in ITEMS:
            shown = f"Matrix item {mark(*item)}" in answer.text
            if shown != (item[0] == type_name and item[1:] == ("public", "live")):
                wrong.append(f"{url}: {item} shown: {shown}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)
