"""``pleio zeo``: one real ZEO server for every FileStorage of an installation, each opened
on first use; and a command that finds no ZEO server opens the files itself."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import transaction
from ZODB.blob import Blob

from pleio_core.cli.context import load_platform
from pleio_core.cli.zeo import direct_uri, served_files
from pleio_core.content.site import ROOT_KEY
from pleio_core.security.store import accounts_of
from pleio_core.sites.effective import set_holder_settings
from pleio_core.storage import StorageError
from pleio_core.storage.databases import open_database
from pleio_core.storage.zeo import PLATFORM_STORAGE, ServedFiles, start_server
from pleio_core.testing import (
    TEST_PASSWORD,
    ZeoServer,
    development_style,
    free_port,
    server_ini,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
PLEIO = str(Path(sys.executable).with_name("pleio"))


def run_pleio(ini: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PLEIO, "-c", str(ini), *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_a_storage_opens_on_first_use_and_every_client_sees_each_commit(zeo_server) -> None:
    data = zeo_server.directory / "sites" / "kia" / "Data.fs"
    assert not data.exists()  # nothing opened before a client asks
    uri = zeo_server.uri("kia", "sites/kia")
    first, second = open_database(uri, "kia"), open_database(uri, "kia")
    try:
        assert data.exists()
        reader = second.open(transaction_manager=transaction.TransactionManager())
        reader.transaction_manager.begin()
        assert "note" not in reader.root()
        with first.transaction() as conn:
            blob = Blob()
            with blob.open("w") as f:
                f.write(b"through the shared blob directory")
            conn.root()["note"], conn.root()["file"] = "hello", blob

        def sees_it() -> bool:
            reader.transaction_manager.begin()  # a new transaction: what ZEO said changed
            return reader.root().get("note") == "hello"

        # ZEO tells the other clients as the commit ends, not before the committer goes on
        wait_for(sees_it, timeout=5, interval=0.01)
        with reader.root()["file"].open() as f:
            assert f.read() == b"through the shared blob directory"
        reader.close()
    finally:
        first.close()
        second.close()
    # a site that no configuration names yet, and the platform database
    for storage, folder in (("nieuw", "sites/nieuw"), (PLATFORM_STORAGE, "platform")):
        db = open_database(zeo_server.uri(storage, folder), storage)
        with db.transaction() as conn:
            conn.root()["made"] = storage
        db.close()
        assert (zeo_server.directory / folder / "Data.fs").exists()


def test_only_site_names_and_the_platform_are_served(tmp_path) -> None:
    served = served_files_in(tmp_path, f"{tmp_path}/zeo.sock")
    assert served.file_uri(PLATFORM_STORAGE).startswith(f"file://{tmp_path}/platform/Data.fs")
    assert served.file_uri("kia") == (
        f"file://{tmp_path}/sites/kia/Data.fs?blobstorage_dir={tmp_path}/sites/kia/blobs"
    )
    assert served.file_uri("platform") is not None  # a site may be called that: its own files
    assert served.file_uri("platform") != served.file_uri(PLATFORM_STORAGE)
    server = start_server(served)
    try:
        for name in ("../../etc", "Kia", "1", ""):
            assert served.file_uri(name) is None
            assert server.serve(name) is False
        assert not list(tmp_path.glob("sites/*"))
        assert server.serve("kia") is True
        assert (tmp_path / "sites" / "kia" / "Data.fs").exists()
    finally:
        server.close()


def test_storages_no_client_has_open_are_closed_beyond_a_few(tmp_path) -> None:
    served = served_files_in(tmp_path, f"{tmp_path}/zeo.sock")
    server = start_server(served, max_idle=1)
    try:
        held = open_database(f"zeo://{tmp_path}/zeo.sock?storage=held", "held")
        for name in ("alpha", "beta", "gamma"):
            db = open_database(f"zeo://{tmp_path}/zeo.sock?storage={name}", name)
            with db.transaction() as conn:
                conn.root()["name"] = name
            db.close()
        # the server hears of each goodbye a moment after the client has gone
        wait_for(lambda: sorted(server.storages) == ["gamma", "held"])
        again = open_database(f"zeo://{tmp_path}/zeo.sock?storage=alpha", "alpha")
        with again.transaction() as conn:
            assert conn.root()["name"] == "alpha"  # opened anew, as it was
        again.close()
        held.close()
    finally:
        server.close()


def served_files_in(directory: Path, listen: str) -> ServedFiles:
    ini = directory / "only-zeo.ini"
    ini.write_text(ZeoServer(directory, listen).section())
    served = served_files(str(ini))
    assert served is not None
    return served


def test_a_client_blob_directory_must_be_the_servers(tmp_path) -> None:
    served = served_files_in(tmp_path, "127.0.0.1:8100")
    good = f"zeo://127.0.0.1:8100?storage=kia&blob_dir={tmp_path}/sites/kia/blobs"
    assert served.file_uri_behind(good) == served.file_uri("kia")
    assert served.file_uri_behind("zeo://127.0.0.1:8101?storage=kia") is None  # not ours
    with pytest.raises(StorageError, match="blob_dir must be the server's own"):
        served.file_uri_behind(f"zeo://127.0.0.1:8100?storage=kia&blob_dir={tmp_path}/other")
    with pytest.raises(StorageError, match="serves no 'Bad'"):
        served.file_uri_behind("zeo://127.0.0.1:8100?storage=Bad")
    with pytest.raises(StorageError, match="longer than a Unix socket allows"):
        served_files_in(tmp_path, "/" + "x" * 120)


def test_development_ini_reaches_the_files_its_zeo_server_serves() -> None:
    """The ``zeo://`` URIs of [app:main] and the files of [pleio:zeo] are one set-up: the
    same socket, the same blob directories."""
    from pyramid.paster import get_appsettings

    ini = str(ROOT / "development.ini")
    served = served_files(ini)
    assert served is not None and served.listen == f"{ROOT}/var/zeo.sock"
    app = get_appsettings(ini)
    site = app["pleio.storage_uri"].replace("{site}", "kia")
    assert served.file_uri_behind(site) == served.file_uri("kia")
    assert served.file_uri_behind(app["pleio.platform_storage_uri"]) == served.file_uri(
        PLATFORM_STORAGE
    )
    # without its server (make run may be serving while the tests run: not asked here)
    assert direct_uri(served, app["pleio.storage_uri"]) == served.storage_uri
    assert direct_uri(served, app["pleio.platform_storage_uri"]) == served.platform_storage_uri


def test_sigterm_closes_the_storages_and_frees_the_files(zeo_server) -> None:
    db = open_database(zeo_server.uri("kia", "sites/kia"), "kia")
    with db.transaction() as conn:
        conn.root()["kept"] = True
    db.close()
    assert zeo_server.stop() == 0
    data = zeo_server.directory / "sites" / "kia" / "Data.fs"
    assert data.with_name("Data.fs.index").exists()  # closed, not abandoned
    direct = open_database(f"file://{data}", "kia")  # the lock is free again
    with direct.transaction() as conn:
        assert conn.root()["kept"] is True
    direct.close()


def test_a_stale_socket_is_replaced_and_a_live_server_is_not(tmp_path) -> None:
    directory = tmp_path / "var"
    servers = [ZeoServer(directory, f"{directory}/zeo.sock") for _ in range(3)]
    first, second, third = servers
    try:
        first.start()
        with pytest.raises(pytest.fail.Exception, match="a ZEO server already answers on"):
            second.start()
        first.kill()  # SIGKILL: its socket file stays behind
        assert (directory / "zeo.sock").exists()
        third.start()
        assert third.stop() == 0
        assert not (directory / "zeo.sock").exists()
    finally:
        for server in servers:
            server.kill()


def test_a_command_without_its_zeo_server_opens_the_files(pleio_setup) -> None:
    zeo, ini = development_style(pleio_setup)
    pleio_setup.write_site("kia")
    made = run_pleio(ini, "user", "create", "anne@example.nl", "--name", "Anne",
                     stdin=TEST_PASSWORD + "\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert f"no ZEO server on {zeo.listen}: opening the files" in made.stderr
    assert (zeo.directory / "platform" / "Data.fs").exists()
    zeo.start()
    try:
        granted = run_pleio(ini, "user", "grant", "anne@example.nl", "kia", "admin")
        assert granted.returncode == 0, granted.stderr
        assert "no ZEO server" not in granted.stderr  # through the server this time
        platform = load_platform(str(ini))
        assert not platform.direct
        assert platform.storage_uri("kia").startswith(f"zeo://{zeo.listen}?storage=kia")
        anne = lambda root: accounts_of(root).by_email("anne@example.nl").name  # noqa: E731
        assert platform.read_platform(anne) == "Anne"
    finally:
        zeo.stop()


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_make_run_serves_the_demo_beside_zeo_and_stops_with_pserve(
    pleio_setup, stop, template_cache
) -> None:
    """What ``make run`` does: ``pleio zeo --then "pleio demo" --then "pserve …"``; the
    demo admins' passwords are printed and the sites served. Ctrl-C in the terminal (SIGINT
    to every process of the group) or SIGTERM to ``pleio zeo`` alone stops pserve, then the
    ZEO server, with its storages closed."""
    zeo, ini = development_style(pleio_setup)
    port = free_port()
    served_ini = server_ini(pleio_setup, port, name="dev")
    log = pleio_setup.root / "make-run.log"
    with log.open("wb") as out:
        run = subprocess.Popen(
            [PLEIO, "-c", str(ini), "zeo", "--then", f"{PLEIO} -c {ini} demo --port {port}",
             "--then", f"{Path(sys.executable).with_name('pserve')} {served_ini}"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,  # as a terminal's job
            env={**os.environ, "CHAMELEON_CACHE": str(template_cache)},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and run.poll() is None:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/", headers={"Host": "kia.localhost"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"make run's set-up did not serve:\n{log.read_text()}")
        text = log.read_text()
        assert "demo-kia-wachtwoord" in text and f"ZEO server on {zeo.listen}" in text
        if stop == "ctrl-c":
            os.killpg(run.pid, signal.SIGINT)
            assert run.wait(60) == 0  # pserve ends well on Ctrl-C, and so does the rest
        else:
            run.send_signal(signal.SIGTERM)
            assert run.wait(60) == 0  # passed on to pserve, which stops gracefully
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)  # whatever is left of the group
        run.wait()
    text = log.read_text()
    assert text.index("Starting server") < text.index(f"ZEO server on {zeo.listen} stopped")
    assert not (zeo.directory / "zeo.sock").exists()
    assert (zeo.directory / "platform" / "Data.fs.index").exists()  # closed, not abandoned
    assert "Traceback" not in text, text


def test_pages_on_zeo_are_never_served_from_the_page_cache(pleio_setup, zeo_server) -> None:
    """Another process (a command) may commit to a ZEO storage at any moment: this process
    cannot tell a cached page is stale, so it renders each one (storage/databases.py)."""
    pleio_setup.settings.update(zeo_server.settings())
    pleio_setup.write_site("alpha", modules=("wiki",))
    client = pleio_setup.client()
    client.get("/", host="alpha.localhost")
    for _ in range(2):
        page = client.get("/wiki/", host="alpha.localhost")
        assert page.status_int == 200 and "X-Pleio-Cache" not in page.headers


def test_zeo_without_its_section_says_so(pleio_setup) -> None:
    done = run_pleio(pleio_setup.ini_file(), "zeo")
    assert done.returncode == 2
    assert "has no [pleio:zeo] section: nothing to serve" in done.stderr
    missing = run_pleio(pleio_setup.root / "nope.ini", "zeo")
    assert missing.returncode == 2 and "nope.ini: no such configuration file" in missing.stderr


def test_two_web_processes_share_one_zeo_server(pleio_setup, zeo_server, server_processes):
    """What a FileStorage refuses (tests/test_processes.py): two pserve processes on the
    same files, through the zeo_server fixture; a change another client commits shows on
    both."""
    pleio_setup.settings.update(zeo_server.settings())
    pleio_setup.write_site("kia", title="Kia")
    first, second = server_processes("one"), server_processes("two")

    def home(process) -> str:
        request = urllib.request.Request(process.url("/"), headers={"Host": "kia.localhost"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode()

    assert "Kia" in home(first) and "Kia" in home(second)
    assert "Kennisplatform" not in home(first) + home(second)
    db = open_database(zeo_server.uri("kia", "sites/kia"), "kia")
    with db.transaction() as conn:  # as the control panel's general page saves a title
        set_holder_settings(conn.root()[ROOT_KEY], title="Kennisplatform")
    db.close()
    for process in (first, second):
        wait_for(lambda process=process: "Kennisplatform" in home(process))


def test_the_server_opens_each_filestorage_with_its_own_blob_support(tmp_path) -> None:
    """Not inside zodburi's BlobStorage wrapper, whose tpc_abort removes the blob files of
    another transaction being committed (storage/databases.py, tests/test_durability.py)."""
    from ZODB.FileStorage import FileStorage

    from pleio_core.storage.zeo import open_file_storage

    served = served_files_in(tmp_path, f"{tmp_path}/zeo.sock")
    storage = open_file_storage(served.file_uri("kia"))
    try:
        assert type(storage) is FileStorage
        assert storage.fshelper is not None  # blobs, in the site's own blob directory
    finally:
        storage.close()
