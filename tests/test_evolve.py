"""Evolve steps: a plugin's data changes, run per site, one step per transaction.

The tally plugin keeps its counts as text ("3,4"); its next version keeps a list and a
total, and declares the two steps that get there. On one of three sites the old data is
bad, so the first step fails there: that site is rolled back and answers 503, the others
are updated and serve; a fixed step then brings it back.
"""

import logging
import threading

import pytest
import transaction
from pyramid.exceptions import ConfigurationConflictError

from pleio_core.content.site import ROOT_KEY
from pleio_core.plugins import PluginError
from pleio_core.services import SITE_DATABASES
from pleio_core.sites.audit import audit_log
from pleio_core.sites.evolve import evolve_site
from pleio_core.testing import PleioTestSetup, assert_accessible, assert_valid_html, signed_in_page

TALLY = """
from pyramid.response import Response
from pleio_core.plugin_api import ModuleFolder, ModulePlugin, hookimpl

plugin = ModulePlugin(
    name="tally", package="pleio_core", title="Tally", description="Counts",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info

def state(context, request):
    return Response(repr((context.counts, getattr(context, "total", None))))

@hookimpl
def pleio_configure(config):
    config.add_module_folder("tally", "Tally")
    config.add_view(state, context=ModuleFolder, module_folder="tally", name="state")
    {steps}

@hookimpl
def pleio_module_enabled(site, registry):
    folder = site["tally"]
    if not hasattr(folder, "counts"):
        folder.counts = "x" if site.site_name == "gamma" else "3,4"
{functions}
"""

STEPS = """
    config.add_evolve_step(1, as_list)
    config.add_evolve_step(2, add_total, "Add the total")
"""
FUNCTIONS = """
def as_list(site, registry):
    '''Counts as a list of numbers.'''
    __import__("time").sleep(0.2)  # long enough for two runs at once to overlap
    folder = site["tally"]
    folder.counts = [{parse} for part in folder.counts.split(",")]

def add_total(site, registry):
    site["tally"].total = sum(site["tally"].counts)
"""
STRICT = "int(part)"
LENIENT = "int(part) if part.isdigit() else 0"


def tally(parse: str | None = None) -> str:
    if parse is None:  # the first version: no steps
        return TALLY.format(steps="", functions="")
    steps = "\n    ".join(line.strip() for line in STEPS.strip().splitlines())
    return TALLY.format(steps=steps, functions=FUNCTIONS.format(parse=parse))


@pytest.fixture
def upgraded(pleio_setup: PleioTestSetup, plugin_installer):
    """Three sites with tally 1's data; then tally 2 (with its steps) installed instead."""
    plugin_installer("tally", tally())
    for name in ("alpha", "beta", "gamma"):
        pleio_setup.write_site(name, modules=["tally"])
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="admin")
    client = pleio_setup.client()
    for name in ("alpha", "beta", "gamma"):
        assert client.get("/tally/@@state", host=f"{name}.localhost").status_int == 200
    pleio_setup.close()
    plugin_installer.remove("tally")
    plugin_installer("tally", tally(STRICT))
    return pleio_setup, plugin_installer


def state(app, site: str, status: int = 200) -> str:
    return app.get("/tally/@@state", host=f"{site}.localhost", status=status).text


