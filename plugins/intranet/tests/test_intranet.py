"""The intranet through its pages: who adds what, the front page, blogs, status updates,
pages in a hierarchy, scheduling with a start and an end, the home widget, the demo."""

from __future__ import annotations

from datetime import timedelta

from pleio_core.testing import fill_form, page_csrf


def moment(when) -> str:
    return when.isoformat(timespec="seconds")


def test_who_may_add_what(world) -> None:
    may = {
        "news": {"eva", "ada"},
        "intranet_page": {"eva", "ada"},
        "blog": {"anne", "bert", "eva", "ada"},
        "status": {"anne", "bert", "eva", "ada"},
    }
    for type_name, allowed in may.items():
        for who in (None, "anne", "eva", "ada"):
            answer = world.client(who).get(f"/intranet/@@add?type={type_name}", expect_errors=True)
            expected = 200 if who in allowed else 403
            assert answer.status_int == expected, (type_name, who, answer.status_int)
    front = {who: world.client(who).get("/intranet/").text for who in ("anne", "eva")}
    assert "@@add?type=news" in front["eva"] and "@@add?type=news" not in front["anne"]
    assert "@@add?type=blog" in front["anne"] and 'id="status-form"' in front["anne"]
    assert "@@add?type=" not in world.client().get("/intranet/").text
    # nor by posting the form without it
    form = world.client("eva").get("/intranet/@@add?type=news").forms["content-form"]
    form["title"] = "Van Anne?"
    anne = world.client("anne")
    anne.post(
        "/intranet/@@add?type=news",
        {"csrf_token": page_csrf(anne.get("/intranet/")), "title": "Van Anne?"},
        status=403,
    )
    with world.committed("/intranet") as folder:
        assert "van-anne" not in folder


def test_the_front_page_leads_with_featured_and_pinned_news(world) -> None:
    old = world.add("eva", "news", title="Vastgepind bericht", pinned=True)
    for n in range(7):
        world.add("eva", "news", title=f"Gewoon bericht {n}")
    world.add("ada", "news", title="Uitgelicht bericht", featured=True)
    world.add("anne", "blog", title="Blog van Anne")
    world.add("anne", "status", body="Aan het werk aan **het jaarplan**.")
    top = world.add("eva", "intranet_page", title="Over ons")
    world.add("eva", "intranet_page", where=top, title="Organogram")
    page = world.client().get("/intranet/")
    highlights = [a.text for a in page.html.select(".intranet-highlights h3 a")]
    assert highlights == ["Vastgepind bericht", "Uitgelicht bericht"]
    news = [a.text for a in page.html.select("#news-heading ~ ul.intranet-list > li > a")]
    assert news == [f"Gewoon bericht {n}" for n in (6, 5, 4, 3, 2)]
    assert "Blog van Anne" in page.text
    assert "<strong>het jaarplan</strong>" in world.client("bert").get("/intranet/").text
    pages = [a.text for a in page.html.select("#pages-heading ~ ul.item-list a")]
    assert pages == ["Over ons"]  # the top pages; the sub-page is in its page
    assert "Organogram" in world.client().get(top).text
    # unpinned: no longer first
    form = world.client("eva").get(old + "@@edit").forms["content-form"]
    fill_form(form, {"pinned": False})
    form.submit("save", status=303)
    page = world.client().get("/intranet/")
    assert [a.text for a in page.html.select(".intranet-highlights h3 a")] == ["Uitgelicht bericht"]
    with world.committed("/intranet") as folder:
        assert list(folder.intranet_highlights) == ["uitgelicht-bericht"]


def test_listings_are_in_pages_and_a_bad_page_is_refused(world) -> None:
    for n in range(23):
        world.add("eva", "news", title=f"Bericht {n:02d}")
    first = world.client().get("/intranet/@@news")
    titles = [a.text for a in first.html.select("ul.intranet-list > li > a")]
    assert len(titles) == 20 and titles[0] == "Bericht 22"
    assert "Pagina 1 van 2" in first.text
    second = world.client().get("/intranet/@@news?page=2")
    assert [a.text for a in second.html.select("ul.intranet-list > li > a")] == [
        "Bericht 02", "Bericht 01", "Bericht 00",
    ]  # fmt: skip
    for bad in ("0", "x", "-1", "99999999", "%C2%B2"):
        world.client().get(f"/intranet/@@news?page={bad}", status=400)
    assert world.client().get("/intranet/@@news?page=5").status_int == 200  # past the end


def test_a_blog_per_person_at_a_stable_address(world) -> None:
    anne_id, bert_id = world.account_id("anne"), world.account_id("bert")
    world.add("anne", "blog", title="Anne schrijft")
    world.add("anne", "blog", title="Anne schrijft weer", access="members")
    world.add("bert", "blog", title="Bert schrijft")
    blog = world.client("bert").get(f"/intranet/@@blog/{anne_id}")
    assert "Blog van Anne" in blog.text
    posts = [a.text for a in blog.html.select("ul.intranet-list > li > a")]
    assert posts == ["Anne schrijft weer", "Anne schrijft"]
    public = world.client().get(f"/intranet/@@blog/{anne_id}")
    assert [a.text for a in public.html.select("ul.intranet-list > li > a")] == ["Anne schrijft"]
    post = world.client().get("/intranet/anne-schrijft/")
    assert f"/intranet/@@blog/{anne_id}" in post.text  # from the post to the blog
    world.client().get("/intranet/@@blog/nobody", status=404)
    world.client().get(f"/intranet/@@blog/{bert_id}/more", status=404)
    # an empty blog is there for its own writer, with the way to write
    eva_blog = world.client("eva").get(f"/intranet/@@blog/{world.account_id('eva')}")
    assert "@@add?type=blog" in eva_blog.text


