"""Writes at the same time do not fail (issue 12, item 7).

Over real HTTP: a waitress server on loopback (four threads, as in production) in front of
FileStorage, and client threads. The accounts are made directly in the platform and site
databases, one transaction each, and sign in with the cookie the sign-in would set (signed
with the test secret), so 200 of them cost a fraction of a second; the sign-in test goes
through the real sign-in flow instead. Below those, the structures that conflicted are
tested on their own, with two connections committing one after the other.
"""

from __future__ import annotations

import http.client
import json
import logging
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import transaction
from pyramid.authentication import AuthTicket

from pleio_core.content import ContentAdded
from pleio_core.content.site import ROOT_KEY
from pleio_core.layout import compile_templates
from pleio_core.security.membership import site_members
from pleio_core.security.store import accounts_of
from pleio_core.services import CONTENT_TYPES, PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.storage import PLATFORM_KEY
from pleio_core.testing import SECRET, TEST_PASSWORD, LiveServer, PleioTestSetup

SITE, HOST = "busy", "busy.localhost"
PAGE = "/wiki/page/"


@dataclass
class Busy:
    """The site under load: its app, its live server, and the accounts made for it."""

    app: Any
    server: LiveServer
    conflicts: list[str] = field(default_factory=list)

    def members(self, count: int, password_hash: str | None = None) -> list[tuple[str, str]]:
        """``count`` new members of the site, (account id, e-mail) each, verified; with
        ``password_hash`` as their password (else they sign in by cookie only)."""
        registry = self.app.registry
        with PLATFORM_DATABASE(registry).transaction() as conn:
            accounts = accounts_of(conn.root()[PLATFORM_KEY], create=True)
            made = []
            for _ in range(count):
                email = f"m{secrets.token_hex(4)}@example.nl"
                account = accounts.add(email, email.split("@", maxsplit=1)[0])
                account.email_verified = True
                account.password_hash = password_hash
                made.append((account.id, email))
        with SITE_DATABASES(registry).get(SITE).transaction() as conn:
            members = site_members(conn.root()[ROOT_KEY], create=True)
            for account_id, _email in made:
                members.set_role(account_id, "member")
        return made

    def committed(self, path: str) -> Any:
        """The object at ``path`` as committed (read in a connection of its own)."""
        conn = SITE_DATABASES(self.app.registry).get(SITE).open(transaction.TransactionManager())
        node = conn.root()[ROOT_KEY]
        for name in path.strip("/").split("/"):
            node = node[name]
        return node


def cookie_for(account_id: str, csrf: str) -> str:
    """The sign-in cookie the site would set (``<account id>.<epoch>``), and a CSRF cookie."""
    ticket = AuthTicket(SECRET, f"{account_id}.0", "0.0.0.0", hashalg="sha512")
    return f"pleio_auth={ticket.cookie_value()}; pleio_csrf={csrf}"


def request(
    server: LiveServer, method: str, path: str, host: str = HOST, **kw: Any
) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(method, path, headers={"Host": host, **kw.pop("headers", {})}, **kw)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def as_member(server: LiveServer, account_id: str, method: str, path: str, **kw: Any) -> tuple:
    csrf = secrets.token_hex(16)
    headers = {"Cookie": cookie_for(account_id, csrf), "X-CSRF-Token": csrf}
    if "form" in kw:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        kw["body"] = urlencode({**kw.pop("form"), "csrf_token": csrf})
    if "json" in kw:
        headers["Content-Type"] = "application/json"
        kw["body"] = json.dumps(kw.pop("json"))
    return request(server, method, path, headers=headers, **kw)


@pytest.fixture
def busy(pleio_setup: PleioTestSetup, live_server_factory, caplog) -> Iterator[Busy]:
    pleio_setup.write_site(SITE, modules=("wiki",))
    app = pleio_setup.make_app()
    compile_templates(app.registry)  # as main() does before serving
    server = live_server_factory(app)
    assert request(server, "GET", "/")[0] == 200  # the site's database and root exist
    lines = "\n".join(f"Paragraph {n}: as first written." for n in range(10))
    registry = app.registry
    with SITE_DATABASES(registry).get(SITE).transaction() as conn:
        page = CONTENT_TYPES(registry)["page"].factory("Page")
        page.set_body(lines.replace("\n", "\n\n") + "\n")
        page.access = "members"
        conn.root()[ROOT_KEY]["wiki"].add("page", page)
        registry.notify(ContentAdded(page))
    busy = Busy(app, server)
    caplog.set_level(logging.INFO, logger="pleio.conflicts")
    yield busy
    retried = [r.getMessage() for r in caplog.records if r.name == "pleio.conflicts"]
    print(f"{len(retried)} retried conflicts", *retried[:20], sep="\n")


