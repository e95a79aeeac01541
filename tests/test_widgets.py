"""Pleio's deform widgets, through a plugin's settings form that uses every one of them:
labelled, free of inline script and style, valid HTML, values that come back as they were
saved, clear messages for bad input, and (in Chromium) axe-clean with and without
JavaScript, the list's "Add" and "Remove" worked by keyboard."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import webtest
from bs4 import BeautifulSoup

from pleio_core.clock import LOCAL_ZONE
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import (
    PleioTestSetup,
    assert_accessible,
    assert_valid_html,
    axe_violations,
    sign_in_page,
)

HOST = "alpha.localhost"
URL = "/@@control-panel-module-settings?module=widgets"

WIDGETS = """
import colander
import deform
import deform.widget
from pleio_core.plugins import ModuleSettings, hookimpl
from pleio_core.plugins.module import ModulePlugin

plugin = ModulePlugin(name="widgets", package="pleio_core", title="Widgets",
                      description="Every form widget", requires_core=">=0.1")
pleio_plugin_info = plugin.pleio_plugin_info


class Contact(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), title="Name")
    email = colander.SchemaNode(colander.String(), title="E-mail address",
                                validator=colander.Email())


class Schema(colander.MappingSchema):
    links = colander.SchemaNode(
        colander.Sequence(),
        colander.SchemaNode(colander.String(), name="link", title="Link",
                            validator=colander.url),
        title="Links", missing=(),
    )
    contacts = colander.SchemaNode(
        colander.Sequence(), Contact(name="contact", title="Contact"),
        title="Contacts", missing=(),
    )
    topics = colander.SchemaNode(
        colander.Set(), title="Topics", description="Choose at least one.",
        widget=deform.widget.CheckboxChoiceWidget(
            values=[("news", "News"), ("events", "Events"), ("jobs", "Jobs")]
        ),
    )
    newsletter = colander.SchemaNode(colander.Boolean(), title="Send the newsletter",
                                     missing=False)
    colour = colander.SchemaNode(
        colander.String(), title="Colour",
        widget=deform.widget.SelectWidget(
            values=[("", "Choose a colour"), ("red", "Red"), ("blue", "Blue")]
        ),
    )
    languages = colander.SchemaNode(
        colander.Set(), title="Languages", missing=(),
        widget=deform.widget.SelectWidget(
            values=[("nl", "Dutch"), ("en", "English"), ("fy", "Frisian")], multiple=True
        ),
    )
    starts = colander.SchemaNode(colander.Date(), title="Starts on")
    meeting = colander.SchemaNode(colander.DateTime(), title="Meeting at", missing=None)
    attachment = colander.SchemaNode(deform.FileData(), title="Attachment", missing=None,
                                     widget=deform.widget.FileUploadWidget(None))
    secret = colander.SchemaNode(colander.String(), title="Secret", missing="",
                                 widget=deform.widget.PasswordWidget())


@hookimpl
def pleio_module_settings(request):
    root = request.site_root

    def save(values):
        upload = values.pop("attachment")
        if upload:
            root.widget_file = (upload["filename"], upload["fp"].read())
        root.widget_values = values

    return ModuleSettings(Schema(), dict(getattr(root, "widget_values", {})), save)
"""


@pytest.fixture
def world(pleio_setup: PleioTestSetup, plugin_installer) -> tuple[PleioTestSetup, Any]:
    plugin_installer("widgets", WIDGETS)
    pleio_setup.write_site("alpha", modules=("widgets",), title="Alpha")
    pleio_setup.create_account("ada@example.nl", alpha="admin")
    return pleio_setup, pleio_setup.make_app()


def stored(app: Any, name: str = "widget_values") -> Any:
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        return getattr(conn.root()[ROOT_KEY], name, None)


def fill_required(form: Any) -> None:
    form.get("checkbox", index=0).checked = True
    form["colour"] = "red"
    form["date"] = "2026-05-01"


def check_markup(html: str) -> None:
    """No inline script or style; every input labelled, every group a fieldset with a
    legend; every aria-describedby pointing at something."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id="content-form")
    assert form is not None
    assert not [s for s in soup.find_all("script") if not s.get("src")], "inline script"
    assert not soup.find_all("style"), "a <style> block"
    assert not soup.find_all(style=True), "a style attribute"
    handlers = [(t.name, a) for t in soup.find_all(True) for a in t.attrs if a.startswith("on")]
    assert not handlers, handlers
    fields = [
        field
        for field in form.find_all(["input", "select", "textarea"])
        if field.get("type") not in ("hidden", "submit", "button")
    ]
    assert len(fields) > 10
    for field in fields:
        label = field.find_parent("label") or form.find("label", attrs={"for": field.get("id")})
        assert label is not None and label.get_text(strip=True), f"no label for {field}"
        if field.get("type") == "checkbox" and field["name"] == "checkbox":
            group = field.find_parent("fieldset")
            assert group is not None and group.legend.get_text(strip=True) == "Topics"
    for item in form.find_all("li", class_="sequence-item"):
        assert item.find_parent("fieldset").legend.get_text(strip=True) in ("Links", "Contacts")
    for described in soup.find_all(attrs={"aria-describedby": True}):
        for target in described["aria-describedby"].split():
            assert soup.find(id=target), f"aria-describedby={target} points at nothing"


