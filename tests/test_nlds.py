"""The vendored NL Design System parts: what the lock file pins, complete, and local only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "pleio_core" / "static"
NLDS = STATIC / "nlds"


def locked_versions() -> dict[str, str]:
    lock = json.loads((ROOT / "nlds" / "package-lock.json").read_text())
    return {
        path.removeprefix("node_modules/"): entry["version"]
        for path, entry in lock["packages"].items()
        if path
    }


def test_the_vendored_files_are_the_locked_versions() -> None:
    locked = locked_versions()
    listed = dict(line.split(" ", 1) for line in (NLDS / "VERSIONS.txt").read_text().splitlines())
    assert listed == locked
    package = json.loads((ROOT / "nlds" / "package.json").read_text())
    for name, version in package["dependencies"].items():
        assert locked[name] == version, (
            f"{name}: package.json pins {version}, lock has {locked[name]}"
        )
    library = locked["@utrecht/component-library-css"]
    assert f"@utrecht/component-library-css {library} " in (NLDS / "utrecht.css").read_text()[:300]
    theme = locked["@nl-design-system-unstable/voorbeeld-design-tokens"]
    assert f"voorbeeld-design-tokens {theme} " in (NLDS / "tokens.css").read_text()[:300]


def test_every_brand_colour_the_tokens_use_is_defined_by_the_theme() -> None:
    used = set(
        re.findall(r"var\((--pleio-kleuren-[a-z0-9-]+)\)", (NLDS / "tokens.css").read_text())
    )
    defined = set(re.findall(r"(--pleio-kleuren-[a-z0-9-]+):", (STATIC / "pleio.css").read_text()))
    assert used, "tokens.css refers to no brand colour: the theme would not reach the components"
    assert used <= defined, f"pleio.css lacks {sorted(used - defined)}"


def test_every_icon_the_pages_use_is_in_the_sprite() -> None:
    sprite = set(re.findall(r'<symbol id="([a-z0-9-]+)"', (NLDS / "icons.svg").read_text()))
    sources = [*ROOT.glob("pleio_core/**/*.pt"), *ROOT.glob("plugins/*/pleio_*/**/*.pt")]
    sources.append(ROOT / "pleio_core" / "layout.py")
    used: set[str] = set()
    for source in sources:
        text = source.read_text()
        used |= set(re.findall(r"icons_url\}#([a-z0-9-]+)", text))
        used |= set(re.findall(r'\("([a-z0-9-]+)", _\(', text))  # layout.py's (icon, title, href)
        used |= set(re.findall(r"_icon\([\"']([a-z0-9-]+)[\"']\)", text))  # and its _icon(name)
    assert used, "no page uses an icon: the pattern above no longer finds them"
    assert used <= sprite, f"icons.svg lacks {sorted(used - sprite)}"


@pytest.mark.parametrize(
    "sheet", sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.css")), ids=str
)
def test_no_stylesheet_asks_another_host(sheet: str) -> None:
    text = (STATIC / sheet).read_text()
    remote = re.findall(r"(?:url\(|@import)\s*['\"]?\s*((?:https?:)?//[^'\")\s]+)", text)
    assert not remote, f"{sheet} loads {remote}: a page may ask nothing of another host"
