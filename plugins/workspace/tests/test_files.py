"""Folders and files through their pages: uploading (several at once, bad names, too
large, cut off), downloads that cannot run in the site, versions and restoring them,
check-out, a folder as a ZIP, a listing a page at a time, and who may do what."""

from __future__ import annotations

import http.client
import io
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from pleio_core.testing import LiveServer, PleioTestSetup, SiteWorld, assert_valid_html, page_csrf

HOST = "files.localhost"
PEOPLE = {"anne": "member", "bert": "member", "eva": "editor", "ada": "admin"}
LIMIT = 200_000  # bytes: the upload limit of this test site


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    setup = PleioTestSetup(tmp_path_factory.mktemp("files"))
    setup.write_site("files", modules=("workspace",), hosts=(HOST,), access="public")
    for who, role in PEOPLE.items():
        setup.create_account(f"{who}@example.nl", who.capitalize(), files=role)
    setup.create_account("olga@example.nl", "Olga")  # no member of this site
    world = SiteWorld(setup, setup.make_app(**{"pleio.max_upload_size": str(LIMIT)}), "files", HOST)
    yield world
    setup.close()


def png(colour: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def upload(client, where: str, *files: tuple[str, bytes], status: int = 303):
    token = page_csrf(client.get(where))
    fields = [("csrf_token", token)]
    return client.post(
        f"{where}@@upload",
        fields,
        upload_files=[("files", name, data) for name, data in files],
        status=status,
    )


def new_folder(client, where: str, name: str, status: int = 303):
    token = page_csrf(client.get(where))
    return client.post(
        f"{where}@@add?type=folder", {"csrf_token": token, "name": name}, status=status
    )


def follow(client, answer):
    return client.get(answer.location.split(HOST, 1)[1])


def alert(page) -> str:
    return " ".join(page.html.select_one("[role=alert]").text.split())


def names_in(client, where: str) -> list[str]:
    page = client.get(where)
    return [" ".join(a.text.split()) for a in page.html.select(".workspace-table th[scope=row] a")]


# -- uploading and downloading ---------------------------------------------------------------


def test_a_member_uploads_several_files_at_once_and_downloads_them(world) -> None:
    anne = world.client("anne")
    new_folder(anne, "/workspace/", "Projectplan")
    where = "/workspace/Projectplan/"
    page = follow(anne, upload(anne, where, ("plan.txt", b"Het plan.\n"), ("logo.png", png())))
    assert "2 bestanden opgeslagen" in page.text
    assert names_in(anne, where) == ["logo.png", "plan.txt"]

    text = anne.get(f"{where}plan.txt/@@download")
    assert text.body == b"Het plan.\n"
    assert text.headers["Content-Disposition"].startswith("attachment;")
    assert text.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in text.headers["Content-Security-Policy"]

    image = anne.get(f"{where}logo.png/@@download?inline=1")
    assert image.content_type == "image/png"
    assert image.headers["Content-Disposition"].startswith("inline;")
    thumb = anne.get(f"{where}logo.png/@@thumbnail")
    assert Image.open(io.BytesIO(thumb.body)).size[0] <= 256


def test_the_type_comes_from_the_content_so_html_posing_as_png_is_never_shown(world) -> None:
    anne = world.client("anne")
    upload(anne, "/workspace/", ("plaatje.png", b"<html><script>alert(1)</script></html>"))
    answer = anne.get("/workspace/plaatje.png/@@download?inline=1")
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.content_type not in {"image/png", "text/html"}
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    with world.committed("/workspace/plaatje.png") as file:
        assert file.media_type == "text/html" and file.thumbnail is None


def test_a_unicode_name_is_kept_and_downloads_with_it(world) -> None:
    anne = world.client("anne")
    name = "Vergaderverslag één \u2013 “final” 🗂.txt"
    upload(anne, "/workspace/", (name, b"notulen"))
    answer = anne.get(f"/workspace/{quote(name)}/@@download")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in answer.headers["Content-Disposition"]
    assert answer.body == b"notulen"


@pytest.mark.parametrize(
    "name",
    ["../../x", "a/b.txt", "..", "@@edit", "bad\x00name.txt", "rtl\u202etxt.exe", " ", "x" * 300],
)
def test_a_bad_name_is_refused_and_nothing_is_stored(world, name) -> None:
    bert = world.client("bert")
    with world.committed("/workspace") as folder:
        before = len(folder)
    page = upload(bert, "/workspace/", (name, b"data"), status=400)
    # (the core refuses U+0000 in any field before the workspace sees it, with its own page)
    assert alert(page) if page.html.select_one("[role=alert]") else "U+0000" in page.text
    with world.committed("/workspace") as folder:
        assert len(folder) == before


def test_a_file_over_the_limit_is_refused_with_413_and_nothing_is_stored(world) -> None:
    bert = world.client("bert")
    page = upload(bert, "/workspace/", ("groot.bin", b"x" * (LIMIT + 1)), status=413)
    assert "groot.bin" in alert(page) and "200 kB" in alert(page)
    # all or nothing: a good file beside it is not stored either
    upload(bert, "/workspace/", ("klein.txt", b"ok"), ("groot.bin", b"x" * (LIMIT + 1)), status=413)
    with world.committed("/workspace") as folder:
        assert "groot.bin" not in folder and "klein.txt" not in folder


def test_an_upload_cut_off_halfway_is_refused(world) -> None:
    bert = world.client("bert")
    token = page_csrf(bert.get("/workspace/"))
    boundary = "----pleio"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="half.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nthe first half and then noth"
    ).encode()
    page = bert.post(
        "/workspace/@@upload", body, content_type=f"multipart/form-data; boundary={boundary}",
        headers={"X-CSRF-Token": token}, status=400,
    )  # fmt: skip
    assert alert(page)
    with world.committed("/workspace") as folder:
        assert "half.txt" not in folder


