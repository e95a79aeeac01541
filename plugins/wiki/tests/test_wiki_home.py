"""The wiki on the home page: the pages changed last, only those the visitor may open."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form, fill_form

HOST = "wiki.localhost"
PEOPLE = {"anne": "member", "bert": "member", "editor": "editor"}
TITLE = "Recent gewijzigde wikipagina's"


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> SiteWorld:
    pleio_setup.write_site("wiki", modules=("wiki",), access="public")
    for who, role in PEOPLE.items():
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), wiki=role)
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "wiki", HOST)


def recent(client) -> dict[str, str]:
    """Title → what the widget says of it before the date ("Concept", or "")."""
    heading = client.get("/").html.select_one("#widget-wiki-recent")
    if heading is None:
        return {}
    found = {}
    for li in heading.parent.select("li"):
        meta = li.select_one(".meta").text
        found[li.a.text] = meta.split(" · ")[0] if " · " in meta else ""
    return found


def titles(client) -> list[str]:
    return list(recent(client))


def test_the_last_changed_pages_come_first_five_at_most(world, clock) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    paths = {}
    for n in range(1, 8):
        paths[n] = add_through_form(anne, "/wiki/", "page", title=f"Pagina {n}", access="public")
        clock.advance(60)
    form = bert.get(f"{paths[2]}@@edit").forms["content-form"]
    fill_form(form, {"body": "Bijgewerkt."})
    form.submit("save", status=303)  # a member edits another's page: it comes first
    home = world.client().get("/")
    section = home.html.select_one("#widget-wiki-recent").parent
    assert section.h2.text == TITLE
    assert [a.text for a in section.select("li a")] == [f"Pagina {n}" for n in (2, 7, 6, 5, 4)]
    more = section.select_one(".home-widget__more a")
    assert (more.text, more["href"]) == ("Naar de wiki", f"http://{HOST}/wiki/")


def test_drafts_and_scheduled_pages_only_for_who_may_open_them_and_marked(world) -> None:
    anne = world.client("anne")
    later = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=2)
    add_through_form(anne, "/wiki/", "page", title="Openbaar", access="public")
    add_through_form(anne, "/wiki/", "page", title="Voor leden", access="members")
    add_through_form(anne, "/wiki/", "page", title="Van Anne", access="private")
    add_through_form(
        anne, "/wiki/", "page", title="Nog een concept", access="public", state="draft"
    )
    add_through_form(
        anne, "/wiki/", "page", title="Komt eraan", access="public",
        publish_at=later.strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    assert recent(world.client()) == {"Openbaar": ""}
    assert recent(world.client("bert")) == {"Voor leden": "", "Openbaar": ""}
    # editors review public and members' pages before they are out; the author sees hers
    marked = {"Komt eraan": "Ingepland", "Nog een concept": "Concept"}
    assert recent(world.client("editor")) == {**marked, "Voor leden": "", "Openbaar": ""}
    assert recent(anne) == {**marked, "Van Anne": "", "Voor leden": "", "Openbaar": ""}


def test_the_widget_goes_with_the_module(world) -> None:
    anne = world.client("anne")
    add_through_form(anne, "/wiki/", "page", title="Verslag", access="public")
    assert titles(world.client()) == ["Verslag"]
    world.switch_module("wiki", enabled=False)
    assert recent(world.client()) == {} and "Verslag" not in world.client().get("/").text
    world.switch_module("wiki", enabled=True)
    assert titles(world.client()) == ["Verslag"]


def test_a_page_whose_publication_ended_is_marked_so_for_who_still_sees_it(world, clock) -> None:
    anne = world.client("anne")
    until = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(hours=1)
    add_through_form(
        anne, "/wiki/", "page", title="Zomerrooster", access="public",
        publish_until=until.strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    assert recent(world.client("editor")) == {"Zomerrooster": ""}
    clock.advance(timedelta(hours=2))
    assert recent(world.client()) == {}
    assert recent(world.client("editor")) == recent(anne) == {"Zomerrooster": "Afgelopen"}
