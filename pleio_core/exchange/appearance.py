"""The holder's own settings in a site export: title and the like, colours, menu, front
page, logo and favicon — what the control panel keeps on the site's root.

They travel in the manifest (``site.appearance``); the two images as files of the archive,
by their SHA-256, like every other file. On import everything is checked as the control
panel checks it: an archive cannot bring in a ``javascript:`` menu link, a colour that is
not one, or an image that is not a PNG, JPEG or WebP.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import IO, Any

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import LANGUAGES
from pleio_core.security.accounts import AccountError, normalise_email
from pleio_core.sites.appearance import (
    KINDS,
    MAX_DESCRIPTION,
    MAX_IMAGE_BYTES,
    MAX_TITLE,
    clean_colour,
    clean_link_url,
    sniff_image_type,
    store_image,
)
from pleio_core.sites.config import ACCESS_LEVELS
from pleio_core.sites.effective import HOLDER_KEYS

from .errors import ArchiveError

MAX_TEXT = 2000


def appearance_of(root: SiteRoot, write_file: Callable[[str, bytes], object]) -> dict[str, Any]:
    """The holder's settings of ``root``; ``write_file(sha256, data)`` stores each image."""
    menu = root.menu_settings
    data: dict[str, Any] = {
        "settings": dict(root.holder_settings),
        "colours": dict(root.colours),
        "menu": {
            "order": list(menu.get("order", ())),
            "titles": dict(menu.get("titles", {})),
            "hidden": list(menu.get("hidden", ())),
            "links": [list(link) for link in menu.get("links", ())],
        },
        "home": {
            "order": list(root.home_settings.get("order", ())),
            "hidden": list(root.home_settings.get("hidden", ())),
        },
        "front_page": root.front_page,
    }
    for kind in KINDS:
        image = getattr(root, kind)
        if image is not None:
            content = image.read()
            sha256 = hashlib.sha256(content).hexdigest()
            write_file(sha256, content)
            data[kind] = {"sha256": sha256, "media_type": image.media_type}
    return data


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and len(v) <= MAX_TEXT for v in value
    ):
        raise ArchiveError(f"appearance: {where} is not a list of texts")
    return value


def _mapping(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(v, str) and len(v) <= MAX_TEXT for v in value.values()
    ):
        raise ArchiveError(f"appearance: {where} is not an object of texts")
    return value


def _holder_settings(settings: dict[str, str]) -> dict[str, str]:
    """The holder's title and the like, checked as the control panel's general page checks."""
    unknown = set(settings) - set(HOLDER_KEYS)
    if unknown:
        raise ArchiveError(f"appearance: unknown site settings {sorted(unknown)}")
    checks = {
        "title": lambda v: 0 < len(v.strip()) <= MAX_TITLE,
        "description": lambda v: len(v) <= MAX_DESCRIPTION,
        "language": lambda v: v in LANGUAGES,
        "access": lambda v: v in ACCESS_LEVELS,
    }
    for key, value in settings.items():
        if key in checks and not checks[key](value):
            raise ArchiveError(f"appearance: the site setting {key} = {value!r} is not allowed")
    if settings.get("contact_email"):
        try:
            settings["contact_email"] = normalise_email(settings["contact_email"])
        except AccountError:
            raise ArchiveError("appearance: the contact address is no e-mail address") from None
    return dict(settings)


def _colours(raw: Any) -> dict[str, str]:
    """The site's two colours, each cleaned as the control panel cleans it."""
    colours = {}
    for name, value in _mapping(raw, "colours").items():
        colour = clean_colour(value)
        if name not in ("primary", "secondary") or colour is None:
            raise ArchiveError(f"appearance: colour {name!r} = {value!r} is not a colour of ours")
        colours[name] = colour
    return colours


def _menu_link(link: Any) -> tuple[str, str]:
    """A (title, address) link, with an address the control panel would take."""
    title, url = (
        _texts(link, "a menu link") if isinstance(link, list) and len(link) == 2 else ("", "")
    )
    clean = clean_link_url(url)
    if not title.strip() or clean is None:
        raise ArchiveError(f"appearance: the menu link {link!r} is not a title and address")
    return title, clean


def _menu_settings(menu: Any) -> dict[str, Any]:
    """The holder's menu: order, titles, hidden items and links."""
    if not isinstance(menu, dict):
        raise ArchiveError("appearance: the menu is not an object")
    links = [_menu_link(link) for link in menu.get("links", [])]
    return {
        "order": _texts(menu.get("order", []), "the menu's order"),
        "titles": _mapping(menu.get("titles", {}), "the menu's titles"),
        "hidden": _texts(menu.get("hidden", []), "the menu's hidden items"),
        "links": links,
    }


def _restore_image(
    root: SiteRoot, kind: str, facts: Any, open_file: Callable[[str], IO[bytes]]
) -> None:
    """The logo or favicon, if it is the file its SHA-256 names and an image we take."""
    sha256 = facts.get("sha256") if isinstance(facts, dict) else None
    if not isinstance(sha256, str):
        raise ArchiveError(f"appearance: the {kind} has no sha256")
    with open_file(sha256) as source:
        content = source.read(MAX_IMAGE_BYTES + 1)
    media_type = sniff_image_type(content)
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ArchiveError(f"appearance: the {kind} does not match its SHA-256")
    if len(content) > MAX_IMAGE_BYTES or media_type is None:
        raise ArchiveError(f"appearance: the {kind} is not a PNG, JPEG or WebP of 1 MB at most")
    store_image(root, kind, content, media_type)


def restore_appearance(root: SiteRoot, data: Any, open_file: Callable[[str], IO[bytes]]) -> None:
    """Put the holder's settings of an archive on the new ``root``, checked."""
    if data is None:
        return  # an archive from before appearance travelled
    if not isinstance(data, dict):
        raise ArchiveError("appearance: not an object")
    root.holder_settings = _holder_settings(_mapping(data.get("settings", {}), "settings"))
    root.colours = _colours(data.get("colours", {}))
    root.menu_settings = _menu_settings(data.get("menu", {}))
    root.menu_version += 1
    home = data.get("home", {})
    if not isinstance(home, dict):
        raise ArchiveError("appearance: the home page's widgets are not an object")
    root.home_settings = {
        "order": _texts(home.get("order", []), "the home widgets' order"),
        "hidden": _texts(home.get("hidden", []), "the hidden home widgets"),
    }
    front_page = data.get("front_page", "")
    if not isinstance(front_page, str) or len(front_page) > MAX_TEXT:
        raise ArchiveError("appearance: the front page is not a path")
    root.front_page = front_page
    for kind in KINDS:
        if data.get(kind) is not None:
            _restore_image(root, kind, data[kind], open_file)
