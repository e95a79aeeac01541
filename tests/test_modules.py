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
EMPTY = {"community": "Er zijn nog geen groepen."}


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


def test_module_cards_on_the_home_page_are_translated(pleio_setup: PleioTestSetup) -> None:
    """A module with something to show has a card in the site's language; one with nothing
    to show (the workspace: no content types yet) has none, so it makes no empty promise."""
    pleio_setup.write_site("nl", modules=("wiki", "workspace"))
    pleio_setup.create_account("anne@example.nl", "Anne", nl="member")
    app = pleio_setup.make_app()
    anne = pleio_setup.signed_in(app, "anne@example.nl", "nl.localhost")
    add_through_form(anne, "/wiki/", "page", title="Verslag", access="public")
    home = pleio_setup.client(app).get("/", host="nl.localhost")
    assert "Gekoppelde pagina&#39;s in een hiërarchie" in home.text or (
        "Gekoppelde pagina's in een hiërarchie" in home.text
    )
    assert "Linked pages" not in home.text
    assert "Bestanden en mappen delen" not in home.text
