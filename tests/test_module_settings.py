"""A plugin's settings form in the control panel, through the ``pleio_module_settings`` hook."""

import pytest

from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup

HOST = "alpha.localhost"

GREETER = """
import colander
from pleio_core.plugins import ModuleSettings, hookimpl
from pleio_core.plugins.module import ModulePlugin

plugin = ModulePlugin(name="greeter", package="pleio_core", title="Greeter",
                      description="Greets visitors", requires_core=">=0.1")
pleio_plugin_info = plugin.pleio_plugin_info

class Schema(colander.MappingSchema):
    greeting = colander.SchemaNode(
        colander.String(), title="Greeting", validator=colander.Length(max=20)
    )

@hookimpl
def pleio_module_settings(request):
    root = request.site_root

    def save(values):
        root.greeting = values["greeting"]

    return ModuleSettings(Schema(), {"greeting": getattr(root, "greeting", "Hallo")}, save)
"""


@pytest.fixture
def world(pleio_setup: PleioTestSetup, plugin_installer):
    plugin_installer("greeter", GREETER)
    pleio_setup.write_site("alpha", modules=("greeter",), title="Alpha")
    pleio_setup.write_site("beta", modules=(), title="Beta")
    pleio_setup.create_account("ada@example.nl", alpha="admin", beta="admin")
    pleio_setup.create_account("mo@example.nl", alpha="member")
    app = pleio_setup.make_app()
    return pleio_setup, app


def greeting(app) -> str | None:
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        return getattr(conn.root()[ROOT_KEY], "greeting", None)


def test_a_plugin_settings_form_is_shown_validated_saved_and_audited(world) -> None:
    setup, app = world
    admin = setup.signed_in(app, "ada@example.nl", HOST)
    modules = admin.get("/@@control-panel-modules")
    modules.click(href="control-panel-module-settings")
    page = admin.get("/@@control-panel-module-settings?module=greeter")
    form = page.forms["content-form"]
    assert form["greeting"].value == "Hallo"
    form["greeting"] = "x" * 21
    form.submit(status=400)
    assert greeting(app) is None
    form["greeting"] = "Goedemorgen"
    form.submit(status=303)
    assert greeting(app) == "Goedemorgen"
    assert "Module-instellingen gewijzigd" in admin.get("/@@audit").text


def test_only_admins_of_a_site_with_the_module_reach_it(world) -> None:
    setup, app = world
    member = setup.signed_in(app, "mo@example.nl", HOST)
    member.get("/@@control-panel-module-settings?module=greeter", status=403)
    other = setup.signed_in(app, "ada@example.nl", "beta.localhost")  # greeter is off there
    other.get("/@@control-panel-module-settings?module=greeter", status=404)
    other.get("/@@control-panel-module-settings?module=nonsense", status=404)


def test_the_settings_page_passes_axe_also_with_an_error(
    pleio_setup: PleioTestSetup, plugin_installer, live_server_factory, page
) -> None:
    from pleio_core.testing import TEST_PASSWORD, assert_accessible, axe_violations

    plugin_installer("greeter", GREETER)
    pleio_setup.write_site("alpha", modules=("greeter",), title="Alpha")
    pleio_setup.create_account("ada@example.nl", alpha="admin")
    server = live_server_factory(pleio_setup.make_app())
    page.goto(server.url(HOST, "/@@login"))
    page.get_by_label("E-mailadres").fill("ada@example.nl")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url(HOST, "/"))
    url = server.url(HOST, "/@@control-panel-module-settings?module=greeter")
    assert_accessible(page, url)
    page.goto(url)
    page.get_by_label("Greeting").fill("x" * 21)
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []
