"""The end of publication (``publish_until``): content is hidden again at that moment, by
itself, from its page, the module's listing, search, the API, the home page and the anonymous
page cache — for everyone but its owner and the editors, as before its start. An end that
does not come after the start is refused, field by field, and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pleio_core.testing import PleioTestSetup, SiteWorld, bearer, csrf_token, make_token

HOST = "demo.localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup, notes_plugin) -> SiteWorld:
    pleio_setup.write_site("demo", modules=["notes"], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", demo="member")
    pleio_setup.create_account("bert@example.nl", "Bert", demo="member")
    pleio_setup.create_account("eva@example.nl", "Eva", demo="editor")
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "demo", HOST)


def add_note(client, title: str, status: int = 303, **fields: str):
    form = client.get("/notes/@@add?type=note").forms["content-form"]
    form["title"], form["body"] = title, f"De tekst van {title}."
    form["access"].force_value("public")
    for key, value in fields.items():
        form[key] = value
    return form.submit("save", status=status)


def moment(when) -> str:
    return when.isoformat(timespec="seconds")


def seen_by(world: SiteWorld, who: str | None, title: str, path: str) -> dict[str, bool]:
    """Where ``who`` finds the item: its page, the listing, search, the API, the home page."""
    client = world.client(who)
    word = title.split(maxsplit=1)[0].lower()
    return {
        "page": client.get(path, expect_errors=True).status_int == 200,
        "listing": title in client.get("/notes/").text,
        "search": title in client.get(f"/@@search?text={word}").text,
        # the count too: the catalog's filter, not only the check of each hit shown
        "api search": client.get(f"/api/v1/search?text={word}").json["total"] == 1,
        "api": client.get("/api/v1/content" + path.rstrip("/"), expect_errors=True).status_int
        == 200,
        "home": title in client.get("/").text,
    }


def test_content_is_hidden_at_its_end_and_seen_only_by_owner_and_editors(world, clock) -> None:
    anne = world.client("anne")
    start, end = clock.now() + timedelta(hours=1), clock.now() + timedelta(days=2)
    add_note(anne, "Zomerrooster", publish_at=moment(start), publish_until=moment(end))
    path = "/notes/zomerrooster/"
    everywhere = dict.fromkeys(("page", "listing", "search", "api search", "api", "home"), True)
    nowhere = dict.fromkeys(everywhere, False)
    assert seen_by(world, None, "Zomerrooster", path) == {**nowhere, "listing": False}
    clock.advance(timedelta(hours=1, seconds=1))
    for who in (None, "bert"):
        assert seen_by(world, who, "Zomerrooster", path) == everywhere, who
    page = world.client("bert").get(path)
    assert "Gepubliceerd tot" in page.text
    clock.advance(timedelta(days=2))
    for who in (None, "bert"):
        assert seen_by(world, who, "Zomerrooster", path) == nowhere, who
    for who in ("anne", "eva"):
        seen = seen_by(world, who, "Zomerrooster", path)
        assert seen["page"] and seen["search"] and seen["api"], (who, seen)
    assert "De publicatie is geëindigd op" in anne.get(path).text


def test_the_anonymous_page_cache_stops_at_the_end(world, clock) -> None:
    anne = world.client("anne")
    add_note(anne, "Straks weg", publish_until=moment(clock.now() + timedelta(days=1)))
    anonymous = world.client()
    assert "Straks weg" in anonymous.get("/notes/").text
    assert anonymous.get("/notes/").headers["X-Pleio-Cache"] == "hit"
    assert "Straks weg" in anonymous.get("/").text
    clock.advance(timedelta(days=1, seconds=1))
    later = anonymous.get("/notes/")
    assert later.headers["X-Pleio-Cache"] == "miss"
    assert "Straks weg" not in later.text
    assert "Straks weg" not in anonymous.get("/").text


def test_an_end_before_the_start_is_refused_and_nothing_is_written(world, clock) -> None:
    anne = world.client("anne")
    start = clock.now() + timedelta(days=2)
    for end in (start - timedelta(days=1), start):
        refused = add_note(
            anne, "Verkeerd om", status=400, publish_at=moment(start), publish_until=moment(end)
        )
        errors = refused.html.select(".utrecht-form-field-error-message")
        assert any("moet na het begin liggen" in e.text for e in errors), refused.text
    with world.committed("/notes") as folder:
        assert "verkeerd-om" not in folder
    token = bearer(make_token(anne, "demo"))
    answer = anne.post_json(
        "/api/v1/content/notes",
        {
            "type": "note",
            "title": "Verkeerd om",
            "publish_at": "2030-01-02T09:00",
            "publish_until": "2030-01-01T09:00",
        },
        headers=token,
        status=422,
    )
    assert "publish_until" in answer.json["errors"]
    # a change of only the end is held against the stored start
    add_note(anne, "Goed om", publish_at="2030-01-02T09:00")
    note = anne.get("/api/v1/content/notes/goed-om", headers=token).json
    answer = anne.patch_json(
        "/api/v1/content/notes/goed-om",
        {"serial": note["serial"], "publish_until": "2030-01-01T09:00"},
        headers={"X-CSRF-Token": csrf_token(anne, HOST)},
        status=422,
    )
    assert "publish_until" in answer.json["errors"]
    with world.committed("/notes/goed-om") as stored:
        assert stored.publish_until is None and stored.serial == note["serial"]


def test_only_who_may_change_access_sets_the_end(world, clock) -> None:
    """The end is who sees it, and when: like the start, not for someone who only edits."""
    anne = world.client("anne")
    add_note(anne, "Van Anne")
    with world.committed("/notes/van-anne") as note:
        serial = note.serial
    bert = world.client("bert")
    answer = bert.patch_json(
        "/api/v1/content/notes/van-anne",
        {"serial": serial, "publish_until": moment(clock.now() + timedelta(days=1))},
        headers={"X-CSRF-Token": csrf_token(bert, HOST)},
        expect_errors=True,
    )
    assert answer.status_int in (403, 404)
    form = anne.get("/notes/van-anne/@@edit").forms["content-form"]
    assert "publish_until" in form.fields


def test_a_catalog_made_before_the_end_of_publication_gets_its_indexes(world, clock) -> None:
    from pleio_core.content.site import ROOT_KEY
    from pleio_core.services import SITE_DATABASES

    anne = world.client("anne")
    add_note(anne, "Eerste notitie")
    with SITE_DATABASES(world.app.registry).get("demo").transaction() as conn:
        indexes = conn.root()[ROOT_KEY].catalog.indexes
        del indexes["expires"], indexes["allowed_late"]  # as a catalog made before them
    assert world.client().get("/api/v1/search?text=eerste").json["total"] == 1
    add_note(anne, "Korte notitie", publish_until=moment(clock.now() + timedelta(hours=1)))
    with world.committed("/") as site:
        assert "expires" in site.catalog.indexes
    assert world.client().get("/api/v1/search?text=korte").json["total"] == 1
    clock.advance(timedelta(hours=2))
    assert world.client().get("/api/v1/search?text=korte").json["total"] == 0
