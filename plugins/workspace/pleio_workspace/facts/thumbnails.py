"""A small PNG of an uploaded image, for listings and the file's page.

Pillow reads the image as the type its bytes said (``sniff.media_type``) and as nothing
else. A picture larger than ``MAX_PIXELS`` is not decoded: its header says its size, and a
small file can claim a huge one (a decompression bomb). Pillow's own limit
(``Image.MAX_IMAGE_PIXELS``) is higher and is left as it is, for the rest of the process;
an image past it fails in ``Image.open`` already, with an error or a warning, and gets no
thumbnail either. Broken, truncated or hostile files give None, never an error.
"""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageOps

#: A larger picture gets no thumbnail (decoded, 50 megapixels take 150 to 200 MB).
MAX_PIXELS = 50_000_000
#: A thumbnail fits in a square of this many pixels a side.
SIZE = 256

#: The types a thumbnail is made of, with the one Pillow decoder each may be read by.
FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
    "image/vnd.microsoft.icon": "ICO",
}

log = logging.getLogger(__name__)


def thumbnail(path: str, media_type: str) -> bytes | None:
    """A PNG of the image at ``path``, at most ``SIZE`` pixels wide and high (upright, as
    its EXIF orientation says; an animation's first frame); None for what is not an image
    of ``FORMATS`` or cannot be read."""
    decoder = FORMATS.get(media_type)
    if decoder is None:
        return None
    try:
        return _thumbnail(path, decoder)
    except Exception as exc:  # Pillow's decoders raise any kind on bad input
        # (OSError, ValueError, SyntaxError, struct.error, EOFError, IndexError, …), and a
        # DecompressionBombError or (where warnings are errors) its warning past its limit
        log.debug("no thumbnail of %s (%s): %r", path, media_type, exc)
        return None


def _thumbnail(path: str, decoder: str) -> bytes | None:
    with Image.open(path, formats=(decoder,)) as image:
        if image.width * image.height > MAX_PIXELS:
            return None
        # a JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is still large enough
        # a JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is still large enough
        image.draft("RGB", (SIZE * 2, SIZE * 2))
        image.load()  # (of an animation: its first frame)
        small = _resizable(image)
        small.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)
        small = ImageOps.exif_transpose(small)  # turned once small: cheaper, and the same
        out = io.BytesIO()
        _png_mode(small).save(out, "PNG", optimize=True)
        return out.getvalue()


def _resizable(image: Image.Image) -> Image.Image:
    """``image`` in a mode that resizes smoothly (a palette would be resized by its nearest
    pixels), its EXIF kept for ``exif_transpose``."""
    if image.mode not in ("1", "P", "PA"):
        return image
    has_alpha = image.mode == "PA" or "transparency" in image.info
    converted = image.convert("RGBA" if has_alpha else "RGB")
    converted.info["exif"] = image.info.get("exif", b"")
    return converted


def _png_mode(image: Image.Image) -> Image.Image:
    """``image`` in a mode PNG keeps (CMYK, YCbCr, 16-bit and the like are converted)."""
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if image.mode.startswith("I"):  # 16- and 32-bit grey: scaled to 8 bits
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")
