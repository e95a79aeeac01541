"""The home page as a front page: the modules' widgets (``config.add_home_widget``), only
what the visitor may open in them, and a card only for a module with something to show.

The ``notices`` test plugin has one content type and three widgets: its newest notices
(through ``latest_content``, the catalog's filter), one that raises and one that never has
anything.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pyramid.exceptions import ConfigurationConflictError

from pleio_core.catalog import site_catalog
from pleio_core.content.site import ROOT_KEY
from pleio_core.plugins import PluginError
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup, add_through_form, assert_accessible, signed_in_page

HOST = "voor.localhost"

NOTICES_PLUGIN = """
from pleio_core.plugin_api import Content, ModulePlugin, WidgetItem, hookimpl, latest_content

class Notice(Content):
    pass

plugin = ModulePlugin(
    name="notices", package="pleio_core", title="Notices", description="Notices for all",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info
pleio_menu_items = plugin.pleio_menu_items

def newest(request, limit):
    found = latest_content(request, types=("notice",), order="date", limit=limit)
    return [WidgetItem(n.title, request.resource_url(n), "Mededeling", n.created) for n in found]

def broken(request, limit):
    raise RuntimeError("this widget is broken")

def nothing(request, limit):
    return []

@hookimpl
def pleio_configure(config):
    config.add_module_folder("notices", "Notices")
    config.add_content_type("notice", Notice, title="Notice")
    {widgets}
"""
WIDGETS = (
    'config.add_home_widget("newest", newest, "Newest notices", order={order}); '
    'config.add_home_widget("broken", broken, "Broken", order=1); '
    'config.add_home_widget("nothing", nothing, "Nothing here", more="", order=2)'
)


def notices_plugin(order: int = 100, widgets: str = WIDGETS) -> str:
    return NOTICES_PLUGIN.format(widgets=widgets.format(order=order))


@pytest.fixture
def site(pleio_setup: PleioTestSetup, plugin_installer):
    """A public site with the notices plugin and the wiki; Anne and Bert are members."""
    plugin_installer("notices", notices_plugin())
    pleio_setup.write_site("voor", modules=("notices", "wiki"), hosts=(HOST,), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    pleio_setup.create_account("bert@example.nl", "Bert", voor="member")
    app = pleio_setup.make_app()
    return pleio_setup, app


def widget_titles(page) -> list[str]:
    """The plugins' widgets (not the core's own, such as "New members")."""
    return [h.text for h in page.html.select(".home-widget h2") if "-core-" not in h["id"]]


def widget_items(page, title: str) -> list[str]:
    for section in page.html.select(".home-widget"):
        if section.h2.text == title:
            return [a.text for a in section.select(".home-widget__items a")]
    return []


def test_a_plugins_widget_is_on_the_home_page_with_its_items_and_more(site, caplog) -> None:
    setup, app = site
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    add_through_form(anne, "/notices/", "notice", title="Het gebouw is dicht", access="public")
    with caplog.at_level(logging.ERROR):
        home = setup.client(app, host=HOST).get("/")
    assert widget_titles(home) == ["Newest notices"]  # not the broken one, not the empty one
    assert "plugin 'notices' raised in home widget 'broken': its part is left out" in caplog.text
    section = home.html.select_one("section.home-widget")
    heading = section.h2
    assert section["aria-labelledby"] == heading["id"] == "widget-notices-newest"
    item = section.select_one(".home-widget__items li")
    assert item.a.text == "Het gebouw is dicht"
    assert item.a["href"] == f"http://{HOST}/notices/het-gebouw-is-dicht/"
    meta = item.select_one(".meta")
    assert meta.text.startswith("Mededeling · ") and meta.time["datetime"]
    more = section.select_one(".home-widget__more a")
    assert (more.text, more["href"]) == ("Meer in Notices", f"http://{HOST}/notices/")
    # the module is on the page with its widget: no card for it as well
    assert not home.html.select(".home-modules")
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        for _ in range(2):  # a page without a widget that raised is not kept as it was
            assert widget_titles(anne.get("/")) == ["Newest notices"]
    assert caplog.text.count("raised in home widget 'broken'") == 2


@pytest.mark.parametrize(
    ("order", "expected"), [(30, ["notices", "wiki"]), (50, ["wiki", "notices"])]
)
def test_widgets_come_in_their_order(
    pleio_setup: PleioTestSetup, plugin_installer, order: int, expected: list[str]
) -> None:
    plugin_installer("notices", notices_plugin(order))
    pleio_setup.write_site("voor", modules=("wiki", "notices"), hosts=(HOST,), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    app = pleio_setup.make_app()
    anne = setup_content(pleio_setup, app)
    ids = [s["aria-labelledby"] for s in anne.get("/").html.select("section.home-widget")]
    assert [i.split("-")[1] for i in ids if "-core-" not in i] == expected


def setup_content(setup: PleioTestSetup, app):
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    add_through_form(anne, "/notices/", "notice", title="Mededeling", access="public")
    add_through_form(anne, "/wiki/", "page", title="Wikipagina", access="public")
    return anne


def test_a_widget_lists_only_what_the_visitor_may_open(site, clock) -> None:
    """Members-only, private, draft and scheduled notices, for everyone who might look."""
    setup, app = site
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    later = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=3)
    notices = {
        "Openbaar": {"access": "public"},
        "Voor leden": {"access": "members"},
        "Alleen Anne": {"access": "private"},
        "Concept van Anne": {"access": "public", "state": "draft"},
        "Straks openbaar": {"access": "public", "publish_at": later.strftime("%Y-%m-%dT%H:%M")},
    }
    for title, fields in notices.items():
        add_through_form(anne, "/notices/", "notice", title=title, **fields)
    anonymous = setup.client(app, host=HOST)
    bert = setup.signed_in(app, "bert@example.nl", HOST)
    seen = {
        who: set(widget_items(client.get("/"), "Newest notices"))
        for who, client in (("anonymous", anonymous), ("bert", bert), ("anne", anne))
    }
    assert seen == {
        "anonymous": {"Openbaar"},
        "bert": {"Openbaar", "Voor leden"},
        "anne": set(notices),  # the owner opens all of hers
    }
    assert anonymous.get("/").headers.get("X-Pleio-Cache") == "hit"
    clock.advance(timedelta(days=4))  # the scheduled notice is published by the clock alone
    after = anonymous.get("/")
    assert set(widget_items(after, "Newest notices")) == {"Openbaar", "Straks openbaar"}


def test_a_closed_site_shows_outsiders_no_widget(
    pleio_setup: PleioTestSetup, plugin_installer
) -> None:
    plugin_installer("notices", notices_plugin())
    pleio_setup.write_site("voor", modules=("notices",), hosts=(HOST,), access="closed")
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    pleio_setup.create_account("olga@example.nl", "Olga")
    app = pleio_setup.make_app()
    anne = pleio_setup.signed_in(app, "anne@example.nl", HOST)
    add_through_form(anne, "/notices/", "notice", title="Openbaar binnen", access="public")
    assert widget_items(anne.get("/"), "Newest notices") == ["Openbaar binnen"]
    olga = pleio_setup.signed_in(app, "olga@example.nl", HOST)
    for outsider in (pleio_setup.client(app, host=HOST), olga):
        home = outsider.get("/")
        assert "Openbaar binnen" not in home.text and not home.html.select(".home-widget")
        assert "alleen leden kunnen zien wat erop staat" in home.text  # it says why


def test_a_module_has_a_card_only_while_it_has_something_to_show(
    pleio_setup: PleioTestSetup, notes_plugin
) -> None:
    """The notes plugin has no widget; intranet and workspace have no content types yet."""
    pleio_setup.write_site(
        "voor", modules=("notes", "intranet", "workspace"), hosts=(HOST,), access="public"
    )
    pleio_setup.write_site("kaal", modules=(), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    app = pleio_setup.make_app()
    anonymous = pleio_setup.client(app, host=HOST)
    anne = pleio_setup.signed_in(app, "anne@example.nl", HOST)

    def cards(client) -> list[str]:
        return [h.text for h in client.get("/").html.select(".home-modules .card h3")]

    home = anonymous.get("/")
    assert cards(anonymous) == [] and "Er is op deze site nog niets gedeeld." in home.text
    add_through_form(anne, "/notes/", "note", title="Mijn notitie", access="private")
    assert cards(anne) == ["Notes"] and cards(anonymous) == []
    add_through_form(anne, "/notes/", "note", title="Voor iedereen", access="public")
    assert cards(anonymous) == ["Notes"]
    bare = pleio_setup.client(app, host="kaal.localhost").get("/")
    assert "Er zijn nog geen modules aangezet." in bare.text


@pytest.mark.parametrize(
    ("widgets", "error", "message"),
    [
        ('config.add_home_widget("Nieuw!", newest, "x")', PluginError, "a name is a-z"),
        ('config.add_home_widget("nieuw", newest, "x", more="nl")', PluginError, "more is a path"),
        (
            'config.add_home_widget("a", newest, "x"); config.add_home_widget("a", nothing, "y")',
            ConfigurationConflictError,
            "pleio.home_widget",
        ),
    ],
)
def test_bad_widgets_stop_start_up(
    pleio_setup: PleioTestSetup, plugin_installer, widgets: str, error: type, message: str
) -> None:
    plugin_installer("notices", notices_plugin(widgets=widgets))
    with pytest.raises(error, match=message):
        pleio_setup.make_app()


def test_widgets_are_listed_by_key_for_introspection(site) -> None:
    _setup, app = site
    listed = app.registry.introspector.get_category("pleio home widgets")
    found = {entry["introspectable"].discriminator: entry["introspectable"] for entry in listed}
    assert {"notices.broken", "notices.newest", "notices.nothing"} <= set(found)
    assert found["notices.newest"]["widget"].title == "Newest notices"


# -- in the browser ---------------------------------------------------------------------------

WIDTHS = (320, 375, 768, 1280)  # (the testing module's WIDTHS lack 320 for now)
LONG = "Verslag van de bijeenkomst over informatiebeheer en archiefwetgeving"


@pytest.fixture
def front(pleio_setup: PleioTestSetup, live_server_factory):
    """A site with all four modules and something in two of them: Anne is in one group
    (for members only) and not in the other (public)."""
    pleio_setup.write_site(
        "voor",
        modules=("intranet", "community", "workspace", "wiki"),
        hosts=(HOST,),
        access="public",
        title="Rijksportaal Samenwerken voor alle ministeries en uitvoeringsorganisaties",
        description="Het sociale intranet van de demo-ministeries.",
    )
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    pleio_setup.create_account("bert@example.nl", "Bert", voor="member")
    app = pleio_setup.make_app()
    anne = pleio_setup.signed_in(app, "anne@example.nl", HOST)
    bert = pleio_setup.signed_in(app, "bert@example.nl", HOST)
    for n in range(6):
        add_through_form(anne, "/wiki/", "page", title=f"{LONG} {n}", access="public")
    add_through_form(anne, "/community/", "group", title="Werkgroep toegankelijkheid")
    add_through_form(bert, "/community/", "group", title="Archiefnetwerk", access="public")
    return live_server_factory(app)


def columns(page, url: str, width: int) -> int:
    """How many columns the widgets stand in at ``width`` (their distinct left edges)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    return page.evaluate(
        "new Set([...document.querySelectorAll('.home-widget')]"
        ".map(e => Math.round(e.getBoundingClientRect().left))).size"
    )


