"""Virus scanning of uploads with a real clamd (``pleio_core.testing.clamd``).

The uploads come through a real request (a test view that does what an upload form does:
spool, scan, count), so the audit entry names the signed-in account, and the upload's
transaction is rolled back with the refusal while the audit entry stays.
"""

import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest
from webtest import Upload

from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.settings import PleioSettings, SettingsError
from pleio_core.sites.audit import audit_log
from pleio_core.testing import EICAR, EICAR_SIGNATURE, PleioTestSetup
from pleio_core.uploads import FileRefused, add_usage, scan_file, storage_usage
from pleio_core.uploads.clamd import ScannerUnavailable, instream

HOST = "alpha.localhost"
BASE = {"pleio.secret": "x" * 40}


def upload_view(context, request):
    """Scan the posted file as an upload form would; count its bytes only if it is taken."""
    upload = request.POST["file"]
    with tempfile.NamedTemporaryFile() as spooled:
        shutil.copyfileobj(upload.file, spooled)
        spooled.flush()
        size = spooled.tell()
        add_usage(request.site_root, size)  # undone with the transaction if refused
        try:
            scanned = scan_file(request, spooled.name, upload.filename)
        except FileRefused as refused:
            request.tm.doom()  # what a refusal does to the upload's transaction
            request.response.status = refused.status
            return {"refused": request.localizer.translate(refused.message)}
    return {"scanned": scanned, "usage": storage_usage(request.site_root)}


def with_upload_view(config) -> None:
    config.add_view(
        upload_view,
        context="pleio_core.content.site.SiteRoot",
        name="test-upload",
        request_method="POST",
        permission="view",
        renderer="json",
        require_csrf=False,
    )


@pytest.fixture
def setup(pleio_setup: PleioTestSetup) -> PleioTestSetup:
    pleio_setup.write_site("alpha", title="Alpha")
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="member")
    return pleio_setup


def signed_in_app(setup: PleioTestSetup, **settings: str):
    app = setup.make_app(with_upload_view, **settings)
    return app, setup.signed_in(app, "ada@example.nl", HOST)


def post(client, data: bytes, name: str = "report.txt", status: int = 200):
    return client.post("/@@test-upload", upload_files=[("file", name, data)], status=status).json


def virus_entries(app) -> list:
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        log = audit_log(conn.root()[ROOT_KEY])
        return list(log.entries("virus-found")) if log is not None else []


def usage(app) -> int:
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        return storage_usage(conn.root()[ROOT_KEY])


def test_a_clean_file_is_scanned_and_taken(setup, clamd) -> None:
    app, ada = signed_in_app(setup, **{"pleio.clamd": clamd})
    assert post(ada, b"Werkafspraken voor 2027\n" * 1000) == {"scanned": True, "usage": 24000}
    assert virus_entries(app) == []


def test_eicar_is_refused_with_422_and_audited_with_signature_file_and_account(
    setup, clamd
) -> None:
    app, ada = signed_in_app(setup, **{"pleio.clamd": clamd})
    answer = post(ada, EICAR, "factuur.pdf", status=422)
    assert answer["refused"] == (
        f"“factuur.pdf” bevat een virus ({EICAR_SIGNATURE}.UNOFFICIAL) en is niet opgeslagen."
    )
    [entry] = virus_entries(app)
    assert entry.actor_email == "ada@example.nl" and entry.actor_id
    assert entry.details == {"signature": f"{EICAR_SIGNATURE}.UNOFFICIAL", "file": "factuur.pdf"}
    assert usage(app) == 0  # the upload's transaction was rolled back, the audit entry kept
    # the admin's audit page names it in Dutch
    setup.close()
    setup.create_account("op@example.nl", "Olga", alpha="admin")
    app = setup.make_app()
    page = setup.signed_in(app, "op@example.nl", HOST).get("/@@audit?kind=virus-found").text
    assert "Virus gevonden in een upload" in page and "factuur.pdf" in page
    assert "Virussignatuur" in page and f"{EICAR_SIGNATURE}.UNOFFICIAL" in page


