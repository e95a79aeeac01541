"""Moves and renames of one file at once, over real HTTP (waitress, four threads): every
request ends in an answer that is not a 500, and the file is in exactly one place
afterwards, with all its versions, never lost, never twice."""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode, urlsplit

from pleio_core.testing import LiveServer, page_csrf

COUNT = 16


def post(server: LiveServer, host: str, path: str, who: tuple[str, str], **fields) -> int:
    """The answer's status, after following 307s (the file moved: the request goes after
    it to its new address, as a browser does) at most ``COUNT`` times."""
    cookie, token = who
    target = quote(path, safe="/@")
    for _ in range(COUNT):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            body = urlencode({"csrf_token": token, **fields})
            conn.request("POST", target, body=body, headers={
                "Host": host, "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            })  # fmt: skip
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        if response.status != 307:
            return response.status
        target = urlsplit(response.getheader("Location")).path
    return response.status


def every_file(folder) -> list[tuple[str, object]]:
    found = []
    for name, item in folder.items():
        if hasattr(item, "versions"):
            found.append((name, item))
        else:
            found += every_file(item)
    return found


def test_moves_and_renames_of_one_file_at_once(ws) -> None:
    for name in ("A", "B", "C"):
        ws.add_folder(f"/workspace/{name}", owner="anne")
    ws.add_file("/workspace/plan.txt", [b"v1", b"v2", b"v3"], owner="anne")
    people = {}
    for who in ("anne", "admin"):
        client = ws.client(who)
        client.get(ws.url("/workspace/plan.txt/@@move"))  # (templates compiled before threads)
        client.get(ws.url("/workspace/plan.txt/@@rename"))
        token = page_csrf(client.get("/workspace/"))
        people[who] = ("; ".join(f"{c.name}={c.value}" for c in client.testapp.cookiejar), token)
    server = LiveServer(ws.app)
    try:
        jobs = []
        for n in range(COUNT):
            who = people["anne" if n % 2 else "admin"]
            if n % 3:
                jobs.append((who, "/workspace/plan.txt/@@move", {"target": "ABC"[n % 3]}))
            else:
                jobs.append((who, "/workspace/plan.txt/@@rename", {"name": f"plan {n}.txt"}))
        with ThreadPoolExecutor(COUNT) as pool:
            statuses = list(pool.map(lambda j: post(server, ws.host, j[1], j[0], **j[2]), jobs))
    finally:
        server.close()
    assert all(s < 500 for s in statuses), statuses
    assert statuses.count(303) >= 1
    assert set(statuses) <= {303, 404, 409}, statuses  # done, gone (in a moment), taken
    with ws.committed("/workspace") as top:
        files = every_file(top)
        assert len(files) == 1, files
        ((name, item),) = files
        assert [v.number for v in item.versions] == [1, 2, 3]
        assert item.title == name
