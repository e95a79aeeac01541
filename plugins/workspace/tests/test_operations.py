"""Rename, move, copy and delete to the trash, through the pages: what is refused and why."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pleio_workspace.files.model import Lock


def test_rename_keeps_name_and_title_equal_and_refuses_bad_or_taken_names(ws) -> None:
    ws.add_folder("/workspace/Plannen", owner="anne")
    ws.add_file("/workspace/Plannen/a.txt", owner="anne")
    ws.add_file("/workspace/Plannen/b.txt", owner="anne")
    answer = ws.post("anne", "/workspace/Plannen/a.txt/@@rename", 303, name=" Café plan.txt ")
    assert unquote(answer.location).endswith("/workspace/Plannen/Café plan.txt/")
    with ws.committed("/workspace/Plannen/Café plan.txt") as item:
        assert item.title == item.__name__ == "Café plan.txt"
    ws.post("anne", "/workspace/Plannen/Café plan.txt/@@rename", 303, name="Plan ü.txt")
    old = ws.client("anne").get(ws.url("/workspace/Plannen/Café plan.txt/"), status=303)
    assert unquote(old.location).endswith("/workspace/Plannen/Plan ü.txt/")  # old links work
    ws.post("anne", "/workspace/Plannen/Plan ü.txt/@@rename", 303, name="Café plan.txt")
    taken = ws.post("anne", "/workspace/Plannen/b.txt/@@rename", 409, name="Café plan.txt")
    assert "bestaat daar al" in taken.text
    for bad in ("../x", "a/b", "@@x", "x\u200by", "x\x07y", ""):
        refused = ws.post("anne", "/workspace/Plannen/b.txt/@@rename", 400, name=bad)
        # the form says why, or the core's guard of every field did ("niets opgeslagen")
        assert 'role="alert"' in refused.text or "niets" in refused.text.lower(), bad
    assert ws.names("/workspace/Plannen") == ["Café plan.txt", "b.txt"]
    ws.client("bert").get(ws.url("/workspace/Plannen/b.txt/@@rename"), status=403)


def lock(ws, path: str, who: str) -> None:
    owner = ws.id_of(who)
    with ws.changing() as site:
        node = site
        for name in path.strip("/").split("/"):
            node = node[name]
        node.lock = Lock("opaquelocktoken:t-" + who, owner, who.capitalize(), None)


def test_move_into_itself_or_onto_a_taken_name_is_refused_and_a_move_keeps_everything(ws) -> None:
    for path in ("/workspace/A", "/workspace/A/B", "/workspace/C"):
        ws.add_folder(path, owner="anne")
    ws.add_file("/workspace/A/B/r.txt", [b"1", b"22", b"333"], owner="anne")
    ws.add_file("/workspace/C/r.txt", owner="anne")
    page = ws.client("anne").get(ws.url("/workspace/A/@@move"))
    values = [o[0] for o in page.forms["move-form"]["target"].options]
    assert values == ["", "C"]  # not A itself, not B inside it
    ws.post("anne", "/workspace/A/@@move", 409, target="A/B")
    ws.post("anne", "/workspace/A/@@move", 400, target="nowhere")
    taken = ws.post("anne", "/workspace/A/B/r.txt/@@move", 409, target="C")
    assert "bestaat daar al" in taken.text
    moved = ws.post("anne", "/workspace/A/@@move", 303, target="C")
    assert moved.location.endswith("/workspace/C/A/")
    with ws.committed("/workspace/C/A/B/r.txt") as item:
        assert [v.stored.sha256 for v in item.versions] and len(item.versions) == 3
    assert ws.names("/workspace") == ["C"]
    old = ws.client("anne").get("/workspace/A/B/r.txt", status=303)  # the old address leads on
    assert old.location.endswith("/workspace/C/A/B/r.txt")


def test_a_file_checked_out_by_someone_else_cannot_be_renamed_moved_or_deleted(ws) -> None:
    ws.add_folder("/workspace/D", owner="anne", access="members")
    ws.add_file("/workspace/D/plan.txt", owner="anne")
    lock(ws, "/workspace/D/plan.txt", "bert")
    for view, fields in (("rename", {"name": "x.txt"}), ("move", {"target": ""}), ("delete", {})):
        refused = ws.post("anne", f"/workspace/D/plan.txt/@@{view}", 423, **fields)
        assert "door Bert" in refused.text
    ws.post("anne", "/workspace/D/@@delete", 423)  # nor the folder it is in
    assert ws.names("/workspace/D") == ["plan.txt"]
    lock(ws, "/workspace/D/plan.txt", "anne")  # one's own lock is no obstacle
    ws.post("anne", "/workspace/D/plan.txt/@@rename", 303, name="x.txt")


def test_a_copy_holds_the_current_version_shares_its_blob_and_counts_in_the_usage(ws) -> None:
    ws.add_folder("/workspace/E", owner="anne")
    ws.add_folder("/workspace/E/F", owner="anne")
    ws.add_file("/workspace/E/F/v.txt", [b"one", b"two!"], owner="anne")
    page = ws.client("bert").get(ws.url("/workspace/E/@@copy"))
    assert page.forms["copy-form"]["name"].value == "E (2)"
    made = ws.post("bert", "/workspace/E/@@copy", 303, target="", name="E (2)")
    assert unquote(made.location).endswith("/workspace/E (2)/")
    with ws.committed("/workspace") as top:
        original, copied = top["E"]["F"]["v.txt"], top["E (2)"]["F"]["v.txt"]
        assert [v.number for v in copied.versions] == [1]
        assert copied.stored is original.stored  # the same blob: it never changes
        assert copied.owner != original.owner and top["E (2)"].title == "E (2)"
    ws.post("bert", "/workspace/E/@@copy", 409, target="", name="E")
    ws.post("bert", "/workspace/E/@@copy", 409, target="E/F", name="E")  # into itself
    ws.post("bert", "/workspace/E/@@copy", 400, target="", name="a/b")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_name_is_taken_or_refused_with_a_reason_never_a_500(ws, name) -> None:
    if not ws.names("/workspace"):
        ws.add_file("/workspace/start.txt", owner="anne")
    (current,) = ws.names("/workspace")
    answer = ws.post("anne", f"/workspace/{current}/@@rename", "*", name=name)
    assert answer.status_int in (303, 400, 409), (name, answer.status_int)
    if answer.status_int == 303:
        (now,) = ws.names("/workspace")
        assert now == unicodedata.normalize("NFC", name).strip()
        ws.client("anne").get(urlsplit(answer.location).path, status=(200, 303))
    else:
        assert ws.names("/workspace") == [current]  # nothing changed
        assert 'role="alert"' in answer.text or "niets" in answer.text.lower()
    copied = ws.post("anne", f"/workspace/{ws.names('/workspace')[0]}/@@copy", "*",
                     target="", name=name)  # fmt: skip
    assert copied.status_int in (303, 400, 409), (name, copied.status_int)
    if copied.status_int == 303:  # (the copy goes again: one file stays for the next name)
        ws.post("anne", unquote(urlsplit(copied.location).path) + "@@delete", 303)
