"""Found in review 18, through WebDAV."""

from __future__ import annotations


def test_an_html_file_comes_out_whole_and_never_as_a_page(world) -> None:
    # (its bytes were replaced by nothing, as if they were wsgidav's page of a status)
    page = b"<!doctype html><p>Agenda</p><script>alert(1)</script>"
    world.put("anne", "/dav/agenda.html", page)
    for method in ("GET", "HEAD"):
        answer = world.dav("anne", method, "/dav/agenda.html", status=200)
        assert answer.headers["Content-Type"] == "text/plain"
        assert answer.headers["Content-Length"] == str(len(page))
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in answer.headers["Content-Security-Policy"]
        assert answer.headers["Content-Disposition"] == "attachment"
    assert world.dav("anne", "GET", "/dav/agenda.html").body == page
    status_page = world.dav("anne", "GET", "/dav/", status=403)
    assert status_page.headers["Content-Type"].startswith("text/plain")


def test_a_copy_never_overwrites_the_folder_it_comes_from(world) -> None:
    # (COPY /dav/A/B to /dav/A put A, with B in it, in the trash and A's copy of B there)
    world.mkcol("anne", "/dav/A")
    world.mkcol("anne", "/dav/A/B")
    world.put("anne", "/dav/A/B/x.txt", b"x")
    world.put("anne", "/dav/A/y.txt", b"y")
    destination = {"Destination": "http://ws.localhost/dav/A"}
    world.dav("anne", "COPY", "/dav/A/B", headers=destination, status=409)
    world.dav("anne", "COPY", "/dav/A/B/x.txt", headers=destination, status=409)
    assert world.names("/workspace/A") == ["B", "y.txt"]
    assert world.names("/workspace/A/B") == ["x.txt"]


def test_a_destination_may_name_the_default_port(world) -> None:
    # (Destination: http://ws.localhost:80/dav/… was "another site", a 502)
    world.put("anne", "/dav/a.txt", b"a")
    for destination, status in (
        ("http://WS.localhost:80/dav/b.txt", (201, 204)),
        ("http://ws.localhost:8080/dav/c.txt", 502),
        ("http://two.localhost:80/dav/d.txt", 502),
    ):
        world.dav("anne", "COPY", "/dav/a.txt", headers={"Destination": destination},
                  status=status)  # fmt: skip
    assert world.names("/workspace") == ["a.txt", "b.txt"]
