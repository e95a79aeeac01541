"""The site's logo and favicon: uploaded images, checked by their content, kept as blobs.

Only PNG, JPEG and WebP are taken, recognised by their first bytes (never by the file's
name or the browser's word for it); SVG is refused, as it can carry script. The image is a
ZODB blob in the site's own database, so it leaves with the site's data.
"""

from __future__ import annotations

from typing import Any

from persistent import Persistent
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from ZODB.blob import Blob

from pleio_core.content.site import SiteRoot

MAX_IMAGE_BYTES = 1024 * 1024
KINDS = ("logo", "favicon")


class ImageError(ValueError):
    """Not an image we take; ``reason`` is "type" or "size"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def sniff_image_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG or WebP image from its magic bytes; None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def read_upload(field: Any) -> tuple[bytes, str] | None:
    """(data, media type) of an uploaded file; None if nothing was chosen; ImageError if it
    is too big or not a PNG, JPEG or WebP image."""
    upload = getattr(field, "file", None)
    if upload is None:
        return None
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if not data:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError("size")
    media_type = sniff_image_type(data)
    if media_type is None:
        raise ImageError("type")
    return data, media_type


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


def serve_image(context: SiteRoot, request: Request) -> Response:
    image = getattr(context, request.view_name)
    if image is None:
        raise HTTPNotFound()
    response = Response(image.read(), content_type=image.media_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.max_age = 3600  # the address changes with each upload
    return response


def includeme(config: Configurator) -> None:
    for kind in KINDS:
        config.add_view(
            serve_image,
            context=SiteRoot,
            name=kind,
            request_method=("GET", "HEAD"),
            permission=NO_PERMISSION_REQUIRED,  # the frame of the "members only" page shows it
        )