def beside_the_stream(page) -> bool:
    """Whether the widgets stand to the right of the activity stream (not below it)."""
    return page.evaluate(
        "document.querySelector('.home-widgets').getBoundingClientRect().left >="
        " document.querySelector('.home-activity').getBoundingClientRect().right"
    )


def test_the_home_page_passes_axe_and_fits_from_320_to_1280(front, page, browser) -> None:
    url = front.url(HOST, "/")
    assert_accessible(page, url, widths=WIDTHS)  # anonymous: the groups and the wiki
    assert columns(page, url, 375) == 1 and not beside_the_stream(page)
    assert columns(page, url, 1280) == 1 and beside_the_stream(page)
    anne = signed_in_page(browser, front, HOST, "anne@example.nl")
    try:
        assert_accessible(anne, url, widths=WIDTHS)  # her groups too, and the activity
        assert columns(anne, url, 320) == 1 and not beside_the_stream(anne)
        assert columns(anne, url, 1280) == 1 and beside_the_stream(anne)
        assert anne.get_by_role("heading", name="Jouw groepen").is_visible()
        assert anne.get_by_role("heading", name="Recente activiteit").is_visible()
    finally:
        anne.context.close()


def test_a_catalog_made_before_the_last_changed_index_still_lists_the_last_changed_first(
    site, clock
) -> None:
    setup, app = site
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    first = add_through_form(anne, "/wiki/", "page", title="Eerste", access="public")
    clock.advance(60)
    add_through_form(anne, "/wiki/", "page", title="Tweede", access="public")
    clock.advance(60)
    form = anne.get(f"{first}@@edit").forms["content-form"]
    form["body"] = "Bijgewerkt."
    form.submit("save", status=303)
    anonymous = setup.client(app, host=HOST)
    title = "Recent gewijzigde wikipagina's"
    assert widget_items(anonymous.get("/"), title) == ["Eerste", "Tweede"]
    with SITE_DATABASES(app.registry).get("voor").transaction() as conn:
        del site_catalog(conn.root()[ROOT_KEY]).indexes["last_changed"]
    assert widget_items(anonymous.get("/"), title) == ["Eerste", "Tweede"]


