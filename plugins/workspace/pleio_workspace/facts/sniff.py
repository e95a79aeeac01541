"""A file's media type, from its bytes: what a download says it is, whatever its name.

The first bytes say most types (magic numbers). A ZIP is looked into, through its central
directory only: office documents are ZIPs whose ``[Content_Types].xml`` (Office Open XML)
or ``mimetype`` member (OpenDocument) names them. Bytes without binary control characters
are text, and text is told apart once more: HTML, SVG and other XML by their first markup
(an HTML page named ``x.png`` is ``text/html``), plain text by nothing. Only there, among
plain texts, may the name refine the type (``.csv``, ``.md``): a name never makes bytes
more trusted than they are.

``INLINE_TYPES`` are the only types a download may show in the browser rather than save.
"""

from __future__ import annotations

import re
import struct
import xml.parsers.expat
import zipfile
from pathlib import Path, PurePath

from .containers import open_zip, read_member

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

UNKNOWN = "application/octet-stream"
#: How much of the file the type is read from (a text is text if this much of it is).
HEAD = 8192

# Each magic number at the start of the file, with its type; checked in order.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"BZh", "application/x-bzip2"),
    (b"ID3", "audio/mpeg"),
    (b"fLaC", "audio/flac"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # .doc, .xls, .msg
)
_RIFF = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
# ISO base media (MP4 and kin): the major brand after "ftyp".
_BRANDS = {
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"qt  ": "video/quicktime",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"avif": "image/avif",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
}
_BMP_HEADERS = (12, 40, 52, 56, 64, 108, 124)  # the sizes a BMP's info header may have

# Office Open XML: the main part's content type, and the package's.
_OOXML = "application/vnd.openxmlformats-officedocument."
_OFFICE_PARTS = {
    f"{_OOXML}wordprocessingml.document.main+xml": f"{_OOXML}wordprocessingml.document",
    f"{_OOXML}wordprocessingml.template.main+xml": f"{_OOXML}wordprocessingml.template",
    f"{_OOXML}spreadsheetml.sheet.main+xml": f"{_OOXML}spreadsheetml.sheet",
    f"{_OOXML}spreadsheetml.template.main+xml": f"{_OOXML}spreadsheetml.template",
    f"{_OOXML}presentationml.presentation.main+xml": f"{_OOXML}presentationml.presentation",
    f"{_OOXML}presentationml.slideshow.main+xml": f"{_OOXML}presentationml.slideshow",
    f"{_OOXML}presentationml.template.main+xml": f"{_OOXML}presentationml.template",
    "application/vnd.ms-word.document.macroEnabled.main+xml": (
        "application/vnd.ms-word.document.macroEnabled.12"
    ),
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": (
        "application/vnd.ms-excel.sheet.macroEnabled.12"
    ),
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": (
        "application/vnd.ms-powerpoint.presentation.macroEnabled.12"
    ),
}
# ... and, when [Content_Types].xml says nothing useful, the main part's usual name.
_OFFICE_NAMES = {
    "word/document.xml": f"{_OOXML}wordprocessingml.document",
    "xl/workbook.xml": f"{_OOXML}spreadsheetml.sheet",
    "ppt/presentation.xml": f"{_OOXML}presentationml.presentation",
}
#: What an OpenDocument's (or an EPUB's) ``mimetype`` member may say.
_PACKAGE_TYPE = re.compile(rb"application/(vnd\.oasis\.opendocument\.[a-z.-]+|epub\+zip)")
_CONTENT_TYPES_LIMIT = 1 << 20

# Bytes that never occur in text (the WHATWG MIME Sniffing standard's "binary data bytes").
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
# The elements an HTML document may start with (the same standard's list, and a few more).
_HTML_TAGS = frozenset(
    "html head body script iframe h1 div font table a style title b br p meta link form img"
    " object embed base".split()
)
_HTML_ANYWHERE = re.compile(r"<(html|script|iframe|body)(\s|>|/)", re.IGNORECASE)
# What may stand before the first element: processing instructions, comments, a DOCTYPE.
_PROLOG = re.compile(
    r"\s*(<\?.*?\?>|<!--.*?-->|<!doctype[^>\[]*(\[.*?\])?\s*>)", re.IGNORECASE | re.DOTALL
)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_XMLNS = re.compile(r"\sxmlns(:[\w.-]+)?\s*=")
_XML_ROOTS = {
    "svg": "image/svg+xml",
    "rss": "application/rss+xml",
    "feed": "application/atom+xml",
}
#: Plain texts that a name may tell apart.
_TEXT_SUFFIXES = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}


def media_type(path: str, name: str) -> str:
    """The media type of the file at ``path`` (``name``, the uploader's, only refines a
    plain text's); ``application/octet-stream`` when nothing says more."""
    try:
        with Path(path).open("rb") as f:
            head = f.read(HEAD)
    except OSError:
        return UNKNOWN
    found = binary_type(head)
    if found == "application/zip":
        return zip_type(path)
    if found is not None:
        return found
    return text_type(head, name)


