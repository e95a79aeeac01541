"""The trash: what goes in leaves search and listings, who sees it, restoring it where it
was (or at the top, under a free name), deleting for good, and the purge after 30 days."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

from pleio_workspace.files.model import Lock
from pleio_workspace.trash import storage_usage, trash_of

from pleio_core.testing import bearer, make_token, page_csrf, sign_in_client


def trash_rows(ws, who: str) -> list[str]:
    page = ws.client(who).get("/workspace/@@trash")
    return [th.text.split("(")[0].strip() for th in page.html.select("tbody th")]


def entry_key(ws, name: str) -> str:
    with ws.committed("/") as site:
        return next(e.key for e in trash_of(site).newest_first() if e.name == name)


def trash_action(ws, who: str, name: str, action: str, status: int = 303, **more):
    client = ws.client(who)
    csrf = page_csrf(client.get("/workspace/@@trash"))
    fields = {"csrf_token": csrf, "entry": entry_key(ws, name), "action": action, **more}
    return client.post("/workspace/@@trash", fields, status=status)


def usage(ws) -> int:
    with ws.committed("/") as site:
        return storage_usage(site)


def test_deleted_to_the_trash_found_nowhere_restored_where_it_was(ws) -> None:
    ws.add_folder("/workspace/Dossier", owner="anne", access="members")
    ws.add_file("/workspace/Dossier/okapi notes.txt", [b"a", b"bb"], owner="anne")
    anne = ws.client("anne")
    assert "okapi notes.txt" in anne.get("/@@search?text=notes").text
    page = anne.get(ws.url("/workspace/Dossier/okapi notes.txt/@@delete"))
    assert "prullenbak" in page.text
    gone = ws.post("anne", "/workspace/Dossier/okapi notes.txt/@@delete", 303)
    assert unquote(gone.location).split("?")[0].endswith("/workspace/Dossier/")
    assert ws.names("/workspace/Dossier") == []
    anne.get(ws.url("/workspace/Dossier/okapi notes.txt"), status=404)
    assert "okapi notes.txt" not in anne.get("/@@search?text=notes").text
    assert trash_rows(ws, "anne") == ["okapi notes.txt"]
    assert trash_rows(ws, "bert") == []  # neither deleted it nor may edit the folder
    assert trash_rows(ws, "admin") == ["okapi notes.txt"]
    ws.client().get("/workspace/@@trash", status=403)
    trash_action(ws, "bert", "okapi notes.txt", "restore", 404)  # not his to see
    back = trash_action(ws, "anne", "okapi notes.txt", "restore")
    assert unquote(back.location).endswith("/workspace/Dossier/okapi notes.txt/")
    with ws.committed("/workspace/Dossier/okapi notes.txt") as item:
        assert [v.stored.size for v in item.versions] == [1, 2]
    assert trash_rows(ws, "anne") == []
    assert usage(ws) == 3  # the trash counts until it is emptied


def test_restored_at_the_top_under_a_free_name_when_its_place_is_gone_or_taken(ws) -> None:
    ws.add_folder("/workspace/Oud", owner="anne")
    ws.add_file("/workspace/Oud/x.pdf", owner="anne")
    ws.add_file("/workspace/x.pdf", owner="anne")
    ws.post("anne", "/workspace/Oud/x.pdf/@@delete", 303)
    ws.post("anne", "/workspace/Oud/@@delete", 303)
    assert trash_rows(ws, "anne") == ["Oud", "x.pdf"]  # newest first
    back = trash_action(ws, "anne", "x.pdf", "restore")
    assert unquote(back.location).endswith("/workspace/x (2).pdf/")
    with ws.committed("/workspace/x (2).pdf") as item:
        assert item.title == "x (2).pdf"


def test_delete_for_good_asks_first_then_gives_the_bytes_back(ws) -> None:
    ws.add_file("/workspace/big.bin", [b"x" * 1000, b"y" * 500], owner="anne")
    assert usage(ws) == 1500
    ws.post("anne", "/workspace/big.bin/@@delete", 303)
    asked = trash_action(ws, "anne", "big.bin", "delete", 200)
    assert "definitief verwijderen?" in asked.text and usage(ws) == 1500
    done = trash_action(ws, "anne", "big.bin", "delete", 200, confirmed="yes")
    assert "definitief verwijderd" in done.text
    assert trash_rows(ws, "anne") == [] and usage(ws) == 0


def test_restored_after_29_days_gone_after_30_and_purged_by_the_periodic_run(ws, clock) -> None:
    ws.add_file("/workspace/old.txt", [b"12345"], owner="anne")
    ws.add_file("/workspace/new.txt", [b"123"], owner="anne")
    ws.post("anne", "/workspace/old.txt/@@delete", 303)
    clock.advance(timedelta(days=29).total_seconds())
    ws.post("anne", "/workspace/new.txt/@@delete", 303)
    ws.periodic()
    assert trash_rows(ws, "anne") == ["new.txt", "old.txt"]  # 29 days: still there
    back = trash_action(ws, "anne", "old.txt", "restore")
    assert unquote(back.location).endswith("/workspace/old.txt/")
    ws.post("anne", "/workspace/old.txt/@@delete", 303)
    clock.advance(timedelta(days=30).total_seconds())
    key = entry_key(ws, "old.txt")
    assert trash_rows(ws, "anne") == []  # 30 days on: not shown, even before the purge
    client = ws.client("anne")
    fields = {"csrf_token": page_csrf(client.get("/workspace/@@trash")), "entry": key}
    client.post("/workspace/@@trash", {**fields, "action": "restore"}, status=404)
    assert usage(ws) == 8
    ws.periodic()
    with ws.committed("/") as site:
        assert len(trash_of(site)) == 0
    assert usage(ws) == 0
    ws.periodic()  # again: nothing more to do, nothing subtracted twice
    assert usage(ws) == 0


def test_the_trash_is_read_a_page_at_a_time(ws) -> None:
    for n in range(27):
        ws.add_file(f"/workspace/f{n:02}.txt", owner="anne")
    for n in range(27):
        ws.post("anne", f"/workspace/f{n:02}.txt/@@delete", 303)
    first = ws.client("anne").get("/workspace/@@trash")
    assert len(first.html.select("tbody tr")) == 25
    second = first.click(href="page=2")
    assert len(second.html.select("tbody tr")) == 2
    ws.client("anne").get("/workspace/@@trash?page=%C2%B2")  # not a number: the first page


def test_the_api_deletes_to_the_trash_too_and_a_checked_out_file_is_refused(ws) -> None:
    ws.add_file("/workspace/api plan.txt", [b"12345"], owner="anne")
    ws.add_file("/workspace/op slot.txt", [b"1"], owner="anne")
    with ws.changing() as site:
        site["workspace"]["op slot.txt"].lock = Lock("t", "someone", "Bert", None)
    client = sign_in_client(ws.setup, ws.app, "anne@example.nl", ws.host)
    auth = bearer(make_token(client, "ws"))
    locked = client.delete(ws.url("/api/v1/content/workspace/op slot.txt"), headers=auth,
                           host=ws.host, status=423)  # fmt: skip
    assert "Bert" in locked.json["error"]
    client.delete(ws.url("/api/v1/content/workspace/api plan.txt"), headers=auth, host=ws.host,
                  status=204)  # fmt: skip
    client.get(ws.url("/api/v1/content/workspace/api plan.txt"), headers=auth, host=ws.host,
               status=404)  # fmt: skip
    assert trash_rows(ws, "anne") == ["api plan.txt"] and usage(ws) == 6
