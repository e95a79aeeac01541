"""Notifications: mention → notification → e-mail, replies, follow, the list and its count,
the settings and the one-click unsubscribe, bad input."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form, page_csrf

HOST = "buurt.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup, smtp_server) -> SiteWorld:
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("buurt", modules=("wiki",), hosts=(HOST,), title="Buurt")
    pleio_setup.create_account("ada@example.nl", "Ada Lovelace", buurt="member")
    pleio_setup.create_account("bob@example.nl", "Bob Baker", buurt="member")
    pleio_setup.create_account("cas@example.nl", "Cas Cohen", buurt="member")
    pleio_setup.create_account("dirk@example.nl", "Dirk", buurt="admin")
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "buurt", HOST)


def comment(client, path: str, text: str, reply_to: int | None = None):
    page = client.get(path)
    fields = {"csrf_token": page_csrf(page), "text": text}
    if reply_to is not None:
        fields["reply_to"] = str(reply_to)
    return client.post(path + "@@comment", fields, status=303)


def listed(client) -> list[str]:
    page = client.get("/@@notifications")
    return [" ".join(li.text.split()) for li in page.html.select("#notifications li")]


def unread_badge(page) -> str | None:
    badge = page.html.select_one(".notifications-tool .unread-count")
    return badge.text if badge is not None else None


def test_a_mention_in_a_comment_is_a_notification_and_an_email(world, smtp_server) -> None:
    ada, bob = world.client("ada"), world.client("bob")
    path = add_through_form(ada, "/wiki/", "page", title="Plein", body="Over het plein.")
    comment(bob, path, "Goed idee, @Cas Cohen: wat vind jij?")
    [mail] = smtp_server.to("cas@example.nl")
    assert "Bob Baker" in mail["Subject"] and "Plein" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert f"http://{HOST}{path}#comment-" in body
    assert f"http://{HOST}/@@notification-settings" in body
    unsubscribe = mail["List-Unsubscribe"].strip()
    assert re.fullmatch(rf"<http://{HOST}/@@unsubscribe\?token=[^>]+>", unsubscribe)
    assert mail["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    assert "noemde je" in mail["Subject"]  # in Dutch, the recipient's language
    # ada, the page's owner, is told of the comment (once: not also as a follower)
    assert len(smtp_server.to("ada@example.nl")) == 1
    assert smtp_server.to("bob@example.nl") == []  # who acts is never notified
    cas = world.client("cas")
    assert unread_badge(cas.get("/")) == "1"
    [line] = listed(cas)
    assert "Bob Baker" in line and "Plein" in line
    assert unread_badge(cas.get("/")) is None  # marked read on visit


def test_replies_follows_and_what_i_follow(world, smtp_server) -> None:
    ada, bob, cas = world.client("ada"), world.client("bob"), world.client("cas")
    path = add_through_form(ada, "/wiki/", "page", title="Markt", body="De markt.")
    page = cas.get(path)
    form = page.forms[next(k for k, f in page.forms.items() if "follow" in f.action)]
    assert form.fields["follow"][0].value == "1"
    followed = form.submit(status=303)
    assert urlsplit(followed.location).path == path
    assert "Ontvolgen" in cas.get(path).text  # the button says unfollow now
    comment(bob, path, "Eerste.")
    with world.committed(path) as stored:
        first = next(iter(stored.comments.all())).id
    comment(ada, path, "Dank je.", reply_to=first)
    lines = listed(bob)
    assert any("reageerde op je reactie" in line for line in lines), lines
    cas_lines = listed(cas)
    assert len(cas_lines) == 2, cas_lines  # two comments on what cas follows
    home = cas.get("/")
    assert "Wat ik volg" in home.text and "Markt" in home.text
    # cas follows bob: bob's new page is news for cas
    page = cas.get("/@@notifications")
    cas.post("/@@follow", {"csrf_token": page_csrf(page), "key": bob_key(world),
                           "came_from": "/"}, status=303)  # fmt: skip
    add_through_form(bob, "/wiki/", "page", title="Kermis", body="Kermis!")
    assert any("Kermis" in line for line in listed(cas))


def bob_key(world) -> str:
    from pleio_core.services import PLATFORM_DATABASE

    with PLATFORM_DATABASE(world.app.registry).transaction() as conn:
        return "account:" + conn.root()["pleio_platform"]["accounts"].by_email("bob@example.nl").id


def test_settings_and_unsubscribe(world, smtp_server) -> None:
    ada, bob, cas = world.client("ada"), world.client("bob"), world.client("cas")
    page = cas.get("/@@notification-settings")
    form = page.forms["notification-settings"]
    assert "kind-group-invitation" not in form.fields  # the community is not on here
    form["kind-mention"] = "site"
    form["frequency"] = "weekly"
    saved = form.submit(status=303).follow()
    assert "opgeslagen" in saved.text
    assert saved.forms["notification-settings"]["kind-mention"].value == "site"
    path = add_through_form(ada, "/wiki/", "page", title="Bank", body="Een bank.")
    comment(bob, path, "@cascohen kijk eens")  # the handle: the name without spaces
    assert smtp_server.to("cas@example.nl") == []  # only in the site
    assert len(listed(cas)) == 1
    # ada's mail (a comment on her page) carries the one-click link
    [mail] = smtp_server.to("ada@example.nl")
    url = mail["List-Unsubscribe"].strip().strip("<>")
    target = urlsplit(url).path + "?" + urlsplit(url).query
    anonymous = world.client()
    confirm = anonymous.get(target)
    assert confirm.forms["unsubscribe-form"]  # a GET asks first and changes nothing
    anonymous.post(target, {"List-Unsubscribe": "One-Click"}, status=200)  # no session, no CSRF
    settings = ada.get("/@@notification-settings").forms["notification-settings"]
    assert settings["kind-reply-content"].value == "site"
    assert settings["frequency"].value == "never"
    comment(bob, path, "Nog een.")
    assert len(smtp_server.to("ada@example.nl")) == 1  # no more mail
    bad = anonymous.post("/@@unsubscribe?token=x.deadbeef", status=400)
    assert "niet geldig" in bad.text
    anonymous.get("/@@unsubscribe?token=", status=400)


def test_bad_input_is_a_clear_4xx(world) -> None:
    cas = world.client("cas")
    page = cas.get("/@@notification-settings")
    csrf = page_csrf(page)
    answer = cas.post("/@@notification-settings", {"csrf_token": csrf, "frequency": "hourly"},
                      status=400)  # fmt: skip
    assert "nooit, dagelijks of wekelijks" in answer.text
    answer = cas.post("/@@notification-settings", {"csrf_token": csrf, "frequency": "daily",
                      "kind-mention": "pigeon"}, status=400)  # fmt: skip
    answer = cas.post("/@@notification-settings", {"csrf_token": csrf, "frequency": "daily",
                      "kind-nonsense": "email"}, status=400)  # fmt: skip
    assert "nonsense" in answer.text
    for key in ("", "person:1", "content:", "content:a b", "account:" + "x" * 70):
        answer = cas.post("/@@follow", {"csrf_token": csrf, "key": key}, status=400)
        assert "Dit kun je niet volgen" in answer.text
    for elsewhere in ("https://evil.example/", "//evil.example/", "/ok\r\nX-Evil: 1"):
        back = cas.post("/@@follow", {"csrf_token": csrf, "key": "account:abc",
                                      "came_from": elsewhere}, status=303)  # fmt: skip
        assert back.location == f"http://{HOST}/"  # back to this site, never elsewhere
    cas.post("/@@follow", {"key": "account:abc"}, status=400)  # no CSRF token
    world.client().post("/@@follow", {"key": "account:abc"}, status=(400, 403))
    assert cas.get("/@@mention-suggestions?q=ad").json == {"names": ["Ada Lovelace"]}
    assert cas.get("/@@mention-suggestions?q=b").json == {"names": ["Bob Baker"]}
    assert cas.get("/@@mention-suggestions?q=cas").json == {"names": []}  # not oneself
    for bad in ("", "x" * 41):
        answer = cas.get("/@@mention-suggestions", params={"q": bad}, status=400)
        assert "40 letters" in answer.text
    world.client().get("/@@mention-suggestions?q=ad", status=403)  # members only
    world.client().get("/@@notifications", status=303)  # sign in first
    world.client().get("/@@notification-settings", status=303)


def test_a_request_to_join_notifies_the_admins(pleio_setup: PleioTestSetup, smtp_server) -> None:
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("dicht", modules=("wiki",), hosts=("dicht.localhost",), access="closed")
    pleio_setup.create_account("dirk@example.nl", "Dirk", dicht="admin")
    pleio_setup.create_account("jan@example.nl", "Jan Joiner")
    app = pleio_setup.make_app()
    world = SiteWorld(pleio_setup, app, "dicht", "dicht.localhost")
    jan = world.client("jan")
    page = jan.get("/@@join")
    jan.post("/@@join", {"csrf_token": page_csrf(page), "message": "Hoi"}, status=200)
    dirk = world.client("dirk")
    assert unread_badge(dirk.get("/")) == "1"
    [line] = listed(dirk)
    assert "Jan Joiner" in line
    link = dirk.get("/@@notifications").html.select_one("#notifications a")["href"]
    assert link.endswith("/@@members-requests")


def test_a_signed_out_visitor_does_not_pay_for_the_count(world, monkeypatch) -> None:
    def counted(*args):
        raise AssertionError("the unread count was asked for a signed-out visitor")

    monkeypatch.setattr("pleio_core.layout.unread_count", counted)
    home = world.client().get("/")
    assert home.html.select_one(".notifications-tool") is None
    with pytest.raises(AssertionError):
        world.client("ada").get("/")  # (and a signed-in one does ask)


def test_an_unsubscribe_token_is_good_for_its_account_and_site_only() -> None:
    from pleio_core.notifications.preferences import token_account, unsubscribe_token

    secret = "s" * 40
    token = unsubscribe_token(secret, "buurt", "abc123")
    assert token_account(secret, "buurt", token) == "abc123"
    assert token_account(secret, "elders", token) is None  # another site's
    assert token_account("t" * 40, "buurt", token) is None  # after a new secret
    assert token_account(secret, "buurt", token.replace("abc123", "abc124")) is None
    for bad in ("", ".", "abc123.", "abc123", "abc123.zz"):
        assert token_account(secret, "buurt", bad) is None


def test_two_notifications_at_once_and_a_visit_merge(tmp_path) -> None:
    """Two requests notify one inbox while a third marks it read: all three commit (ZODB's
    conflict resolution merges the tree's appends and the counters)."""
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    from pleio_core.content.model import Content
    from pleio_core.notifications.store import Inbox

    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        with db.transaction() as conn:
            conn.root()["item"] = item = Content("Item")
            conn.root()["inbox"] = inbox = Inbox()
            for n in range(30):
                inbox.add("mention", f"a{n}", "A", item, "", mailed=False)
        managers = [transaction.TransactionManager() for _ in range(3)]
        conns = [db.open(tm) for tm in managers]
        for n, conn in enumerate(conns[:2]):
            inbox = conn.root()["inbox"]
            inbox.add("reply-content", f"writer{n}", "W", conn.root()["item"], "", mailed=True)
        assert conns[2].root()["inbox"].mark_read()
        for tm in managers:
            tm.commit()  # ConflictError unless the changes merge
        with db.transaction() as conn:
            stored = conn.root()["inbox"]
            assert stored.count() == 32 and len(stored.entries) == 32
            assert stored.unread_count() == 2  # the two that came after the visit
            assert {n.actor for n in list(stored.newest())[:2]} == {"writer0", "writer1"}
    finally:
        db.close()


def test_an_inbox_stays_bounded_newest_first() -> None:
    from pleio_core.notifications import store

    inbox = store.Inbox()
    for n in range(store.MAX_ENTRIES * 3):
        inbox.add("mention", f"a{n}", "A", None, "/", mailed=False)
    assert store.MAX_ENTRIES <= inbox.count() <= store.MAX_ENTRIES + store.TRIM_BATCH
    assert inbox.count() == len(inbox.entries)
    newest = [entry.actor for entry in inbox.newest()]
    assert newest[0] == f"a{n}" and len(newest) == inbox.count()
    assert inbox.unread_count() == inbox.count()  # never more unread than there are


def test_a_status_update_on_the_intranet_mentions_too(pleio_setup: PleioTestSetup) -> None:
    """Mentions are the core's, for every content type: the intranet needs nothing for them."""
    pleio_setup.write_site("intra", modules=("intranet",), hosts=("intra.localhost",))
    pleio_setup.create_account("anne@example.nl", "Anne", intra="member")
    pleio_setup.create_account("bert@example.nl", "Bert Bos", intra="member")
    world = SiteWorld(pleio_setup, pleio_setup.make_app(), "intra", "intra.localhost")
    add_through_form(world.client("anne"), "/intranet/", "status", body="Koffie, @Bert Bos?")
    [line] = listed(world.client("bert"))
    assert "Anne noemde je" in line
