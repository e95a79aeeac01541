"""The demo's folders and files (``pleio demo``, through ``pleio_sample_content``).

A folder with a short text, a small picture (made on the spot with Pillow) and a planning
with two versions, so the demo shows a listing, a thumbnail and a version history. They are
made as an upload leaves them: each version a blob, its bytes counted in the site's usage.
"""

from __future__ import annotations

import io
from typing import NamedTuple

from persistent.list import PersistentList
from PIL import Image, ImageDraw
from pyramid.registry import Registry

from pleio_core.plugin_api import ContentAdded, Folder, SiteRoot, store_file

from .files.model import File, Version, WorkspaceFolder
from .trash import add_usage


class Samples(NamedTuple):
    folder: str
    readme: tuple[str, str]  # name, text
    picture: str
    planning: str
    versions: tuple[str, str]
    notes: tuple[str, str]


TEXTS = {
    "nl": Samples(
        "Projectplan",
        ("lees mij.txt", "In deze map staat alles voor het projectplan.\n"),
        "schets.png",
        "planning.txt",
        ("Week 1: kick-off\n", "Week 1: kick-off\nWeek 2: eerste versie\n"),
        ("Eerste opzet", "Week 2 erbij"),
    ),
    "en": Samples(
        "Project plan",
        ("read me.txt", "Everything for the project plan is in this folder.\n"),
        "sketch.png",
        "planning.txt",
        ("Week 1: kick-off\n", "Week 1: kick-off\nWeek 2: first draft\n"),
        ("First draft", "Added week 2"),
    ),
}


def picture() -> bytes:
    """A small PNG: three coloured blocks, as a sketch of a plan."""
    image = Image.new("RGB", (96, 64), "white")
    draw = ImageDraw.Draw(image)
    for n, colour in enumerate(("#01689b", "#e17000", "#39870c")):
        draw.rectangle((8 + n * 28, 12 + n * 8, 30 + n * 28, 52), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _file(
    site: SiteRoot,
    folder: Folder,
    name: str,
    media_type: str,
    versions: tuple[bytes, ...],
    notes: tuple[str, ...],
    owner: str | None,
    owner_name: str,
) -> File:
    item = File(name, owner=owner)
    item.owner_name, item.access = owner_name, "public"
    item.versions = PersistentList()
    for number, (data, note) in enumerate(zip(versions, notes, strict=True), 1):
        stored = store_file(io.BytesIO(data), name, media_type)
        item.add_version(Version(number, stored, owner, owner_name, note))
        add_usage(site, len(data))
    if media_type == "image/png":
        item.thumbnail = item.stored  # (already small enough to be its own thumbnail)
    folder.add(name, item)
    return item


def sample_content(
    site: SiteRoot, registry: Registry, language: str, owner: str | None, owner_name: str
) -> None:
    """Put the demo folder in the workspace, once."""
    texts = TEXTS.get(language)
    top = site.get("workspace")
    if texts is None or not isinstance(top, Folder) or texts.folder in top:
        return
    folder = WorkspaceFolder(texts.folder, owner=owner)
    folder.owner_name, folder.access = owner_name, "public"
    top.add(texts.folder, folder)
    readme, text = texts.readme
    _file(site, folder, readme, "text/plain", (text.encode(),), ("",), owner, owner_name)
    _file(site, folder, texts.picture, "image/png", (picture(),), ("",), owner, owner_name)
    data = tuple(v.encode() for v in texts.versions)
    _file(site, folder, texts.planning, "text/plain", data, texts.notes, owner, owner_name)
    registry.notify(ContentAdded(folder))
