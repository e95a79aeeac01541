"""The demo's folders and files: in the demo workspace after ``pleio demo``, in Dutch, and
the same in English for an English site."""

from __future__ import annotations

import io

from PIL import Image
from pleio_workspace.samples import sample_content
from pleio_workspace.trash import storage_usage
from pyramid.registry import Registry

from pleio_core.plugin_api import ModuleFolder, SiteRoot
from pleio_core.testing import PleioTestSetup


def test_the_demo_workspace_has_a_folder_a_text_a_picture_and_a_file_with_two_versions(
    tmp_path,
) -> None:
    setup = PleioTestSetup(tmp_path / "pleio")
    try:
        assert setup.pleio("demo") == 0
        assert setup.pleio("demo") == 0  # a second run adds nothing twice
        app = setup.make_app()
        client = setup.client(app, host="rijksportaal.localhost")
        page = client.get("/workspace/Projectplan/")
        assert page.status_int == 200
        picture = client.get("/workspace/Projectplan/schets.png/")
        assert picture.status_int == 200
    finally:
        setup.close()


def test_the_sample_files_in_english_once() -> None:
    site = SiteRoot("demo", "Demo", ("workspace",))
    site.enabled_modules = ("workspace",)
    site.add("workspace", ModuleFolder("workspace", "Workspace"))
    for _ in range(2):
        sample_content(site, Registry(), "en", "owner-id", "Owner")
    folder = site["workspace"]["Project plan"]
    assert sorted(folder.keys()) == ["planning.txt", "read me.txt", "sketch.png"]
    assert [v.note for v in folder["planning.txt"].versions] == ["First draft", "Added week 2"]
    image = Image.open(io.BytesIO(b"".join(folder["sketch.png"].stored.chunks())))
    assert image.format == "PNG" and image.size == (96, 64)
    sizes = sum(v.stored.size for f in folder.values() for v in f.versions)
    assert storage_usage(site) == sizes
    sample_content(site, Registry(), "fy", None, "")  # a language without samples: nothing
