"""``pleio backup`` / ``pleio restore``: repozo (incremental) plus blob copies on FileStorage,
``pg_dump`` and a swapped-in fresh database on PostgreSQL (RelStorage)."""

from __future__ import annotations

import io
import itertools
import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg2
import pytest
import webtest

from pleio_core.catalog import site_catalog
from pleio_core.cli import backup_postgres
from pleio_core.cli.backup_postgres import pg_tool, stamp
from pleio_core.cli.context import UsageError, load_platform
from pleio_core.content.files import store_file
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.storage.databases import open_database
from pleio_core.testing import PleioTestSetup, bearer, make_token, wait_for

HOST = "alpha.localhost"
_run = itertools.count()


@pytest.fixture(params=["file", "postgres"])
def storage(request: pytest.FixtureRequest, pleio_setup: PleioTestSetup, tmp_path: Path) -> str:
    """The sites and the platform on FileStorage (the default) or all on PostgreSQL, the
    sites' blobs in a shared blob directory (RelStorage's ``shared_blob_dir``)."""
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
        prefix = f"backup{next(_run)}"
        blobs = f"?blob_dir={tmp_path}/shared-blobs/{{site}}&shared_blob_dir=true"
        pleio_setup.settings["pleio.storage_uri"] = server.uri(f"{prefix}_{{site}}") + blobs
        pleio_setup.settings["pleio.platform_storage_uri"] = server.uri(f"{prefix}_platform")
    return request.param


def add_note(setup: PleioTestSetup, title: str, host: str = HOST) -> None:
    app = setup.make_app()
    anne = setup.signed_in(app, "anne@example.nl", host)
    form = anne.get("/notes/@@add?type=note").forms["content-form"]
    form["title"], form["body"] = title, "Tekst"
    form["access"].force_value("public")
    form.submit("save", status=303)
    setup.close()


def attach(setup: PleioTestSetup, site: str, note: str, data: bytes) -> None:
    db = open_database(load_platform(str(setup.ini_file())).storage_uri(site), site)
    with db.transaction() as conn:
        conn.root()[ROOT_KEY]["notes"][note].attachment = store_file(
            io.BytesIO(data), "a.txt", "text/plain"
        )
    db.close()


def attachment(app, site: str, note: str) -> bytes:
    connection = SITE_DATABASES(app.registry).get(site).open()
    try:
        return b"".join(connection.root()[ROOT_KEY]["notes"][note].attachment.chunks())
    finally:
        connection.close()


def status(client, path: str, host: str) -> int:
    return client.get(path, host=host, expect_errors=True).status_int


def can_sign_in(setup: PleioTestSetup, app, email: str) -> bool:
    try:
        setup.signed_in_on_platform(app, email)
    except webtest.AppError:  # the form again, not the 303 of a sign-in
        return False
    return True


