"""One plugin cannot take the platform down: uninstalled with data present, or raising.

A module a site has switched on but that is not installed (any more) is *enabled,
unavailable*: start-up and every command work, its pages answer 404, its content is in
no listing, search or API answer, the holder is told, an export refuses rather than leave
it out, and installing it again brings everything back.
"""

import logging
from pathlib import Path

import pytest

from pleio_core.testing import PleioTestSetup
from pleio_core.testing.plugins import NOTE_PLUGIN, content_type_plugin

WORD = "zeldzaamwoord"


@pytest.fixture
def gone(pleio_setup: PleioTestSetup, plugin_installer):
    """Site alpha with the notes module (from its file) and one note; then notes uninstalled.
    Site beta switched notes on in the control panel only."""
    plugin_installer("notes", NOTE_PLUGIN)
    pleio_setup.write_site("alpha", modules=["notes", "wiki"], access="public")
    pleio_setup.write_site("beta", modules=["wiki"], access="public")
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="admin", beta="admin")
    app = pleio_setup.make_app()
    ada = pleio_setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    form = ada.get("/notes/@@add?type=note").forms["content-form"]
    form["title"], form["body"] = "Bewaarde notitie", f"Een {WORD} in de tekst"
    form["access"].force_value("public")
    note = form.submit("save", status=303).location
    admin_beta = pleio_setup.signed_in(app, "ada@example.nl", "beta.localhost")
    confirm = admin_beta.get("/@@control-panel-module?module=notes&action=enable")
    confirm.forms["panel-form"].submit(status=303)
    pleio_setup.close()
    plugin_installer.remove("notes")
    return pleio_setup, plugin_installer, note.split("alpha.localhost", 1)[1]


def test_start_up_and_commands_work_without_the_plugin(gone, capsys, caplog) -> None:
    setup, _installer, _note = gone
    with caplog.at_level(logging.WARNING):
        setup.make_app()
    assert "site alpha: module 'notes' is not installed" in caplog.text
    setup.close()
    capsys.readouterr()
    assert setup.pleio("plugins", "list") == 0
    assert "notes\t-\t-\tnot installed; named by site(s): alpha" in capsys.readouterr().out
    assert setup.pleio("site", "list") == 0
    assert setup.pleio("site", "show", "alpha") == 0


def test_its_pages_answer_404_and_it_is_in_no_answer(gone) -> None:
    setup, _installer, note = gone
    app = setup.make_app()
    anonymous = setup.client(app, host="alpha.localhost")
    for host in ("alpha.localhost", "beta.localhost"):
        ada = setup.signed_in(app, "ada@example.nl", host)
        ada.get("/notes/", status=404)
        ada.get("/notes/@@add?type=note", status=404)
        home = ada.get("/")
        assert "/notes/" not in home.text
    ada = setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    ada.get(note, status=404)
    ada.get(note + "@@edit", status=404)
    ada.get(note + "@@history", status=404)
    found = ada.get(f"/@@search?text={WORD}")
    assert "Bewaarde notitie" not in found.text
    ada.get("/api/v1/content/notes/bewaarde-notitie", status=404)
    ada.get("/api/v1/children/notes", status=404)
    answer = ada.get("/api/v1/search", params={"text": WORD})
    assert answer.status_int == 200 and "Bewaarde notitie" not in answer.text
    anonymous.get(note, status=404)
    anonymous.get("/notes/", status=404)


def test_the_holder_is_told_and_the_export_refuses(gone, tmp_path: Path, capsys) -> None:
    setup, _installer, _note = gone
    app = setup.make_app()
    for host in ("alpha.localhost", "beta.localhost"):
        page = setup.signed_in(app, "ada@example.nl", host).get("/@@control-panel-modules")
        assert "Aangezet, maar niet geïnstalleerd" in page.text
        assert "<code>notes</code>" in page.text
    ada = setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    page = ada.get("/@@export")
    assert "De module notes staat aan" in page.text and "export-form" not in page.text
    token = page.html.select_one("input[name=csrf_token]")["value"]  # (the sign-out form's)
    refused = ada.post("/@@export", {"csrf_token": token}, status=409)
    assert refused.content_type == "text/html" and "De module notes staat aan" in refused.text
    setup.close()
    archive = tmp_path / "alpha.zip"
    assert setup.pleio("site", "export", "alpha", str(archive)) != 0
    error = capsys.readouterr().err
    assert "module 'notes'" in error and "not installed" in error
    assert not archive.exists()


def test_installing_it_again_brings_everything_back(gone) -> None:
    setup, installer, note = gone
    setup.make_app()
    setup.close()
    installer("notes", NOTE_PLUGIN)
    app = setup.make_app()
    ada = setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    assert WORD in ada.get(note).text
    assert "Bewaarde notitie" in ada.get(f"/@@search?text={WORD}").text
    setup.signed_in(app, "ada@example.nl", "beta.localhost").get("/notes/", status=200)


def test_a_raising_menu_hook_leaves_only_that_plugin_out(
    pleio_setup: PleioTestSetup, plugin_installer, caplog
) -> None:
    plugin_installer(
        "broken",
        content_type_plugin("broken", "breaker")
        + "\n@hookimpl\ndef pleio_menu_items(request):\n    raise RuntimeError('kapot')\n",
    )
    pleio_setup.write_site("alpha", modules=["broken", "wiki"], access="public")
    app = pleio_setup.make_app()
    client = pleio_setup.client(app)
    with caplog.at_level(logging.ERROR):
        home = client.get("/", host="alpha.localhost", status=200)
    assert "/wiki/" in home.text  # the others' menu items are there
    assert "plugin 'broken' raised in pleio_menu_items" in caplog.text
