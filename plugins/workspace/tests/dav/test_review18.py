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
