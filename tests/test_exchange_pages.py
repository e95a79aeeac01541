"""The exit on the web: the admin's archive and CSV downloads, and "download my data"."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from pleio_core.jobs import JOB_WORKER, job_board
from pleio_core.services import PLATFORM_DATABASE, SITES
from pleio_core.testing import (
    TEST_PASSWORD,
    PleioTestSetup,
    assert_accessible,
    assert_valid_html,
    wait_for,
)
from pleio_core.testing.sites import page_csrf

HOST = "alpha.localhost"


@pytest.fixture
def alpha(pleio_setup: PleioTestSetup, notes_plugin):
    setup = pleio_setup
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    setup.create_account("bert@example.nl", "=Bert", alpha="member")
    setup.create_account("eva@example.nl", "Eva", alpha="editor")
    app = setup.make_app()
    return setup, app


def add_note(client, title: str, access: str = "public") -> str:
    form = client.get("/notes/@@add?type=note").forms["content-form"]
    form["title"], form["body"] = title, "Tekst"
    form["access"].force_value(access)
    return form.submit("save", status=303).location.split(HOST, 1)[1]


def ready_archive(client, timeout: float = 20.0):
    """The export page once its job is done (the worker thread of the app makes it)."""
    return wait_for(
        lambda: (page := client.get("/@@export")).html.select_one("#export-download") and page,
        timeout=timeout,
    )


def test_an_admin_makes_the_archive_in_the_background_and_no_one_else(alpha) -> None:
    setup, app = alpha
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    add_note(anne, "Van Anne")
    page = anne.get("/@@export")
    assert "Deze site exporteren" in page.text
    assert page.html.select_one("#export-job")["data-state"] == "none"
    assert page.html.select_one("#export-status")["role"] == "status"
    started = page.forms["export-form"].submit(status=303)
    assert started.location.endswith("/@@export")
    page = ready_archive(anne)
    assert page.html.select_one("#export-job")["data-state"] == "done"
    assert "Het archief is klaar" in page.html.select_one("#export-status").text
    assert page.html.select_one("progress") is None
    href = page.html.select_one("#export-download")["href"]
    response = anne.get(href.split(HOST, 1)[1], status=200)
    assert response.content_type == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.body)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["counts"]["content"] == 1 and manifest["counts"]["members"] == 3
        assert b"password_hash" not in zf.read("accounts.jsonl")
    # a new archive replaces it: the old address is gone, with a clear 404
    page.forms["export-form"].submit(status=303)
    newer = ready_archive(anne)
    assert newer.html.select_one("#export-download")["href"] != href
    gone = anne.get(href.split(HOST, 1)[1], status=404)
    assert "Er is geen archief" in gone.text
    anne.get("/@@export-archive?job=nothing", status=404)
    # the POST needs its CSRF token
    anne.post("/@@export", status=400)
    for who in ("bert", "eva"):
        client = setup.signed_in(app, f"{who}@example.nl", HOST)
        client.get("/@@export", status=403)
        client.post("/@@export", {"csrf_token": "x"}, status=(400, 403))
        client.get(newer.html.select_one("#export-download")["href"].split(HOST, 1)[1],
                   status=403)  # fmt: skip
        client.get("/@@members.csv", status=403)
        client.get("/@@content.csv?type=note", status=403)
    anonymous = setup.client(app, host=HOST)
    anonymous.get("/@@export", status=403)


def test_the_states_of_the_job_one_at_a_time(alpha) -> None:
    """Queued, running (with its progress), refused twice, done: as the page shows them,
    the worker stepped by hand."""
    setup, app = alpha
    worker = JOB_WORKER(app.registry)
    worker.stop()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    for n in range(3):
        add_note(anne, f"Notitie {n}")
    anne.get("/@@export").forms["export-form"].submit(status=303)
    page = anne.get("/@@export")
    assert page.html.select_one("#export-job")["data-state"] == "queued"
    assert "wacht" in page.html.select_one("#export-status").text
    assert page.html.select_one("progress")["value"] == "0"
    assert "export-form" not in page.forms  # one archive at a time
    assert page.html.select_one("#export-refresh")["href"].endswith("/@@export")  # no JS
    assert page.html.select_one('script[src*="export.js"]') is not None
    # a second start (another tab, another admin) is refused with why
    csrf = page_csrf(page)
    busy = anne.post("/@@export", {"csrf_token": csrf}, status=409)
    assert (
        "Er wordt al een archief van deze site gemaakt"
        in busy.html.select_one("#export-problem").text
    )
    # running: claimed, its progress written as a heartbeat would
    view = worker.claim()
    assert view is not None and view.state == "running"
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        job = job_board(conn.root()["pleio_platform"]).get("export", "alpha")
        job.done, job.total = 2, 4
    page = anne.get("/@@export")
    assert page.html.select_one("#export-job")["data-state"] == "running"
    assert page.html.select_one("progress")["value"] == "50"
    assert "50 %" in page.html.select_one("#export-status").text
    anne.post("/@@export", {"csrf_token": csrf}, status=409)
    worker.run(view)
    page = anne.get("/@@export")
    assert page.html.select_one("#export-job")["data-state"] == "done"
    assert page.html.select_one('script[src*="export.js"]') is None  # nothing to follow
    assert "export-form" in page.forms  # a new one may be made


def test_a_failed_export_says_why_and_may_be_tried_again(alpha) -> None:
    setup, app = alpha
    worker = JOB_WORKER(app.registry)
    worker.stop()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    anne.get("/@@export").forms["export-form"].submit(status=303)
    view = worker.claim()
    # the site is switched off while its archive waits
    setup.write_site("alpha", modules=["notes"], disabled=True)
    SITES(app.registry).refresh(force=True)
    worker.run(view)
    setup.write_site("alpha", modules=["notes"])
    SITES(app.registry).refresh(force=True)
    page = anne.get("/@@export")
    assert page.html.select_one("#export-job")["data-state"] == "failed"
    assert "kon niet worden gemaakt" in page.html.select_one("#export-status").text
    assert "export-form" in page.forms


def test_csv_of_members_with_chosen_columns_and_of_content(alpha) -> None:
    setup, app = alpha
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    add_note(anne, "Eerste")
    add_note(anne, "Tweede", access="private")
    form = anne.get("/@@export").forms["members-csv-form"]
    for field in form.fields["column"]:
        if field._value in ("since",):
            field.checked = False
    response = form.submit(status=200)
    assert response.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert rows[0] == ["Naam", "E-mailadres", "Rol"]
    assert sorted(rows[1:]) == [
        ["'=Bert", "bert@example.nl", "member"],  # never a formula in a spreadsheet
        ["Anne", "anne@example.nl", "admin"],
        ["Eva", "eva@example.nl", "editor"],
    ]
    response = anne.get("/@@export").forms["content-csv-form"].submit(status=200)
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["path", "title", "owner"]
    assert sorted(r[1] for r in rows[1:]) == ["Eerste", "Tweede"]
    anne.get("/@@content.csv?type=nothing", status=400)


def test_my_data_holds_my_content_and_nobody_elses(alpha) -> None:
    setup, app = alpha
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    bert = setup.signed_in(app, "bert@example.nl", HOST)
    anne_note = add_note(anne, "Van Anne")
    add_note(bert, "Van Bert", access="private")
    for client, text in ((anne, "Anne reageert"), (bert, "Bert reageert")):
        for path in (anne_note, "/notes/van-bert/"):
            if path == "/notes/van-bert/" and client is anne:
                continue  # private: Anne cannot see it
            form = client.get(path).forms["comment-form"]
            form["text"] = text
            form.submit(status=303)
    anne.get(anne_note).forms["like-form"].submit(status=303)
    bert.get(anne_note).forms["like-form"].submit(status=303)
    assert "/@@my-data" in bert.get("/@@saved").text
    response = bert.get("/@@my-data").forms["my-data-form"].submit(status=200)
    with zipfile.ZipFile(io.BytesIO(response.body)) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist()).decode()
        profile = json.loads(zf.read("profile.json"))
        documents = [json.loads(zf.read(n)) for n in zf.namelist() if n.startswith("content/")]
        elsewhere = [json.loads(line) for line in zf.read("comments.jsonl").splitlines()]
        choices = json.loads(zf.read("notifications.json"))
    assert profile["email"] == "bert@example.nl" and profile["role"] == "member"
    assert choices == {"following": [], "digest": "daily", "deliveries": {}}
    assert [d["fields"]["title"] for d in documents] == ["Van Bert"]
    assert [c["text"] for c in documents[0]["comments"]] == ["Bert reageert"]
    assert [c["text"] for c in elsewhere] == ["Bert reageert"]
    assert "anne@example.nl" not in everything and "Anne" not in everything
    setup.client(app, host=HOST).get("/@@my-data", status=403)
    bert.post("/@@my-data", status=400)  # without its CSRF token


@pytest.fixture
def server(alpha, live_server_factory):
    _setup, app = alpha
    return live_server_factory(app)


def set_progress(app, done: int, total: int) -> None:
    """What the heartbeat of the process running the job writes."""
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        job = job_board(conn.root()["pleio_platform"]).get("export", "alpha")
        job.done, job.total = done, total


def test_every_state_of_the_export_page_is_valid_html(alpha) -> None:
    setup, app = alpha
    worker = JOB_WORKER(app.registry)
    worker.stop()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    pages = {"none": anne.get("/@@export").body}
    anne.get("/@@export").forms["export-form"].submit(status=303)
    pages["queued"] = anne.get("/@@export").body
    pages["refused (409)"] = anne.post(
        "/@@export", {"csrf_token": page_csrf(anne.get("/@@export"))}, status=409
    ).body
    view = worker.claim()
    set_progress(app, 1, 3)
    pages["running"] = anne.get("/@@export").body
    worker.run(view)
    pages["done"] = anne.get("/@@export").body
    pages["gone (404)"] = anne.get("/@@export-archive?job=old", status=404).body
    anne.get("/@@export").forms["export-form"].submit(status=303)
    view = worker.claim()
    setup.write_site("alpha", modules=["notes"], disabled=True)
    SITES(app.registry).refresh(force=True)
    worker.run(view)
    setup.write_site("alpha", modules=["notes"])
    SITES(app.registry).refresh(force=True)
    pages["failed"] = anne.get("/@@export").body
    assert b'data-state="failed"' in pages["failed"]
    assert_valid_html(pages)


def test_the_exit_pages_pass_axe_and_work_by_keyboard(server, page) -> None:
    app = server.app
    worker = JOB_WORKER(app.registry)
    worker.stop()  # the test moves the job on, to see each state
    page.goto(server.url(HOST, "/@@login"))
    page.get_by_label("E-mailadres").fill("anne@example.nl")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url(HOST, "/"))
    assert_accessible(page, server.url(HOST, "/@@export"))  # no archive yet
    page.goto(server.url(HOST, "/@@export"))
    button = page.get_by_role("button", name="Archief maken")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status = page.get_by_role("status").filter(has_text="archief")
    assert "wacht" in status.inner_text()
    assert_accessible(page, server.url(HOST, "/@@export"))  # queued
    page.goto(server.url(HOST, "/@@export"))
    view = worker.claim()
    set_progress(app, 1, 4)
    # the page follows by itself (export.js): its progress bar and its live status
    page.locator('#export-progress[value="25"]').wait_for()
    assert "25 %" in page.locator("#export-status").inner_text()
    assert page.get_by_role("progressbar").get_attribute("value") == "25"
    assert_accessible(page, server.url(HOST, "/@@export"))  # running
    page.goto(server.url(HOST, "/@@export"))
    page.get_by_role("link", name="Laat zien hoe ver het is").focus()
    worker.run(view)
    download_link = page.get_by_role("link", name="Archief downloaden")
    download_link.wait_for()
    assert "klaar" in page.locator("#export-status").inner_text()
    assert page.evaluate("document.activeElement.id") == "export-download"  # focus kept
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("alpha-")
    assert_accessible(page, server.url(HOST, "/@@export"))  # done
    assert_accessible(page, server.url(HOST, "/@@my-data"))
    page.goto(server.url(HOST, "/@@my-data"))
    button = page.get_by_role("button", name="Mijn gegevens downloaden")
    button.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("alpha-my-data-")
