"""The waiting list under load, over real HTTP: 30 people say yes at once to an event with
10 places, then some give up their place at once; the seats are counted exactly, nobody
is seated twice, and the waiting list moves up in its order."""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from pleio_core.testing import LiveServer, PleioTestSetup, SiteWorld, page_csrf

HOST = "druk.localhost"
COUNT, PLACES = 30, 10


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    setup = PleioTestSetup(tmp_path_factory.mktemp("busy"))
    setup.write_site("druk", modules=("community",), hosts=(HOST,), access="public")
    setup.create_account("org@example.nl", "Organisator", druk="editor")
    for n in range(COUNT):
        setup.create_account(f"p{n:02d}@example.nl", f"Persoon {n:02d}", druk="member")
    world = SiteWorld(setup, setup.make_app(), "druk", HOST)
    server = LiveServer(world.app)  # (one server for the module: the test's own would not)
    org = world.client("org")
    form = org.get("/community/@@add?type=event").forms["content-form"]
    form["title"], form["capacity"] = "Drukbezocht", str(PLACES)
    form["access"].force_value("members")
    path = form.submit("save", status=303).location.split(HOST, 1)[1]

    def sign_in(who: str) -> tuple[str, str]:  # through the real sign-in, as a browser does
        client = setup.signed_in(world.app, f"{who}@example.nl", HOST)
        token = page_csrf(client.get(path))
        return "; ".join(f"{c.name}={c.value}" for c in client.testapp.cookiejar), token

    names = [f"p{n:02d}" for n in range(COUNT)]
    # one after the other: the first pages render (and compile their templates) before any
    # thread does — CPython 3.11's compiler can fail when two threads compile at once
    people = {name: sign_in(name) for name in names}
    yield world, server, path, people
    server.close()
    setup.close()


def post(server: LiveServer, path: str, who: tuple[str, str], answer: str) -> int:
    cookie, token = who
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        body = urlencode({"csrf_token": token, "answer": answer})
        conn.request("POST", path + "@@rsvp", body=body, headers={
            "Host": HOST, "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        })  # fmt: skip
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_thirty_say_yes_to_ten_places_at_once_then_some_give_up(busy) -> None:
    world, server, path, people = busy
    with ThreadPoolExecutor(COUNT) as pool:
        statuses = list(pool.map(lambda who: post(server, path, people[who], "yes"), people))
    assert statuses == [303] * COUNT
    with world.committed(path) as event:
        attendance = event.attendance
        seated, waiting = list(attendance.seated), list(attendance.waiting)
        ids = {r.name: a for a, r in attendance.replies.items()}
    assert len(seated) == PLACES and len(waiting) == COUNT - PLACES
    assert len(set(seated + waiting)) == COUNT  # nobody twice, nobody both
    names = {a: n for n, a in ids.items()}
    by_id = {a: f"p{names[a][-2:]}" for a in names}
    # five with a place and three on the waiting list give up at once
    leaving = [by_id[a] for a in seated[:5]] + [by_id[waiting[i]] for i in (0, 4, 10)]
    with ThreadPoolExecutor(len(leaving)) as pool:
        statuses = list(pool.map(lambda who: post(server, path, people[who], "no"), leaving))
    assert statuses == [303] * len(leaving)
    gone = {ids[f"Persoon {who[1:]}"] for who in leaving}
    line = [a for a in waiting if a not in gone]
    with world.committed(path) as event:
        attendance = event.attendance
        assert attendance.seated[:5] == seated[5:]  # who kept their place, in order
        assert sorted(attendance.seated) == sorted(seated[5:] + line[:5])
        assert attendance.waiting == line[5:]  # the rest, in the order they came
        assert {attendance.replies[a].answer for a in gone} == {"no"}
    moved, first = by_id[line[0]], by_id[line[5]]
    assert "Drukbezocht" in world.client(moved).get("/@@notifications").text
    assert "op plaats 1" in world.client(first).get(path).text
