"""Found in review 18: what the workspace makes itself cannot be made another way."""

from __future__ import annotations

from pleio_core.testing import bearer, make_token, page_csrf, sign_in_client


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
