"""The community on the home page: your groups, and the newest of the others you may see."""

from __future__ import annotations

import pytest

from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form, page_csrf

HOST = "groups.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> SiteWorld:
    pleio_setup.write_site("groups", modules=("community",), access="public")
    for who in ("anne", "bert"):
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), groups="member")
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "groups", HOST)


def widget(client, key: str) -> list[str]:
    """'title: meta' of each item of the widget ``key`` on the home page."""
    heading = client.get("/").html.select_one(f"#widget-{key}")
    if heading is None:
        return []
    return [f"{li.a.text}: {li.select_one('.meta').text}" for li in heading.parent.select("li")]


def test_your_groups_first_then_the_newest_others(world, clock) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    groups = {}
    for title, access in (("Oud", "public"), ("Binnen", "members"), ("Nieuw", "public")):
        groups[title] = add_through_form(anne, "/community/", "group", title=title, access=access)
        clock.advance(60)
    anonymous = world.client()
    assert widget(anonymous, "community-groups") == ["Nieuw: 1 lid", "Oud: 1 lid"]
    assert widget(anonymous, "community-mine") == []
    assert widget(bert, "community-groups") == ["Nieuw: 1 lid", "Binnen: 1 lid", "Oud: 1 lid"]
    assert widget(bert, "community-mine") == []  # in no group: not even the heading
    token = page_csrf(bert.get(groups["Oud"]))
    bert.post(f"{groups['Oud']}@@join", {"csrf_token": token}, status=303)
    assert widget(bert, "community-mine") == ["Oud: 2 leden"]
    assert widget(bert, "community-groups") == ["Nieuw: 1 lid", "Binnen: 1 lid"]
    assert widget(anne, "community-mine") == ["Binnen: 1 lid", "Nieuw: 1 lid", "Oud: 2 leden"]
    assert widget(anne, "community-groups") == []  # she is in all of them
    home = bert.get("/")
    titles = [h.text for h in home.html.select(".home-widget h2") if "-core-" not in h["id"]]
    assert titles == ["Jouw groepen", "Groepen"]
    links = {
        a.text: a["href"]
        for a in home.html.select(".home-widget__more a")
        if "@@people" not in a["href"]
    }
    assert links == {"Alle groepen": f"http://{HOST}/community/"}