def test_every_widget_is_labelled_free_of_inline_script_and_valid_html(world) -> None:
    setup, app = world
    admin = setup.signed_in(app, "ada@example.nl", HOST)
    page = admin.get(URL)
    check_markup(page.text)
    # the list's script is a file of its own, served from the site
    (script,) = page.html.select("main script")
    assert admin.get(script["src"]).content_type == "text/javascript"
    # a form with an error in each kind of field
    form = page.forms["content-form"]
    form["date"] = "2026-02-31"
    form.set("link", "geen adres", index=0)
    form["meeting"] = "gisteren"
    error = form.submit(status=400)
    check_markup(error.text)
    fill_required(form)
    form.set("link", "https://pleio.nl", index=0)
    form["meeting"] = ""
    form.submit(status=303)
    saved = admin.get(URL)
    check_markup(saved.text)
    assert_valid_html({"form": page.body, "errors": error.body, "saved": saved.body})


def test_values_come_back_as_they_were_saved(world) -> None:
    setup, app = world
    admin = setup.signed_in(app, "ada@example.nl", HOST)
    form = admin.get(URL).forms["content-form"]
    # without JavaScript: the list has one empty item, so add one at a time
    assert [field.value for field in form.fields["link"]] == [""]
    fill_required(form)
    form.set("link", "https://een.example.nl", index=0)
    form.submit(status=303)
    form = admin.get(URL).forms["content-form"]
    links = [field.value for field in form.fields["link"]]
    assert links == ["https://een.example.nl", ""]  # and an empty one to fill in
    form.set("link", "https://twee.example.nl", index=1)
    form["name"], form["email"] = "Ada", "ada@example.nl"
    form.get("checkbox", index=0).checked = True
    form.get("checkbox", index=2).checked = True
    form["newsletter"] = True
    form["languages"] = ["nl", "fy"]
    form["date"] = "2026-12-31"
    form["meeting"] = "2026-07-01T09:30"
    form["upload"] = webtest.Upload("agenda.txt", b"Punt 1", "text/plain")
    form["secret"] = "geheim"
    form.submit(status=303)

    values = stored(app)
    assert values["links"] == ["https://een.example.nl", "https://twee.example.nl"]
    assert values["contacts"] == [{"name": "Ada", "email": "ada@example.nl"}]
    assert values["topics"] == {"news", "jobs"}
    assert values["newsletter"] is True
    assert values["colour"] == "red"
    assert values["languages"] == {"nl", "fy"}
    assert values["starts"] == datetime.date(2026, 12, 31)
    # the form's time is the Netherlands' (summer time: UTC+2)
    assert values["meeting"] == datetime.datetime(2026, 7, 1, 9, 30, tzinfo=LOCAL_ZONE)
    assert values["meeting"].astimezone(datetime.UTC).hour == 7
    assert values["secret"] == "geheim"
    assert stored(app, "widget_file") == ("agenda.txt", b"Punt 1")

    page = admin.get(URL)
    form = page.forms["content-form"]
    links = [field.value for field in form.fields["link"]]
    assert links == ["https://een.example.nl", "https://twee.example.nl", ""]
    assert [box.checked for box in form.fields["checkbox"]] == [True, False, True]
    assert form["newsletter"].checked
    assert form["colour"].value == "red"
    assert sorted(form["languages"].value) == ["fy", "nl"]
    assert form["date"].value == "2026-12-31"
    assert form["meeting"].value == "2026-07-01T09:30"
    assert form["secret"].value == ""  # a password is never sent back
    # saved again unchanged: the same values, the same moment; emptied items are dropped
    form["secret"] = "geheim"
    form.set("link", "", index=0)
    form.submit(status=303)
    again = stored(app)
    assert again["links"] == ["https://twee.example.nl"]
    assert {k: v for k, v in again.items() if k != "links"} == {
        k: v for k, v in values.items() if k != "links"
    }


