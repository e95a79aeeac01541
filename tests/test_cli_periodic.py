"""``pleio periodic``: each enabled plugin's ``pleio_periodic`` per site, each in a
transaction of its own; a failing plugin leaves the others' work done; two runs at once
do the work once (the one that collides is rolled back and, tried again, finds it done)."""

from __future__ import annotations

import threading

from pleio_core.cli.context import load_platform, opened
from pleio_core.cli.periodic import periodic_site
from pleio_core.content.site import ROOT_KEY
from pleio_core.testing import PleioTestSetup

TICK = """
from pleio_core.plugin_api import ModulePlugin, hookimpl

plugin = ModulePlugin(
    name="tick", package="pleio_core", title="Tick", description="Ticks",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info
#: set by a test: every first attempt waits here (to make two runs collide)
BARRIER = None
ATTEMPTS = []

@hookimpl
def pleio_periodic(site, registry, request):
    ATTEMPTS.append(request.application_url)
    if getattr(site, "ticked", 0):
        return 0  # done already: nothing twice
    if BARRIER is not None and len(ATTEMPTS) <= 2:
        BARRIER.wait(timeout=10)
    site.ticked = getattr(site, "ticked", 0) + 1
    return 1
"""
BOOM = """
from pleio_core.plugin_api import ModulePlugin, hookimpl

plugin = ModulePlugin(
    name="boom", package="pleio_core", title="Boom", description="Fails",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info

@hookimpl
def pleio_periodic(site, registry, request):
    site.boomed = True
    raise RuntimeError("boom")
"""


def ticked(setup: PleioTestSetup, site: str) -> tuple:
    platform = load_platform(str(setup.ini_file()))
    config = platform.sites.get(site)
    return platform.read_root(config, lambda root: (getattr(root, "ticked", 0),
                                                    getattr(root, "boomed", False)))  # fmt: skip


def test_each_site_its_enabled_plugins_a_failure_apart(pleio_setup, plugin_installer, capsys):
    plugin_installer("tick", TICK)
    plugin_installer("boom", BOOM)
    pleio_setup.write_site("alpha", modules=["tick", "boom"])
    pleio_setup.write_site("beta", modules=["boom"])
    pleio_setup.write_site("gamma", modules=["tick"])
    client = pleio_setup.client()
    for site in ("alpha", "beta", "gamma"):  # make their databases
        client.get("/", host=f"{site}.localhost")
    pleio_setup.close()
    capsys.readouterr()
    assert pleio_setup.pleio("periodic") == 1  # boom failed (and is logged)
    out = capsys.readouterr().out
    assert "alpha: 1 module(s) did their periodic work, 1 failed" in out
    assert "gamma: 1 module(s) did their periodic work, 0 failed" in out
    assert ticked(pleio_setup, "alpha") == (1, False)  # boom's write rolled back
    assert ticked(pleio_setup, "beta") == (0, False)
    assert pleio_setup.pleio("periodic", "--site", "gamma") == 0
    assert ticked(pleio_setup, "gamma") == (1, False)  # once, however often it runs


def test_two_runs_at_once_do_the_work_once(pleio_setup, plugin_installer) -> None:
    plugin_installer("tick", TICK)
    pleio_setup.write_site("alpha", modules=["tick"])
    pleio_setup.client().get("/", host="alpha.localhost")
    pleio_setup.close()
    platform = load_platform(str(pleio_setup.ini_file()))
    import pleio_test_tick as tick

    tick.BARRIER = threading.Barrier(2)
    site = platform.sites.get("alpha")
    results = []
    with opened(platform.storage_uri("alpha", site), "alpha") as db:
        runs = [
            threading.Thread(target=lambda: results.append(periodic_site(platform, site, db)))
            for _ in range(2)
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=30)
        conn = db.open()
        assert results and getattr(conn.root()[ROOT_KEY], "ticked", 0) == 1, (
            results
        )  # both wrote it; one was tried again
        conn.close()
    assert results == [(1, 0), (1, 0)]
    assert len(tick.ATTEMPTS) == 3  # two first attempts, one retry after the conflict
