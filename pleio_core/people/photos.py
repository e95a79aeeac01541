"""People's photos: checked, made small and stripped of their metadata, kept with the account.

A photo belongs to the account, in the platform database, as its name does: "names and
photos shown anywhere come from the account", so one upload shows on every site the
person is a member of, and a change shows everywhere at once. (A site's export carries
its members' photos, as it carries their names.)

Only PNG, JPEG and WebP are taken, recognised by their first bytes and then by Pillow
decoding them, never by the file's name or the browser's word for it. What is kept is a new
JPEG drawn from the pixels, cropped square and at most ``PHOTO_SIZE`` pixels wide: no EXIF
(place, camera), no comments, nothing of the uploaded file but the picture.
"""

from __future__ import annotations

import io
import warnings

from persistent import Persistent
from PIL import Image, ImageOps
from ZODB.blob import Blob

from pleio_core.clock import timestamp
from pleio_core.security.accounts import Account
from pleio_core.sites.appearance import sniff_image_type

MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: A larger picture is refused before it is decoded (a small file can hold a huge one).
MAX_PIXELS = 40_000_000
PHOTO_SIZE = 400
MEDIA_TYPE = "image/jpeg"


class PhotoError(ValueError):
    """Not a photo we take; ``reason`` is "type" or "size"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def make_photo(data: bytes) -> bytes:
    """The JPEG kept for an uploaded picture, or PhotoError."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError("size")
    if sniff_image_type(data) is None:
        raise PhotoError("type")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=("PNG", "JPEG", "WEBP")) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoError("size")
                image.load()
                upright = ImageOps.exif_transpose(image)  # (turned as the camera held it)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        if isinstance(exc, PhotoError):
            raise
        raise PhotoError("type") from None
    if upright.mode not in ("RGB", "L"):
        flat = Image.new("RGB", upright.size, "white")
        rgba = upright.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    side = min(PHOTO_SIZE, upright.width, upright.height)
    square = ImageOps.fit(upright.convert("RGB"), (side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)  # no exif=: none is written
    return out.getvalue()


class AccountPhoto(Persistent):
    """An account's photo: the JPEG in a blob."""

    media_type = MEDIA_TYPE

    def __init__(self, data: bytes) -> None:
        self.size = len(data)
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(data)

    def read(self) -> bytes:
        with self.blob.open("r") as f:
            data: bytes = f.read()
        return data


def set_photo(account: Account, data: bytes | None) -> None:
    """Give the account this photo (already made by ``make_photo``), or take it away.

    The version is the moment in milliseconds (0: no photo): part of the photo's address,
    it never comes back, so a browser that keeps a photo long never shows an old one.
    """
    if data is None:
        account.photo, account.photo_version = None, 0
        return
    account.photo = AccountPhoto(data)
    account.photo_version = max(int(timestamp() * 1000), account.photo_version + 1)