def test_bad_input_is_a_400_with_a_message_by_each_field(world) -> None:
    setup, app = world
    admin = setup.signed_in(app, "ada@example.nl", HOST)
    form = admin.get(URL).forms["content-form"]
    form["date"] = "2026-02-31"
    form["meeting"] = "morgen om negen"
    form.set("link", "https://goed.example.nl", index=0)
    form["name"], form["email"] = "Mo", "geen-adres"
    page = form.submit(status=400)
    assert stored(app) is None
    summary = {a.get_text(strip=True): a["href"] for a in page.html.select("#error-summary a")}
    assert summary == {
        "Topics: Verplicht": "#" + page.html.find("input", attrs={"name": "checkbox"})["id"],
        "Colour: Verplicht": "#" + page.html.find("select", attrs={"name": "colour"})["id"],
        "Starts on: Geen geldige datum": "#" + page.html.find("input", type="date")["id"],
        "Meeting at: Geen geldige datum": "#"
        + page.html.find("input", type="datetime-local")["id"],
        # a list's error leads to the item that is wrong
        "Contacts: Ongeldig e-mail adres": "#"
        + page.html.find("input", attrs={"name": "email"})["id"],
    }
    email = page.html.find("input", attrs={"name": "email"})
    assert email["aria-invalid"] == "true"
    assert page.html.find(id=email["aria-describedby"]).get_text() == "Ongeldig e-mail adres"
    # what was typed stays: the list's items and the text fields
    again = page.forms["content-form"]
    assert again.get("link", index=0).value == "https://goed.example.nl"
    assert again.get("email", index=0).value == "geen-adres"
    # a file is not kept after an error: the form says to choose it again
    again["upload"] = webtest.Upload("agenda.txt", b"Punt 1", "text/plain")
    page = again.submit(status=400)
    upload = page.html.find("input", type="file")
    hint = page.html.find(id=upload["aria-describedby"].split()[-1])
    assert "Kies het bestand opnieuw" in hint.get_text()
    assert "agenda.txt" in hint.get_text()


def test_the_form_in_chromium_with_and_without_javascript(
    world, live_server_factory, browser, page
) -> None:
    _setup, app = world
    server = live_server_factory(app)
    url = server.url(HOST, URL)
    sign_in_page(page, server, HOST, "ada@example.nl")
    assert_accessible(page, url, widths=(320, 1280))
    # the errors, at phone width
    page.set_viewport_size({"width": 320, "height": 900})
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []

    # with JavaScript, by keyboard: "Add" gives a new, focused item; "Remove" takes one away
    page.get_by_label("Link").first.fill("https://een.example.nl")
    add = page.get_by_role("button", name="Voeg Link toe")
    add.focus()
    page.keyboard.press("Enter")
    assert page.get_by_label("Link").count() == 2
    page.keyboard.type("https://twee.example.nl")
    add.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("https://drie.example.nl")
    assert page.get_by_label("Link").count() == 3
    remove = page.get_by_role("button", name="Link verwijderen")
    assert remove.count() == 3
    remove.nth(2).focus()
    page.keyboard.press("Enter")
    assert page.get_by_label("Link").count() == 2
    assert page.evaluate("document.activeElement.textContent") == "Voeg Link toe"
    assert axe_violations(page) == []  # the added item is labelled too
    page.get_by_label("News", exact=True).check()
    page.get_by_label("Colour").select_option("blue")
    page.get_by_label("Starts on").fill("2026-05-01")
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**done=saved*")
    assert page.get_by_role("status").is_visible()
    assert stored(app)["links"] == ["https://een.example.nl", "https://twee.example.nl"]

    # without JavaScript: no buttons that do nothing, and one empty item to fill in
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 900})
    try:
        bare = context.new_page()
        sign_in_page(bare, server, HOST, "ada@example.nl")
        bare.goto(url)  # (axe itself needs JavaScript: it ran on the same HTML above)
        assert bare.get_by_role("button", name="Voeg Link toe").count() == 0
        assert bare.get_by_role("button", name="Link verwijderen").count() == 0
        links = bare.get_by_label("Link")
        assert links.count() == 3
        links.nth(2).fill("https://drie.example.nl")
        bare.get_by_role("button", name="Opslaan").click()
        bare.wait_for_url("**done=saved*")
        assert bare.get_by_role("status").is_visible()
    finally:
        context.close()
    assert stored(app)["links"] == [
        "https://een.example.nl",
        "https://twee.example.nl",
        "https://drie.example.nl",
    ]
