"""Export and import of a site with folders and files (every version's bytes), and the
files in someone's "Download my data"; what an archive may not name."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from urllib.parse import unquote

import pytest
from pleio_workspace.files.model import Lock, WorkspaceFolder
from pleio_workspace.trash import storage_usage

from pleio_core.testing import SiteWorld, rebuild_archive

NAMES = ("Projectplan 2027", "Ünïcødé — map", "日本語")
FILE = "verslag café (def).txt"


def build(ws) -> dict[str, list[str]]:
    """Nested folders, a file with 3 versions deep in them, a locked one, one in the
    trash; path → the SHA-256 of each version."""
    path = "/workspace"
    for name in NAMES:
        path = f"{path}/{name}"
        ws.add_folder(path, owner="anne")
    versions = [b"een", b"twee " * 1000, bytes(range(256)) * 40]
    ws.add_file(f"{path}/{FILE}", versions, owner="anne")
    ws.add_file("/workspace/op slot.txt", [b"locked"], owner="bert")
    ws.post("admin", "/workspace/op slot.txt/@@rename", 303, name="nog op slot.txt")  # a move
    with ws.changing() as site:
        site["workspace"]["nog op slot.txt"].lock = Lock("t", "x", "Bert", None)
    ws.add_file("/workspace/weg.txt", [b"in the trash"], owner="anne")
    ws.post("anne", "/workspace/weg.txt/@@delete", 303)
    return {
        f"{path}/{FILE}": [hashlib.sha256(v).hexdigest() for v in versions],
        "/workspace/nog op slot.txt": [hashlib.sha256(b"locked").hexdigest()],
    }


def export(ws, tmp_path) -> str:
    ws.setup.close()
    archive = str(tmp_path / "ws.zip")
    assert ws.setup.pleio("site", "export", "ws", archive) == 0
    return archive


def test_a_site_round_trip_keeps_folders_files_and_every_version(ws, tmp_path) -> None:
    expected = build(ws)
    with ws.committed("/") as site:
        used = storage_usage(site)
    archive = export(ws, tmp_path)
    assert ws.setup.pleio("site", "import", "copy", archive, "--host", "copy.localhost") == 0
    app = ws.setup.make_app()
    copy = SiteWorld(ws.setup, app, "copy", "copy.localhost")
    for path, digests in expected.items():
        with copy.committed(path) as item:
            blobs = [v.stored.chunks() for v in item.versions]
            assert [hashlib.sha256(b"".join(c)).hexdigest() for c in blobs] == digests
            assert [v.stored.sha256 for v in item.versions] == digests
            assert [v.number for v in item.versions] == list(range(1, len(digests) + 1))
            assert item.title == item.__name__ and item.lock is None  # locks stay behind
            if isinstance(item.__parent__, WorkspaceFolder):  # in its folder's orders
                assert item.listed == (item.size, item.modified)
                assert item.__name__ in list(item.__parent__.files_by("size"))
    with copy.committed(f"/workspace/{NAMES[0]}/{NAMES[1]}") as folder:
        assert folder.title == NAMES[1] and list(folder.keys()) == [NAMES[2]]
    with copy.committed("/") as site:
        assert "weg.txt" not in site["workspace"]  # nor does the trash travel
        assert getattr(site, "workspace_trash", None) is None
        assert storage_usage(site) == used - len(b"in the trash")
    anne = ws.setup.signed_in(app, "anne@example.nl", "copy.localhost")
    old = anne.get("/workspace/op%20slot.txt/", status=303)  # its old address came along
    assert unquote(old.location).endswith("/workspace/nog op slot.txt/")
    assert FILE in anne.get("/@@search?text=verslag").text  # indexed on the new site


def test_download_my_data_holds_the_versions_i_stored(ws) -> None:
    build(ws)
    anne = ws.client("anne")
    response = anne.get("/@@my-data").forms["my-data-form"].submit(status=200)
    archive = zipfile.ZipFile(io.BytesIO(response.body))
    part = json.loads(archive.read("plugins/workspace.json"))
    (mine,) = part["files"]  # not Bert's file
    assert mine["path"].endswith(FILE) and [v["number"] for v in mine["versions"]] == [1, 2, 3]
    for version in mine["versions"]:
        data = archive.read(f"files/{version['file']['sha256']}")
        assert hashlib.sha256(data).hexdigest() == version["file"]["sha256"]


@pytest.mark.parametrize(
    "bad", ["..", "a/b", "@@x", "x\x07y", " x", "x\u200by", "a\u2028b", "x\u0085", "."]
)
def test_an_archive_with_a_bad_item_name_is_refused(ws, tmp_path, bad) -> None:
    build(ws)
    archive = export(ws, tmp_path)
    with zipfile.ZipFile(archive) as source:
        member, document = next(
            (name, doc)
            for name in source.namelist()
            if name.startswith("content/")
            and (doc := json.loads(source.read(name)))["path"].endswith(FILE)
        )
    document["path"] = document["path"].rpartition("/")[0] + "/" + bad
    bent = tmp_path / "bent.zip"
    bent.write_bytes(rebuild_archive(archive, {member: json.dumps(document).encode()}))
    code = ws.setup.pleio("site", "import", "bad", str(bent), "--host", "bad.localhost")
    assert code != 0