def test_a_step_that_fails_on_one_site_leaves_that_site_in_maintenance(
    upgraded, capsys, caplog
) -> None:
    setup, installer = upgraded
    with caplog.at_level(logging.WARNING):
        app = setup.make_app()
        client = setup.client(app)
        assert state(client, "alpha") == "('3,4', None)"  # it serves, not yet updated
    assert "site alpha: 2 evolve step(s) pending: run `pleio site evolve alpha`" in caplog.text

    # the holder sees it, and runs the update from the control panel
    ada = setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    page = ada.get("/@@control-panel-modules")
    assert "Bijwerken nodig" in page.text
    assert (
        "Tally: Counts as a list of numbers." in page.text and "Tally: Add the total" in page.text
    )
    ada.post("/@@control-panel-evolve", status=400)  # without the CSRF token: nothing run
    assert state(client, "alpha") == "('3,4', None)"
    done = page.forms[1].submit(status=303).follow()
    assert "De gegevens van de modules zijn bijgewerkt." in done.text
    assert "Bijwerken nodig" not in done.text
    assert_valid_html({"modules, update needed": page.body, "modules, updated": done.body})
    assert state(client, "alpha") == "([3, 4], 7)"
    audit = ada.get("/@@audit?kind=module-evolved").text
    assert audit.count(">Gegevens van een module bijgewerkt</td>") == 2
    setup.close()

    # the operator lists and runs what is left: beta is updated, gamma fails and stops
    capsys.readouterr()
    assert setup.pleio("site", "evolve", "--list") == 0
    assert capsys.readouterr().out.splitlines() == [
        "beta\ttally\t1\tCounts as a list of numbers.",
        "beta\ttally\t2\tAdd the total",
        "gamma\ttally\t1\tCounts as a list of numbers.",
        "gamma\ttally\t2\tAdd the total",
    ]
    assert setup.pleio("site", "evolve") == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "alpha: up to date",
        "beta: tally 1 done: Counts as a list of numbers.",
        "beta: tally 2 done: Add the total",
    ]
    assert err.startswith("pleio: gamma: tally 1 failed (Counts as a list of numbers.): ValueError")
    assert "the site answers 503 until it succeeds" in err

    client = setup.client()
    assert state(client, "beta") == "([3, 4], 7)"
    assert state(client, "alpha") == "([3, 4], 7)"
    down = client.get("/", host="gamma.localhost", status=503)
    assert "Aan deze site wordt onderhoud gedaan" in down.text
    assert down.headers["Retry-After"] == "3600"
    client.get("/tally/@@state", host="gamma.localhost", status=503)
    client.get("/api/v1/site", host="gamma.localhost", status=503)
    setup.close()
    assert setup.pleio("site", "evolve", "--list", "gamma") == 0
    assert "gamma\ttally\t1" in capsys.readouterr().out  # nothing of the step was kept

    # a fixed version of the plugin gets past it, and the site serves again
    installer.remove("tally")
    installer("tally", tally(LENIENT))
    assert setup.pleio("site", "evolve", "gamma") == 0
    assert "gamma: tally 2 done: Add the total" in capsys.readouterr().out
    assert state(setup.client(), "gamma") == "([0], 0)"


def test_a_site_that_switches_the_module_on_now_has_nothing_to_update(upgraded, capsys) -> None:
    setup, _installer = upgraded
    setup.write_site("delta", modules=["tally"])
    client = setup.client()
    assert state(client, "delta") == "('3,4', None)"  # made by the new version, as it is
    setup.close()
    capsys.readouterr()
    assert setup.pleio("site", "evolve", "--list", "delta") == 0
    assert capsys.readouterr().out == ""
    assert setup.pleio("site", "evolve", "delta") == 0
    assert capsys.readouterr().out == "delta: up to date\n"


@pytest.mark.parametrize(
    ("steps", "error", "message"),
    [
        ("config.add_evolve_step(0, as_list)", PluginError, "versions are 1, 2, 3"),
        ("config.add_evolve_step('2', as_list)", PluginError, "versions are 1, 2, 3"),
        (
            "config.add_evolve_step(1, as_list); config.add_evolve_step(1, add_total)",
            ConfigurationConflictError,
            "pleio.evolve_step",
        ),
    ],
)
def test_bad_steps_stop_start_up(
    pleio_setup: PleioTestSetup, plugin_installer, steps: str, error: type, message: str
) -> None:
    code = TALLY.format(steps=steps, functions=FUNCTIONS.format(parse=STRICT))
    plugin_installer("tally", code)
    with pytest.raises(error, match=message):
        pleio_setup.make_app()


def test_two_runs_at_once_run_each_step_once(upgraded) -> None:
    """Two admins click "Update now" together (or a command runs beside the page): the
    runs collide; the one that loses finds the step done and does not run it again."""
    setup, _installer = upgraded
    app = setup.make_app()
    setup.client(app).get("/", host="beta.localhost")  # the site's file applied
    db = SITE_DATABASES(app.registry).get("beta")
    ready = threading.Barrier(2)
    runs = []

    def run() -> None:
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            ready.wait()
            runs.append(evolve_site(conn, manager, app.registry))
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.failed for r in runs] == [None, None], [r.error for r in runs]
    assert state(setup.client(app), "beta") == "([3, 4], 7)"  # not split twice: no 503
    assert sorted(len(r.done) for r in runs) in ([0, 2], [1, 1])  # each step done once
    with db.transaction() as conn:
        root = conn.root()[ROOT_KEY]
        assert root.data_versions["tally"] == 2
        assert len(list(audit_log(root).entries(kind="module-evolved"))) == 2


def test_the_modules_page_with_an_update_needed_passes_axe(
    upgraded, live_server_factory, browser
) -> None:
    setup, _installer = upgraded
    server = live_server_factory(setup.make_app())
    page = signed_in_page(browser, server, "alpha.localhost", "ada@example.nl")
    url = server.url("alpha.localhost", "/@@control-panel-modules")
    assert_accessible(page, url)
    assert page.get_by_role("heading", name="Bijwerken nodig").is_visible()
    page.get_by_role("button", name="Nu bijwerken").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("De gegevens van de modules zijn bijgewerkt.").is_visible()
    page.context.close()