def test_200_members_like_one_item_32_at_a_time(busy: Busy) -> None:
    members = busy.members(200)

    def like(member: tuple[str, str]) -> int:
        return as_member(busy.server, member[0], "POST", PAGE + "@@like", form={"liked": "1"})[0]

    with ThreadPoolExecutor(32) as pool:
        statuses = Counter(pool.map(like, members))
    assert statuses == {303: 200}
    page = busy.committed(PAGE)
    assert len(page.likes) == 200
    assert set(page.likes.accounts()) == {account_id for account_id, _ in members}


def test_ten_edits_of_different_paragraphs_at_once_are_all_merged(busy: Busy) -> None:
    members = busy.members(10)
    api = "/api/v1/content/wiki/page"
    status, _headers, body = as_member(busy.server, members[0][0], "GET", api)
    assert status == 200
    start = json.loads(body)
    together = threading.Barrier(10)

    def edit(n: int) -> int:
        lines = start["body"].split("\n")
        lines[2 * n] = f"Paragraph {n}: changed by writer {n}."
        together.wait()
        change = {"serial": start["serial"], "body": "\n".join(lines)}
        return as_member(busy.server, members[n][0], "PATCH", api, json=change)[0]

    with ThreadPoolExecutor(10) as pool:
        statuses = Counter(pool.map(edit, range(10)))
    assert statuses == {200: 10}
    page = busy.committed(PAGE)
    assert page.serial == start["serial"] + 10
    for n in range(10):
        assert f"Paragraph {n}: changed by writer {n}." in page.body
    assert "as first written" not in page.body
    assert len(page.history) == 11  # the first version and one per edit


def test_32_comments_at_once_are_all_kept_and_found_by_search(busy: Busy) -> None:
    members = busy.members(32)
    words = [f"walrus{secrets.token_hex(3)}" for _ in members]

    def comment(n: int) -> int:
        text = f"About {words[n]}, by writer {n}"
        return as_member(busy.server, members[n][0], "POST", PAGE + "@@comment",
                         form={"text": text})[0]  # fmt: skip

    with ThreadPoolExecutor(32) as pool:
        statuses = Counter(pool.map(comment, range(32)))
    assert statuses == {303: 32}
    assert len(busy.committed(PAGE).comments) == 32
    for word in words:  # the text index has every comment: it is brought up to date after
        # each commit, before the answer
        status, _headers, body = as_member(busy.server, members[0][0], "GET",
                                           f"/api/v1/search?text={word}")  # fmt: skip
        assert status == 200
        assert [hit["title"] for hit in json.loads(body)["items"]] == ["Page"], word


