"""Rename, move, copy and delete to the trash, through the pages: what is refused and why."""

from __future__ import annotations

def test_rename_keeps_name_and_title_equal_and_refuses_bad_or_taken_names(ws) -> None:
    ws.add_folder("/workspace/Plannen", owner="anne")
    ws.add_file("/workspace/Plannen/a.txt", owner="anne")
    ws.add_file("/workspace/Plannen/b.txt", owner="anne")
    answer = ws.post("anne", "/workspace/Plannen/a.txt/@@rename", 303, name=" Café plan.txt ")
    assert answer.location.endswith(ws.url("/workspace/Plannen/Café plan.txt/"))
    with ws.committed("/workspace/Plannen/Café plan.txt") as item:
        assert item.title == item.__name__ == "Café plan.txt"
    taken = ws.post("anne", "/workspace/Plannen/b.txt/@@rename", 409, name="Café plan.txt")
    assert "bestaat daar al" in taken.text
    for bad in ("../x", "a/b", "@@x", "x\x07y", ""):
        refused = ws.post("anne", "/workspace/Plannen/b.txt/@@rename", 400, name=bad)
        assert 'role="alert"' in refused.text
    assert ws.names("/workspace/Plannen") == ["Café plan.txt", "b.txt"]
    ws.post("bert", "/workspace/Plannen/b.txt/@@rename", 403, name="mine.txt")