def test_without_files_or_csrf_nothing_happens(world) -> None:
    bert = world.client("bert")
    token = page_csrf(bert.get("/workspace/"))
    page = bert.post("/workspace/@@upload", {"csrf_token": token}, status=400)
    assert alert(page)
    bert.post("/workspace/@@upload", {}, upload_files=[("files", "x.txt", b"x")], status=400)


# -- versions and check-out ------------------------------------------------------------------


def test_a_new_version_is_listed_downloaded_and_an_old_one_restored(world) -> None:
    anne = world.client("anne")
    upload(anne, "/workspace/", ("begroting.txt", b"versie een"))
    upload(anne, "/workspace/", ("begroting.txt", b"versie twee"))  # same name: a new version
    page = anne.get("/workspace/begroting.txt")
    form = page.forms[next(k for k, f in page.forms.items() if f.action.endswith("@@upload"))]
    form["file"] = ("iets-anders.txt", b"versie drie")
    form["note"] = "Cijfers van oktober"
    form.submit(status=303)
    assert anne.get("/workspace/begroting.txt/@@download").body == b"versie drie"
    assert anne.get("/workspace/begroting.txt/@@download?version=1").body == b"versie een"
    anne.get("/workspace/begroting.txt/@@download?version=9", status=404)
    anne.get("/workspace/begroting.txt/@@download?version=%C2%B2", status=404)

    token = page_csrf(anne.get("/workspace/begroting.txt"))
    anne.post(
        "/workspace/begroting.txt/@@restore", {"csrf_token": token, "version": "1"}, status=303
    )
    assert anne.get("/workspace/begroting.txt/@@download").body == b"versie een"
    with world.committed("/workspace/begroting.txt") as file:
        assert [v.number for v in file.versions] == [1, 2, 3, 4]
        assert file.versions[2].note == "Cijfers van oktober"
        assert file.__name__ == "begroting.txt"
    rows = anne.get("/workspace/begroting.txt").html.select(".panel-table tbody tr")
    assert len(rows) == 4


