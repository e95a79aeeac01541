"""``pleio digest``: each account's notifications in one mail; twice sends nothing twice,
an interrupted run resumes."""

from __future__ import annotations

import pytest

from pleio_core.notifications import digest as digest_module
from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form, page_csrf

HOST = "wijk.localhost"
FOLLOWERS = ("bob", "cas", "dan", "eva")


@pytest.fixture
def world(pleio_setup: PleioTestSetup, smtp_server) -> SiteWorld:
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("wijk", modules=("wiki",), hosts=(HOST,), title="Wijk")
    pleio_setup.create_account("ada@example.nl", "Ada", wijk="member")
    for who in FOLLOWERS:
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), wijk="member")
    world = SiteWorld(pleio_setup, pleio_setup.make_app(), "wijk", HOST)
    ada = world.client("ada")
    path = add_through_form(ada, "/wiki/", "page", title="Buurtfeest", body="Zaterdag.")
    for who in FOLLOWERS:
        client = world.client(who)
        page = client.get(path)
        client.post(path + "@@follow", {"csrf_token": page_csrf(page), "came_from": path},
                    status=303)  # fmt: skip
    for text in ("Wie neemt de tafels mee?", "En de stoelen?"):
        page = ada.get(path)
        ada.post(path + "@@comment", {"csrf_token": page_csrf(page), "text": text}, status=303)
    pleio_setup.close()  # the command needs the FileStorages free
    return world


def digests(smtp_server, who: str) -> list:
    return [m for m in smtp_server.to(f"{who}@example.nl") if "overzicht" in m["Subject"]]


def test_a_digest_once_per_account_however_often_it_runs(world, smtp_server) -> None:
    assert smtp_server.messages == []  # comments on what one follows: in the digest
    assert world.setup.pleio("digest", "--frequency", "weekly") == 0
    assert smtp_server.messages == []  # they chose (by default) a daily digest
    assert world.setup.pleio("digest", "--frequency", "daily") == 0
    for who in FOLLOWERS:
        [mail] = digests(smtp_server, who)
        assert mail["Subject"].startswith("Dagelijks overzicht: 2 meldingen op Wijk")
        body = mail.get_body(("plain",)).get_content()
        assert body.count("Ada reageerde op “Buurtfeest”, dat je volgt") == 2
        assert f"http://{HOST}/wiki/buurtfeest/#comment-" in body
        assert mail["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    assert digests(smtp_server, "ada") == []
    assert world.setup.pleio("digest", "--frequency", "daily") == 0
    assert sum(len(digests(smtp_server, who)) for who in FOLLOWERS) == len(FOLLOWERS)


def test_an_interrupted_run_resumes_where_it_stopped(world, smtp_server, monkeypatch) -> None:
    made = []
    real = digest_module.digest_for

    def crashing(request, recipient, frequency):
        if len(made) == 2:
            raise KeyboardInterrupt  # as if the machine stopped, mid-run
        made.append(recipient.id)
        return real(request, recipient, frequency)

    monkeypatch.setattr("pleio_core.cli.digest.digest_for", crashing)
    with pytest.raises(KeyboardInterrupt):
        world.setup.pleio("digest", "--frequency", "daily")
    assert sum(len(digests(smtp_server, who)) for who in FOLLOWERS) == 2
    monkeypatch.undo()
    assert world.setup.pleio("digest", "--frequency", "daily") == 0
    for who in FOLLOWERS:
        assert len(digests(smtp_server, who)) == 1, who  # each once: none lost, none twice


def test_bad_input_exits_2_with_one_line(world, capsys) -> None:
    assert world.setup.pleio("digest", "--frequency", "hourly") == 2
    assert "daily or weekly" in capsys.readouterr().err
    assert world.setup.pleio("digest", "--frequency", "daily", "--site", "nope") == 2
    assert "no site named 'nope'" in capsys.readouterr().err
