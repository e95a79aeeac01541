"""The rename, move, copy, delete and trash pages in a real browser: axe at every width,
no horizontal scrolling, valid HTML (the Nu checker), and each one used by keyboard alone."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from pleio_core.testing import (
    assert_accessible,
    assert_valid_html,
    axe_violations,
    signed_in_page,
)

HOST = "ws.localhost"


@pytest.fixture
def served(ws, live_server_factory):
    ws.add_folder("/workspace/Projecten", owner="anne")
    ws.add_folder("/workspace/Projecten/Ünïcode map", owner="anne")
    ws.add_file("/workspace/Projecten/plan 2027.txt", [b"een", b"twee"], owner="anne")
    ws.add_file("/workspace/Projecten/oud.txt", owner="anne")
    ws.post("anne", "/workspace/Projecten/oud.txt/@@delete", 303)
    return ws, live_server_factory(ws.app)


def pages_of(ws) -> list[str]:
    item = "/workspace/Projecten/plan 2027.txt/"
    return [
        item + "@@rename",
        item + "@@move",
        item + "@@copy",
        item + "@@delete",
        "/workspace/Projecten/@@delete",
        "/workspace/@@trash",
    ]


def test_the_pages_are_valid_html_also_when_they_refuse(ws, served) -> None:
    anne = ws.client("anne")
    pages = {path: anne.get(ws.url(path)).body for path in pages_of(ws)}
    taken = ws.post("anne", "/workspace/Projecten/plan 2027.txt/@@rename", 409, name="Ünïcode map")
    pages["rename refused"] = taken.body
    pages["move refused"] = ws.post(
        "anne", "/workspace/Projecten/@@move", 409, target="Projecten/Ünïcode map"
    ).body
    key = anne.get("/workspace/@@trash").html.select_one("input[name=entry]")["value"]
    csrf = anne.get("/workspace/@@trash").html.select_one("input[name=csrf_token]")["value"]
    asked = anne.post(
        "/workspace/@@trash", {"csrf_token": csrf, "entry": key, "action": "delete"}, status=200
    )
    pages["delete for good?"] = asked.body
    assert_valid_html(pages)


def test_axe_at_every_width_and_each_page_by_keyboard(browser, served) -> None:
    ws, server = served
    page = signed_in_page(browser, server, HOST, "anne@example.nl")
    for path in pages_of(ws):
        assert_accessible(page, server.url(HOST, ws.url(path)))

    # rename by keyboard: Tab to the field, type, Enter
    page.goto(server.url(HOST, ws.url("/workspace/Projecten/plan 2027.txt/@@rename")))
    tab_to(page, "name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Ünïcode map")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "bestaat daar al" in page.get_by_role("alert").inner_text()  # refused, and said
    assert axe_violations(page) == []
    assert page.evaluate("document.getElementById('name').getAttribute('aria-invalid')") == "true"
    tab_to(page, "name")
    page.keyboard.press("Control+A")
    page.keyboard.type("plan 2028.txt")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert unquote(page.url).endswith("/workspace/Projecten/plan 2028.txt/")

    # move by keyboard: the folder chosen with the arrow keys
    page.goto(server.url(HOST, ws.url("/workspace/Projecten/plan 2028.txt/@@move")))
    tab_to(page, "target")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert unquote(page.url).endswith("/workspace/Projecten/Ünïcode map/plan 2028.txt/")

    # delete by keyboard, then restore from the trash by keyboard
    page.goto(server.url(HOST, ws.url("/workspace/Projecten/Ünïcode map/plan 2028.txt/@@delete")))
    tab_to_button(page, "Naar de prullenbak")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(server.url(HOST, "/workspace/@@trash"))
    tab_to_button(page, "plan 2028.txt terugzetten")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert unquote(page.url).endswith("/workspace/Projecten/Ünïcode map/plan 2028.txt/")

    # delete for good: asked first, on a page that passes axe
    page.goto(server.url(HOST, "/workspace/@@trash"))
    tab_to_button(page, "oud.txt definitief verwijderen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="“oud.txt” definitief verwijderen?").is_visible()
    assert axe_violations(page) == []
    tab_to_button(page, "Definitief verwijderen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "definitief verwijderd" in page.get_by_role("status").inner_text()
    assert axe_violations(page) == []


def tab_to(page, element_id: str, presses: int = 80) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} is not reached with Tab")


def tab_to_button(page, text: str, presses: int = 80) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        found = page.evaluate("document.activeElement.textContent.replace(/\\s+/g, ' ').trim()")
        if found == text:
            return
    pytest.fail(f"the button {text!r} is not reached with Tab")
