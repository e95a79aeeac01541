"""Reminders by ``pleio periodic``: through the notifications, by e-mail to a real SMTP
server, at the event's time before its start, once per person however often it runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pleio_core.testing import PleioTestSetup, SiteWorld, page_csrf

HOST = "herinner.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup, smtp_server, clock) -> SiteWorld:
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("herinner", modules=("community",), hosts=(HOST,), title="Wijk",
                           access="public")  # fmt: skip
    for who in ("ada", "bob", "cas", "dan"):
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), herinner="member")
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "herinner", HOST)


def test_a_reminder_once_to_each_who_comes(world, smtp_server, clock) -> None:
    ada = world.client("ada")
    start = (clock.now() + timedelta(days=3)).astimezone()
    form = ada.get("/community/@@add?type=event").forms["content-form"]
    form["title"], form["capacity"], form["reminder_hours"] = "Buurtfeest", "2", "24"
    form["access"].force_value("public")
    form.fields["date"][0].value = form.fields["date"][1].value = start.strftime("%Y-%m-%d")
    form.fields["time"][0].value, form.fields["time"][1].value = "10:00", "12:00"
    path = form.submit("save", status=303).location.split(HOST, 1)[1]
    for who, answer in (("bob", "yes"), ("cas", "yes"), ("dan", "yes"), ("ada", "maybe")):
        client = world.client(who)
        client.post(path + "@@rsvp", {"csrf_token": page_csrf(client.get(path)),
                                      "answer": answer}, status=303)  # fmt: skip
    with world.committed(path) as event:
        begins = event.start
    world.setup.close()  # the command needs the FileStorages free
    mails = smtp_server.messages
    assert world.setup.pleio("periodic") == 0
    assert [m for m in mails if "Herinnering" in m["Subject"]] == []  # not yet due
    clock.advance(begins - clock.now() - timedelta(hours=23))
    for _ in range(3):  # cron comes again and again: once each
        assert world.setup.pleio("periodic", "--site", "herinner") == 0
    reminded = [m for m in mails if "Herinnering" in m["Subject"]]
    assert sorted(m["X-Envelope-To"] for m in reminded) == ["bob@example.nl", "cas@example.nl"]
    body = reminded[0].get_body(("plain",)).get_content()
    assert "Herinnering: “Buurtfeest” begint binnenkort" in body
    assert f"http://{HOST}{path}" in body
    # dan moves up when cas gives up the place; the next run reminds dan, and only dan
    app = world.setup.make_app()
    cas = world.setup.signed_in(app, "cas@example.nl", HOST)
    cas.post(path + "@@rsvp", {"csrf_token": page_csrf(cas.get(path)), "answer": "no"},
             status=303)  # fmt: skip
    world.setup.close()
    assert world.setup.pleio("periodic") == 0
    reminded = [m for m in mails if "Herinnering" in m["Subject"]]
    assert sorted(m["X-Envelope-To"] for m in reminded) == [
        "bob@example.nl", "cas@example.nl", "dan@example.nl",
    ]  # fmt: skip
    clock.advance(timedelta(days=1))  # over: nothing more
    assert world.setup.pleio("periodic") == 0
    assert len([m for m in mails if "Herinnering" in m["Subject"]]) == 3


def test_bad_input_exits_2(world, capsys) -> None:
    world.setup.close()
    assert world.setup.pleio("periodic", "--site", "nope") == 2
    assert "no site named 'nope'" in capsys.readouterr().err


def test_the_demo_group_has_an_upcoming_event(pleio_setup: PleioTestSetup) -> None:
    assert pleio_setup.pleio("demo") == 0
    client = pleio_setup.client()
    for host, title in (("rijksportaal.localhost", "Kennissessie toegankelijke formulieren"),
                        ("kia.localhost", "Knowledge session: accessible forms")):  # fmt: skip
        listing = client.get("/community/sample-group/@@events", host=host)
        assert [a.text for a in listing.html.select("#upcoming-heading ~ ul a")] == [title]
        assert "Beheerder" in client.get("/community/sample-group/sample-event/", host=host)


def test_an_event_put_off_reminds_again(world, smtp_server, clock) -> None:
    ada, bob = world.client("ada"), world.client("bob")
    start = (clock.now() + timedelta(days=3)).astimezone()
    form = ada.get("/community/@@add?type=event").forms["content-form"]
    form["title"], form["reminder_hours"] = "Uitgesteld", "24"
    form["access"].force_value("public")
    form.fields["date"][0].value = form.fields["date"][1].value = start.strftime("%Y-%m-%d")
    form.fields["time"][0].value, form.fields["time"][1].value = "10:00", "12:00"
    path = form.submit("save", status=303).location.split(HOST, 1)[1]
    bob.post(path + "@@rsvp", {"csrf_token": page_csrf(bob.get(path)), "answer": "yes"},
             status=303)  # fmt: skip
    with world.committed(path) as event:
        begins = event.start
    world.setup.close()
    clock.advance(begins - clock.now() - timedelta(hours=23))
    assert world.setup.pleio("periodic") == 0
    reminders = lambda: [m for m in smtp_server.messages if "Herinnering" in m["Subject"]]  # noqa: E731
    assert len(reminders()) == 1
    # a week later: bob is reminded once more, a day before the new start
    app = world.setup.make_app()
    ada = world.setup.signed_in(app, "ada@example.nl", HOST)
    form = ada.get(path + "@@edit").forms["content-form"]
    later = (begins + timedelta(days=7)).astimezone()
    form.fields["date"][0].value = form.fields["date"][1].value = later.strftime("%Y-%m-%d")
    form.submit("save", status=303)
    world.setup.close()
    assert world.setup.pleio("periodic") == 0
    assert len(reminders()) == 1  # not due yet
    clock.advance(timedelta(days=7))
    assert world.setup.pleio("periodic") == 0
    assert [m["X-Envelope-To"] for m in reminders()] == ["bob@example.nl", "bob@example.nl"]
