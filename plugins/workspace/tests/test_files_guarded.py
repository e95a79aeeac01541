"""What guards the workspace's store, through its pages: a virus scanner (a real clamd
knowing the EICAR test file), the site's quota, and search over the text inside files,
which finds only what the searcher may see; and files as a group's tool."""

from __future__ import annotations

import pytest

from pleio_core.plugin_api import ContentModified
from pleio_core.testing import EICAR, PleioTestSetup, SiteWorld, page_csrf

from .documents import docx, pdf

HOST = "veilig.localhost"


def upload(client, where: str, *files: tuple[str, bytes], status: int = 303):
    token = page_csrf(client.get(where))
    return client.post(
        f"{where}@@upload", [("csrf_token", token)],
        upload_files=[("files", name, data) for name, data in files], status=status,
    )  # fmt: skip


def alert(page) -> str:
    return " ".join(page.html.select_one("[role=alert]").text.split())


def world_with(tmp_path, **settings: str) -> SiteWorld:
    setup = PleioTestSetup(tmp_path)
    setup.write_site(
        "veilig", modules=("workspace", "community"), hosts=(HOST,), access="public",
        quota=1_000_000,
    )  # fmt: skip
    for who, role in {"anne": "member", "bert": "member", "ada": "admin"}.items():
        setup.create_account(f"{who}@example.nl", who.capitalize(), veilig=role)
    return SiteWorld(setup, setup.make_app(**settings), "veilig", HOST)


@pytest.fixture
def guarded(tmp_path, clamd):
    world = world_with(tmp_path, **{"pleio.clamd": str(clamd)})
    yield world
    world.setup.close()


def test_a_virus_is_refused_audited_and_not_stored_a_clean_file_is(guarded) -> None:
    anne = guarded.client("anne")
    page = upload(
        anne, "/workspace/", ("schoon.txt", b"niets aan de hand"), ("eicar.com", EICAR), status=422
    )
    assert "eicar.com" in alert(page) and "Eicar-Signature" in alert(page)
    with guarded.committed("/workspace") as folder:
        assert "eicar.com" not in folder and "schoon.txt" not in folder  # all or nothing
    audit = guarded.client("ada").get("/@@audit?kind=virus-found")
    assert "eicar.com" in audit.text
    upload(anne, "/workspace/", ("schoon.txt", b"niets aan de hand"))
    with guarded.committed("/workspace/schoon.txt") as file:
        assert file.current.scanned is True
    # a new version is scanned too
    token = page_csrf(anne.get("/workspace/schoon.txt"))
    anne.post(
        "/workspace/schoon.txt/@@upload", [("csrf_token", token)],
        upload_files=[("file", "x.com", EICAR)], status=422,
    )  # fmt: skip
    with guarded.committed("/workspace/schoon.txt") as file:
        assert len(file.versions) == 1


def test_without_the_scanner_uploads_are_refused_or_marked_as_the_setting_says(
    tmp_path, clamd_factory
) -> None:
    scanner = clamd_factory()
    refusing = world_with(tmp_path / "refuse", **{"pleio.clamd": str(scanner)})
    storing = world_with(
        tmp_path / "store", **{"pleio.clamd": str(scanner), "pleio.clamd_unreachable": "store"}
    )
    scanner.stop()
    page = upload(refusing.client("anne"), "/workspace/", ("a.txt", b"a"), status=503)
    assert alert(page)
    upload(storing.client("anne"), "/workspace/", ("a.txt", b"a"))
    with storing.committed("/workspace/a.txt") as file:
        assert file.current.scanned is False
    assert "niet op virussen gecontroleerd" in storing.client("anne").get("/workspace/a.txt").text
    refusing.setup.close()
    storing.setup.close()


@pytest.fixture
def plain(tmp_path):
    world = world_with(tmp_path)
    yield world
    world.setup.close()


def test_the_quota_refuses_an_upload_that_does_not_fit_and_counts_versions(plain) -> None:
    anne = plain.client("anne")
    upload(anne, "/workspace/", ("a.bin", b"a" * 400_000))
    upload(anne, "/workspace/", ("a.bin", b"b" * 400_000))  # a version takes room too
    page = upload(anne, "/workspace/", ("c.bin", b"c" * 400_000), status=507)
    assert "c.bin" in alert(page) or alert(page)
    with plain.committed("/workspace") as folder:
        assert "c.bin" not in folder


def test_search_finds_the_text_inside_files_for_who_may_see_them(plain) -> None:
    anne, bert = plain.client("anne"), plain.client("bert")
    upload(
        anne, "/workspace/", ("nota.docx", docx(["Het zeldzame woord kwartiermaker staat hier."]))
    )
    upload(anne, "/workspace/", ("rapport.pdf", pdf(["Een rapport over dijkversterking."])))
    for who in (anne, bert):
        assert "nota.docx" in who.get("/@@search?text=kwartiermaker").text
        assert "rapport.pdf" in who.get("/@@search?text=dijkversterking").text
    with plain.changing() as site:
        site["workspace"]["nota.docx"].access = "private"
        plain.app.registry.notify(ContentModified(site["workspace"]["nota.docx"]))
    assert "nota.docx" in anne.get("/@@search?text=kwartiermaker").text
    assert "nota.docx" not in bert.get("/@@search?text=kwartiermaker").text
    assert "nota.docx" not in plain.client().get("/@@search?text=kwartiermaker").text


def test_files_are_a_tool_of_a_group_and_stay_inside_a_hidden_one(plain) -> None:
    anne, bert = plain.client("anne"), plain.client("bert")
    form = anne.get("/community/@@add?type=group").forms["content-form"]
    form["title"] = "Stille kring"
    form["access"].force_value("group")
    group = form.submit("save", status=303).location.split(HOST, 1)[1]
    page = anne.get(group)
    assert "@@add?type=file" in page.text and "@@add?type=folder" in page.text
    upload(anne, group, ("plan.txt", b"ons plan"))
    with plain.committed(group + "plan.txt") as file:
        assert file.group is not None and file.effective_access == "group"
    assert anne.get(group + "plan.txt/@@download").body == b"ons plan"
    bert.get(group + "plan.txt/@@download", status=404)  # a hidden group is not found
    bert.get(group + "plan.txt", status=404)
    assert "plan.txt" not in bert.get("/@@search?text=plan").text