def test_a_check_out_keeps_others_from_changing_the_file_until_checked_in(world) -> None:
    anne, eva, ada = world.client("anne"), world.client("eva"), world.client("ada")
    upload(anne, "/workspace/", ("nota.txt", b"concept"))
    token = page_csrf(anne.get("/workspace/nota.txt"))
    anne.post("/workspace/nota.txt/@@lock", {"csrf_token": token}, status=303)
    assert "Je hebt dit bestand uitgecheckt" in anne.get("/workspace/nota.txt").text

    page = eva.get("/workspace/nota.txt")
    assert "Uitgecheckt door Anne" in page.text
    page = upload(eva, "/workspace/", ("nota.txt", b"mijn versie"), status=423)
    assert "Anne" in alert(page)
    token = page_csrf(eva.get("/workspace/nota.txt"))
    eva.post("/workspace/nota.txt/@@restore", {"csrf_token": token, "version": "1"}, status=423)
    # the editor may break it (she looks after what is for members); afterwards she can store
    eva.post("/workspace/nota.txt/@@unlock", {"csrf_token": token, "force": "1"}, status=303)
    upload(eva, "/workspace/", ("nota.txt", b"mijn versie"))
    assert ada.get("/workspace/nota.txt/@@download").body == b"mijn versie"


def test_someone_who_may_not_edit_cannot_check_out_or_store_a_version(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    upload(anne, "/workspace/", ("alleen-anne.txt", b"van anne"))
    token = page_csrf(bert.get("/workspace/alleen-anne.txt"))
    bert.post("/workspace/alleen-anne.txt/@@lock", {"csrf_token": token}, status=403)
    upload(bert, "/workspace/", ("alleen-anne.txt", b"overschreven"), status=403)
    assert bert.get("/workspace/alleen-anne.txt/@@download").body == b"van anne"


# -- folders, listings, ZIP -------------------------------------------------------------------


def test_folders_nest_with_breadcrumbs_and_a_taken_name_is_refused(world) -> None:
    anne = world.client("anne")
    new_folder(anne, "/workspace/", "Afdeling")
    new_folder(anne, "/workspace/Afdeling/", "Team één")
    page = anne.get(f"/workspace/Afdeling/{quote('Team één')}/")
    crumbs = [" ".join(a.text.split()) for a in page.html.select(".utrecht-breadcrumb-nav a")]
    assert crumbs == ["Werkruimte", "Afdeling", "Team één"]
    page = new_folder(anne, "/workspace/", "Afdeling", status=409)
    assert "Afdeling" in alert(page)
    new_folder(anne, "/workspace/", "../x", status=400)


def test_a_large_folder_is_listed_a_page_at_a_time_folders_first(world) -> None:
    anne = world.client("anne")
    new_folder(anne, "/workspace/", "Veel")
    files = [(f"bestand-{n:03}.txt", b"x" * n) for n in range(120)]
    upload(anne, "/workspace/Veel/", *files[:100])
    upload(anne, "/workspace/Veel/", *files[100:])
    new_folder(anne, "/workspace/Veel/", "zzz-map")
    first = names_in(anne, "/workspace/Veel/")
    assert len(first) == 50 and first[0] == "Map: zzz-map" and first[1] == "bestand-000.txt"
    third = anne.get("/workspace/Veel/?page=3")
    assert len(third.html.select(".workspace-table tbody tr")) == 21
    assert not third.html.select("a[rel=next]") and third.html.select("a[rel=prev]")
    by_size = names_in(anne, "/workspace/Veel/?sort=size&order=desc")
    assert by_size[1] == "bestand-119.txt"
    page = anne.get("/workspace/Veel/?sort=colour", status=400)
    assert alert(page)
    anne.get("/workspace/Veel/?page=0", status=400)


def test_a_folder_downloads_as_a_zip_with_what_the_viewer_may_see(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    new_folder(anne, "/workspace/", "Archief")
    upload(anne, "/workspace/Archief/", ("a.txt", b"aaa"), ("b.png", png("blue")))
    new_folder(anne, "/workspace/Archief/", "Binnen")
    upload(anne, "/workspace/Archief/Binnen/", ("c.txt", b"ccc"))
    new_folder(anne, "/workspace/Archief/", "Geheim")
    upload(anne, "/workspace/Archief/Geheim/", ("d.txt", b"ddd"))
    with world.changing() as site:
        site["workspace"]["Archief"]["Geheim"].access = "private"
    answer = bert.get("/workspace/Archief/@@zip")
    assert answer.content_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.body)) as archive:
        names = set(archive.namelist())
        assert names == {"a.txt", "b.png", "Binnen/", "Binnen/c.txt"}
        assert archive.read("Binnen/c.txt") == b"ccc"
    with zipfile.ZipFile(io.BytesIO(anne.get("/workspace/Archief/@@zip").body)) as archive:
        assert archive.read("Geheim/d.txt") == b"ddd"


