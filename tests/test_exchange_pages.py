"""The exit on the web: the admin's archive and CSV downloads, and "download my data"."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from pleio_core.testing import TEST_PASSWORD, PleioTestSetup, assert_accessible

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


def test_an_admin_downloads_the_archive_and_no_one_else(alpha) -> None:
    setup, app = alpha
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    add_note(anne, "Van Anne")
    page = anne.get("/@@export")
    assert "Deze site exporteren" in page.text
    response = page.forms["export-form"].submit(status=200)
    assert response.content_type == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.body)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["counts"]["content"] == 1 and manifest["counts"]["members"] == 3
        assert b"password_hash" not in zf.read("accounts.jsonl")
    # the POST needs its CSRF token
    anne.post("/@@export", status=400)
    for who in ("bert", "eva"):
        client = setup.signed_in(app, f"{who}@example.nl", HOST)
        client.get("/@@export", status=403)
        client.post("/@@export", {"csrf_token": "x"}, status=(400, 403))
        client.get("/@@members.csv", status=403)
        client.get("/@@content.csv?type=note", status=403)
    anonymous = setup.client(app, host=HOST)
    anonymous.get("/@@export", status=403)


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


def test_the_exit_pages_pass_axe_and_work_by_keyboard(server, page) -> None:
    page.goto(server.url(HOST, "/@@login"))
    page.get_by_label("E-mailadres").fill("anne@example.nl")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url(HOST, "/"))
    assert_accessible(page, server.url(HOST, "/@@export"))
    assert_accessible(page, server.url(HOST, "/@@my-data"))
    page.goto(server.url(HOST, "/@@my-data"))
    button = page.get_by_role("button", name="Mijn gegevens downloaden")
    button.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("alpha-my-data-")
