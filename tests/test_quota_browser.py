"""The control panel's room for files in a real browser: axe at every width, with a quota
that is full (its warning) and without a quota."""

import pytest

from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup, assert_accessible, sign_in_page, signed_in_page
from pleio_core.uploads import add_usage

HOST = "beta.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("beta", title="Beta", quota=10**6)
    pleio_setup.write_site("gamma", title="Gamma")
    pleio_setup.create_account("ada@example.nl", "Ada", beta="admin", gamma="admin")
    pleio_setup.create_account("op@example.nl", "Olga", operator=True)
    app = pleio_setup.make_app()
    for site, used in (("beta", 1_200_000), ("gamma", 3_400_000)):
        with SITE_DATABASES(app.registry).get(site).transaction() as conn:
            add_usage(conn.root()[ROOT_KEY], used)
    return live_server_factory(app)


def test_the_room_for_files_passes_axe_full_and_without_a_quota(server, page, browser) -> None:
    sign_in_page(page, server, HOST, "ada@example.nl")
    assert_accessible(page, server.url(HOST, "/@@control-panel"))
    region = page.get_by_role("region", name="Ruimte voor bestanden")
    assert region.get_by_text("Bestanden nemen 1,2 MB in van de 1 MB").is_visible()
    assert region.get_by_text("De site is vol").is_visible()
    gamma = signed_in_page(browser, server, "gamma.localhost", "ada@example.nl")
    try:
        assert_accessible(gamma, server.url("gamma.localhost", "/@@control-panel"))
        text = "Bestanden nemen 3,4 MB in. Voor deze site is geen limiet ingesteld."
        assert gamma.get_by_text(text).is_visible()
    finally:
        gamma.context.close()


def test_the_operators_sites_page_with_the_files_column_passes_axe(server, page) -> None:
    sign_in_page(page, server, "localhost", "op@example.nl")
    assert_accessible(page, server.url("localhost", "/@@operator-sites"))
    row = page.get_by_role("row", name="Beta")
    assert row.get_by_role("cell", name="1,2 MB van 1 MB").is_visible()
