"""Export and import of a whole deelsite: the round trip, and every bad archive refused."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from pleio_core.content.files import store_file
from pleio_core.content.site import ROOT_KEY
from pleio_core.exchange import archive as archive_format
from pleio_core.exchange import importing
from pleio_core.services import SITE_DATABASES
from pleio_core.sites.appearance import store_image
from pleio_core.sites.effective import set_holder_settings
from pleio_core.storage import PLATFORM_KEY
from pleio_core.storage.databases import open_database
from pleio_core.testing import PleioTestSetup, add_through_form, rebuild_archive

SCHEMA_DIR = Path(archive_format.__file__).parent / "schema"
HOST = "alpha.localhost"

#: A third-party plugin whose type holds a file, and which keeps extra data of its own.
ATTACHMENT_PLUGIN = """
import colander
from pleio_core.content import Content, ContentSchema
from pleio_core.content.files import StoredFileType
from pleio_core.plugins import hookimpl
from pleio_core.plugins.module import ModulePlugin

class Attachment(Content):
    file = None
    colour = ""

class AttachmentSchema(ContentSchema):
    file = colander.SchemaNode(StoredFileType(), missing=None)

plugin = ModulePlugin(
    name="attachments", package="pleio_core", title="Attachments", description="Files",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info
pleio_menu_items = plugin.pleio_menu_items

@hookimpl
def pleio_configure(config):
    config.add_module_folder("attachments", "Attachments")
    config.add_content_type("attachment", Attachment, title="Attachment", schema=AttachmentSchema)

@hookimpl
def pleio_export_extra(content, registry):
    return {"colour": content.colour} if isinstance(content, Attachment) else None

@hookimpl
def pleio_import_extra(content, data, registry):
    if data.get("colour") == "forbidden":
        raise ValueError("that colour is not allowed")
    content.colour = data["colour"]
"""

PEOPLE = {"anne": "admin", "bert": "member", "eva": "editor"}


def site_db(setup: PleioTestSetup, name: str):
    return open_database(storage_uri(setup, name), name)


def storage_uri(setup: PleioTestSetup, name: str) -> str:
    from pleio_core.cli.context import load_platform

    return load_platform(str(setup.ini_file())).storage_uri(name)


def add(client, container: str, type_name: str, title: str, body: str = "", access="public"):
    return add_through_form(client, container, type_name, title=title, body=body, access=access)


def edit(client, path: str, body: str, comment: str = "") -> None:
    form = client.get(f"{path}@@edit").forms["content-form"]
    form["body"] = body
    if comment and "comment" in form.fields:
        form["comment"] = comment
    form.submit("save", status=303)


@pytest.fixture
def alpha(pleio_setup: PleioTestSetup, notes_plugin, plugin_installer, tmp_path):
    """Site alpha with wiki pages (nested, edited, commented, liked), notes, attachments."""
    plugin_installer("attachments", ATTACHMENT_PLUGIN)
    setup = pleio_setup
    setup.write_site("alpha", modules=["wiki", "notes", "attachments"], access="public")
    for name, role in PEOPLE.items():
        setup.create_account(f"{name}@example.nl", name.capitalize(), alpha=role)
    setup.create_account("otto@example.nl", "Otto")
    app = setup.make_app()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    bert = setup.signed_in(app, "bert@example.nl", HOST)
    book = add(anne, "/wiki/", "page", "Handboek", "Het **handboek**")
    chapter = add(anne, book, "page", "Hoofdstuk een", "Eerste versie")
    edit(anne, chapter, "Tweede versie")
    eva = setup.signed_in(app, "eva@example.nl", HOST)
    edit(eva, chapter, "Derde versie, door Eva")
    add(anne, chapter, "page", "Paragraaf", "Diep genest", access="members")
    add(bert, "/notes/", "note", "Bert zijn eigen notitie", "Alleen voor mij", access="private")
    add(eva, "/notes/", "note", "Evas notitie")
    page = bert.get(chapter)
    page.forms["comment-form"]["text"] = "Mooi *hoofdstuk*"
    page.forms["comment-form"].submit(status=303)
    page = anne.get(chapter)
    reply = next(f for f in page.forms.values() if "reply_to" in f.fields)
    reply["text"] = "Dank je, Bert"
    reply.submit(status=303)
    for client in (bert, eva):
        client.get(chapter).forms["like-form"].submit(status=303)
    setup.close()
    # files: no form uploads them yet, so they are stored as a module would store them
    db = site_db(setup, "alpha")
    with db.transaction() as conn:
        root = conn.root()[ROOT_KEY]
        folder = root.get("attachments")
        for name, filename in (("een", "verslag.pdf"), ("twee", "kopie.pdf")):
            from pleio_test_attachments import Attachment

            item = Attachment("Bijlage " + name, owner=None)
            item.access = "public"
            item.file = store_file(
                io.BytesIO(b"%PDF-1.4 bytes" * 1000), filename, "application/pdf"
            )
            item.colour = "blauw"
            folder.add(name, item)
        # what the holder set in the control panel
        set_holder_settings(root, title="Alfa, ons eigen", contact_email="info@alfa.nl")
        root.colours = {"primary": "#004400"}
        root.menu_settings = {
            "order": ["/notes/", "/wiki/"],
            "titles": {"/wiki/": "Kennisbank"},
            "hidden": [],
            "links": [("Rijksoverheid", "https://www.rijksoverheid.nl/")],
        }
        root.front_page = "wiki/handboek"
        root.home_settings = {"order": ["wiki.recent", "notes.newest"], "hidden": ["notes.newest"]}
        store_image(root, "logo", PNG, "image/png")
    db.close()
    return setup, tmp_path


PNG = b"\x89PNG\r\n\x1a\n" + b"a logo" * 100


def read_archive(path: Path) -> dict:
    """Everything in an archive, the installation-specific parts of the manifest left out."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        documents = {n: json.loads(zf.read(n)) for n in zf.namelist() if n.startswith("content/")}
        lines = {
            n: sorted(
                json.dumps(json.loads(line), sort_keys=True) for line in zf.read(n).splitlines()
            )
            for n in zf.namelist()
            if n.endswith(".jsonl")
        }
        files = {
            n: hashlib.sha256(zf.read(n)).hexdigest()
            for n in zf.namelist()
            if n.startswith("files/")
        }
    for key in ("created", "checksums"):
        manifest.pop(key)
    manifest["site"].pop("name")
    return {"manifest": manifest, "documents": documents, "lines": lines, "files": files}


def validate(path: Path) -> None:
    """Every member of the archive against the format's JSON Schemas."""
    manifest_schema = json.loads((SCHEMA_DIR / "manifest.json").read_text())
    content_schema = json.loads((SCHEMA_DIR / "content.json").read_text())
    records = json.loads((SCHEMA_DIR / "records.json").read_text())
    line_schema = {
        "accounts.jsonl": "account",
        "members.jsonl": "member",
        "audit-log.jsonl": "audit_entry",
        "profile-fields.jsonl": "profile_field",
        "profiles.jsonl": "profile",
    }
    with zipfile.ZipFile(path) as zf:
        jsonschema.validate(json.loads(zf.read("manifest.json")), manifest_schema)
        for name in zf.namelist():
            if name.startswith("content/"):
                jsonschema.validate(json.loads(zf.read(name)), content_schema)
            elif name in line_schema:
                schema = {**records, "$ref": f"#/$defs/{line_schema[name]}"}
                for line in zf.read(name).splitlines():
                    jsonschema.validate(json.loads(line), schema)


def test_round_trip_keeps_everything(alpha, capsys) -> None:
    setup, tmp = alpha
    first, second = tmp / "alpha.zip", tmp / "beta.zip"
    assert setup.pleio("site", "export", "alpha", str(first)) == 0
    assert "exporting alpha: 1 objects" in capsys.readouterr().err  # the progress bar
    validate(first)
    assert setup.pleio("site", "import", "beta", str(first), "--host", "beta.localhost") == 0
    output = capsys.readouterr()
    assert "imported beta: 7 objects" in output.out and "importing beta:" in output.err
    assert setup.pleio("site", "export", "beta", str(second)) == 0
    before, after = read_archive(first), read_archive(second)
    assert before == after
    manifest = before["manifest"]
    assert manifest["types"] == {
        "attachment": {"module": "attachments", "count": 2},
        "note": {"module": "notes", "count": 2},
        "page": {"module": "wiki", "count": 3},
    }
    assert manifest["plugins"]["attachments"] == "1.2.3"
    assert manifest["counts"]["files"] == 1  # two attachments, one file: stored once
    assert manifest["counts"]["members"] == 3 and manifest["counts"]["likes"] == 2
    chapter = next(
        d for d in before["documents"].values() if d["path"] == "wiki/handboek/hoofdstuk-een"
    )
    assert [r["author"] for r in chapter["revisions"]] == [
        "anne@example.nl",
        "anne@example.nl",
        "eva@example.nl",
    ]
    assert [c["author"] for c in chapter["comments"]] == ["bert@example.nl", "anne@example.nl"]
    assert chapter["likes"] == ["bert@example.nl", "eva@example.nl"]
    attachment = next(d for d in before["documents"].values() if d["type"] == "attachment")
    assert attachment["extra"] == {"attachments": {"colour": "blauw"}}
    assert attachment["fields"]["file"]["filename"] in ("verslag.pdf", "kopie.pdf")
    appearance = manifest["site"]["appearance"]
    assert appearance["settings"]["title"] == "Alfa, ons eigen"
    assert appearance["colours"] == {"primary": "#004400"}
    assert appearance["menu"]["links"] == [["Rijksoverheid", "https://www.rijksoverheid.nl/"]]
    assert appearance["front_page"] == "wiki/handboek"
    assert appearance["home"] == {
        "order": ["wiki.recent", "notes.newest"],
        "hidden": ["notes.newest"],
    }
    assert appearance["logo"]["media_type"] == "image/png"  # (and the same file after import)
    accounts = before["lines"]["accounts.jsonl"]
    assert not any("password_hash" in line for line in accounts)  # not without the option
    assert not any("otto" in line for line in accounts)  # not named by the site


def test_the_imported_site_shows_the_same_pages_to_the_same_people(alpha) -> None:
    setup, tmp = alpha
    archive = tmp / "alpha.zip"
    assert setup.pleio("site", "export", "alpha", str(archive)) == 0
    assert setup.pleio("site", "import", "beta", str(archive), "--host", "beta.localhost") == 0
    app = setup.make_app()
    paths = [
        "/wiki/handboek/",
        "/wiki/handboek/hoofdstuk-een/",
        "/wiki/handboek/hoofdstuk-een/paragraaf/",
        "/wiki/handboek/hoofdstuk-een/@@history",
        "/notes/bert-zijn-eigen-notitie/",
        "/notes/evas-notitie/",
        "/attachments/een/",
    ]
    for who in (None, "anne", "bert", "otto"):
        seen = {}
        for host in (HOST, "beta.localhost"):
            if who is None:
                client = setup.client(app, host=host)
            else:
                client = setup.signed_in(app, f"{who}@example.nl", host)
            seen[host] = [
                (
                    client.get(p, expect_errors=True).status_int,
                    _title(client.get(p, expect_errors=True).text),
                )
                for p in paths
            ]
        assert seen[HOST] == seen["beta.localhost"], who
    bert = setup.signed_in(app, "bert@example.nl", "beta.localhost")
    home = bert.get("/")  # the holder's choices came along: name, menu, colours, logo
    assert "Alfa, ons eigen" in home.html.select_one(".site-brand").text
    assert "Kennisbank" in home.text and "https://www.rijksoverheid.nl/" in home.text
    assert "#004400" in bert.get("/@@theme.css").text
    assert bert.get(home.html.select_one(".site-brand img")["src"]).body == PNG
    found = bert.get("/@@search?text=genest")  # the imported site's catalog was built
    assert "/wiki/handboek/hoofdstuk-een/paragraaf/" in found.text
    page = bert.get("/wiki/handboek/hoofdstuk-een/")
    assert "<em>hoofdstuk</em>" in page.text and "Dank je, Bert" in page.text
    assert bert.get("/notes/bert-zijn-eigen-notitie/").status_int == 200
    db = SITE_DATABASES(app.registry).get("beta")
    conn = db.open()
    try:
        item = conn.root()[ROOT_KEY]["attachments"]["een"]
        with item.file.blob.open("r") as stream:
            assert stream.read() == b"%PDF-1.4 bytes" * 1000
        assert item.colour == "blauw"
    finally:
        conn.close()


def _title(html: str) -> str:
    start = html.find("<title>")
    return html[start : html.find("</title>")] if start >= 0 else ""


# -- bad archives ---------------------------------------------------------------------------


def small_archive(setup: PleioTestSetup, tmp_path: Path) -> Path:
    """Site alpha with three notes, exported: a good archive."""
    setup.write_site("alpha", modules=["notes"])
    setup.create_account("anne@example.nl", "Anne", alpha="admin")
    app = setup.make_app()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    for title in ("Een", "Twee", "Drie"):
        add(anne, "/notes/", "note", title, "Tekst van " + title)
    setup.close()
    good = tmp_path / "good.zip"
    assert setup.pleio("site", "export", "alpha", str(good)) == 0
    return good


@pytest.fixture
def small(pleio_setup: PleioTestSetup, notes_plugin, tmp_path):
    """A small site's good archive, to spoil in every way."""
    return pleio_setup, small_archive(pleio_setup, tmp_path)


def _link() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("content/00000099.json")
    info.create_system = 3
    info.external_attr = (0o120777) << 16  # S_IFLNK
    return info


def _bomb() -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo("content/00000099.json")
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, b" " * (50 << 20)


def _corrupt(good: Path) -> bytes:
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("content/00000002.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size, 40)):
        raw[offset] ^= 0xFF
    return bytes(raw)


def _doc(good: Path, name: str, **fields) -> bytes:
    with zipfile.ZipFile(good) as zf:
        document = json.loads(zf.read(name))
    document["fields"].update(fields)
    return json.dumps(document).encode()


def _access(good: Path, group: str) -> bytes:
    with zipfile.ZipFile(good) as zf:
        document = json.loads(zf.read("content/00000001.json"))
    document["access"] = {"level": "group", "group": group}
    return json.dumps(document).encode()


def _broken(good: Path, name: str) -> bytes:
    with zipfile.ZipFile(good) as zf:
        document = json.loads(zf.read(name))
    document["comments"] = [{"text": "without an id or author"}]
    return json.dumps(document).encode()


def _needs_gadgets(data: dict) -> None:
    data["types"]["gadget"] = {"module": "gadgets", "count": 1}
    data["plugins"]["gadgets"] = "2.0"


BAD = {
    "a path out of its folder": (
        lambda g: rebuild_archive(g, extra=[("../evil.txt", b"x")]),
        "leaves",
    ),
    "an absolute path": (
        lambda g: rebuild_archive(g, extra=[("/tmp/evil", b"x")]),
        "absolute path",
    ),
    "a link": (lambda g: rebuild_archive(g, extra=[(_link(), b"/etc/passwd")]), "a link"),
    "a zip bomb": (lambda g: rebuild_archive(g, extra=[_bomb()]), "zip bomb"),
    "a truncated archive": (lambda g: g.read_bytes()[: len(g.read_bytes()) // 2], "truncated"),
    "a corrupted member": (_corrupt, "damaged"),
    "a checksum mismatch": (
        lambda g: rebuild_archive(
            g,
            {"content/00000001.json": _doc(g, "content/00000001.json", title="X")},
            checksums=False,
        ),
        "does not match its checksum",
    ),
    "an unlisted member": (
        lambda g: rebuild_archive(g, extra=[("content/00000042.json", b"{}")]),
        "does not list",
    ),
    "a newer format": (
        lambda g: rebuild_archive(
            g, manifest=lambda m: m.update(format_version=3, pleio_version="9.0")
        ),
        "format version 3",
    ),
    "a plugin not installed": (
        lambda g: rebuild_archive(g, manifest=_needs_gadgets),
        "gadgets 2.0",
    ),
    "a javascript: menu link": (
        lambda g: rebuild_archive(
            g,
            manifest=lambda m: m["site"]["appearance"]["menu"].update(
                links=[["Klik", "javascript:alert(1)"]]
            ),
        ),
        "is not a title and address",
    ),
    "home widgets that are no list": (
        lambda g: rebuild_archive(
            g, manifest=lambda m: m["site"]["appearance"].update(home={"order": "wiki.recent"})
        ),
        "the home widgets' order is not a list of texts",
    ),
    "a colour that is none": (
        lambda g: rebuild_archive(
            g,
            manifest=lambda m: m["site"]["appearance"].update(
                colours={"primary": "red; background: url(x)"}
            ),
        ),
        "is not a colour",
    ),
    "a half-closed site": (
        lambda g: rebuild_archive(
            g, manifest=lambda m: m["site"]["appearance"]["settings"].update(access="open")
        ),
        "access = 'open' is not allowed",
    ),
    "a group that is everyone": (
        lambda g: rebuild_archive(g, {"content/00000001.json": _access(g, "system.Everyone")}),
        "is not a group",
    ),
    "an old address leading nowhere": (
        lambda g: rebuild_archive(g, manifest=lambda m: m["site"].update(moved_paths={"/a": "/b"})),
        "which is no content",
    ),
    "not a zip at all": (lambda g: b"just some text", "not a readable zip"),
    "a malformed document": (
        lambda g: rebuild_archive(
            g, {"content/00000002.json": _broken(g, "content/00000002.json")}
        ),
        "a bad document",
    ),
}


def nothing_left_of(setup: PleioTestSetup, name: str) -> bool:
    from urllib.parse import urlsplit

    folder = Path(urlsplit(storage_uri(setup, name)).path).parent
    return not (setup.site_configs / f"{name}.toml").exists() and not folder.exists()


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_archive_is_refused_and_leaves_nothing(small, case, capsys, tmp_path) -> None:
    setup, good = small
    make, message = BAD[case]
    bad = tmp_path / "bad.zip"
    bad.write_bytes(make(good))
    capsys.readouterr()
    assert setup.pleio("site", "import", "gamma", str(bad), "--host", "gamma.localhost") == 2
    error = capsys.readouterr().err
    assert "pleio: error:" in error and message in error, error
    assert nothing_left_of(setup, "gamma")


def test_a_failure_halfway_removes_the_site_and_makes_no_accounts(small, monkeypatch, capsys):
    setup, good = small
    monkeypatch.setattr(importing, "BATCH", 1)  # commits before the failure, to be removed
    with zipfile.ZipFile(good) as zf:
        accounts = zf.read("accounts.jsonl")
    newcomer = json.dumps(
        {"email": "nieuw@example.nl", "name": "Nieuw", "language": "nl", "email_verified": True}
    ).encode()
    bad = good.with_name("halfway.zip")
    bad.write_bytes(
        rebuild_archive(
            good,
            {
                "content/00000003.json": _doc(good, "content/00000003.json", title=""),
                "accounts.jsonl": accounts + newcomer + b"\n",
            },
        )
    )
    assert setup.pleio("site", "import", "gamma", str(bad), "--host", "gamma.localhost") == 2
    assert "content/00000003.json" in capsys.readouterr().err
    assert nothing_left_of(setup, "gamma")
    from pleio_core.cli.context import load_platform, opened
    from pleio_core.security.store import accounts_of

    platform = load_platform(str(setup.ini_file()))
    with opened(platform.settings.platform_storage_uri, "platform", read_only=True) as db:
        with db.transaction() as conn:
            accounts = accounts_of(conn.root()[PLATFORM_KEY])
            assert accounts.by_email("nieuw@example.nl") is None
            assert accounts.by_email("anne@example.nl") is not None
    # the same archive without the bad document goes in, and brings its new account
    bad.write_bytes(
        rebuild_archive(good, {"accounts.jsonl": accounts_bytes(good) + newcomer + b"\n"})
    )
    assert setup.pleio("site", "import", "gamma", str(bad), "--host", "gamma.localhost") == 0
    assert not nothing_left_of(setup, "gamma")
    with opened(platform.settings.platform_storage_uri, "platform", read_only=True) as db:
        with db.transaction() as conn:
            made = accounts_of(conn.root()[PLATFORM_KEY]).by_email("nieuw@example.nl")
            assert made is not None and made.password_hash is None  # no sign-in without reset


def accounts_bytes(good: Path) -> bytes:
    with zipfile.ZipFile(good) as zf:
        return zf.read("accounts.jsonl")


def test_import_never_replaces_a_site(small, capsys) -> None:
    setup, good = small
    assert setup.pleio("site", "import", "alpha", str(good), "--host", "other.localhost") == 2
    assert "already exists" in capsys.readouterr().err
    assert setup.pleio("site", "import", "delta", str(good), "--host", HOST) == 2
    assert "already used by site 'alpha'" in capsys.readouterr().err


def test_with_credentials_people_sign_in_on_another_installation(small, tmp_path) -> None:
    setup, _good = small
    archive = tmp_path / "with-credentials.zip"
    assert setup.pleio("site", "export", "alpha", str(archive), "--include-credentials") == 0
    validate(archive)
    with zipfile.ZipFile(archive) as zf:
        assert b"password_hash" in zf.read("accounts.jsonl")
        assert json.loads(zf.read("manifest.json"))["includes_credentials"] is True
    other = PleioTestSetup(tmp_path / "elsewhere")
    try:
        assert other.pleio("site", "import", "alpha", str(archive), "--host", HOST) == 0
        app = other.make_app()
        anne = other.signed_in(app, "anne@example.nl", HOST)  # her password came along
        page = anne.get("/notes/een/")
        assert "Tekst van Een" in page.text
        anne.get("/@@export", status=200)  # and she is still the site's admin
    finally:
        other.close()


def test_a_plugin_refusing_its_extra_data_stops_the_import(alpha, capsys) -> None:
    setup, tmp = alpha
    good = tmp / "alpha.zip"
    assert setup.pleio("site", "export", "alpha", str(good)) == 0
    with zipfile.ZipFile(good) as zf:
        name = next(
            n
            for n in zf.namelist()
            if n.startswith("content/") and json.loads(zf.read(n))["type"] == "attachment"
        )
        document = json.loads(zf.read(name))
    document["extra"]["attachments"]["colour"] = "forbidden"
    bad = tmp / "forbidden.zip"
    bad.write_bytes(rebuild_archive(good, {name: json.dumps(document).encode()}))
    capsys.readouterr()
    assert setup.pleio("site", "import", "gamma", str(bad), "--host", "gamma.localhost") == 2
    assert "refused its data: that colour is not allowed" in capsys.readouterr().err
    assert nothing_left_of(setup, "gamma")
    # the good archive under another title
    args = ("site", "import", "gamma", str(good), "--host", "gamma.localhost")
    assert setup.pleio(*args, "--title", "Gamma") == 0
    assert 'title = "Gamma"' in (setup.site_configs / "gamma.toml").read_text()


def test_relstorage_import_and_a_failed_one_leaves_the_database_empty(
    pleio_setup: PleioTestSetup, notes_plugin, postgres_server, monkeypatch, tmp_path, capsys
) -> None:
    setup = pleio_setup
    setup.settings["pleio.storage_uri"] = postgres_server.uri("pleio_exchange_{site}")
    good = small_archive(setup, tmp_path)
    monkeypatch.setattr(importing, "BATCH", 1)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(
        rebuild_archive(
            good, {"content/00000003.json": _doc(good, "content/00000003.json", title="")}
        )
    )
    assert setup.pleio("site", "import", "gamma", str(bad), "--host", "gamma.localhost") == 2
    assert "content/00000003.json" in capsys.readouterr().err
    assert not (setup.site_configs / "gamma.toml").exists()
    db = site_db(setup, "gamma")
    try:
        with db.transaction() as conn:
            assert ROOT_KEY not in conn.root()  # the batches written were removed
    finally:
        db.close()
    assert setup.pleio("site", "import", "gamma", str(good), "--host", "gamma.localhost") == 0
    app = setup.make_app()
    assert "Tekst van Drie" in setup.client(app, host="gamma.localhost").get("/notes/drie/").text