def test_status_updates_are_short_and_posted_from_the_front_page(world) -> None:
    anne = world.client("anne")
    form = anne.get("/intranet/").forms["status-form"]
    form["body"] = "Vandaag op de hei met het team."
    posted = form.submit("save", status=303)
    path = posted.location.split(world.host, 1)[1]
    with world.committed(path) as status:
        assert status.title == "Vandaag op de hei met het team." and status.access == "members"
    assert "Vandaag op de hei" in anne.get("/intranet/").text
    assert "Vandaag op de hei" in world.client("bert").get("/").text  # in the stream
    assert "Vandaag op de hei" not in world.client().get("/intranet/").text  # members only
    too_long = world.add("anne", "status", status=400, body="x" * 501)
    assert "hoogstens 500 tekens" in too_long.text
    empty = world.add("anne", "status", status=400, body="   ")
    assert "Schrijf iets" in empty.text
    long = world.add("anne", "status", body="woord " * 60)
    with world.committed(long) as status:
        assert len(status.title) <= 80 and status.title.endswith("…")


def test_news_with_a_start_and_an_end_and_an_end_before_the_start(world, clock) -> None:
    start, end = clock.now() + timedelta(days=1), clock.now() + timedelta(days=3)
    path = world.add(
        "eva", "news", title="Tijdelijk nieuws", publish_at=moment(start), publish_until=moment(end)
    )
    anonymous, anne = world.client(), world.client("anne")

    def shown(client) -> bool:
        return "Tijdelijk nieuws" in client.get("/intranet/").text

    assert not shown(anonymous) and not shown(anne) and shown(world.client("eva"))
    anonymous.get(path, status=403)
    clock.advance(timedelta(days=1, seconds=1))
    assert shown(anonymous) and shown(anne) and "Tijdelijk nieuws" in anonymous.get("/").text
    clock.advance(timedelta(days=2))
    assert not shown(anonymous) and not shown(anne)
    assert "Tijdelijk nieuws" not in anonymous.get("/").text
    assert "Afgelopen" in world.client("eva").get("/intranet/").text
    refused = world.add(
        "eva", "news", status=400, title="Verkeerd om",
        publish_at=moment(end), publish_until=moment(start),
    )  # fmt: skip
    assert "moet na het begin liggen" in refused.text
    with world.committed("/intranet") as folder:
        assert "verkeerd-om" not in folder


def test_the_home_page_shows_the_latest_news(world) -> None:
    world.add("eva", "news", title="Nieuws op de voorpagina")
    world.add("eva", "news", title="Alleen voor leden", access="members")
    home = world.client().get("/")
    assert "Laatste nieuws" in home.text and "Nieuws op de voorpagina" in home.text
    assert "Alleen voor leden" not in home.text
    assert "Alleen voor leden" in world.client("anne").get("/").text


def test_the_demo_fills_the_intranet(pleio_setup) -> None:
    assert pleio_setup.pleio("demo") == 0
    client = pleio_setup.client(pleio_setup.make_app(), host="rijksportaal.localhost")
    front = client.get("/intranet/")
    assert [a.text for a in front.html.select(".intranet-highlights h3 a")] == [
        "Het nieuwe intranet is er"
    ]
    image = front.html.select_one(".intranet-highlights img")
    assert image["alt"] and client.get(image["src"]).content_type == "image/png"
    assert len(front.html.select("#blogs-heading ~ ul.intranet-list > li")) == 2
    assert "@Beheerder" in front.html.select_one(".status-list").text
    assert "Over de organisatie" in front.text
    assert "Organogram" in client.get("/intranet/over-de-organisatie/").text
    assert "Het nieuwe intranet is er" in client.get("/").text  # the home widget


def test_a_rename_shows_on_the_intranets_bylines_blogs_and_feeds(world) -> None:
    anne_id = world.account_id("anne")
    post = world.add("anne", "blog", title="Anne schrijft")
    world.add("eva", "news", title="Nieuws van Eva")
    platform = world.setup.signed_in_on_platform(world.app, "anne@example.nl")
    form = platform.get("/account").forms["details-form"]
    form["name"] = "Anne Pietersen"
    form.submit(status=303)
    reader = world.client("bert")
    for url in (
        "/intranet/",
        post,
        f"/intranet/@@blog/{anne_id}",
        f"/intranet/@@blog-feed/{anne_id}",
    ):
        text = reader.get(url).text
        assert "Anne Pietersen" in text and ">Anne<" not in text, url
    feed = world.client().get(f"/intranet/@@blog-feed/{anne_id}").text
    assert "<name>Anne Pietersen</name>" in feed and "Blog van Anne Pietersen" in feed
