"""Every ``pleio`` command beside a running server, on the development set-up: a real
``pserve`` and a real ``pleio zeo`` over FileStorages (as ``make run`` starts them), each
command a process of its own, and the running server sees what each one changed (ZEO
tells it, with its invalidations), over real HTTP."""

from __future__ import annotations

import http.client
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from pleio_core.catalog.model import site_catalog
from pleio_core.content.site import ROOT_KEY
from pleio_core.storage.databases import open_database
from pleio_core.testing import (
    TEST_PASSWORD,
    PleioTestSetup,
    ZeoServer,
    development_style,
    page_csrf,
    wait_for,
)

PLEIO = str(Path(sys.executable).with_name("pleio"))
HOST = "team.localhost"
#: headers that belong to one HTTP connection, not to the answer (WSGI forbids them)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class OverHttp:
    """A WSGI application that sends each request to 127.0.0.1:PORT and gives back the
    answer: WebTest's clients (cookies, forms, sign-in) talking to a real server."""

    registry = None  # (what PleioTestApp reads of an application built in this process)

    def __init__(self, port: int) -> None:
        self.port = port

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").title()] = environ[key]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(environ["REQUEST_METHOD"], path, body, headers)
            answer = conn.getresponse()
            data = answer.read()
        finally:
            conn.close()
        kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
        start_response(f"{answer.status} {answer.reason}", kept)
        return [data]