def test_a_private_folder_is_closed_to_others(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    new_folder(anne, "/workspace/", "Van Anne")
    upload(anne, "/workspace/Van%20Anne/", ("dagboek.txt", b"geheim"))
    with world.changing() as site:
        site["workspace"]["Van Anne"].access = "private"
        site["workspace"]["Van Anne"]["dagboek.txt"].access = "members"  # capped by the folder
    bert.get("/workspace/Van%20Anne/", status=403)
    bert.get("/workspace/Van%20Anne/dagboek.txt/@@download", status=403)
    upload_status = bert.post("/workspace/Van%20Anne/@@upload", {}, status="*").status_int
    assert upload_status in (400, 403)
    assert "Van Anne" not in " ".join(names_in(bert, "/workspace/"))
    world.client().get("/workspace/Van%20Anne/dagboek.txt/@@download", status=403)


def test_outsiders_and_anonymous_visitors_cannot_upload(world) -> None:
    olga = world.client("olga")
    token = page_csrf(olga.get("/workspace/"))
    olga.post(
        "/workspace/@@upload", {"csrf_token": token}, upload_files=[("files", "x.txt", b"x")],
        status=403,
    )  # fmt: skip
    assert not world.client().get("/workspace/").html.select("#upload-form")


# -- at the same moment ------------------------------------------------------------------------


def multipart(token: str, name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "pleio-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_uploads_of_one_name_at_the_same_moment_become_its_versions(world) -> None:
    anne = world.client("anne")
    anne.get("/workspace/")  # (its templates compiled before any thread renders one)
    cookie = "; ".join(f"{c.name}={c.value}" for c in anne.testapp.cookiejar)
    token = page_csrf(anne.get("/workspace/"))
    server = LiveServer(world.app)

    def send(n: int) -> int:
        body, content_type = multipart(token, "samen.txt", f"versie {n}".encode())
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            conn.request("POST", "/workspace/@@upload", body=body, headers={
                "Host": HOST, "Cookie": cookie, "Content-Type": content_type,
            })  # fmt: skip
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    try:
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(send, range(12)))
    finally:
        server.close()
    assert statuses == [303] * 12
    with world.committed("/workspace/samen.txt") as file:
        assert sorted(v.number for v in file.versions) == list(range(1, 13))
        bodies = {v.stored.blob.open("r").read() for v in file.versions}
        assert bodies == {f"versie {n}".encode() for n in range(12)}


def test_the_pages_are_valid_html(world) -> None:
    anne = world.client("anne")
    new_folder(anne, "/workspace/", "Geldig")
    upload(anne, "/workspace/Geldig/", ("a.png", png()), ("b.txt", b"b"))
    token = page_csrf(anne.get("/workspace/Geldig/b.txt"))
    anne.post("/workspace/Geldig/b.txt/@@lock", {"csrf_token": token}, status=303)
    pages = {
        "folder": anne.get("/workspace/Geldig/").body,
        "workspace": anne.get("/workspace/").body,
        "image": anne.get("/workspace/Geldig/a.png").body,
        "locked": anne.get("/workspace/Geldig/b.txt").body,
        "locked, to another": world.client("eva").get("/workspace/Geldig/b.txt").body,
        "refused": new_folder(anne, "/workspace/", "Geldig", status=409).body,
        "mine": anne.get("/workspace/@@mine").body,
        "upload": anne.get("/workspace/@@add?type=file").body,
    }
    assert_valid_html(pages)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=0, max_size=80), note=st.text(max_size=600))
