"""A normal (non-editable) install of pleio_core has every file the checkout has.

The wheel is built from the checkout and installed on its own into a directory that comes
first on the path; a form is then rendered from there with Pleio's accessible widget
templates (deform's stock ones carry ``form-control`` classes and inline script), and
``pleio plugin new`` finds all of its templates there.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

RENDER = """
import colander, deform
import pleio_core
from pleio_core.content.forms import TEMPLATES
assert pleio_core.__file__.startswith({target!r}), pleio_core.__file__
class Schema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title="Titel")
form = deform.Form(Schema(), renderer=deform.ZPTRendererFactory(TEMPLATES))
print(form['title'].serialize())  # through Pleio's textinput.pt
from pleio_core.cli.scaffold import plugin_files
print("plugin files:", sorted(map(str, plugin_files("polls"))))
import gettext, pathlib
locale = pathlib.Path(pleio_core.__file__).parent / "locale"
print("nl:", gettext.translation("pleio", locale, ["nl"]).gettext("Update now"))
"""


def _package_files() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "pleio_core"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    # the catalogues are compiled by the build (build_catalogs.py), from the tracked .po
    compiled = [name[: -len(".po")] + ".mo" for name in listed if name.endswith(".po")]
    return {
        name
        for name in (*listed, *compiled)
        if not name.endswith(".py")
        and ("/tests/" not in name or "/plugin_template/" in name)  # a new plugin's tests
        and (name in compiled or (REPO / name).is_file())
    }


def _source_tree(target: Path) -> Path:
    """The checkout's tracked files as they are now, without what earlier builds or
    ``make translations`` left in it (``build/``, ``.mo``), as a release is built from it."""
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    for name in listed:
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


def test_the_wheel_holds_every_package_file_and_renders_pleio_forms(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    source = _source_tree(tmp_path / "source")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("pleio_core-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        held = set(archive.namelist())
    missing = sorted(_package_files() - held)
    assert not missing, f"not in the wheel: {missing}"
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", RENDER.format(target=str(target))],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,  # not the checkout, whose pleio_core would come first
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert 'name="title"' in done.stdout and "form-control" not in done.stdout
    from pleio_core.cli.scaffold import plugin_files

    assert f"plugin files: {sorted(map(str, plugin_files('polls')))}" in done.stdout
    assert "nl: Nu bijwerken" in done.stdout  # the catalogues compiled by the build