def test_eicar_is_found_inside_a_zip_and_in_english(setup, clamd) -> None:
    import io
    import zipfile

    app, ada = signed_in_app(setup, **{"pleio.clamd": clamd})
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("docs/readme.txt", b"hello\n" + EICAR + b"\n")
    ada.get("/@@language?lang=en&came_from=/", status=303)
    answer = post(ada, archive.getvalue(), "bundle.zip", status=422)
    assert answer["refused"] == (
        f"“bundle.zip” contains a virus ({EICAR_SIGNATURE}.UNOFFICIAL) and was not stored."
    )
    assert len(virus_entries(app)) == 1


def test_a_stopped_clamd_refuses_uploads_with_503(setup, clamd_factory) -> None:
    stopped = clamd_factory()
    assert instream_clean(stopped)
    stopped.stop()
    app, ada = signed_in_app(setup, **{"pleio.clamd": stopped})
    answer = post(ada, b"plain text", "notes.txt", status=503)
    assert answer["refused"] == (
        "“notes.txt” is niet opgeslagen: de virusscanner is niet bereikbaar. "
        "Probeer het over een paar minuten opnieuw."
    )
    assert usage(app) == 0


def test_with_store_a_stopped_clamd_lets_the_upload_in_unscanned(setup, clamd_factory) -> None:
    stopped = clamd_factory()
    stopped.stop()
    _app, ada = signed_in_app(setup, **{"pleio.clamd": stopped, "pleio.clamd_unreachable": "store"})
    assert post(ada, b"plain text") == {"scanned": False, "usage": 10}


def test_without_clamd_nothing_is_scanned(setup) -> None:
    _app, ada = signed_in_app(setup)
    assert post(ada, EICAR) == {"scanned": False, "usage": len(EICAR)}


def test_over_clamds_stream_limit_is_refused_even_with_store(setup, clamd_factory) -> None:
    small = clamd_factory(stream_max_length="1M")
    app, ada = signed_in_app(setup, **{"pleio.clamd": small, "pleio.clamd_unreachable": "store"})
    assert post(ada, b"x" * 1_000_000)["scanned"] is True  # under the limit
    answer = post(ada, b"x" * 3_000_000, "film.mp4", status=413)
    assert answer["refused"] == (
        "“film.mp4” is groter dan de virusscanner kan controleren en is daarom niet opgeslagen."
    )
    assert usage(app) == 1_000_000


def test_clamd_over_tcp(setup, clamd_factory) -> None:
    server = clamd_factory(tcp=True)
    assert server.startswith("tcp://127.0.0.1:")
    _app, ada = signed_in_app(setup, **{"pleio.clamd": server})
    assert post(ada, b"clean")["scanned"] is True
    post(ada, EICAR, status=422)


def instream_clean(server) -> bool:
    settings = PleioSettings.from_settings({**BASE, "pleio.clamd": server}).scanner
    with Path(__file__).open("rb") as source:
        return instream(settings, source).clean


def test_a_clamd_that_does_not_answer_times_out(tmp_path: Path) -> None:
    """A socket that takes the file but never answers: refused after ``clamd_timeout``."""
    path = Path(tempfile.mkdtemp(prefix="pleio-mute-")) / "mute.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()
    accepted = []

    def accept() -> None:
        connection, _ = listener.accept()
        accepted.append(connection)  # read nothing, answer nothing

    threading.Thread(target=accept, daemon=True).start()
    scanner = PleioSettings.from_settings(
        {**BASE, "pleio.clamd": f"unix://{path}", "pleio.clamd_timeout": "0.5"}
    ).scanner
    target = tmp_path / "big.bin"
    target.write_bytes(b"\0" * 4_000_000)  # more than the socket buffers take
    try:
        with pytest.raises(ScannerUnavailable, match="timed out"), target.open("rb") as source:
            instream(scanner, source)
    finally:
        for connection in accepted:
            connection.close()
        listener.close()
        shutil.rmtree(path.parent)