class Browser:
    """One visitor's cookies, per host, over fresh connections to the live server."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.cookies: dict[str, dict[str, str]] = {}

    def go(self, method: str, url: str, form: dict[str, str] | None = None) -> tuple:
        parts = urlsplit(url)
        host = parts.hostname or HOST
        headers = {}
        if self.cookies.get(host):
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies[host].items())
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        status, answer, content = request(
            self.server, method, path, host=host, headers=headers, body=body
        )
        for name, value in answer:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                self.cookies.setdefault(host, {})[key.strip()] = cookie
        location = next((v for k, v in answer if k.lower() == "location"), "")
        return status, location, content.decode()


def sign_in(server: LiveServer, email: str, together: threading.Barrier) -> list[int]:
    """The flow a browser goes through, from the site's "sign in" to its cookie; the
    statuses of the steps. The password is posted by everyone at once."""
    import re

    browser = Browser(server)
    statuses = []
    status, location, _ = browser.go("GET", f"http://{HOST}/@@login")
    statuses.append(status)
    status, _, form = browser.go("GET", location)
    statuses.append(status)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    fields = {"csrf_token": csrf, "email": email, "password": TEST_PASSWORD, "site": HOST}
    together.wait()
    status, location, _ = browser.go("POST", "http://localhost/login", fields)
    statuses.append(status)
    if status == 303:
        status, _, _ = browser.go("GET", location)
        statuses.append(status)
        assert "pleio_auth" in browser.cookies.get(HOST, {})
    return statuses


def test_twenty_sign_ins_at_once(busy: Busy) -> None:
    from argon2 import PasswordHasher

    members = busy.members(20, password_hash=PasswordHasher().hash(TEST_PASSWORD))
    together = threading.Barrier(20)
    with ThreadPoolExecutor(20) as pool:
        flows = list(pool.map(lambda m: sign_in(busy.server, m[1], together), members))
    assert flows == [[303, 200, 303, 303]] * 20


# -- the structures on their own: two writers that started from the same state ---------------


def both_commit(tmp_path: Any, make: Any, change: Any, check: Any) -> None:
    """Store ``make(root)``; run ``change(obj, n)`` for n = 0, 1 in two connections that
    both started before either committed, commit them one after the other (the second
    commit needs ZODB's conflict resolution), then ``check(obj)`` as stored."""
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        with db.transaction() as conn:
            conn.root()["obj"] = make(conn.root())
        managers = [transaction.TransactionManager() for _ in range(2)]
        conns = [db.open(tm) for tm in managers]
        for n, conn in enumerate(conns):
            change(conn.root()["obj"], n)
        for tm in managers:
            tm.commit()  # the second one: ConflictError unless the changes merge
        with db.transaction() as conn:
            check(conn.root()["obj"])
    finally:
        db.close()


def test_two_activities_at_once_are_both_recorded(tmp_path, monkeypatch) -> None:
    from pleio_core.content import activity
    from pleio_core.content.activity import ActivityLog
    from pleio_core.content.model import Content

    def make(root: Any) -> ActivityLog:
        root["item"] = item = Content("Item")
        log = ActivityLog()
        for n in range(100):  # enough for every tree to hold entries
            log.append("liked", f"a{n}", "A", item)
        return log

    def change(log: ActivityLog, n: int) -> None:
        monkeypatch.setattr(activity.random, "choice", lambda trees: trees[0])  # one tree
        log.append("commented", f"writer{n}", "W", next(log.newest()).content)

    def check(log: ActivityLog) -> None:
        assert len(log) == 102
        newest = list(log.newest())
        assert {a.actor for a in newest[:2]} == {"writer0", "writer1"}
        assert [a.when for a in newest] == sorted((a.when for a in newest), reverse=True)

    both_commit(tmp_path, make, change, check)


def test_the_activity_log_stays_bounded_and_newest_first() -> None:
    from pleio_core.content import activity
    from pleio_core.content.model import Content

    log, item = activity.ActivityLog(), Content("Item")
    for n in range(activity.MAX_ENTRIES + 3 * activity.SHARDS * activity.TRIM_BATCH):
        log.append("liked", f"a{n}", "A", item)
    assert activity.MAX_ENTRIES <= len(log) <= activity.MAX_ENTRIES * 1.1
    newest = [a.actor for a in log.newest()]
    assert len(newest) == len(log) and newest[0] == f"a{n}"


def test_two_sign_ins_at_once_redeem_their_tickets(tmp_path) -> None:
    from pleio_core.security.tokens import OneTimeTokens, _digest

    issued: list[str] = []

    def make(root: Any) -> OneTimeTokens:
        tokens = OneTimeTokens()
        issued.extend(tokens.issue("sso", f"a{n}", 60) for n in range(40))
        return tokens

    def change(tokens: OneTimeTokens, n: int) -> None:
        # the tickets that are the first key of their bucket: the hard case for a merge
        firsts, bucket = [], tokens._tokens._firstbucket
        while bucket is not None:
            firsts.append(bucket.minKey())
            bucket = bucket._next
        firsts_issued = [token for token in issued if _digest(token) in firsts]
        assert len(firsts_issued) >= 2
        tokens.redeem(firsts_issued[n], "sso")

    def check(tokens: OneTimeTokens) -> None:
        assert len(tokens) == 38

    both_commit(tmp_path, make, change, check)


def test_the_wait_before_a_retry_is_random_and_grows_to_a_ceiling() -> None:
    from pleio_core.storage.retry import BASE_DELAY, MAX_DELAY, backoff

    assert backoff(0, lambda: 1.0) == BASE_DELAY
    assert backoff(3, lambda: 1.0) == BASE_DELAY * 8
    assert backoff(30, lambda: 1.0) == MAX_DELAY
    assert backoff(5, lambda: 0.0) == 0.0
    assert len({backoff(2) for _ in range(20)}) > 1
