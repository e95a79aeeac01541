"""Refresh the NL Design System parts vendored in pleio_core/static/nlds.

Pleio serves NL Design System CSS without Node: this script, run by hand (``make nlds``)
when the pinned versions in package.json change, installs them with ``npm ci`` from the
checked-in lock file and writes what the pages use:

- ``utrecht.css``: the Utrecht component library's HTML layer (plain elements inside
  ``.utrecht-html``) and the class components listed in COMPONENTS, in the cascade layer
  ``nlds``;
- ``tokens.css``: the component and basis tokens of the NL Design System example theme
  ("voorbeeld"), re-scoped to ``.pleio-theme``; its brand colours are renamed to
  ``--pleio-kleuren-*``, which pleio.css defines (and a deelsite's colours override);
- ``icons.svg``: a sprite of the Tabler icons in ICONS, one ``<symbol>`` each;
- ``fonts/``: Noto Sans (latin) in the weights the theme uses;
- ``VERSIONS.txt``: every package and version the files came from.

Standard library only; needs ``npm`` on the PATH.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
OUT = HERE.parent / "pleio_core" / "static" / "nlds"

#: The Utrecht class components the templates use, besides the HTML layer.
COMPONENTS = (
    "alert",
    "badge-counter",
    "breadcrumb-nav",
    "button",
    "button-link",
    "data-list",
    "form-field",
    "form-field-description",
    "form-field-error-message",
    "form-label",
    "icon",
    "link-list",
    "nav-bar",
    "page-footer",
    "separator",
    "skip-link",
    "status-badge",
)

#: Tabler icon name -> the id Pleio's templates use.
ICONS = {
    "alert-circle": "alert",
    "bookmark": "bookmark",
    "book-2": "wiki",
    "building-community": "sites",
    "calendar-event": "calendar",
    "check": "check",
    "chevron-down": "chevron-down",
    "download": "download",
    "files": "files",
    "heart": "heart",
    "history": "history",
    "home": "home",
    "info-circle": "info",
    "key": "key",
    "language": "language",
    "logout": "logout",
    "login-2": "login",
    "message-circle": "comment",
    "news": "news",
    "pencil": "edit",
    "plus": "plus",
    "search": "search",
    "settings": "settings",
    "shield-lock": "two-factor",
    "trash": "trash",
    "user": "user",
    "users-group": "groups",
}

FONT_WEIGHTS = (400, 600, 700)
THEME = "@nl-design-system-unstable/voorbeeld-design-tokens"


def installed_versions() -> dict[str, str]:
    lock = json.loads((HERE / "package-lock.json").read_text())
    return {
        path.removeprefix("node_modules/"): entry["version"]
        for path, entry in sorted(lock["packages"].items())
        if path
    }


def component_css() -> str:
    """The components in the cascade layer ``nlds``: Pleio's own rules (unlayered) come
    after them whatever their selectors' specificity, so the theme never fights it."""
    library = MODULES / "@utrecht" / "component-library-css" / "dist" / "html.css"
    parts = [library.read_text()]
    for name in COMPONENTS:
        parts.append((MODULES / "@utrecht" / f"{name}-css" / "dist" / "index.css").read_text())
    css = "\n".join(parts).replace('@charset "UTF-8";', "")
    return "@layer nlds {\n" + css + "\n}\n"


def tokens_css(components: str) -> str:
    """The basis tokens, and the component tokens that ``components`` reads."""
    used = set(re.findall(r"var\((--utrecht-[a-z0-9-]+)", components))
    theme = (MODULES / THEME / "dist" / "theme.css").read_text()
    kept = []
    for line in theme.splitlines():
        declaration = line.strip()
        name = declaration.partition(":")[0]
        if name.startswith("--basis-") or name in used:
            kept.append("  " + declaration.replace("--voorbeeld-kleuren-", "--pleio-kleuren-"))
    leftover = [line for line in kept if "--voorbeeld-" in line]
    if leftover:
        raise SystemExit(f"unexpected example-theme references: {leftover[:3]}")
    return ".pleio-theme {\n" + "\n".join(kept) + "\n}\n"


def icon_sprite() -> str:
    outline = MODULES / "@tabler" / "icons" / "icons" / "outline"
    symbols = []
    for tabler, name in sorted(ICONS.items(), key=lambda item: item[1]):
        svg = (outline / f"{tabler}.svg").read_text()
        paths = re.findall(r"<path [^>]*/>|<circle [^>]*/>|<rect [^>]*/>", svg)
        body = "".join(p for p in paths if 'stroke="none"' not in p)
        symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24">{body}</symbol>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" fill="none" stroke="currentColor"'
        ' stroke-width="2" stroke-linecap="round" stroke-linejoin="round">\n'
        + "\n".join(symbols)
        + "\n</svg>\n"
    )


def header(versions: dict[str, str], *names: str) -> str:
    pinned = ", ".join(f"{n} {versions[n]}" for n in names)
    return f"/* Made by nlds/build.py from {pinned} (EUPL-1.2); do not edit by hand. */\n"


def main() -> None:
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=HERE, check=True
    )
    versions = installed_versions()
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "fonts").mkdir(parents=True)
    components = component_css()
    (OUT / "utrecht.css").write_text(
        header(versions, "@utrecht/component-library-css") + components
    )
    (OUT / "tokens.css").write_text(header(versions, THEME) + tokens_css(components))
    (OUT / "icons.svg").write_text(icon_sprite())
    fonts = MODULES / "@fontsource" / "noto-sans" / "files"
    for weight in FONT_WEIGHTS:
        name = f"noto-sans-latin-{weight}-normal.woff2"
        shutil.copy(fonts / name, OUT / "fonts" / name)
    shutil.copy(
        MODULES / "@utrecht" / "component-library-css" / "LICENSE.md", OUT / "LICENSE-EUPL-1.2.md"
    )
    shutil.copy(MODULES / "@tabler" / "icons" / "LICENSE", OUT / "LICENSE-tabler-icons.txt")
    shutil.copy(
        MODULES / "@fontsource" / "noto-sans" / "LICENSE", OUT / "fonts" / "LICENSE-OFL-1.1.txt"
    )
    (OUT / "VERSIONS.txt").write_text(
        "".join(f"{name} {version}\n" for name, version in versions.items())
    )
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