def test_the_scanner_is_streamed_to_in_chunks_and_reads_a_large_file(clamd, tmp_path) -> None:
    scanner = PleioSettings.from_settings({**BASE, "pleio.clamd": clamd}).scanner
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        for _ in range(20):
            f.write(b"\1" * 1_000_000)
        f.write(EICAR)  # past the first chunks: every chunk reaches clamd
    with big.open("rb") as source:
        verdict = instream(scanner, source)
    assert verdict.signature == f"{EICAR_SIGNATURE}.UNOFFICIAL"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"pleio.clamd": "clamd.sock"}, "pleio.clamd must be unix:///path/to/clamd.ctl or tcp"),
        ({"pleio.clamd": "unix://clamd.sock"}, "pleio.clamd must name an absolute socket path"),
        ({"pleio.clamd": "tcp://localhost"}, "pleio.clamd must be tcp://HOST:PORT"),
        ({"pleio.clamd": "tcp://localhost:99999"}, "pleio.clamd must be tcp://HOST:PORT"),
        ({"pleio.clamd_unreachable": "allow"}, "pleio.clamd_unreachable must be one of refuse"),
        ({"pleio.clamd_timeout": "soon"}, "pleio.clamd_timeout must be a number of seconds"),
        ({"pleio.clamd_timeout": "0"}, "pleio.clamd_timeout must be a number of seconds"),
        ({"pleio.clamd_timeout": "nan"}, "pleio.clamd_timeout must be a number of seconds"),
        ({"pleio.clam": "unix:///x"}, "pleio.clam is not a setting"),
    ],
)
def test_bad_scanner_settings_stop_start_up_naming_the_key(settings, message) -> None:
    with pytest.raises(SettingsError, match=message):
        PleioSettings.from_settings({**BASE, **settings})


def test_scanner_settings_are_parsed_once() -> None:
    parsed = PleioSettings.from_settings(
        {
            **BASE,
            "pleio.clamd": "tcp://[::1]:3310",
            "pleio.clamd_unreachable": "store",
            "pleio.clamd_timeout": "120",
        }
    ).scanner
    assert (parsed.host, parsed.port, parsed.socket_path) == ("::1", 3310, None)
    assert parsed.store_unscanned and parsed.timeout == 120.0
    unix = PleioSettings.from_settings({**BASE, "pleio.clamd": "unix:///run/clamav/clamd.ctl"})
    assert unix.scanner.socket_path == "/run/clamav/clamd.ctl"
    assert not unix.scanner.store_unscanned and unix.scanner.timeout == 120.0
    assert PleioSettings.from_settings(BASE).scanner is None


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_control_panels_logo_is_scanned_too(pleio_setup: PleioTestSetup, clamd) -> None:
    pleio_setup.write_site("alpha", title="Alpha")
    pleio_setup.create_account("op@example.nl", "Olga", alpha="admin")
    app = pleio_setup.make_app(**{"pleio.clamd": clamd})
    admin = pleio_setup.signed_in(app, "op@example.nl", HOST)
    form = admin.get("/@@control-panel-appearance").forms["panel-form"]
    form["logo"] = Upload("logo.png", PNG + EICAR, "image/png")  # an image to the sniffer
    page = form.submit(status=422)
    assert f"“logo.png” bevat een virus ({EICAR_SIGNATURE}.UNOFFICIAL)" in page.text
    [entry] = virus_entries(app)
    assert entry.actor_email == "op@example.nl" and entry.details["file"] == "logo.png"
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        assert conn.root()[ROOT_KEY].logo_version == 0
    form = admin.get("/@@control-panel-appearance").forms["panel-form"]
    form["logo"] = Upload("logo.png", PNG, "image/png")
    form.submit(status=303)
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        assert conn.root()[ROOT_KEY].logo_version == 1


def test_the_logo_waits_for_an_unreachable_scanner(pleio_setup, clamd_factory) -> None:
    stopped = clamd_factory()
    stopped.stop()
    pleio_setup.write_site("alpha", title="Alpha")
    pleio_setup.create_account("op@example.nl", "Olga", alpha="admin")
    app = pleio_setup.make_app(**{"pleio.clamd": stopped})
    admin = pleio_setup.signed_in(app, "op@example.nl", HOST)
    form = admin.get("/@@control-panel-appearance").forms["panel-form"]
    form["favicon"] = Upload("icon.png", PNG, "image/png")
    assert "de virusscanner is niet bereikbaar" in form.submit(status=503).text


def test_a_virus_is_refused_even_when_its_audit_entry_cannot_be_written(
    setup, clamd, monkeypatch, caplog
) -> None:
    from pleio_core.uploads import scanning

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(scanning, "append_entry", broken)
    app, ada = signed_in_app(setup, **{"pleio.clamd": clamd})
    assert "bevat een virus" in post(ada, EICAR, status=422)["refused"]
    assert "cannot record the virus in the audit log of site alpha" in caplog.text
    assert virus_entries(app) == []
