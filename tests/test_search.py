"""The search page: never what the searcher may not see; filters, order, pages, snippets."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content.editing import create_content
from pleio_core.content.events import ContentModified
from pleio_core.services import CONTENT_TYPES, PLATFORM_DATABASE
from pleio_core.testing import (
    PleioTestSetup,
    assert_accessible,
    axe_violations,
)

PEOPLE = {"owner": "member", "member": "member", "editor": "editor", "admin": "admin"}


def add_content(request):
    """A test view: content made by ``create_content``, as the add form makes it."""
    params = request.POST
    root = request.site_root
    content_type = CONTENT_TYPES(request.registry)[params.get("type", "note")]
    values = {
        "title": params["title"],
        "body": params.get("body", ""),
        "tags": tuple(t for t in params.get("tags", "").split(",") if t),
        "access": params.get("access", "public"),
        "state": params.get("state", "published"),
        "publish_at": datetime.fromisoformat(params["publish_at"])
        if params.get("publish_at")
        else None,
    }
    group = params.get("group")  # what the forms cannot set here (no community module)
    if group:
        values["access"] = "private"
    owner = params.get("owner")
    content = create_content(request, root[content_type.module], content_type, values, owner)
    if params.get("date") or group:
        if params.get("date"):
            content.created = datetime.fromisoformat(params["date"])
        if group:
            content.access, content.group = "group", group
        request.registry.notify(ContentModified(content, request))
    request.response.text = content.__name__
    return request.response


def with_test_views(config) -> None:
    config.add_view(
        add_content,
        name="test-add",
        request_method="POST",
        require_csrf=False,
        permission=NO_PERMISSION_REQUIRED,
    )


def account_id(app, email: str) -> str:
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        return conn.root()["pleio_platform"]["accounts"].by_email(email).id


def signed_in(setup: PleioTestSetup, app, who: str | None, host: str = "alpha.localhost"):
    if who is None:
        return setup.client(app, host=host)
    return setup.signed_in(app, f"{who}@example.nl", host)


def found(page) -> list[str]:
    return [a.text for a in page.html.select(".search-hits h3 a")]


def count(page) -> str:
    return " ".join(page.html.find(id="results").text.split())


@pytest.fixture
def world(pleio_setup: PleioTestSetup, notes_plugin, memos_plugin):
    setup = pleio_setup
    setup.write_site("alpha", modules=("notes", "memos"))
    setup.write_site("beta", modules=("notes",))
    setup.write_site("shut", modules=("notes",), access="closed")
    for who, role in PEOPLE.items():
        setup.create_account(f"{who}@example.nl", alpha=role, shut=role)
    setup.create_account("stranger@example.nl")
    app = setup.make_app(configure=with_test_views)
    owner = account_id(app, "owner@example.nl")
    writer = setup.client(app, host="alpha.localhost")

    def add(title: str, host: str = "alpha.localhost", **fields: str) -> None:
        writer.post("/@@test-add", {"title": title, "owner": owner, **fields}, host=host)

    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    add("Zebra openbaar", body="De zebra loopt")
    add("Zebra leden", body="zebra", access="members")
    add("Zebra prive", body="zebra", access="private")
    add("Zebra concept", body="zebra", state="draft")
    add("Zebra gepland", body="zebra", publish_at=future)
    add("Zebra gepubliceerd", body="zebra", publish_at=past)
    add("Zebra groep", body="zebra", access="group", group="group:g1")
    add("Zebra memo", body="zebra", type="memo")
    add("Zebra elders", host="beta.localhost", body="zebra")
    add("Zebra besloten", host="shut.localhost", body="zebra")
    add("Zebra besloten leden", host="shut.localhost", body="zebra", access="members")
    return setup, app, add


PUBLIC = {"Zebra openbaar", "Zebra gepubliceerd", "Zebra memo"}
EXPECTED = {
    None: PUBLIC,
    "stranger": PUBLIC,
    "member": PUBLIC | {"Zebra leden"},
    "editor": PUBLIC | {"Zebra leden", "Zebra concept", "Zebra gepland"},
    "owner": PUBLIC
    | {"Zebra leden", "Zebra prive", "Zebra concept", "Zebra gepland", "Zebra groep"},
    "admin": PUBLIC
    | {"Zebra leden", "Zebra prive", "Zebra concept", "Zebra gepland", "Zebra groep"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_search_shows_only_what_the_searcher_may_see(world, who) -> None:
    setup, app, _ = world
    page = signed_in(setup, app, who).get("/@@search?text=zebra")
    assert set(found(page)) == EXPECTED[who]
    assert count(page) == f"{len(EXPECTED[who])} resultaten"


@pytest.mark.parametrize("who", [None, "stranger", "member", "admin"])
def test_a_closed_site_s_search_is_for_its_members(world, who) -> None:
    setup, app, _ = world
    client = signed_in(setup, app, who, host="shut.localhost")
    if who in PEOPLE:
        page = client.get("/@@search?text=zebra")
        assert set(found(page)) == {"Zebra besloten", "Zebra besloten leden"}
    else:
        client.get("/@@search?text=zebra", status=403)


def test_a_scheduled_item_is_found_once_its_moment_has_come(world, clock) -> None:
    setup, app, add = world
    soon = (clock.now() + timedelta(hours=1)).isoformat()
    add("Okapi straks", body="okapi", publish_at=soon)
    visitor = signed_in(setup, app, None)
    assert found(visitor.get("/@@search?text=okapi")) == []
    clock.advance(timedelta(hours=1, seconds=1))  # nothing is written in between
    assert found(visitor.get("/@@search?text=okapi")) == ["Okapi straks"]


def wait_for(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_disabled_module_drops_out_and_comes_back(world) -> None:
    setup, app, _ = world
    member = signed_in(setup, app, "member")

    def titles() -> set[str]:
        return set(found(member.get("/@@search?text=zebra")))

    assert "Zebra memo" in titles()
    assert setup.pleio("site", "disable-module", "alpha", "memos") == 0
    wait_for(lambda: "Zebra memo" not in titles())
    assert titles() == EXPECTED["member"] - {"Zebra memo"}
    member.get("/@@search?type=memo", status=400)  # no such type here any more
    assert setup.pleio("site", "enable-module", "alpha", "memos") == 0
    wait_for(lambda: "Zebra memo" in titles())


def test_filters_by_type_module_tag_and_date(world) -> None:
    setup, app, add = world
    add("Giraf een", body="giraf", tags="dieren,savanne", date="2024-03-01T10:00:00+00:00")
    add("Giraf twee", body="giraf", tags="dieren", date="2024-03-31T22:30:00+00:00")
    add("Giraf drie", body="giraf", type="memo", date="2024-04-02T10:00:00+00:00")
    member = signed_in(setup, app, "member")

    def search(query: str) -> list[str]:
        return found(member.get(f"/@@search?text=giraf&order=date&{query}"))

    assert search("") == ["Giraf drie", "Giraf twee", "Giraf een"]
    assert search("type=memo") == search("module=memos") == ["Giraf drie"]
    assert search("type=note") == ["Giraf twee", "Giraf een"]
    assert search("tag=dieren") == ["Giraf twee", "Giraf een"]
    assert search("tag=savanne") == ["Giraf een"]
    # 31 March 22:30 UTC is 1 April in Amsterdam (summer time): dates are Dutch dates
    assert search("from=2024-04-01") == ["Giraf drie", "Giraf twee"]
    assert search("to=2024-03-31") == ["Giraf een"]
    assert search("from=2024-03-01&to=2024-03-01") == ["Giraf een"]
    page = member.get("/@@search?tag=savanne")  # no text: filters alone, newest first
    assert found(page) == ["Giraf een"]
    assert page.html.find("option", selected=True)["value"] == "date"


def test_relevance_paging_and_snippets(world) -> None:
    setup, app, add = world
    for n in range(23):
        day = (datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=n)).isoformat()
        add(f"Buffel {n:02}", body=f"Over de buffel, dag {n}.", date=day)
    add("Buffels overal", body="buffel buffel buffel <b>buffel</b> & buffel")
    member = signed_in(setup, app, "member")
    first = member.get("/@@search?text=buffel")
    assert found(first)[0] == "Buffels overal" and len(found(first)) == 20
    assert count(first) == "24 resultaten (pagina 1 van 2)"
    snippet = first.html.select_one(".search-hit__snippet").decode_contents()
    assert snippet == (
        "<mark>buffel</mark> <mark>buffel</mark> <mark>buffel</mark> &lt;b&gt;"
        "<mark>buffel</mark>&lt;/b&gt; &amp; <mark>buffel</mark>"
    )
    next_link = first.html.find("a", rel="next")["href"]
    second = member.get(next_link.replace("http://alpha.localhost", ""))
    assert len(found(second)) == 4 and count(second).startswith("24 resultaten (pagina 2 van 2)")
    assert set(found(first)) | set(found(second)) == {f"Buffel {n:02}" for n in range(23)} | {
        "Buffels overal"
    }
    assert second.html.find("a", rel="prev") is not None
    assert second.html.find("a", rel="next") is None
    newest = found(member.get("/@@search?text=buffel&order=date"))
    assert newest[0] == "Buffels overal" and newest[1:4] == ["Buffel 22", "Buffel 21", "Buffel 20"]
    empty = member.get("/@@search?text=buffel&page=9")
    assert found(empty) == [] and "Er zijn geen resultaten op deze pagina." in empty.text


def test_no_results_and_bad_input_are_explained(world) -> None:
    setup, app, _ = world
    visitor = signed_in(setup, app, None)
    form_only = visitor.get("/@@search")
    assert form_only.html.find(id="results") is None
    everything = visitor.get("/@@search?order=date")  # no filter at all: all one may see
    assert set(found(everything)) == PUBLIC
    none = visitor.get("/@@search?text=neushoorn")
    assert count(none) == "0 resultaten" and "Niets gevonden." in none.text
    assert count(visitor.get("/@@search?text=loopt")) == "1 resultaat"  # the plural's one form
    for query, field, message in [
        ("from=2024-13-01", "from", "Geef een datum als jaar-maand-dag"),
        ("from=2024-05-01&to=2024-04-01", "to", "De einddatum ligt voor de begindatum."),
        ("type=nonsense", "type", "Er is hier geen inhoudstype nonsense."),
        ("module=wiki", "module", "Er is hier geen module wiki."),
        ("order=random", "order", "Sorteer op relevantie of op datum."),
        ("text=the+and", "text", "Zoek op minstens één woord"),
        ("text=zebra&page=abc", "text", "Die pagina met resultaten bestaat niet."),
        ("text=" + "x" * 201, "text", "Zoek met hoogstens 200 tekens."),
    ]:
        page = visitor.get(f"/@@search?{query}", status=400)
        error = page.html.find(id=f"{field}-error")
        assert error is not None and message in error.text, query
        assert page.html.find(id="error-summary").find("a")["href"] == f"#{field}"
        assert page.html.find(id=field)["aria-invalid"] == "true"


def test_the_search_page_is_accessible(world, live_server_factory, page) -> None:
    _setup, app, add = world
    add("Toegankelijk zoeken", body="zebra <script>alert(1)</script> zebra " * 5)
    server = live_server_factory(app)
    assert_accessible(page, server.url("alpha.localhost", "/@@search?text=zebra"))
    page.goto(server.url("alpha.localhost", "/@@search?from=nonsense"))  # a 400 with its form
    assert page.locator("#from-error").is_visible() and axe_violations(page) == []


def test_every_page_of_a_site_links_to_its_search(world) -> None:
    setup, app, _ = world
    visitor = signed_in(setup, app, None)
    search_page = visitor.get("/").click(href="/@@search$")
    form = search_page.forms["search-form"]
    form["text"] = "zebra"
    assert set(found(form.submit())) == PUBLIC
    assert "/@@search" not in visitor.get("/", host="localhost").text  # not on the platform
