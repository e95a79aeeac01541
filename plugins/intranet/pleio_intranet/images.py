"""Lead images of news: an upload checked and made safe with Pillow before it is stored.

An image is read for what it is, not for what its name or the browser say: PNG, JPEG or
WebP, at most ``MAX_BYTES`` uploaded and ``MAX_PIXELS`` decoded (a decompression bomb is
refused). It is turned upright as its EXIF says, made at most ``MAX_SIDE`` pixels on its
longer side and encoded again without any of its metadata (EXIF with its GPS position, XMP,
comments, colour profiles), then kept in a blob (``store_file``).
"""

from __future__ import annotations

import io
import warnings
from typing import IO, Any

import colander
from PIL import Image, ImageOps, UnidentifiedImageError

from pleio_core.plugin_api import StoredFile, StoredFileType, store_file

from .i18n import _

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
MAX_ALT = 250
#: Pillow's format → (media type, file extension).
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}


class NotAnImage(ValueError):
    """Why an upload cannot be a lead image; ``message`` says it to the uploader."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def read_upload(stream: IO[bytes]) -> bytes:
    """At most ``MAX_BYTES`` of ``stream``; NotAnImage if there is more."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise NotAnImage(_("The image is too large: at most 10 MB."))
    if not data:
        raise NotAnImage(_("The file is empty."))
    return data


def clean_image(data: bytes) -> tuple[bytes, str]:
    """The image in ``data`` made safe: (its new bytes, Pillow's format name)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                kind = opened.format
                if kind not in FORMATS:
                    raise NotAnImage(_("Upload a PNG, JPEG or WebP image."))
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise NotAnImage(_("The image has too many pixels: at most 40 megapixels."))
                opened.seek(0)  # the first frame of an animation
                image = ImageOps.exif_transpose(opened)
                image.load()
    except NotAnImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NotAnImage(_("The image has too many pixels: at most 40 megapixels.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise NotAnImage(_("This file is not an image that can be read.")) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    elif image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA")
    bare = Image.new(image.mode, image.size)  # a new image: nothing of the old one's info
    bare.paste(image)
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 85} if kind in ("JPEG", "WEBP") else {"optimize": True}
    bare.save(out, format=kind, **options)
    return out.getvalue(), kind


def lead_image_from(stream: IO[bytes], filename: str) -> StoredFile:
    """A StoredFile of the cleaned image in ``stream``; NotAnImage if it cannot be one."""
    data, kind = clean_image(read_upload(stream))
    media_type, extension = FORMATS[kind]
    stem = (filename.rsplit(".", 1)[0] or "image")[:100]
    return store_file(io.BytesIO(data), f"{stem}.{extension}", media_type)


class LeadImageType(StoredFileType):
    """A schema field for a lead image: an upload from the form becomes a cleaned StoredFile;
    a StoredFile (an import) stays as it is; what the API echoes back of a stored one (its
    facts) leaves the image as it is."""

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct in (colander.null, None, ""):
            return colander.null
        if isinstance(cstruct, StoredFile):
            return cstruct
        if isinstance(cstruct, dict) and "sha256" in cstruct and "fp" not in cstruct:
            return colander.drop  # the stored image's facts, sent back: unchanged
        stream = cstruct.get("fp") if isinstance(cstruct, dict) else None
        if stream is None:
            raise colander.Invalid(node, _("Upload the image with the form."))
        try:
            return lead_image_from(stream, str(cstruct.get("filename") or "image"))
        except NotAnImage as refused:
            raise colander.Invalid(node, refused.message) from None