class Installation:
    """The set-up under test: its site files, its commands' ``.ini``, the ZEO server, and
    WebTest clients of the running ``pserve``."""

    def __init__(self, setup: PleioTestSetup, zeo: ZeoServer, ini: Path, app: Any) -> None:
        self.setup, self.zeo, self.ini, self.app = setup, zeo, ini, app

    def pleio(self, *args: str, stdin: str = "") -> str:
        """Run ``pleio -c INI ARGS…`` in a process of its own; its output (it must succeed,
        and through the ZEO server: never around it)."""
        done = subprocess.run(
            [PLEIO, "-c", str(self.ini), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"pleio {' '.join(args)}:\n{done.stdout}{done.stderr}"
        assert "no ZEO server" not in done.stderr
        return done.stdout

    def create_account(self, email: str, name: str) -> None:
        self.pleio("user", "create", email, "--name", name, stdin=TEST_PASSWORD + "\n")

    def signed_in(self, email: str, host: str = HOST, password: str = TEST_PASSWORD) -> Any:
        return self.setup.signed_in(self.app, email, host, password)

    def anonymous(self, host: str = HOST) -> Any:
        return self.setup.client(self.app, host=host)

    def site_root_in_this_process(self, name: str, change: Any) -> None:
        """``change(site_root)`` committed by this process: one more ZEO client."""
        db = open_database(self.zeo.uri(name, f"sites/{name}"), name)
        try:
            with db.transaction() as conn:
                change(conn.root()[ROOT_KEY])
        finally:
            db.close()


@pytest.fixture
def installation(pleio_setup: PleioTestSetup, server_processes) -> Any:
    zeo, ini = development_style(pleio_setup)
    pleio_setup.write_site("team", modules=("community",), hosts=(HOST,), title="Team",
                           access="public")  # fmt: skip
    zeo.start()
    try:
        server = server_processes("web")
        yield Installation(pleio_setup, zeo, ini, OverHttp(server.port))
    finally:
        zeo.stop()


def add_event(client: Any, title: str, start: datetime) -> str:
    """An event (public, reminders 24 hours before) through the community's add form."""
    end = start + timedelta(hours=1)
    form = client.get("/community/@@add?type=event").forms["content-form"]
    form["title"], form["reminder_hours"] = title, "24"
    form["access"].force_value("public")
    form.fields["date"][0].value = start.strftime("%Y-%m-%d")
    form.fields["date"][1].value = end.strftime("%Y-%m-%d")
    form.fields["time"][0].value = start.strftime("%H:%M")
    form.fields["time"][1].value = end.strftime("%H:%M")
    return form.submit("save", status=303).location.split(HOST, 1)[1]


def found_by_search(client: Any, text: str, path: str) -> bool:
    return path in client.get(f"/@@search?text={quote(text)}").text


def test_every_command_beside_the_running_server(installation: Installation) -> None:
    pleio = installation.pleio
    # user create: the server signs the new account in (the platform database)
    installation.create_account("anne@example.nl", "Anne")
    anne = installation.signed_in("anne@example.nl")
    assert anne.get("/@@control-panel", status=403)
    # user grant: the server makes anne the site's admin (the site's database)
    assert "anne@example.nl is admin of team" in pleio("user", "grant", "anne@example.nl",
                                                       "team", "admin")  # fmt: skip
    wait_for(lambda: anne.get("/@@control-panel", expect_errors=True).status_int == 200)
    # site join-mode: the control panel shows the new way in
    general = lambda: anne.get("/@@control-panel-general").forms["panel-form"]  # noqa: E731
    assert general()["join_mode"].value != "open"
    pleio("site", "join-mode", "team", "open")
    wait_for(lambda: general()["join_mode"].value == "open")

    # periodic: bob, coming to an event that starts in two hours, is reminded of it
    installation.create_account("bob@example.nl", "Bob")
    pleio("user", "grant", "bob@example.nl", "team", "member")
    path = add_event(anne, "Buurtfeest", datetime.now().astimezone() + timedelta(hours=2))
    bob = installation.signed_in("bob@example.nl")
    bob.post(path + "@@rsvp", {"csrf_token": page_csrf(bob.get(path)), "answer": "yes"},
             status=303)  # fmt: skip
    assert "Buurtfeest" not in bob.get("/@@notifications").text
    assert "team: 1 module(s) did their periodic work, 0 failed" in pleio("periodic")
    wait_for(lambda: "Buurtfeest" in bob.get("/@@notifications").text)

    # site reindex: an item this process takes out of the catalog is found again
    visitor = installation.anonymous()
    assert found_by_search(visitor, "Buurtfeest", path)

    def unindex(root: Any) -> None:
        site_catalog(root).unindex(root["community"][path.strip("/").split("/")[-1]])

    installation.site_root_in_this_process("team", unindex)
    wait_for(lambda: not found_by_search(visitor, "Buurtfeest", path))
    assert "indexed" in pleio("site", "reindex", "team")
    wait_for(lambda: found_by_search(visitor, "Buurtfeest", path))

    # site export, then site import: the server serves the copy (a new site's files)
    archive = installation.setup.root / "team.zip"
    pleio("site", "export", "team", str(archive))
    pleio("site", "import", "kopie", str(archive), "--host", "kopie.localhost")
    copy = installation.anonymous("kopie.localhost")
    wait_for(lambda: copy.get("/", expect_errors=True).status_int == 200, timeout=10)
    assert found_by_search(copy, "Buurtfeest", path)

    # demo: three more sites, their content and their admins, served at once
    printed = pleio("demo")
    assert "demo-kia-wachtwoord" in printed
    kia = installation.anonymous("kia.localhost")
    wait_for(lambda: kia.get("/", expect_errors=True).status_int == 200, timeout=10)
    assert "Kennisplatform Informatie en Archief" in kia.get("/").text
    admin = installation.signed_in("beheer@kia.example", "kia.localhost", "demo-kia-wachtwoord")
    assert admin.get("/@@control-panel").status_int == 200

    # the operator's sites page makes a site: the ZEO server opens its new files by name
    installation.pleio("user", "create", "op@example.nl", "--name", "Olga", "--operator",
                       stdin=TEST_PASSWORD + "\n")  # fmt: skip
    operator = installation.setup.signed_in_on_platform(installation.app, "op@example.nl")
    form = operator.get("/@@operator-sites").forms["create-form"]
    form["name"], form["title"], form["hosts"] = "nieuw", "Nieuw", "nieuw.localhost"
    form["modules"] = ["wiki"]
    assert "done=created" in form.submit(status=303).location
    assert "Nieuw" in installation.anonymous("nieuw.localhost").get("/").text
    assert (installation.zeo.directory / "sites" / "nieuw" / "Data.fs").exists()
    assert "wiki" in pleio("site", "show", "nieuw")  # and a command reads it beside it

    # and the rest: each runs beside the server, through it
    for command in (
        ("site", "evolve"),
        ("clean-text",),
        ("digest", "--frequency", "daily"),
        ("site", "require-two-factor", "kopie", "off"),
        ("user", "revoke", "bob@example.nl", "team"),
        ("user", "disable", "bob@example.nl"),
    ):
        pleio(*command)
    wait_for(lambda: bob.get("/@@notifications", expect_errors=True).status_int != 200)
    # backup reads the files the ZEO server holds (repozo reads a live FileStorage)
    backups = installation.setup.root / "backups"
    done = pleio("backup", str(backups), "--full")
    for name in ("_platform", "team", "kopie", "kia", "nieuw"):
        assert f"backed up {name}:" in done
        assert list((backups / name / "repozo").glob("*.fsz"))
    assert anne.get("/").status_int == 200  # still served, still signed in
