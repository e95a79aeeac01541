"""``pleio backup`` / ``pleio restore``: repozo (incremental) plus blob copies, FileStorage."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pleio_core.cli.context import load_platform
from pleio_core.content.files import store_file
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.storage.databases import open_database
from pleio_core.testing import PleioTestSetup

HOST = "alpha.localhost"


def add_note(setup: PleioTestSetup, title: str) -> None:
    app = setup.make_app()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    form = anne.get("/notes/@@add?type=note").forms["content-form"]
    form["title"], form["body"] = title, "Tekst"
    form["access"].force_value("public")
    form.submit("save", status=303)
    setup.close()


def test_backup_incremental_then_restore_after_losing_everything(
    pleio_setup: PleioTestSetup, notes_plugin, tmp_path, capsys
) -> None:
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    add_note(setup, "Voor de backup")
    uri = load_platform(str(setup.ini_file())).storage_uri("alpha")
    db = open_database(uri, "alpha")
    with db.transaction() as conn:
        note = conn.root()[ROOT_KEY]["notes"]["voor-de-backup"]
        note.attachment = store_file(io.BytesIO(b"blob bytes" * 100), "a.txt", "text/plain")
    db.close()
    backups = tmp_path / "backups"
    assert setup.pleio("backup", str(backups), "--full") == 0
    out = capsys.readouterr().out
    assert "backed up alpha" in out and "backed up _platform" in out
    add_note(setup, "Na de backup")
    assert setup.pleio("backup", str(backups)) == 0
    kinds = sorted(p.suffix for p in (backups / "alpha" / "repozo").iterdir() if p.suffix != ".dat")
    assert kinds.count(".fsz") == 1 and kinds.count(".deltafsz") == 1  # incremental
    # disaster: the site's database and blobs are gone
    data = Path(urlsplit(uri).path)
    blobs = Path(parse_qs(urlsplit(uri).query)["blobstorage_dir"][0])
    shutil.rmtree(data.parent)
    assert setup.pleio("restore", str(backups), "alpha") == 0
    app = setup.make_app()
    client = setup.client(app, host=HOST)
    assert "Voor de backup" in client.get("/notes/voor-de-backup/").text
    assert "Na de backup" in client.get("/notes/na-de-backup/").text
    connection = SITE_DATABASES(app.registry).get("alpha").open()
    try:
        stored = connection.root()[ROOT_KEY]["notes"]["voor-de-backup"].attachment
        assert b"".join(stored.chunks()) == b"blob bytes" * 100
    finally:
        connection.close()
    assert blobs.exists()
    # while a server holds the database, restoring is refused
    capsys.readouterr()
    assert setup.pleio("restore", str(backups), "alpha") == 2
    assert "stop the server" in capsys.readouterr().err
    setup.close()
    assert setup.pleio("restore", str(backups), "nosuchsite") == 2
