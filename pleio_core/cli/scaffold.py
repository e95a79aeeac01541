"""``pleio plugin new NAME [DIR]``: a new plugin distribution, ready to test and publish.

It writes ``pleio-NAME`` from the templates in ``plugin_template/`` (package data; each
file ends in ``.tmpl``, so no tool takes them for the core's own code): a ``ModulePlugin``
with one content type, a start page and its template, Dutch and English catalogues that
every build compiles, tests on the core's fixtures (with an axe check) and ``ci.sh``.
``tests/test_scaffold.py`` installs what it writes and runs its tests.
"""

from __future__ import annotations

import argparse
import keyword
import re
from importlib.metadata import version
from pathlib import Path

from packaging.version import Version

from .context import UsageError

TEMPLATE = Path(__file__).resolve().parent / "plugin_template"
SUFFIX = ".tmpl"
#: A module's name, a Python package's (``pleio_NAME``) and a content type's prefix at once.
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
EXECUTABLE = (".sh",)


def core_range(core_version: str | None = None) -> str:
    """The releases of pleio_core a new plugin supports: this one's minor series (before
    1.0, a minor release may break plugins), or this major series from 1.0 on."""
    release = Version(core_version or version("pleio_core")).release
    major, minor = release[0], release[1] if len(release) > 1 else 0
    if major == 0:
        return f">=0.{minor},<0.{minor + 1}"
    return f">={major}.{minor},<{major + 1}"


def check_name(name: str) -> None:
    if not NAME.fullmatch(name) or name.endswith("_") or "__" in name:
        raise UsageError(
            f"{name!r} is not a plugin name: lower case a-z, digits and single _ between "
            "them, starting with a letter, at most 40 characters (e.g. polls, open_data)"
        )
    if keyword.iskeyword(name):
        raise UsageError(f"{name!r} is a Python keyword: choose another plugin name")


def plugin_files(name: str, core: str | None = None) -> dict[Path, str]:
    """What ``pleio plugin new NAME`` writes: each file's path in the distribution and text."""
    check_name(name)
    words = name.replace("_", " ")
    values = {
        "name": name,
        "title": words.capitalize(),
        "Camel": "".join(word.capitalize() for word in name.split("_")),
        "core_range": core or core_range(),
    }
    files = {}
    for source in sorted(TEMPLATE.rglob("*" + SUFFIX)):
        relative = str(source.relative_to(TEMPLATE))[: -len(SUFFIX)]
        relative = relative.replace("__package__", f"pleio_{name}").replace("__name__", name)
        text = source.read_text()
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        leftover = re.search(r"\{\{\w+\}\}", text)
        assert leftover is None, f"{source}: unknown placeholder {leftover.group()}"
        files[Path(relative)] = text
    return files


def write_plugin(name: str, target: Path, core: str | None = None) -> list[Path]:
    """Write the distribution into ``target`` (missing or empty); the files written."""
    files = plugin_files(name, core)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target}: exists and is not an empty directory; nothing written")
    written = []
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if path.suffix in EXECUTABLE:
            path.chmod(0o755)
        written.append(path)
    return written


def plugin_new(args: argparse.Namespace) -> int:
    target = Path(args.directory or f"pleio-{args.name}")
    written = write_plugin(args.name, target)
    print(f"wrote pleio-{args.name} in {target} ({len(written)} files). Next:")
    print(f"  pip install -e '{target}[test]' && {target}/ci.sh")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    plugin = commands.add_parser("plugin", help="make a new plugin")
    sub = plugin.add_subparsers(dest="plugin_command", required=True, metavar="SUBCOMMAND")
    p = sub.add_parser(
        "new",
        help="write a new plugin distribution pleio-NAME: a module with one content type, "
        "its page, nl/en catalogues, tests and a CI script",
    )
    p.add_argument("name", metavar="NAME", help="the module's name (e.g. polls)")
    p.add_argument(
        "directory", metavar="DIR", nargs="?", help="where to write it (default: ./pleio-NAME)"
    )
    p.set_defaults(run=plugin_new)
