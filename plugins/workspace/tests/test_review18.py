"""Found in review 18: what the workspace makes itself cannot be made another way."""

from __future__ import annotations

import http.client
from datetime import UTC, datetime, timedelta

from pleio_workspace.trash import storage_usage

from pleio_core.testing import (
    LiveServer,
    PleioTestSetup,
    bearer,
    make_token,
    page_csrf,
    sign_in_client,
)

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


def test_a_multipart_body_without_its_end_stores_nothing(ws) -> None:
    # (over a real server, a body of the right length that stopped in a file's bytes was
    # stored: "c2.txt" held "hal", the part that had come)
    ws.add_file("/workspace/plan.txt", [b"version 1"], owner="anne")
    anne = ws.client("anne")
    cookie = "; ".join(f"{c.name}={c.value}" for c in anne.testapp.cookiejar)
    token = page_csrf(anne.get("/workspace/"))
    boundary = "pleio-b"

    def part(field: str, name: str, data: str) -> str:
        disposition = f'form-data; name="{field}"; filename="{name}"'
        return f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n{data}"

    whole = part("files", "c1.txt", "whole") + "\r\n"
    server = LiveServer(ws.app)

    def post(path: str, body: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            headers = {"Host": ws.host, "Cookie": cookie, "X-CSRF-Token": token,
                       "Content-Type": f"multipart/form-data; boundary={boundary}"}  # fmt: skip
            conn.request("POST", path, body=body.encode(), headers=headers)
            answer = conn.getresponse()
            answer.read()
            return answer.status
        finally:
            conn.close()

    try:
        assert post("/workspace/@@upload", part("files", "c2.txt", "the first hal")) == 400
        assert post("/workspace/@@upload", whole + part("files", "c3.txt", "hal")) == 400
        assert post("/workspace/plan.txt/@@upload", part("file", "x", "version 2, ha")) == 400
        assert ws.names("/workspace") == ["plan.txt"]
        assert post("/workspace/@@upload", whole + f"--{boundary}--\r\n") == 303
        assert post("/workspace/plan.txt/@@upload", part("file", "x", "v2\r\n--pleio-b--")) == 303
    finally:
        server.close()
    assert ws.names("/workspace") == ["c1.txt", "plan.txt"]
    with ws.committed("/workspace/plan.txt") as file:
        assert len(file.versions) == 2


def test_a_copy_counts_in_the_usage_what_it_holds(ws) -> None:
    # (it counted what the copier cannot see and does not copy too: deleting the copy for
    # good gave back less than it took, and the site's room shrank for good)
    ws.add_folder("/workspace/F", owner="anne")
    ws.add_file("/workspace/F/a.txt", [b"12345"], owner="anne")
    ws.add_file("/workspace/F/p.txt", [b"0123456789"], owner="bert", access="private")
    assert usage(ws) == 15
    ws.post("anne", "/workspace/F/@@copy", 303, target="", name="F2")
    assert ws.names("/workspace/F2") == ["a.txt"]
    assert usage(ws) == 20


def test_a_copy_of_a_draft_is_a_draft(ws) -> None:
    # (the copy was published: a draft, or a file not yet published, was there for all)
    ws.add_file("/workspace/concept.txt", [b"not yet"], owner="anne")
    ws.add_file("/workspace/later.txt", [b"not yet"], owner="anne")
    with ws.changing() as site:
        site["workspace"]["concept.txt"].state = "draft"
        site["workspace"]["later.txt"].publish_at = datetime.now(UTC) + timedelta(days=9)
    for name in ("concept.txt", "later.txt"):
        ws.post("anne", f"/workspace/{name}/@@copy", 303, target="", name=f"copy of {name}")
        ws.client("anne").get(ws.url(f"/workspace/copy of {name}/"), status=200)
        ws.client("bert").get(ws.url(f"/workspace/copy of {name}/"), status=403)
    assert "copy of" not in ws.client("bert").get("/workspace/").text