COUNTED = """
CALLS = []

def counted(request, limit):
    CALLS.append(request.identity.name if request.identity else None)
    return newest(request, limit)
"""


@pytest.mark.parametrize("page_cache", ["true", "false"])
def test_widgets_are_kept_until_the_sites_next_commit_and_never_longer(
    pleio_setup: PleioTestSetup, plugin_installer, clock, page_cache: str
) -> None:
    """Per visitor kind, while the site's database has had no commit and no scheduled item
    came out (where this process sees every commit; with the page cache's tween)."""
    widgets = 'config.add_home_widget("newest", counted, "Newest notices")'
    plugin_installer("notices", notices_plugin(widgets=widgets) + COUNTED)
    pleio_setup.write_site("voor", modules=("notices",), hosts=(HOST,), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    pleio_setup.create_account("bert@example.nl", "Bert", voor="member")
    app = pleio_setup.make_app(**{"pleio.page_cache": page_cache})
    calls = sys.modules["pleio_test_notices"].CALLS
    anne = pleio_setup.signed_in(app, "anne@example.nl", HOST)
    bert = pleio_setup.signed_in(app, "bert@example.nl", HOST)
    add_through_form(anne, "/notices/", "notice", title="Eerste", access="public")
    calls.clear()
    for _ in range(2):
        assert widget_items(anne.get("/"), "Newest notices") == ["Eerste"]
    assert widget_items(bert.get("/"), "Newest notices") == ["Eerste"]
    kept = page_cache == "true"
    assert calls == (["Anne", "Bert"] if kept else ["Anne", "Anne", "Bert"])
    clock.advance(60)
    add_through_form(bert, "/notices/", "notice", title="Van Bert", access="private")
    assert widget_items(anne.get("/"), "Newest notices") == ["Eerste"]
    assert widget_items(bert.get("/"), "Newest notices") == ["Van Bert", "Eerste"]
    later = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=1)
    add_through_form(
        anne, "/notices/", "notice", title="Morgen", access="public",
        publish_at=later.strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    assert widget_items(bert.get("/"), "Newest notices") == ["Van Bert", "Eerste"]
    clock.advance(timedelta(days=2))  # no commit: the clock alone brings it out
    assert widget_items(bert.get("/"), "Newest notices") == ["Morgen", "Van Bert", "Eerste"]


def test_the_holder_orders_and_hides_the_widgets(
    pleio_setup: PleioTestSetup, plugin_installer
) -> None:
    plugin_installer("notices", notices_plugin(30))
    pleio_setup.write_site("voor", modules=("wiki", "notices"), hosts=(HOST,), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    pleio_setup.create_account("ada@example.nl", "Ada", voor="admin")
    app = pleio_setup.make_app()
    anne = setup_content(pleio_setup, app)
    ada = pleio_setup.signed_in(app, "ada@example.nl", HOST)

    def shown() -> list[str]:  # (the plugins' widgets: the core's New members comes last)
        found = anne.get("/").html.select("section.home-widget")
        return [s["aria-labelledby"] for s in found if "-core-" not in s["aria-labelledby"]]

    assert shown() == ["widget-notices-newest", "widget-wiki-recent"]
    form = ada.get("/@@control-panel-home").forms["panel-form"]
    rows = [
        th.text.split(" (")[0] for th in ada.get("/@@control-panel-home").html.select("tbody th")
    ]
    # (the core's "What I follow" is offered too; Anne follows nothing, so it is not shown)
    assert rows == [
        "Broken", "Nothing here", "Wat ik volg", "Newest notices",
        "Recent gewijzigde wikipagina's", "Nieuwe leden",
    ]  # fmt: skip
    form["position-4"] = "0"  # the wiki's first
    form["shown-3"] = False  # the newest notices off
    form.submit(status=303)
    assert shown() == ["widget-wiki-recent"]
    form = ada.get("/@@control-panel-home").forms["panel-form"]
    form["shown-4"] = True  # (the notices, now fifth) on again
    form.submit(status=303)
    assert shown() == ["widget-wiki-recent", "widget-notices-newest"]

    form = ada.get("/@@control-panel-home").forms["panel-form"]
    form["position-0"] = "eerste"
    refused = form.submit(status=400)
    assert "Een positie is een geheel getal." in refused.text
    assert shown() == ["widget-wiki-recent", "widget-notices-newest"]  # nothing changed
    form = ada.get("/@@control-panel-home").forms["panel-form"]
    form["csrf_token"] = "wrong"
    form.submit(status=400)
    anne.get("/@@control-panel-home", status=403)
    audit = ada.get("/@@audit").text
    assert "Startpagina gewijzigd" in audit


def test_the_activity_stream_shows_what_was_written_and_goes_back_a_page_at_a_time(
    site, clock
) -> None:
    setup, app = site
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    for n in range(22):
        add_through_form(anne, "/notices/", "notice", title=f"Mededeling {n}", access="public",
                         body=f"Tekst van mededeling {n}. " * 20)  # fmt: skip
        clock.advance(timedelta(minutes=1))
    add_through_form(anne, "/notices/", "notice", title="Alleen voor leden", access="members")
    visitor = setup.client(app, host=HOST)
    home = visitor.get("/")
    entries = home.html.select(".home-activity .stream > li")
    assert len(entries) == 20
    assert "Mededeling 21" in entries[0].text and "Alleen voor leden" not in home.text
    snippet = entries[0].select_one(".stream__snippet").text
    assert snippet.startswith("Tekst van mededeling 21.") and snippet.endswith("…")
    assert len(snippet) == 200
    older = home.click(linkid=None, href=r"@@activity\?page=2")
    assert [a.text for a in older.html.select(".stream a")] == ["Mededeling 1", "Mededeling 0"]
    assert older.html.select_one("a[rel=prev]")["href"].endswith("@@activity?page=1")
    assert not older.html.select("a[rel=next]")
    assert "Alleen voor leden" in anne.get("/@@activity").text
    for bad in ("0", "51", "x", "-1", "%C2%B2"):  # (² is a digit to str.isdigit)
        assert "geheel getal" in visitor.get(f"/@@activity?page={bad}", status=400).text
