"""A notification never names what its recipient cannot read: access levels (public,
members, group, private) × states (draft, scheduled, live) × seven kinds of recipient, in
the list, in the count and in the e-mail; and what becomes hidden later drops out.

The expectations are those of ``tests/test_access_matrix.py`` (``may_view``), written out
from the rules, not computed with the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pleio_core.content import ContentAdded
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.testing import PleioTestSetup, add_through_form, page_csrf
from pleio_core.testing.smtp import SMTPServer

HOST = "meldmatrix.localhost"
VIEWERS = ("member", "editor", "admin", "groupie", "owner", "foreign")
ROLES = {"member": "member", "editor": "editor", "admin": "admin", "groupie": "member"}
LEVELS = ("public", "members", "group", "private")
STATES = ("draft", "scheduled", "live")
SITE_MEMBERS = {"member", "editor", "admin", "groupie", "owner"}
ITEMS = [(level, state) for level in LEVELS for state in STATES]
MENTIONS = "@member @editor @groupie @owner @foreign @admin"


def may_view(who: str | None, level: str, state: str) -> bool:
    if who in ("admin", "owner"):
        return True
    if state != "live":
        return who == "editor" and level in ("public", "members")
    return {
        "public": True,
        "members": who in SITE_MEMBERS,
        "group": who == "groupie",
        "private": False,
    }[level]


def mark(level: str, state: str) -> str:
    return f"nm{level}{state}"


def path_of(level: str, state: str) -> str:
    where = "/community/kring/" if level == "group" else "/wiki/"
    return f"{where}{mark(level, state)}/"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    smtp = SMTPServer()
    setup = PleioTestSetup(tmp_path_factory.mktemp("meldmatrix"))
    setup.settings.update(smtp.settings)
    setup.write_site("meldmatrix", modules=("wiki", "community"), hosts=(HOST,), access="public")
    setup.write_site("elders", modules=("wiki",))
    for who, role in ROLES.items():
        setup.create_account(f"{who}@example.nl", who, meldmatrix=role)
    setup.create_account("owner@example.nl", "owner", meldmatrix="member")
    setup.create_account("foreign@example.nl", "foreign", elders="admin")
    app = setup.make_app()
    clients = {who: setup.signed_in(app, f"{who}@example.nl", HOST) for who in VIEWERS}
    assert add_through_form(
        clients["groupie"], "/community/", "group", title="Kring", access="public"
    ) == ("/community/kring/")
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        owner_id = conn.root()["pleio_platform"]["accounts"].by_email("owner@example.nl").id
    soon = datetime.now(UTC) + timedelta(days=30)
    with SITE_DATABASES(app.registry).get("meldmatrix").transaction() as conn:
        site = conn.root()[ROOT_KEY]
        group = site["community"]["kring"]
        for level, state in ITEMS:
            page = CONTENT_TYPES(app.registry)["page"].factory(owner=owner_id)
            page.title = f"Matrix page {mark(level, state)}"
            page.set_body(f"The text of {mark(level, state)}.")
            page.access = level
            page.state = "draft" if state == "draft" else "published"
            page.publish_at = soon if state == "scheduled" else None
            page.group = group.principal if level == "group" else None
            (group if level == "group" else site["wiki"]).add(mark(level, state), page)
            app.registry.notify(ContentAdded(page))
    admin = clients["admin"]
    for level, state in ITEMS:  # the admin sees everything, and mentions everyone in it
        path = path_of(level, state)
        page = admin.get(path)
        admin.post(path + "@@comment", {"csrf_token": page_csrf(page), "text": MENTIONS},
                   status=303)  # fmt: skip
    yield setup, app, clients, smtp
    setup.close()
    smtp.close()


def shown_in(text: str) -> set[tuple[str, str]]:
    return {item for item in ITEMS if f"Matrix page {mark(*item)}" in text}


@pytest.mark.parametrize("who", VIEWERS)
def test_the_list_and_the_mail_name_only_what_the_recipient_may_read(world, who) -> None:
    _setup, _app, clients, smtp = world
    expected = (
        set() if who in ("admin", "foreign") else {item for item in ITEMS if may_view(who, *item)}
    )  # (the admin wrote the comments; foreign is no member here: nobody to mention)
    mails = smtp.to(f"{who}@example.nl")
    mailed: set[tuple[str, str]] = set()
    for mail in mails:
        mailed |= shown_in(mail["Subject"] + mail.get_body(("plain",)).get_content())
    assert mailed == expected, f"{who} was mailed about {sorted(mailed ^ expected)}"
    assert len(mails) == len(expected)  # one mail per item: the mention, not also the reply
    listed = shown_in(clients[who].get("/@@notifications").text)
    assert listed == expected, f"{who}'s list: {sorted(listed ^ expected)}"


def test_what_becomes_hidden_drops_out_of_the_list(world) -> None:
    _setup, _app, clients, _smtp = world
    owner, member = clients["owner"], clients["member"]
    path = path_of("public", "live")
    api = "/api/v1/content" + path.rstrip("/")
    csrf = page_csrf(owner.get(path))
    serial = owner.get(api).json["serial"]
    owner.patch_json(api, {"serial": serial, "access": "private"}, headers={"X-CSRF-Token": csrf})
    try:
        assert ("public", "live") not in shown_in(member.get("/@@notifications").text)
    finally:
        owner.patch_json(api, {"serial": serial + 1, "access": "public"},
                         headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert ("public", "live") in shown_in(member.get("/@@notifications").text)


def test_a_follower_who_may_not_read_a_change_hears_nothing(world) -> None:
    _setup, _app, clients, _smtp = world
    owner, member = clients["owner"], clients["member"]
    path = path_of("members", "live")
    page = member.get(path)
    member.post(path + "@@follow", {"csrf_token": page_csrf(page), "came_from": path},
                status=303)  # fmt: skip
    api = "/api/v1/content" + path.rstrip("/")
    csrf = page_csrf(owner.get(path))
    serial = owner.get(api).json["serial"]
    owner.patch_json(api, {"serial": serial, "access": "private"}, headers={"X-CSRF-Token": csrf})
    owner.patch_json(api, {"serial": serial + 1, "body": "Secret now."},
                     headers={"X-CSRF-Token": csrf})  # fmt: skip
    owner.patch_json(api, {"serial": serial + 2, "access": "members"},
                     headers={"X-CSRF-Token": csrf})  # fmt: skip
    owner.patch_json(api, {"serial": serial + 3, "body": "Open again."},
                     headers={"X-CSRF-Token": csrf})  # fmt: skip
    lines = member.get("/@@notifications").html.select("#notifications li")
    changed = [li for li in lines if "gewijzigd" in li.text]
    # the two changes it may read (opened again, the new text), not the two it could not
    assert len(changed) == 2, [li.text for li in lines]
