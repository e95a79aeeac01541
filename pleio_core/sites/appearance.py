"""The rules of a deelsite's appearance, for everything that may change it.

The holder sets the title, colours, menu links, logo and favicon in the control panel; an
import brings the same settings in from an archive. Both take only what passes these rules,
so an archive cannot bring in what the control panel would refuse (a ``javascript:`` link,
a colour that is not one, an SVG that carries script).

The logo and favicon are ZODB blobs in the site's own database (``SiteImage``), so they
leave with the site's data. Only PNG, JPEG and WebP are taken, recognised by their first
bytes, never by the file's name or the browser's word for it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from persistent import Persistent
from ZODB.blob import Blob

from pleio_core.content.site import SiteRoot

#: The longest title and description a holder may give the site.
MAX_TITLE, MAX_DESCRIPTION = 200, 1000

HEX_COLOUR = re.compile(r"^#(?:[0-9a-f]{3}|[0-9a-f]{6})$")

#: The colours of a site whose holder has not chosen its own.
DEFAULT_COLOURS = {"primary": "#01689b", "secondary": "#154273"}

MAX_IMAGE_BYTES = 1024 * 1024
#: The images a site has; each is an attribute of the SiteRoot, with a ``_version`` and ``_type``.
KINDS = ("logo", "favicon")


def clean_colour(raw: str) -> str | None:
    """``raw`` as ``#rrggbb`` (lower case), or None if it is not a hex colour."""
    text = (raw or "").strip().lower()
    if text and not text.startswith("#"):
        text = "#" + text
    if not HEX_COLOUR.match(text):
        return None
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text


def site_colours(root: SiteRoot) -> dict[str, str]:
    """The colours in force: the holder's over the defaults."""
    return {**DEFAULT_COLOURS, **root.colours}


def clean_link_url(raw: str) -> str | None:
    """An http(s) address or a path on the site; None for anything else (javascript:…)."""
    url = raw.strip()
    parts = urlsplit(url)
    if url.startswith("/") and not url.startswith("//"):
        return url
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    return None


def sniff_image_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG or WebP image from its magic bytes; None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class SiteImage(Persistent):
    def __init__(self, data: bytes, media_type: str) -> None:
        self.media_type = media_type
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(data)

    def read(self) -> bytes:
        with self.blob.open("r") as f:
            return f.read()


def store_image(root: SiteRoot, kind: str, data: bytes, media_type: str) -> None:
    """Keep the image and bump its version (part of its address, so browsers fetch it anew)."""
    setattr(root, kind, SiteImage(data, media_type))
    setattr(root, f"{kind}_version", getattr(root, f"{kind}_version") + 1)
    setattr(root, f"{kind}_type", media_type)
