"""``pleio plugin new``: what it writes installs with pip, runs in an app, and passes its own
CI script (ruff and its tests, the axe check among them).

The plugin is installed with pip into a directory of the test's (``--target``) that is put
first on ``sys.path`` for the test only, so the shared virtualenv is left as it was.
"""

from __future__ import annotations

import importlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pleio_core.cli.scaffold import core_range, plugin_files
from pleio_core.i18n import extract_templates
from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form

REPO = Path(__file__).resolve().parent.parent
PLEIO = str(Path(sys.executable).with_name("pleio"))


def pleio(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([PLEIO, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def pip_install(project: Path, target: Path) -> None:
    """``pip install PROJECT`` into ``target``: a real build (with its catalogue step),
    offline, with the build tools of this virtualenv."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(project)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``pleio plugin new polls``, pip-installed for this test; its project directory."""
    done = pleio("plugin", "new", "polls", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    project = tmp_path / "pleio-polls"
    target = tmp_path / "site-packages"
    pip_install(project, target)
    monkeypatch.syspath_prepend(str(target))
    importlib.invalidate_caches()
    yield project
    for module in [m for m in sys.modules if m == "pleio_polls" or m.startswith("pleio_polls.")]:
        del sys.modules[module]


def test_a_new_plugin_installs_runs_on_a_site_and_passes_its_own_ci(
    installed: Path, pleio_setup: PleioTestSetup
) -> None:
    target = installed.parent / "site-packages"
    catalogues = sorted(p.relative_to(target) for p in target.rglob("*.mo"))
    assert [str(p) for p in catalogues] == [
        "pleio_polls/locale/en/LC_MESSAGES/pleio_polls.mo",
        "pleio_polls/locale/nl/LC_MESSAGES/pleio_polls.mo",
    ]

    pleio_setup.write_site("alpha", access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", alpha="member")
    assert pleio_setup.pleio("site", "enable-module", "alpha", "polls") == 0
    world = SiteWorld(pleio_setup, pleio_setup.make_app(), "alpha", "alpha.localhost")
    visitor = world.client()
    start = visitor.get("/polls/")
    assert start.html.h1.text == "Polls"
    assert "Hier staat nog niets." in start.text  # its Dutch catalogue, compiled by the build
    path = add_through_form(
        world.client("anne"), "/polls/", "polls_item", title="Eerste", body="Hallo", access="public"
    )
    assert path == "/polls/eerste/"
    assert "Hallo" in visitor.get(path).text
    assert [a.text for a in visitor.get("/polls/").html.select(".item-list a")] == ["Eerste"]

    # its own CI, as its developer runs it (not inside this test run: no PYTEST_* variables)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(PYTHON=sys.executable, PYTHONPATH=str(target))
    done = subprocess.run(
        [str(installed / "ci.sh")],
        cwd=installed, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


@pytest.mark.parametrize(
    "name", ["Polls", "2polls", "polls-x", "polls_", "open__data", "class", "p" * 41, ""]
)
def test_a_bad_name_exits_2_and_writes_nothing(tmp_path: Path, name: str) -> None:
    done = pleio("plugin", "new", name, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("pleio: error: ") and name in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_directory_that_is_not_empty_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "pleio-polls").mkdir()
    (tmp_path / "pleio-polls" / "notes.txt").write_text("mine")
    done = pleio("plugin", "new", "polls", cwd=tmp_path)
    assert done.returncode == 2 and "nothing written" in done.stderr
    assert [p.name for p in (tmp_path / "pleio-polls").iterdir()] == ["notes.txt"]
    assert pleio("plugin", "new", "polls", "empty", cwd=tmp_path).returncode == 0
    assert (tmp_path / "empty" / "pleio_polls" / "__init__.py").is_file()
    (tmp_path / "emptied").mkdir()
    assert pleio("plugin", "new", "open_data", "emptied", cwd=tmp_path).returncode == 0
    assert (tmp_path / "emptied" / "pleio_open_data" / "views.py").is_file()


def test_the_core_range_is_the_minor_series_before_1_0_and_the_major_after() -> None:
    assert core_range("0.1.0") == ">=0.1,<0.2"
    assert core_range("0.12.3") == ">=0.12,<0.13"
    assert core_range("1.4.0") == ">=1.4,<2"
    files = plugin_files("polls")
    assert 'requires_core="' + core_range() + '"' in files[Path("pleio_polls/__init__.py")]
    assert f'dependencies = ["pleio_core{core_range()}"]' in files[Path("pyproject.toml")]


def test_the_template_extractor_finds_what_the_bundled_catalogues_translate() -> None:
    """The extraction a new plugin configures ([tool.babel]) reads templates as Chameleon
    makes their message ids: each bundled module's templates give only ids its catalogue has."""
    checked = 0
    for package in sorted(p.parent for p in (REPO / "plugins").glob("*/pleio_*/__init__.py")):
        po = package / "locale" / "nl" / "LC_MESSAGES" / f"{package.name}.po"
        with po.open("rb") as f:
            translated = {message.id for message in read_po(f) if message.id}
        found = set()
        for template in package.glob("templates/*.pt"):
            messages = extract_templates(io.BytesIO(template.read_bytes()), None, None, {})
            found |= {message for _, _, message, _ in messages}
        assert found <= translated, (package.name, sorted(found - translated))
        checked += len(found)
    assert checked > 50


def test_one_build_step_serves_the_core_the_scaffold_and_the_example() -> None:
    """pleio_core, every generated plugin and examples/pleio-faq compile their catalogues
    with the same build_catalogs.py; each distribution needs its own copy (a build cannot
    import another package), so the copies are kept equal here."""
    template = REPO / "pleio_core/cli/plugin_template/build_catalogs.py.tmpl"
    for copy in (REPO / "build_catalogs.py", REPO / "examples/pleio-faq/build_catalogs.py"):
        assert copy.read_text() == template.read_text(), f"{copy} differs from {template}"