def test_any_unicode_as_a_name_or_note_is_stored_or_refused_never_a_500(world, name, note) -> None:
    bert = world.client("bert")
    token = page_csrf(bert.get("/workspace/"))
    answer = bert.post(
        "/workspace/@@add?type=folder", {"csrf_token": token, "name": name}, expect_errors=True
    )
    assert answer.status_int in (303, 400, 409), (name, answer.status_int)
    answer = bert.post(
        "/workspace/@@upload", [("csrf_token", token)],
        upload_files=[("files", name or "x", b"data")], expect_errors=True,
    )  # fmt: skip
    assert answer.status_int in (303, 400, 403, 409), (name, answer.status_int)
    if answer.status_int == 303:
        stored = unicodedata.normalize("NFC", name or "x").strip()
        where = answer.location.split(HOST, 1)[1].split("?")[0] + quote(stored)
        page = bert.get(where, expect_errors=True)
        form = next((f for f in page.forms.values() if "file" in f.fields), None)
        if form is not None:
            form["file"] = ("other", b"version two")
            form["note"] = note
            assert form.submit(expect_errors=True).status_int in (303, 400)


def test_a_name_taken_by_what_the_uploader_may_not_see_tells_nothing_of_it(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    upload(anne, "/workspace/", ("verborgen-naam.txt", b"geheim"))
    with world.changing() as site:
        site["workspace"]["verborgen-naam.txt"].access = "private"
    page = upload(bert, "/workspace/", ("verborgen-naam.txt", b"van bert"), status=403)
    assert "bestaat" not in alert(page) and "verborgen-naam.txt" in alert(page)
    assert anne.get("/workspace/verborgen-naam.txt/@@download").body == b"geheim"


def test_orders_by_size_and_date_follow_new_versions_and_edits(world) -> None:
    anne = world.client("anne")
    new_folder(anne, "/workspace/", "Volgorde")
    where = "/workspace/Volgorde/"
    upload(anne, where, ("a.txt", b"a" * 30), ("b.txt", b"b" * 10), ("c.txt", b"c" * 20))
    assert names_in(anne, where + "?sort=size") == ["b.txt", "c.txt", "a.txt"]
    upload(anne, where, ("b.txt", b"b" * 40))  # b's new version is the largest and newest
    assert names_in(anne, where + "?sort=size") == ["c.txt", "a.txt", "b.txt"]
    assert names_in(anne, where + "?sort=size&order=desc") == ["b.txt", "a.txt", "c.txt"]
    assert names_in(anne, where + "?sort=modified&order=desc")[0] == "b.txt"
    form = anne.get(where + "c.txt/@@edit").forms["content-form"]
    form["body"] = "Een beschrijving."
    form.submit("save", status=303)
    assert names_in(anne, where + "?sort=modified&order=desc")[0] == "c.txt"
    with world.committed(where) as folder:
        assert len(list(folder.files_by("size"))) == 3


def test_pages_link_to_what_the_viewer_may_do_with_the_item(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    new_folder(anne, "/workspace/", "Koppelingen")
    upload(anne, "/workspace/Koppelingen/", ("k.txt", b"k"))
    for where in ("/workspace/Koppelingen/", "/workspace/Koppelingen/k.txt"):
        links = {a["href"].rsplit("@@", 1)[-1] for a in anne.get(where).html.select(".actions a")}
        assert {"rename", "move", "copy", "delete"} <= links, (where, links)
        links = {a["href"].rsplit("@@", 1)[-1] for a in bert.get(where).html.select(".actions a")}
        assert not {"rename", "move", "delete"} & links and "copy" in links, (where, links)
    assert "@@trash" in anne.get("/workspace/").text
