"""Found in review 18: what the workspace makes itself cannot be made another way."""

from __future__ import annotations

from pleio_workspace.trash import storage_usage

from pleio_core.testing import PleioTestSetup, bearer, make_token, page_csrf, sign_in_client

from .conftest import WS_HOST, WorkspaceWorld


def test_the_api_and_the_core_form_make_no_file_without_bytes(ws) -> None:
    # (a File with no version made the file page, copying and more answer 500)
    client = sign_in_client(ws.setup, ws.app, "anne@example.nl", ws.host)
    auth = bearer(make_token(client, "ws"))
    for kind in ("file", "folder"):
        refused = client.post_json("/api/v1/content/workspace", {"type": kind}, headers=auth,
                                   host=ws.host, status=422)  # fmt: skip
        assert "type" in refused.json["errors"]
    anne = ws.client("anne")
    token = page_csrf(anne.get("/workspace/"))
    anne.post("/workspace/@@add?type=file", {"csrf_token": token}, status=404)
    assert ws.names("/workspace") == []


def usage(ws: WorkspaceWorld) -> int:
    with ws.committed("/") as site:
        return storage_usage(site)


def test_a_restored_version_counts_in_the_usage_as_the_trash_gives_it_back(
    pleio_setup: PleioTestSetup,
) -> None:
    # (a restore added no usage, a delete for good took every version's: restore, delete,
    # and the room of files still there was free again, over and over)
    pleio_setup.write_site("ws", modules=("workspace",), quota=45)
    pleio_setup.create_account("anne@example.nl", "Anne", ws="member")
    ws = WorkspaceWorld(pleio_setup, pleio_setup.make_app(), "ws", WS_HOST)
    ws.add_file("/workspace/a.txt", [b"0123456789", b"abcdefghij"], owner="anne")
    ws.add_file("/workspace/b.txt", [b"0123456789"], owner="anne")
    assert usage(ws) == 30
    anne = ws.client("anne")

    def restore(status: int) -> None:
        token = page_csrf(anne.get("/workspace/a.txt/"))
        anne.post("/workspace/a.txt/@@restore", {"csrf_token": token, "version": "1"},
                  status=status)  # fmt: skip

    restore(303)
    assert usage(ws) == 40
    restore(507)  # (no room for ten bytes more)
    assert usage(ws) == 40
    ws.post("anne", "/workspace/a.txt/@@delete", 303)
    with ws.committed("/") as site:
        key = next(iter(site.workspace_trash.entries))
    token = page_csrf(anne.get("/workspace/@@trash"))
    fields = {"csrf_token": token, "entry": key, "action": "delete", "confirmed": "yes"}
    anne.post("/workspace/@@trash", fields, status=200)
    assert usage(ws) == 10  # b.txt