def binary_type(head: bytes) -> str | None:
    """The type the first bytes say, "application/zip" for any ZIP; None for none."""
    for magic, found in _MAGIC:
        if head.startswith(magic):
            return found
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "application/zip"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _BRANDS.get(head[8:12], "video/mp4")
    if head.startswith(b"OggS"):
        return _ogg_type(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska, or WebM by its doctype
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if _is_bmp(head):
        return "image/bmp"
    if _is_ico(head):
        return "image/vnd.microsoft.icon"
    if _is_mp3_frame(head):
        return "audio/mpeg"
    return None


def _ogg_type(head: bytes) -> str:
    if b"\x80theora" in head:
        return "video/ogg"
    if b"\x01vorbis" in head or b"OpusHead" in head or b"\x7fFLAC" in head:
        return "audio/ogg"
    return "application/ogg"


def _is_bmp(head: bytes) -> bool:
    if len(head) < 26 or not head.startswith(b"BM"):
        return False
    info_size, width, _height, planes = struct.unpack("<Lllh", head[14:28].ljust(14, b"\0"))
    return info_size in _BMP_HEADERS and (info_size == 12 or (width > 0 and planes == 1))


def _is_ico(head: bytes) -> bool:
    # reserved 0, type 1, 1 to 255 images, then each image's reserved byte 0 and planes 0 or 1
    if len(head) < 22 or not head.startswith(b"\x00\x00\x01\x00"):
        return False
    count = struct.unpack("<H", head[4:6])[0]
    return 0 < count < 256 and head[9] == 0 and head[10] in (0, 1)


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header at the start (an MP3 without an ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def zip_type(path: str) -> str:
    """The type of a ZIP: an office document's, or ``application/zip``."""
    archive = open_zip(path)
    if archive is None:
        return "application/zip"
    with archive:
        return _package_type(archive) or "application/zip"


def _package_type(archive: zipfile.ZipFile) -> str | None:
    names = archive.namelist()
    if "mimetype" in names:
        said = read_member(archive, "mimetype", 100).strip()
        if _PACKAGE_TYPE.fullmatch(said):
            return said.decode("ascii")
    if "[Content_Types].xml" in names:
        raw = read_member(archive, "[Content_Types].xml", _CONTENT_TYPES_LIMIT)
        for part_type in _override_types(raw):
            if part_type in _OFFICE_PARTS:
                return _OFFICE_PARTS[part_type]
        for part, found in _OFFICE_NAMES.items():
            if part in names:
                return found
    return None


def _override_types(raw: bytes) -> list[str]:
    """The ContentType of each Override in a ``[Content_Types].xml``; [] when it is not
    XML or declares a DTD (no entity is ever expanded)."""
    found: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(" ")[2] == "Override" and "ContentType" in attrs:
            found.append(attrs["ContentType"])

    def refuse(*args: object) -> None:
        raise ValueError("a DTD")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(raw, True)
    except (xml.parsers.expat.ExpatError, ValueError):
        return []
    return found


def text_type(head: bytes, name: str) -> str:
    """The type of a file that starts with ``head`` when no magic number said one: a kind
    of text, or ``application/octet-stream`` for binary bytes."""
    text = _decode(head)
    if text is None:
        return UNKNOWN
    start = text.lstrip("\ufeff \t\r\n\f")
    if start.startswith("<"):
        markup = _markup_type(start)
        if markup is not None:
            return markup
    if _HTML_ANYWHERE.search(text[:1024]):
        return "text/html"  # what old browsers would have rendered as HTML
    if start.startswith("BEGIN:VCALENDAR"):
        return "text/calendar"
    if start.startswith("BEGIN:VCARD"):
        return "text/vcard"
    return _TEXT_SUFFIXES.get(PurePath(name).suffix.lower(), "text/plain")


def _decode(head: bytes) -> str | None:
    """The text of ``head``, or None when it holds bytes that text never does."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark
        even = head[: len(head) // 2 * 2]
        try:  # (the head may end inside a surrogate pair)
            decoded = even.decode("utf-16")
        except UnicodeDecodeError:
            try:
                decoded = even[:-2].decode("utf-16")
            except UnicodeDecodeError:
                return None
        if _BINARY.search(decoded.encode("utf-8", errors="replace")):
            return None
        return decoded
    if _BINARY.search(head):
        return None
    # UTF-8 (a character cut off at the end of the head is no reason to doubt it); any
    # other 8-bit text (Windows-1252 from old spreadsheets) is text too.
    return head.decode("utf-8", errors="replace")


def _markup_type(text: str) -> str | None:
    """HTML, SVG or another XML type for a text that starts with "<", by its DOCTYPE or its
    first element; None when it is no markup a browser or an XML reader would take."""
    at, doctype = 0, ""
    while match := _PROLOG.match(text, at):
        at = match.end()
        if match.group(1)[:9].lower() == "<!doctype":
            doctype = match.group(1)[9:].lstrip().lower()
    if doctype.startswith("html"):
        return "text/html"
    if doctype.startswith("svg"):
        return "image/svg+xml"
    is_xml = text.startswith("<?xml")
    root = _ROOT.match(text, at)
    if root is None:
        return "application/xml" if is_xml else None
    local = root.group(1).rpartition(":")[2].lower()
    if local == "html" or (local in _HTML_TAGS and not is_xml):
        return "text/html"
    if local in _XML_ROOTS:
        return _XML_ROOTS[local]
    return "application/xml" if is_xml or _XMLNS.search(text, at, at + 4096) else None