def postgres_databases(setup: PleioTestSetup) -> list[str]:
    parts = urlsplit(setup.settings["pleio.platform_storage_uri"])
    prefix = parts.path.lstrip("/").removesuffix("platform")
    conn = psycopg2.connect(
        dbname="postgres", user="postgres", host=parts.hostname, port=parts.port
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",))
            return sorted(row[0].removeprefix(prefix) for row in cur.fetchall())
    finally:
        conn.close()


def test_backup_incremental_then_restore_after_losing_everything(
    pleio_setup: PleioTestSetup, notes_plugin, tmp_path, capsys
) -> None:
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    add_note(setup, "Voor de backup")
    attach(setup, "alpha", "voor-de-backup", b"blob bytes" * 100)
    uri = load_platform(str(setup.ini_file())).storage_uri("alpha")
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
    assert attachment(app, "alpha", "voor-de-backup") == b"blob bytes" * 100
    assert blobs.exists()
    # while a server holds the database, restoring is refused
    capsys.readouterr()
    assert setup.pleio("restore", str(backups), "alpha") == 2
    refused = capsys.readouterr().err
    assert "in use" in refused and "stop the Pleio processes" in refused
    setup.close()
    assert setup.pleio("restore", str(backups), "nosuchsite") == 2
    assert setup.pleio("restore", str(backups), "alpha", "--date", "gisteren") == 2
    assert "YYYY-MM-DD-HH-MM-SS" in capsys.readouterr().err


def test_restoring_one_site_leaves_the_other_site_and_the_platform_as_they_are(
    pleio_setup: PleioTestSetup, notes_plugin, storage, tmp_path, capsys
) -> None:
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.write_site("beta", modules=["notes"], hosts=["beta.localhost"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin", beta="admin")
    for host in (HOST, "beta.localhost"):
        add_note(setup, "Voor de backup", host)
    attach(setup, "alpha", "voor-de-backup", b"blob bytes" * 100)
    backups = tmp_path / "backups"
    assert setup.pleio("backup", str(backups)) == 0
    out = capsys.readouterr().out
    for name in ("_platform", "alpha", "beta"):
        assert f"backed up {name}" in out
    if storage == "postgres":
        assert len(list((backups / "alpha" / "postgres").glob("*.dump"))) == 1
        assert "+1 blob files" in out  # the shared blob directory is copied too
        shutil.rmtree(tmp_path / "shared-blobs" / "alpha")  # and lost
    # after the backup, both sites and the platform change
    for host in (HOST, "beta.localhost"):
        add_note(setup, "Na de backup", host)
    setup.create_account("bob@example.nl", "Bob", beta="member")

    assert setup.pleio("restore", str(backups), "alpha") == 0
    out = capsys.readouterr().out
    assert "restored alpha" in out
    app = setup.make_app()
    client = setup.client(app)
    assert status(client, "/notes/voor-de-backup/", HOST) == 200
    assert status(client, "/notes/na-de-backup/", HOST) == 404  # back as it was
    assert attachment(app, "alpha", "voor-de-backup") == b"blob bytes" * 100
    assert status(client, "/notes/voor-de-backup/", "beta.localhost") == 200
    assert status(client, "/notes/na-de-backup/", "beta.localhost") == 200  # kept its change
    assert can_sign_in(setup, app, "bob@example.nl")  # the platform too
    setup.close()
    if storage == "postgres":
        kept = [name for name in postgres_databases(setup) if name.startswith("alpha_")]
        assert len(kept) == 1 and kept[0].startswith("alpha_before_restore_"), kept
        assert "alpha_before_restore_" in out and "dropdb" in out
    else:
        assert list((setup.root / "var" / "sites" / "alpha").glob("Data.fs.before-restore-*"))

    assert setup.pleio("restore", str(backups), "--platform") == 0
    app = setup.make_app()
    assert not can_sign_in(setup, app, "bob@example.nl")  # made after the backup
    assert can_sign_in(setup, app, "anne@example.nl")
    client = setup.client(app)
    assert status(client, "/notes/na-de-backup/", "beta.localhost") == 200
    setup.close()


def test_a_restore_is_refused_while_a_process_has_the_database_open(
    pleio_setup: PleioTestSetup, notes_plugin, storage, tmp_path, capsys
) -> None:
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    backups = tmp_path / "backups"
    assert setup.pleio("backup", str(backups)) == 0
    add_note(setup, "Na de backup")
    app = setup.make_app()  # a running server that has served the site
    client = setup.client(app)
    assert status(client, "/notes/na-de-backup/", HOST) == 200
    capsys.readouterr()
    assert setup.pleio("restore", str(backups), "alpha") == 2
    refused = capsys.readouterr().err
    assert "site alpha's database" in refused and "in use" in refused
    assert "stop the" in refused and "run the restore again" in refused
    assert setup.pleio("restore", str(backups), "--platform") == 2
    refused = capsys.readouterr().err
    assert "the platform's database" in refused and "stop" in refused
    assert status(client, "/notes/na-de-backup/", HOST) == 200  # nothing changed
    assert "stop them all" in refused
    if storage == "postgres":
        assert not [name for name in postgres_databases(setup) if "restoring" in name]
    setup.close()
    assert setup.pleio("restore", str(backups), "alpha") == 0
    assert status(setup.client(), "/notes/na-de-backup/", HOST) == 404
    setup.close()


def test_a_site_a_running_server_has_closed_is_restored_beside_it_and_gets_its_file(
    pleio_setup: PleioTestSetup, notes_plugin, memos_plugin, storage, tmp_path, capsys
) -> None:
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.write_site("beta", modules=["notes"], hosts=["beta.localhost"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    add_note(setup, "Voor de backup")
    backups = tmp_path / "backups"
    assert setup.pleio("backup", str(backups)) == 0
    add_note(setup, "Na de backup")
    setup.write_site("alpha", modules=["notes", "memos"])  # the operator adds a module
    app = setup.make_app(**{"pleio.max_open_sites": "1"})
    client = setup.client(app)
    wait_for(lambda: status(client, "/memos/", HOST) == 200, timeout=5)
    assert status(client, "/", "beta.localhost") == 200  # alpha's database is closed now
    assert SITE_DATABASES(app.registry).open_names() == ["beta"]
    capsys.readouterr()
    assert setup.pleio("restore", str(backups), "alpha") == 0
    assert "applied site_configs/alpha.toml" in capsys.readouterr().out
    assert status(client, "/notes/voor-de-backup/", HOST) == 200
    assert status(client, "/notes/na-de-backup/", HOST) == 404
    # the file's module is on in the restored database as well (this process had applied
    # the file to the database it replaced, and does not apply it again)
    assert status(client, "/memos/", HOST) == 200
    setup.close()


def _get(server, path: str, host: str) -> int:
    request = urllib.request.Request(server.url(path), headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_site_switched_off_is_restored_while_the_server_runs_on(
    pleio_setup: PleioTestSetup, notes_plugin, storage, server_processes, tmp_path, capsys
) -> None:
    """The operator guide's way: refused while pserve has the site open; switched off and
    pserve restarted, the site is restored beside it while the other site serves on."""
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.write_site("beta", modules=["notes"], hosts=["beta.localhost"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    add_note(setup, "Voor de backup")
    backups = tmp_path / "backups"
    assert setup.pleio("backup", str(backups)) == 0
    add_note(setup, "Na de backup")
    server = server_processes(env={"PYTHONPATH": str(tmp_path / "site-packages")})
    assert _get(server, "/notes/na-de-backup/", HOST) == 200
    capsys.readouterr()
    assert setup.pleio("restore", str(backups), "alpha") == 2
    refused = capsys.readouterr().err
    assert "stop the Pleio processes" in refused and "disabled = true" in refused
    if storage == "postgres":
        assert "from 127.0.0.1" in refused  # who is connected
    setup.write_site("alpha", modules=["notes"], disabled=True)
    server.stop()
    server.start()
    assert _get(server, "/", HOST) == 503  # switched off
    assert _get(server, "/", "beta.localhost") == 200
    assert setup.pleio("restore", str(backups), "alpha") == 0
    assert _get(server, "/", "beta.localhost") == 200
    setup.write_site("alpha", modules=["notes"])  # on again: no restart needed
    wait_for(lambda: _get(server, "/", HOST) == 200, timeout=10)
    assert _get(server, "/notes/voor-de-backup/", HOST) == 200
    assert _get(server, "/notes/na-de-backup/", HOST) == 404


def _write_notes(url: str, token: str, acknowledged: list[str], stop: threading.Event) -> None:
    """Add notes through the API one after another; the title of each one answered 201."""
    for number in itertools.count():
        if stop.is_set():
            return
        title = f"Notitie {number:04d}"
        body = json.dumps({"type": "note", "title": title, "body": "Tekst", "access": "public"})
        request = urllib.request.Request(
            url,
            data=body.encode(),
            method="POST",
            headers={"Host": HOST, "Content-Type": "application/json", **bearer(token)},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
        acknowledged.append(title)


def _wait_for_more(acknowledged: list[str], count: int, writer: threading.Thread) -> None:
    deadline = time.monotonic() + 60
    while len(acknowledged) < count:
        assert writer.is_alive(), "the writer stopped"
        assert time.monotonic() < deadline, f"only {len(acknowledged)} writes in 60 s"
        time.sleep(0.02)


def test_a_backup_taken_while_a_server_writes_restores_to_a_consistent_site(
    pleio_setup: PleioTestSetup, notes_plugin, storage, server_processes, tmp_path
) -> None:
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    token = make_token(setup.signed_in(setup.make_app(), "anne@example.nl", HOST), "alpha")
    setup.close()
    # a real pserve, which finds the notes plugin where the test installed it
    server = server_processes(env={"PYTHONPATH": str(tmp_path / "site-packages")})
    acknowledged: list[str] = []
    stop = threading.Event()
    writer = threading.Thread(
        target=_write_notes,
        args=(server.url("/api/v1/content/notes"), token, acknowledged, stop),
        daemon=True,
    )
    writer.start()
    try:
        _wait_for_more(acknowledged, 10, writer)
        before = len(acknowledged)
        assert setup.pleio("backup", str(tmp_path / "backups")) == 0
        after = len(acknowledged)
        _wait_for_more(acknowledged, after + 10, writer)  # and it goes on writing
    finally:
        stop.set()
        writer.join(30)
    server.stop()  # (waitress ends on SIGTERM without closing the databases: as a crash)
    assert not server.running
    written = len(acknowledged)
    assert written >= after + 10

    assert setup.pleio("restore", str(tmp_path / "backups"), "alpha") == 0
    app = setup.make_app()
    connection = SITE_DATABASES(app.registry).get("alpha").open()
    try:
        site = connection.root()[ROOT_KEY]
        notes = {note.title: note for note in site["notes"].values()}
        # what was written up to a moment during the backup: a prefix of the writes
        count = len(notes)
        assert before <= count <= after + 1 < written, (before, count, after, written)
        assert set(notes) == {f"Notitie {number:04d}" for number in range(count)}
        # and the catalog agrees with the content, both ways
        catalog = site_catalog(site)
        assert catalog is not None
        for note in notes.values():
            assert catalog.is_indexed(note), note.title
        indexed = set(catalog.indexes["type"].applyEq("note"))
        assert indexed == {note.docid for note in notes.values()}
    finally:
        connection.close()
    client = setup.client(app, host=HOST)
    last = max(notes)
    assert last in client.get("/notes/").text
    assert last in client.get(f"/@@search?text={last.split()[1]}").text
    setup.close()


def test_restore_date_picks_the_last_backup_at_or_before_it(
    pleio_setup: PleioTestSetup, notes_plugin, storage, tmp_path, monkeypatch
) -> None:
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    add_note(setup, "Eerste")
    backups = tmp_path / "backups"
    assert setup.pleio("backup", str(backups)) == 0
    time.sleep(1.1)  # the backups are named by the second
    between = stamp()
    time.sleep(1.1)
    add_note(setup, "Tweede")
    assert setup.pleio("backup", str(backups)) == 0
    add_note(setup, "Derde")
    # both restores below within one second: each keeps what it replaced, under its own name
    monkeypatch.setattr(backup_postgres, "stamp", lambda: "2026-12-07-10-03-08")
    assert setup.pleio("restore", str(backups), "alpha", "--date", between) == 0
    client = setup.client()
    assert [status(client, f"/notes/{name}/", HOST) for name in ("eerste", "tweede", "derde")] == [
        200,
        404,
        404,
    ]
    setup.close()
    assert setup.pleio("restore", str(backups), "alpha") == 0  # the newest
    client = setup.client()
    assert [status(client, f"/notes/{name}/", HOST) for name in ("eerste", "tweede", "derde")] == [
        200,
        200,
        404,
    ]
    setup.close()
    if storage == "postgres":
        kept = [name for name in postgres_databases(setup) if "before_restore" in name]
    else:
        kept = [p.name for p in (setup.root / "var" / "sites" / "alpha").glob("*before-restore*")]
    assert len(kept) == 2, kept
    assert setup.pleio("restore", str(backups), "alpha", "--date", "2001-01-01-00-00-00") == 2


def test_a_shared_memcached_must_be_flushed_before_a_restore(
    pleio_setup: PleioTestSetup, postgres_server, tmp_path, capsys
) -> None:
    setup = pleio_setup
    setup.settings["pleio.storage_uri"] = (
        postgres_server.uri("memcached_{site}") + "?cache_servers=127.0.0.1:11211"
    )
    setup.write_site("alpha")
    assert setup.pleio("restore", str(tmp_path), "alpha") == 2
    refused = capsys.readouterr().err
    assert "memcached" in refused and "--cache-flushed" in refused
    assert setup.pleio("restore", str(tmp_path), "alpha", "--cache-flushed") == 2
    assert "no backup of alpha" in capsys.readouterr().err


def test_pg_dump_is_found_beside_the_server_when_it_is_not_on_path(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    found = Path(pg_tool("pg_dump"))
    assert found.match("/usr/lib/postgresql/*/bin/pg_dump") and found.exists()
    with pytest.raises(UsageError, match="pg_nothing was not found"):
        pg_tool("pg_nothing")


def test_a_lost_postgresql_database_is_restored(
    pleio_setup: PleioTestSetup, notes_plugin, postgres_server, tmp_path, capsys
) -> None:
    setup = pleio_setup
    prefix = f"lost{next(_run)}"
    setup.settings["pleio.storage_uri"] = postgres_server.uri(f"{prefix}_{{site}}")
    setup.settings["pleio.platform_storage_uri"] = postgres_server.uri(f"{prefix}_platform")
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    add_note(setup, "Voor de backup")
    assert setup.pleio("backup", str(tmp_path / "backups"), "--site", "alpha") == 0
    assert "backed up alpha" in capsys.readouterr().out
    assert not (tmp_path / "backups" / "_platform").exists()  # only the site named
    conn = psycopg2.connect(
        dbname="postgres", user="postgres", host="127.0.0.1", port=postgres_server.port
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE {prefix}_alpha")
    conn.close()
    assert setup.pleio("restore", str(tmp_path / "backups"), "alpha") == 0
    out = capsys.readouterr().out
    assert "restored alpha" in out and "kept as" not in out  # there was nothing to keep
    assert postgres_databases(setup) == ["alpha", "platform"]
    assert status(setup.client(), "/notes/voor-de-backup/", HOST) == 200
    setup.close()
