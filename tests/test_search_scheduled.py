"""Search with scheduled and draft items in the site: every filter holds for every part of
the result, on the search page and in the API, whoever searches.

Who may see an item is asked of the site itself (its page answers 200 or not), not of a
table of roles here, so these tests keep holding when the access rules change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form, bearer, make_token

HOST = "zoek.localhost"
VIEWERS = (None, "member", "owner", "editor", "admin")
ROLES = {"member": "member", "owner": "member", "editor": "editor", "admin": "admin"}


class Item:
    def __init__(self, title: str, type_name: str, words: set[str], tags: set[str]) -> None:
        self.title, self.type, self.words, self.tags = title, type_name, words, tags
        self.path = ""

    @property
    def module(self) -> str:
        return {"page": "wiki", "group": "community"}[self.type]


#: Titles and bodies hold the words; only "giraffe" and "zebra" are searched for.
ITEMS = [
    Item("Giraffe live", "page", {"giraffe"}, {"dieren"}),
    Item("Zebra live", "page", {"zebra"}, set()),
    Item("Zebra scheduled", "page", {"zebra"}, {"dieren"}),
    Item("Zebra scheduled members", "page", {"zebra"}, set()),
    Item("Zebra scheduled private", "page", {"zebra"}, {"dieren"}),
    Item("Zebra draft", "page", {"zebra"}, {"dieren"}),
    Item("Giraffe group", "group", {"giraffe"}, {"dieren"}),
]
FIELDS = {
    "Zebra scheduled": {"access": "public", "publish_at": "later"},
    "Zebra scheduled members": {"access": "members", "publish_at": "later"},
    "Zebra scheduled private": {"access": "private", "publish_at": "later"},
    "Zebra draft": {"access": "public", "state": "draft"},
}
QUERIES = [
    {"text": "giraffe"},
    {"text": "giraffe", "order": "date"},
    {"text": "zebra"},
    {"text": "zebra", "order": "date"},
    {"type": "group"},
    {"type": "group", "order": "date"},
    {"type": "group", "text": "giraffe"},
    {"module": "community"},
    {"module": "wiki", "text": "giraffe"},
    {"tag": "dieren"},
    {"tag": "dieren", "text": "giraffe"},
    {"order": "date"},
]


def matches(item: Item, query: dict[str, str]) -> bool:
    return (
        ("text" not in query or query["text"] in item.words)
        and ("type" not in query or query["type"] == item.type)
        and ("module" not in query or query["module"] == item.module)
        and ("tag" not in query or query["tag"] in item.tags)
    )


class World(SiteWorld):
    items: list[Item]
    tokens: dict[str, dict[str, str]]

    def may_view(self, who: str | None, item: Item) -> bool:
        """What the site says: the item's own page, for this viewer."""
        status = self.client(who).get(item.path, expect_errors=True).status_int
        assert status in (200, 403, 404), (who, item.title, status)
        return status == 200

    def page_hits(self, who: str | None, query: dict[str, str]) -> list[str]:
        page = self.client(who).get(f"/@@search?{urlencode(query)}", status=200)
        return [a.text for a in page.html.select(".search-hits h3 a")]

    def api_hits(self, who: str | None, query: dict[str, str]) -> list[str]:
        headers = self.tokens.get(who, {}) if who else {}
        client = self.client(who)
        answer = client.get(f"/api/v1/search?{urlencode(query)}", headers=headers, status=200)
        assert answer.json["total"] == len(answer.json["items"])
        return [item["title"] for item in answer.json["items"]]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    setup = PleioTestSetup(tmp_path_factory.mktemp("search-scheduled"))
    try:
        setup.write_site("zoek", modules=("wiki", "community"))
        for who, role in ROLES.items():
            setup.create_account(f"{who}@example.nl", who.capitalize(), zoek=role)
        world = World(setup, setup.make_app(), "zoek", HOST)
        owner = world.client("owner")
        later = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=3)
        for item in ITEMS:
            fields = {"access": "public", **FIELDS.get(item.title, {})}
            if fields.get("publish_at") == "later":
                fields["publish_at"] = later.strftime("%Y-%m-%dT%H:%M")
            words = " ".join(sorted(item.words))
            fields.update(title=item.title, body=f"About the {words}.", tags=",".join(item.tags))
            where = "/wiki/" if item.type == "page" else "/community/"
            item.path = add_through_form(owner, where, item.type, **fields)
        world.items = ITEMS
        world.tokens = {who: bearer(make_token(world.client(who), "zoek")) for who in ROLES}
        yield world
    finally:
        setup.close()


def test_the_world_has_items_some_may_see_early_and_others_not(world) -> None:
    scheduled = next(i for i in world.items if i.title == "Zebra scheduled")
    seen = {who: world.may_view(who, scheduled) for who in VIEWERS}
    assert seen["owner"] and not seen[None] and not seen["member"], seen


@pytest.mark.parametrize("who", VIEWERS, ids=lambda w: w or "anonymous")
def test_every_filter_holds_for_every_part_of_the_result(world, who) -> None:
    visible = [item for item in world.items if world.may_view(who, item)]
    for query in QUERIES:
        expected = {item.title for item in visible if matches(item, query)}
        assert set(world.page_hits(who, query)) == expected, query
        assert set(world.api_hits(who, query)) == expected, query
