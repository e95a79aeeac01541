"""WebDAV through WebTest: what each request answers, as the web would decide it."""

from __future__ import annotations



def test_smoke(world) -> None:
    answer = world.dav("anne", "PROPFIND", "/dav/", headers={"Depth": "1"}, status="*")
    print(answer.status, answer.text[:2000])
    answer = world.dav("anne", "MKCOL", "/dav/Map één/", status="*")
    print(answer.status, answer.text[:500])
    answer = world.dav("anne", "PUT", "/dav/Map één/a.txt", body=b"hello", status="*")
    print(answer.status, answer.text[:500])
    answer = world.dav("anne", "GET", "/dav/Map één/a.txt", status="*")
    print(answer.status, answer.headers, answer.body[:500])
    answer = world.dav("anne", "PROPFIND", "/dav/Map één/", headers={"Depth": "1"}, status="*")
    print(answer.status, answer.text[:3000])
    answer = world.dav(None, "PROPFIND", "/dav/", headers={"Depth": "1"}, status="*")
    print(answer.status, answer.headers)
    assert False
