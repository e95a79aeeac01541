"""WebDAV through WebTest: who sees and changes what (as on the web), and bad input."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from pleio_workspace.files.model import Lock

from pleio_core.testing import EICAR, TEST_PASSWORD, basic

PROPFIND_ALL = b'<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>'
LOCK_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?><lockinfo xmlns="DAV:"><lockscope><exclusive/>'
    b"</lockscope><locktype><write/></locktype><owner>client</owner></lockinfo>"
)


def hrefs(answer) -> list[str]:
    tree = ElementTree.fromstring(answer.body)
    return sorted(h.text for h in tree.iter("{DAV:}href"))


# -- who may do what: the web's rules (content/access.py), through WebDAV ---------------

VIEWERS = ("anonymous", "outsider", "bert", "anne", "editor", "admin")
LEVELS = ("public", "members", "private")
#: Who sees a file of Anne's at each level (the site is public).
SEES = {
    "public": {"bert", "anne", "editor", "admin"},
    "members": {"bert", "anne", "editor", "admin"},
    "private": {"anne", "admin"},
}
#: Who may store a new version of it; who may delete it.
EDITS = {"public": {"anne", "editor", "admin"}, "members": {"anne", "editor", "admin"},
         "private": {"anne", "admin"}}  # fmt: skip
DELETES = {level: {"anne", "admin"} for level in LEVELS}


@pytest.fixture
def matrix_world(world):
    for level in LEVELS:
        world.put("anne", f"/dav/{level}.txt", level.encode(), access=level)
    world.mkcol("anne", "/dav/Privé", access="private")
    world.put("anne", "/dav/Privé/open.txt", b"open", access="public")
    # an outsider (a member of another site) has an app password for this site, too
    world.password("outsider")
    return world


def who_of(viewer):
    return None if viewer == "anonymous" else viewer


def expected(viewer, allowed, seen):
    if viewer in ("anonymous", "outsider"):
        return 401  # not signed in here: asked for an app password, whatever is there
    if viewer not in seen:
        return 404  # not there for them: not even that it exists
    return None if viewer in allowed else 403


@pytest.mark.parametrize("viewer", VIEWERS)
def test_reading_is_as_on_the_web(matrix_world, viewer) -> None:
    world, who = matrix_world, who_of(viewer)
    for level in LEVELS:
        path = f"/dav/{level}.txt"
        status = expected(viewer, SEES[level], SEES[level]) or 200
        answer = world.dav(who, "GET", path, status=status)
        if status == 200:
            assert answer.body == level.encode()
            assert answer.headers["Content-Disposition"] == "attachment"
        if status == 401:
            assert answer.headers["WWW-Authenticate"].startswith("Basic ")
        world.dav(
            who, "PROPFIND", path, headers={"Depth": "0"}, status=207 if status == 200 else status
        )
    if viewer in ("anonymous", "outsider"):
        world.dav(who, "PROPFIND", "/dav/", headers={"Depth": "1"}, status=401)
        return
    listed = hrefs(world.dav(who, "PROPFIND", "/dav/", headers={"Depth": "1"}, status=207))
    seen = {f"/dav/{level}.txt" for level in LEVELS if viewer in SEES[level]}
    assert {h for h in listed if h.endswith(".txt")} == seen
    # a folder they may not see is not there, nor what lies in it (whatever its own level)
    hidden = viewer not in ("anne", "admin")
    assert ("/dav/Priv%C3%A9/" in listed) is not hidden
    world.dav(who, "PROPFIND", "/dav/Privé/", headers={"Depth": "1"}, status=404 if hidden else 207)
    world.dav(who, "GET", "/dav/Privé/open.txt", status=404 if hidden else 200)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_writing_is_as_on_the_web(matrix_world, viewer) -> None:
    world, who = matrix_world, who_of(viewer)
    for level in LEVELS:
        path = f"/dav/{level}.txt"
        status = expected(viewer, EDITS[level], SEES[level])
        if status == 404:
            status = 403  # a PUT to a name taken by what they cannot see: refused, not stored
        world.dav(who, "PUT", path, body=b"new", status=status or 204)
        if status is None:
            with world.committed(f"/workspace/{level}.txt") as file:
                assert len(file.versions) == 2 and file.versions[-1].author == world.id_of(viewer)
        status = expected(viewer, DELETES[level], SEES[level])
        world.dav(who, "DELETE", path, status=status or 204)
        assert (f"{level}.txt" in world.names("/workspace")) is bool(status)
    # members may add files and folders where the web lets them; nobody else may
    status = 401 if viewer in ("anonymous", "outsider") else 201
    world.dav(who, "MKCOL", f"/dav/Nieuw van {viewer}/", status=status)
    world.dav(who, "PUT", f"/dav/nieuw van {viewer}.txt", body=b"x", status=status)


def test_the_workspace_itself_stays(world) -> None:
    world.dav("admin", "DELETE", "/dav/", status=403)
    world.dav("admin", "MOVE", "/dav/", headers={"Destination": "/dav/x/"}, status=(403, 409))
    world.dav("admin", "PUT", "/dav/", body=b"x", status=405)


# -- MOVE and COPY: only within this site's /dav/ ----------------------------------------


def test_move_and_copy_stay_within_the_sites_workspace(world) -> None:
    world.mkcol("anne", "/dav/Map/")
    world.put("anne", "/dav/Map/a.txt", b"a")
    for destination, status in [
        ("http://two.localhost/dav/a.txt", 502),  # another site
        ("http://evil.example/dav/a.txt", 502),
        ("https://ws.localhost/dav/a.txt", 502),  # another scheme: another origin
        ("http://ws.localhost/workspace/a.txt", 403),  # out of /dav/
        ("/api/v1/a.txt", 403),
        ("/dav/../api/a.txt", 403),
        ("/dav/%2e%2e/x.txt", (400, 403, 404, 409)),
        ("http://ws.localhost/dav", (403, 409)),
    ]:
        for method in ("MOVE", "COPY"):
            world.dav("anne", method, "/dav/Map/a.txt", headers={"Destination": destination},
                      status=status)  # fmt: skip
    assert world.names("/workspace/Map") == ["a.txt"]
    # X-Forwarded-Host does not make another host this one
    forwarded = {
        "Destination": "http://two.localhost/dav/a.txt",
        "X-Forwarded-Host": "two.localhost",
    }
    world.dav("anne", "MOVE", "/dav/Map/a.txt", status=502, headers=forwarded)
    # within the site: a rename, a move into a folder, a copy; Overwrite: F is a 412
    world.dav("anne", "MOVE", "/dav/Map/a.txt",
              headers={"Destination": "http://ws.localhost/dav/Map/b%C3%A9.txt"},
              status=(201, 204))  # fmt: skip
    world.dav("anne", "COPY", "/dav/Map/bé.txt", headers={"Destination": "/dav/c.txt"},
              status=(201, 204))  # fmt: skip
    world.put("anne", "/dav/d.txt", b"d")
    world.dav("anne", "COPY", "/dav/Map/bé.txt",
              headers={"Destination": "/dav/d.txt", "Overwrite": "F"}, status=412)  # fmt: skip
    world.dav("anne", "MOVE", "/dav/Map/", headers={"Destination": "/dav/Map/binnen/"},
              status=403)  # (into itself)  # fmt: skip
    assert world.names("/workspace/Map") == ["bé.txt"]
    assert "c.txt" in world.names("/workspace")
    assert world.dav("anne", "GET", "/dav/c.txt").body == b"a"


# -- locks --------------------------------------------------------------------------------


def lock(world, who, path, status=200, **headers):
    answer = world.dav(who, "LOCK", path, body=LOCK_BODY, status=status,
                       headers={"Timeout": "Second-600", **headers})  # fmt: skip
    return answer.headers.get("Lock-Token", "").strip("<>")


def test_a_lock_is_the_files_check_out(world) -> None:
    world.put("editor", "/dav/plan.txt", b"v1", access="members")
    token = lock(world, "editor", "/dav/plan.txt")
    assert token.startswith("opaquelocktoken:")
    with world.committed("/workspace/plan.txt") as file:
        assert file.active_lock().token == token and file.active_lock().client_owner
    # the admin cannot write it meanwhile, nor with the editor's token (it is not theirs)
    world.dav("admin", "PUT", "/dav/plan.txt", body=b"v2", status=423)
    world.dav("admin", "PUT", "/dav/plan.txt", body=b"v2", status=(412, 423),
              headers={"If": f"(<{token}>)"})  # fmt: skip
    world.dav("admin", "DELETE", "/dav/plan.txt", status=(412, 423),
              headers={"If": f"(<{token}>)"})  # fmt: skip
    world.dav("admin", "DELETE", "/dav/plan.txt", status=423)
    world.dav("admin", "MOVE", "/dav/plan.txt", headers={"Destination": "/dav/weg.txt"},
              status=423)  # fmt: skip
    world.dav("admin", "UNLOCK", "/dav/plan.txt", headers={"Lock-Token": f"<{token}>"}, status=403)
    lock(world, "admin", "/dav/plan.txt", status=423)
    # PROPFIND shows the lock to everyone who sees the file
    answer = world.dav("bert", "PROPFIND", "/dav/plan.txt", headers={"Depth": "0"},
                       body=PROPFIND_ALL, status=207)  # fmt: skip
    assert token in answer.text
    # the holder writes with the token, refreshes, and unlocks
    world.dav("editor", "PUT", "/dav/plan.txt", body=b"v2", headers={"If": f"(<{token}>)"},
              status=204)  # fmt: skip
    world.dav("editor", "LOCK", "/dav/plan.txt", headers={"If": f"(<{token}>)",
              "Timeout": "Second-60"}, status=200)  # fmt: skip
    world.dav("editor", "UNLOCK", "/dav/plan.txt", headers={"Lock-Token": "<opaquelocktoken:x>"},
              status=409)  # fmt: skip
    world.dav("editor", "UNLOCK", "/dav/plan.txt", headers={"Lock-Token": f"<{token}>"}, status=204)
    world.dav("admin", "PUT", "/dav/plan.txt", body=b"v3", status=204)
    with world.committed("/workspace/plan.txt") as file:
        assert file.active_lock() is None and len(file.versions) == 3


def test_a_web_check_out_holds_a_webdav_put(world) -> None:
    world.put("anne", "/dav/brief.txt", b"v1", access="members")
    with world.changing() as site:
        file = site["workspace"]["brief.txt"]
        file.lock = Lock("opaquelocktoken:web", world.id_of("admin"), "Admin", None)
    world.dav("anne", "PUT", "/dav/brief.txt", body=b"v2", status=423)
    world.dav("anne", "DELETE", "/dav/brief.txt", status=423)
    # the holder's own WebDAV client writes (the check-out is the person's) and gets it back
    world.dav("admin", "PUT", "/dav/brief.txt", body=b"v2", status=204)
    assert lock(world, "admin", "/dav/brief.txt") == "opaquelocktoken:web"


def test_only_files_are_locked_and_only_exclusively(world) -> None:
    world.mkcol("anne", "/dav/Map/")
    lock(world, "anne", "/dav/Map/", status=403)
    world.put("anne", "/dav/a.txt")
    shared = LOCK_BODY.replace(b"<exclusive/>", b"<shared/>")
    world.dav("anne", "LOCK", "/dav/a.txt", body=shared, status=403)
    # a LOCK of a name that is not there yet makes an empty file, locked
    token = lock(world, "anne", "/dav/nieuw.txt", status=201)
    with world.committed("/workspace/nieuw.txt") as file:
        assert file.size == 0 and file.active_lock().token == token


# -- credentials --------------------------------------------------------------------------


def test_only_an_app_password_signs_in(world) -> None:
    password = world.password("anne")
    world.dav(None, "PROPFIND", "/dav/", headers=basic("anne@example.nl", TEST_PASSWORD),
              status=401)  # fmt: skip
    # the cookie of a signed-in browser is not enough, so a page elsewhere cannot make the
    # browser write here (and no CSRF token is asked of a client)
    world.client("anne").request("/dav/", method="PROPFIND", status=401)
    world.client("anne").put("/dav/x.txt", b"x", status=401)
    world.dav("anne", "PROPFIND", "/dav/", headers={"Depth": "0"}, status=207)
    # revoked: 401 at once
    page = world.account_client("anne").get("/account", host="localhost")
    revoke = next(f for f in page.forms.values() if "app-password-revoke" in f.action)
    revoke.submit(headers={"Host": "localhost"}, status=303)
    world.dav(None, "PROPFIND", "/dav/", headers=basic("anne@example.nl", password), status=401)
    # an app password for the other site is nothing here
    other = world.password("bert", site="two")
    world.dav(None, "PROPFIND", "/dav/", headers=basic("bert@example.nl", other), status=401)


def test_a_module_that_is_off_has_no_webdav(world) -> None:
    world.dav("anne", "PROPFIND", "/dav/", headers={"Depth": "0"}, status=207)
    world.switch_module("workspace", False)
    world.dav("anne", "PROPFIND", "/dav/", headers={"Depth": "0"}, status=404)
    world.dav("anne", "PROPFIND", "/dav/", host="localhost", status=404)  # the platform host


# -- what an upload goes through ------------------------------------------------------------


def test_eicar_through_webdav_is_refused(dav_world_factory, clamd) -> None:
    world = dav_world_factory(**{"pleio.clamd": clamd})
    answer = world.dav("anne", "PUT", "/dav/test.txt", body=EICAR, status=422)
    assert "Eicar" in answer.text and "virus" in answer.text.lower()
    assert world.names("/workspace") == []
    world.put("anne", "/dav/schoon.txt", b"clean")
    answer = world.dav("anne", "PUT", "/dav/schoon.txt", body=EICAR, status=422)
    with world.committed("/workspace/schoon.txt") as file:
        assert len(file.versions) == 1  # nothing half-stored


def test_the_size_limit_and_the_quota_hold(dav_world_factory) -> None:
    world = dav_world_factory(quota=1000, **{"pleio.max_upload_size": "600"})
    world.dav("anne", "PUT", "/dav/groot.bin", body=b"x" * 601, status=413)
    world.put("anne", "/dav/a.bin", b"x" * 600)
    world.dav("anne", "PUT", "/dav/b.bin", body=b"x" * 500, status=507)
    assert world.names("/workspace") == ["a.bin"]
    # an upload cut off halfway (fewer bytes than its Content-Length) is not stored
    answer = world.dav("anne", "PUT", "/dav/kort.bin", body=b"x" * 10, status="*",
                       headers={"Content-Length": "100"})  # fmt: skip
    assert answer.status_int == 400 or answer.status_int >= 400
    assert world.names("/workspace") == ["a.bin"]


@pytest.mark.parametrize(
    "path",
    [
        "/dav/..%2f..%2fetc%2fpasswd",
        "/dav/%00x",
        "/dav/a%0ab",
        "/dav/\u202eevil.txt",
        "/dav/@@edit",
        "/dav/" + "é" * 200,
        "/dav/a/../../x",
        "/dav//x",
        "/dav/%ff%fe",
        "/dav/😀/🎉.txt",
    ],
)
def test_odd_names_are_refused_never_a_500(world, path) -> None:
    for method, kw in [
        ("PUT", {"body": b"x"}),
        ("MKCOL", {}),
        ("PROPFIND", {"headers": {"Depth": "1"}}),
        ("GET", {}),
        ("DELETE", {}),
        ("LOCK", {"body": LOCK_BODY}),
        ("MOVE", {"headers": {"Destination": "/dav/%ff/\u0000"}}),
    ]:
        answer = world.dav("anne", method, path, status="*", **kw)
        assert answer.status_int < 500, (method, path, answer.status, answer.text[:300])


def test_bad_requests_are_4xx(world) -> None:
    world.put("anne", "/dav/a.txt")
    for method, path, kw in [
        ("PROPFIND", "/dav/", {"body": b"<not xml", "headers": {"Depth": "1"}}),
        ("PROPFIND", "/dav/", {"headers": {"Depth": "2"}}),
        ("PROPFIND", "/dav/", {"headers": {"Depth": "infinity"}}),  # (finite depth only)
        ("LOCK", "/dav/a.txt", {"body": b"<lockinfo/>"}),
        ("UNLOCK", "/dav/a.txt", {}),
        ("MOVE", "/dav/a.txt", {}),
        ("MOVE", "/dav/a.txt", {"headers": {"Destination": "/dav/b.txt", "Overwrite": "X"}}),
        ("COPY", "/dav/nothing", {"headers": {"Destination": "/dav/b.txt"}}),
        ("POST", "/dav/a.txt", {"body": b"x"}),
        ("PROPPATCH", "/dav/a.txt", {"body": b"<x/>"}),
        ("PUT", "/dav/nothing/a.txt", {"body": b"x"}),
        ("MKCOL", "/dav/a.txt/", {}),
        ("BREW", "/dav/", {}),
    ]:
        answer = world.dav("anne", method, path, status="*", **kw)
        assert 400 <= answer.status_int < 500, (method, path, answer.status, answer.text[:300])
