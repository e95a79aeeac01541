"""The site's logo and favicon: the control panel's upload, and the images' addresses.

What an image may be, and how it is kept, are the site's rules (``sites.appearance``),
which the import applies too; here is only what the control panel's form adds to them.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content.site import SiteRoot
from pleio_core.sites.appearance import KINDS, MAX_IMAGE_BYTES, sniff_image_type

# Logos and favicons stored before the class moved name this module: they load through this
# name until storage.moved lists the move.


class ImageError(ValueError):
    """Not an image we take; ``reason`` is "type" or "size"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


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
