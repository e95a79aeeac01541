"""``pleio site purge-module``: a switched-off module's data deleted from one site, for good.

Refused while the module is on; asks first; the plugin deletes what it keeps outside its
folder (``pleio_purge_module``), the core the folder; search forgets it; audited; other
sites keep theirs.
"""

import sys

import pytest

from pleio_core.testing import PleioTestSetup
from pleio_core.testing.plugins import NOTE_PLUGIN

WORD = "purgeerwoord"
KEEPER = (
    NOTE_PLUGIN
    + """
@hookimpl
def pleio_module_enabled(site, registry):
    site.notes_counter = 1

@hookimpl
def pleio_purge_module(site, registry):
    PURGED.append(site.site_name)
    del site.notes_counter

PURGED = []
"""
)


@pytest.fixture
def two_sites(pleio_setup: PleioTestSetup, plugin_installer):
    """alpha and beta with the notes module and one note each."""
    plugin_installer("notes", KEEPER)
    for name in ("alpha", "beta"):
        pleio_setup.write_site(name, modules=["notes", "wiki"])
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="admin", beta="admin")
    app = pleio_setup.make_app()
    for name in ("alpha", "beta"):
        ada = pleio_setup.signed_in(app, "ada@example.nl", f"{name}.localhost")
        form = ada.get("/notes/@@add?type=note").forms["content-form"]
        form["title"], form["body"] = f"Notitie op {name}", f"Een {WORD}"
        form["access"].force_value("public")
        form.submit("save", status=303)
        assert f"Notitie op {name}" in ada.get(f"/@@search?text={WORD}").text
    pleio_setup.close()
    return pleio_setup


def test_it_is_refused_while_the_module_is_on(two_sites, capsys) -> None:
    assert two_sites.pleio("site", "purge-module", "alpha", "notes", "--yes") == 2
    assert "pleio site disable-module alpha notes first" in capsys.readouterr().err
    assert two_sites.pleio("site", "purge-module", "alpha", "poll", "--yes") == 2
    assert "'poll' is not installed" in capsys.readouterr().err


def test_it_asks_and_deletes_only_that_sites_data(two_sites, capsys, monkeypatch) -> None:
    setup = two_sites
    assert setup.pleio("site", "disable-module", "alpha", "notes") == 0
    capsys.readouterr()
    assert setup.pleio("site", "purge-module", "alpha", "notes") == 2  # not a terminal
    assert "add --yes to confirm" in capsys.readouterr().err

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "beta")  # the wrong name
    assert setup.pleio("site", "purge-module", "alpha", "notes") == 1
    assert "nothing deleted" in capsys.readouterr().err
    assert sys.modules["pleio_test_notes"].PURGED == []

    monkeypatch.setattr("builtins.input", lambda prompt: "alpha")
    assert setup.pleio("site", "purge-module", "alpha", "notes") == 0
    assert "alpha: the data of notes is deleted (1 content items)" in capsys.readouterr().out
    assert sys.modules["pleio_test_notes"].PURGED == ["alpha"]

    app = setup.make_app()
    ada = setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    assert "Notitie op alpha" not in ada.get(f"/@@search?text={WORD}").text
    audit = ada.get("/@@audit?kind=module-purged").text
    assert ">Gegevens van een module verwijderd</td>" in audit
    beta = setup.signed_in(app, "ada@example.nl", "beta.localhost")
    assert "Notitie op beta" in beta.get(f"/@@search?text={WORD}").text
    # switched on again, it starts empty
    confirm = ada.get("/@@control-panel-module?module=notes&action=enable")
    confirm.forms["panel-form"].submit(status=303)
    assert "Notitie op alpha" not in ada.get("/notes/").text
    assert "Notitie op beta" in beta.get("/notes/").text
