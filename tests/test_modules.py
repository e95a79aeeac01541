"""The four module plugins: each registers with the core, adds its menu item and start page."""

import pytest

from pleio_core.services import PLUGINS
from pleio_core.testing import PleioTestSetup, add_through_form

MODULES = {
    "intranet": ("Intranet", "Intranet"),
    "community": ("Community", "Community"),
    "workspace": ("Werkruimte", "Workspace"),
    "wiki": ("Wiki", "Wiki"),
}
#: What an empty start page says: the core's, or the module's own start page's.
EMPTY = {"community": "Er zijn nog geen groepen.", "workspace": "Deze map is leeg."}


@pytest.mark.parametrize("module", MODULES)
def test_module_start_page_menu_item_and_translations(
    pleio_setup: PleioTestSetup, module: str
) -> None:
    dutch, english = MODULES[module]
    pleio_setup.write_site("nl", modules=(module,))
    pleio_setup.write_site("en", modules=(module,), language="en")
    pleio_setup.write_site("off", modules=())
    client = pleio_setup.client()
    start = client.get(f"/{module}/", host="nl.localhost")
    assert f"<h1>{dutch}</h1>" in start.text
    assert EMPTY.get(module, "Hier staat nog niets.") in start.text  # the empty state
    home = client.get("/", host="nl.localhost")
    assert f'href="http://nl.localhost/{module}/" aria-current' not in home.text
    assert f'<a href="http://nl.localhost/{module}/">{dutch}</a>' in home.text
    assert f"<h1>{english}</h1>" in client.get(f"/{module}/", host="en.localhost").text
    client.get(f"/{module}/", host="off.localhost", status=404)
    assert f"/{module}/" not in client.get("/", host="off.localhost").text
    info = PLUGINS(client.registry).plugins[module].info
    assert info.version == "0.1.0" and info.requires_core == ">=0.1,<0.2"


def test_the_current_menu_item_is_marked(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("nl", modules=("wiki", "community"))
    page = pleio_setup.client().get("/wiki/", host="nl.localhost")
    assert '<a href="http://nl.localhost/wiki/" aria-current="page">Wiki</a>' in page.text
    assert '<a href="http://nl.localhost/community/">Community</a>' in page.text


def test_the_widgets_on_the_home_page_are_translated(pleio_setup: PleioTestSetup) -> None:
    """The wiki's widget (a module with something to show) in the site's language."""
    pleio_setup.write_site("nl", modules=("wiki", "workspace"))
    pleio_setup.write_site("en", modules=("wiki", "workspace"), language="en")
    pleio_setup.create_account("anne@example.nl", "Anne", nl="member", en="member")
    app = pleio_setup.make_app()
    for host in ("nl.localhost", "en.localhost"):
        anne = pleio_setup.signed_in(app, "anne@example.nl", host)
        add_through_form(anne, "/wiki/", "page", title="Verslag", access="public")
    dutch = pleio_setup.client(app).get("/", host="nl.localhost")
    assert "Recent gewijzigde wikipagina&#39;s" in dutch.text or (
        "Recent gewijzigde wikipagina's" in dutch.text
    )
    assert "Naar de wiki" in dutch.text and "Recently changed" not in dutch.text
    english = pleio_setup.client(app).get("/", host="en.localhost")
    assert "Recently changed wiki pages" in english.text and "Go to the wiki" in english.text
    # the workspace has nothing to show (no content types yet): no card, no promise
    assert "Bestanden en mappen delen" not in dutch.text and "Share files" not in english.text
