"""The Atom feeds of the news and of each blog: valid RFC 4287, read back with feedparser and
with an XML parser, holding only what anybody may read (public and live), whoever asks."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def moment(when) -> str:
    return when.isoformat(timespec="seconds")


def test_the_news_feed_holds_only_public_live_news(world, clock) -> None:
    world.add("eva", "news", title="Openbaar nieuws", body="Voor **iedereen** & meer.")
    world.add("eva", "news", title="Nieuws voor leden", access="members")
    world.add("eva", "news", title="Nieuws in concept", state="draft")
    world.add("eva", "news", title="Later nieuws",
              publish_at=moment(clock.now() + timedelta(days=1)))  # fmt: skip
    world.add("eva", "news", title="Verlopen nieuws",
              publish_until=moment(clock.now() + timedelta(seconds=30)))  # fmt: skip
    clock.advance(timedelta(minutes=1))
    for who in (None, "anne", "eva"):  # a feed is the same for everyone
        answer = world.client(who).get("/intranet/@@news-feed")
        assert answer.content_type == "application/atom+xml"
        feed = feedparser.parse(answer.body)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == "atom10"
        assert [e.title for e in feed.entries] == ["Openbaar nieuws"], who
    entry = feed.entries[0]
    assert entry.link == f"http://{world.host}/intranet/openbaar-nieuws/"
    assert entry.id.startswith("urn:uuid:") and entry.author == "Eva"
    assert "<strong>iedereen</strong> &amp; meer" in entry.content[0].value
    assert feed.feed.title == "Nieuws: Intra" and feed.feed.language == "nl"
    clock.advance(timedelta(days=1))
    later = feedparser.parse(world.client().get("/intranet/@@news-feed").body)
    assert [e.title for e in later.entries] == ["Later nieuws", "Openbaar nieuws"]


def test_the_feed_is_atom_as_rfc_4287_says(world) -> None:
    world.add("eva", "news", title="Eerste <bericht>")
    body = world.client().get("/intranet/@@news-feed").body
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    feed = ElementTree.fromstring(body)
    assert feed.tag == f"{ATOM}feed" and feed.get(XML_LANG) == "nl"
    for element in (feed, *feed.findall(f"{ATOM}entry")):
        # every feed and entry: one id, one title, one updated, an author, a link
        for tag in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{tag}")) == 1, tag
        assert element.find(f"{ATOM}author/{ATOM}name").text
        assert element.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/intranet/@@news-feed")
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "Eerste <bericht>"
    ids = [e.text for e in feed.iter(f"{ATOM}id")]
    assert len(ids) == len(set(ids))


def test_a_blog_has_a_feed_of_its_public_posts(world) -> None:
    anne_id = world.account_id("anne")
    world.add("anne", "blog", title="Openbaar blog")
    world.add("anne", "blog", title="Blog voor leden", access="members")
    world.add("bert", "blog", title="Blog van Bert")
    feed = feedparser.parse(world.client().get(f"/intranet/@@blog-feed/{anne_id}").body)
    assert not feed.bozo and [e.title for e in feed.entries] == ["Openbaar blog"]
    assert feed.feed.title == "Blog van Anne"
    assert feed.feed.link == f"http://{world.host}/intranet/@@blog/{anne_id}"
    blog = world.client().get(f"/intranet/@@blog/{anne_id}")
    assert f"@@blog-feed/{anne_id}" in blog.text
    world.client().get("/intranet/@@blog-feed/nobody", status=404)
    world.client().get("/intranet/@@blog-feed", status=404)


def test_a_closed_site_has_no_feed_for_outsiders(pleio_setup) -> None:
    pleio_setup.write_site("dicht", modules=("intranet",), access="closed")
    pleio_setup.client().get("/intranet/@@news-feed", host="dicht.localhost", status=403)
