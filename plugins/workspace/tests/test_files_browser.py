"""The workspace in a real browser: its pages under axe at every width, uploading by
keyboard without JavaScript's help and with it (progress, then the folder), checking a file
out and in by keyboard."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pleio_core.testing import (
    PleioTestSetup,
    assert_accessible,
    axe_violations,
    sign_in_page,
    signed_in_page,
)

HOST = "werk.localhost"


@pytest.fixture
def server(pleio_setup: PleioTestSetup, live_server_factory):
    pleio_setup.write_site("werk", modules=["workspace"], access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", werk="member")
    return live_server_factory(pleio_setup.make_app())


def png_file(tmp_path) -> str:
    path = tmp_path / "kaart.png"
    Image.new("RGB", (300, 200), "green").save(path, "PNG")
    return str(path)


def test_uploading_by_keyboard_and_the_pages_pass_axe(browser, server, tmp_path) -> None:
    anne = signed_in_page(browser, server, HOST, "anne@example.nl")
    workspace = server.url(HOST, "/workspace/")
    assert_accessible(anne, workspace)
    anne.goto(workspace)
    anne.get_by_label("Nieuwe map").fill("Projecten 2027")
    anne.get_by_role("button", name="Map maken").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    folder = anne.url
    assert folder.endswith("/workspace/Projecten%202027/")

    notes = tmp_path / "notities één.txt"
    notes.write_text("Eerste aantekeningen.\n", encoding="utf-8")
    anne.get_by_label("Bestanden", exact=True).set_input_files([str(notes), png_file(tmp_path)])
    anne.get_by_role("button", name="Uploaden", exact=True).focus()
    anne.keyboard.press("Enter")  # (the script sends it and shows the progress, then the folder)
    anne.wait_for_selector(".workspace-table")
    assert "2 bestanden opgeslagen" in anne.get_by_role("status").first.inner_text()
    assert anne.get_by_role("link", name="notities één.txt").is_visible()
    assert_accessible(anne, folder)

    anne.get_by_role("link", name="kaart.png").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    file_page = anne.url
    assert_accessible(anne, file_page)
    anne.get_by_role("button", name="Uitchecken").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert "Je hebt dit bestand uitgecheckt" in anne.content()
    assert_accessible(anne, file_page)
    anne.get_by_role("button", name="Inchecken").focus()
    with anne.expect_navigation():
        anne.keyboard.press("Enter")
    assert "Niemand heeft dit bestand uitgecheckt" in anne.content()

    # a refusal (a taken name) keeps the page usable and says why
    anne.goto(workspace)
    anne.get_by_label("Nieuwe map").fill("Projecten 2027")
    with anne.expect_navigation():
        anne.get_by_role("button", name="Map maken").click()
    assert "bestaat hier al" in anne.get_by_role("alert").inner_text()
    assert axe_violations(anne) == []
    assert_accessible(anne, server.url(HOST, "/workspace/@@mine"))
    assert_accessible(anne, server.url(HOST, "/workspace/@@add?type=file"))
    visitor = browser.new_context().new_page()  # (new folders are for members, as the top)
    assert_accessible(visitor, workspace)
    for page in (anne, visitor):
        page.context.close()


def test_without_javascript_the_form_posts_the_files(browser, server, tmp_path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_page(page, server, HOST, "anne@example.nl")
    page.goto(server.url(HOST, "/workspace/"))
    assert not page.get_by_text("Of sleep bestanden hierheen.").is_visible()
    page.get_by_label("Bestanden", exact=True).set_input_files(png_file(tmp_path))
    with page.expect_navigation():
        page.get_by_role("button", name="Uploaden", exact=True).click()
    assert "1 bestand opgeslagen" in page.content()
    image = io.BytesIO(page.goto(server.url(HOST, "/workspace/kaart.png/@@thumbnail")).body())
    assert Image.open(image).size == (256, 171)
    context.close()
