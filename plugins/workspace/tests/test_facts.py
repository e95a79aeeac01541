"""The facts of an uploaded file, from real files made on the spot: its type from its bytes
(never its name), a thumbnail of an image, the text of a PDF, DOCX or ODT; and nothing but
the plainest answer for broken, hostile or arbitrary bytes."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pleio_workspace.facts import containers, extract, sniff, thumbnails
from pleio_workspace.facts.extract import DOCX, MAX_CHARS, text_of
from pleio_workspace.facts.sniff import INLINE_TYPES, media_type
from pleio_workspace.facts.thumbnails import thumbnail

from .documents import DOCX_TYPES, docx, encrypted_pdf, odf, pdf, write

ODT = "application/vnd.oasis.opendocument.text"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def image_bytes(fmt: str, size=(640, 480), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal" if mode == "RGB" else None).save(out, fmt, **save)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` x ``height`` (8-bit RGB), with a few bytes of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def zip_of(members: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


# -- the type, from the bytes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("BMP", "image/bmp"),
        ("TIFF", "image/tiff"),
        ("ICO", "image/vnd.microsoft.icon"),
    ],
)
def test_images_are_known_by_their_bytes_whatever_their_name(tmp_path, fmt, expected):
    path = write(tmp_path, "notes.txt", image_bytes(fmt, (64, 48)))
    assert media_type(path, "notes.txt") == expected
    assert media_type(path, "") == expected


def test_only_four_image_types_are_shown_inline():
    assert frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"}) == INLINE_TYPES
    assert "image/svg+xml" not in INLINE_TYPES


@pytest.mark.parametrize(
    "html",
    [
        b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
        b"\xef\xbb\xbf\n  <html><p>hoi</p></html>",
        b"<script>fetch('/@@delete', {method: 'POST'})</script>",
        b"<!-- a comment first --><div onclick='x()'>klik</div>",
        b"GIF89 is not here, but <iframe src='https://evil.example'></iframe> is",
        b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
        "<html><p>Één café</p></html>".encode("utf-16"),
    ],
)
def test_an_html_file_posing_as_an_image_is_html(tmp_path, html):
    path = write(tmp_path, "x.png", html)
    assert media_type(path, "x.png") == "text/html"


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        b"<!-- Generator: Adobe Illustrator 27.0 -->\n"
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b'<!-- logo --><svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>',
    ],
)
def test_svg_is_svg_and_never_inline(tmp_path, svg):
    path = write(tmp_path, "logo.png", svg)
    assert media_type(path, "logo.png") == "image/svg+xml"
    assert media_type(path, "logo.png") not in INLINE_TYPES


def test_xml_is_xml(tmp_path):
    xml = b'<?xml version="1.0"?>\n<besluiten><besluit nr="1"/></besluiten>'
    assert media_type(write(tmp_path, "b.txt", xml), "b.txt") == "application/xml"
    namespaced = b'<data xmlns="urn:example:data"><x/></data>'
    assert media_type(write(tmp_path, "d", namespaced), "d") == "application/xml"
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>'
    assert media_type(write(tmp_path, "f", feed), "f") == "application/rss+xml"


def test_plain_text_and_what_its_name_may_refine(tmp_path):
    csv = "naam;plaats\nJan;Zwolle\nÉlise;Utrecht\n".encode()
    path = write(tmp_path, "x", csv)
    assert media_type(path, "leden.csv") == "text/csv"
    assert media_type(path, "LEDEN.CSV") == "text/csv"
    assert media_type(path, "readme.md") == "text/markdown"
    assert media_type(path, "notes.txt") == "text/plain"
    assert media_type(path, "page.html") == "text/plain"  # a name never makes it HTML
    assert media_type(path, "photo.png") == "text/plain"
    # an old spreadsheet's export in Windows-1252 is text too; a UTF-8 character cut off
    # at the end of the bytes read is no reason to doubt the rest
    assert media_type(write(tmp_path, "w", "café;€ 12\n".encode("cp1252")), "w") == "text/plain"
    cut = ("a" * (sniff.HEAD - 1) + "é").encode()
    assert media_type(write(tmp_path, "c", cut), "c") == "text/plain"
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    assert media_type(write(tmp_path, "k", calendar), "k.txt") == "text/calendar"


def test_binary_bytes_are_not_text_whatever_the_name(tmp_path):
    path = write(tmp_path, "x.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)))
    assert media_type(path, "x.txt") == "application/octet-stream"
    assert media_type(str(tmp_path / "missing"), "missing.png") == "application/octet-stream"


def test_office_documents_by_what_their_zip_holds(tmp_path):
    word = write(tmp_path, "a.zip", docx(["Hallo"]))
    assert media_type(word, "a.zip") == DOCX
    odt = write(tmp_path, "b.pdf", odf(["Hallo"]))
    assert media_type(odt, "b.pdf") == ODT
    ods = write(tmp_path, "c", odf(["1"], "spreadsheet"))
    assert media_type(ods, "c") == "application/vnd.oasis.opendocument.spreadsheet"
    odp = write(tmp_path, "d", odf(["1"], "presentation"))
    assert media_type(odp, "d") == "application/vnd.oasis.opendocument.presentation"
    types = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    sheet = zip_of({
        "[Content_Types].xml": types + '<Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "xl/workbook.xml": "<workbook/>",
    })  # fmt: skip
    assert media_type(write(tmp_path, "e", sheet), "e.docx") == XLSX
    # [Content_Types].xml without overrides: the main part's name says it
    slides = zip_of({"[Content_Types].xml": types + "</Types>", "ppt/presentation.xml": "<p/>"})
    assert media_type(write(tmp_path, "f", slides), "f") == PPTX


def test_a_zip_that_is_no_document_is_a_zip(tmp_path):
    plain = zip_of({"a.txt": "hallo", "map/b.txt": "hoi"})
    assert media_type(write(tmp_path, "a.docx", plain), "a.docx") == "application/zip"
    # a mimetype member that names something else is not believed
    fake = zip_of({"mimetype": "text/html", "index.html": "<script>x</script>"})
    assert media_type(write(tmp_path, "b.odt", fake), "b.odt") == "application/zip"
    # a [Content_Types].xml with a DTD (entities) is not read
    dtd = zip_of({
        "[Content_Types].xml": '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x "y">]><Types>'
        '<Override ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>',
    })  # fmt: skip
    assert media_type(write(tmp_path, "c.docx", dtd), "c.docx") == "application/zip"
    # a ZIP cut off (no central directory) is still said to be one, and nothing breaks
    cut = docx(["Hallo"])[:100]
    assert media_type(write(tmp_path, "d.docx", cut), "d.docx") == "application/zip"


def test_a_huge_central_directory_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(containers, "MAX_DIRECTORY", 1000)
    many = zip_of({f"part-{n}.xml": "" for n in range(100)} | {"word/document.xml": "<x/>"})
    assert media_type(write(tmp_path, "a.docx", many), "a.docx") == "application/zip"
    assert containers.open_zip(str(tmp_path / "a.docx")) is None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "application/gzip"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "application/x-7z-compressed"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00\x00\x00\x00", "audio/mpeg"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video/mp4"),
        (b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis", "audio/ogg"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead", "audio/ogg"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"PK\x05\x06" + b"\x00" * 18, "application/zip"),
    ],
)
def test_other_types_by_their_first_bytes(tmp_path, head, expected):
    assert media_type(write(tmp_path, "x.txt", head + bytes(64)), "x.txt") == expected


def test_only_the_head_is_read(tmp_path):
    """A gigabyte upload costs a few kilobytes to sniff (a sparse file of 1 GB)."""
    path = tmp_path / "big.bin"
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(1 << 30)
    assert media_type(str(path), "big.bin") == "application/pdf"


# -- thumbnails -----------------------------------------------------------------------------


def read_png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data), formats=("PNG",))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"])
def test_a_thumbnail_is_a_small_png_keeping_the_aspect(tmp_path, fmt):
    path = write(tmp_path, "x", image_bytes(fmt, (1200, 600)))
    small = read_png(thumbnail(path, media_type(path, "x")))
    assert small.size == (256, 128)
    tall = write(tmp_path, "y", image_bytes(fmt, (90, 300)))
    assert read_png(thumbnail(tall, media_type(tall, "y"))).size == (77, 256)


def test_a_small_image_is_not_blown_up(tmp_path):
    path = write(tmp_path, "x.png", image_bytes("PNG", (40, 30)))
    assert read_png(thumbnail(path, "image/png")).size == (40, 30)


def test_transparency_and_odd_modes_survive(tmp_path):
    clear = write(tmp_path, "a", image_bytes("PNG", (300, 300), "RGBA"))
    assert read_png(thumbnail(clear, "image/png")).mode == "RGBA"
    cmyk = write(tmp_path, "b", image_bytes("JPEG", (300, 300), "CMYK"))
    assert read_png(thumbnail(cmyk, "image/jpeg")).mode == "RGB"
    deep = write(tmp_path, "c", image_bytes("PNG", (300, 300), "I;16"))
    assert read_png(thumbnail(deep, "image/png")).mode == "L"


def test_the_exif_orientation_is_applied(tmp_path):
    """A camera's portrait photo is stored landscape with "turn 90°" in its EXIF."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    photo = write(tmp_path, "p.jpg", image_bytes("JPEG", (400, 200), exif=exif.tobytes()))
    assert read_png(thumbnail(photo, "image/jpeg")).size == (128, 256)


def test_an_animation_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (100, 100), colour) for colour in ("red", "lime", "blue")]
    for fmt in ("GIF", "WEBP"):
        out = io.BytesIO()
        frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
        path = write(tmp_path, f"a.{fmt}", out.getvalue())
        first = read_png(thumbnail(path, media_type(path, "a"))).convert("RGB")
        red, green, blue = first.getpixel((50, 50))
        assert red > 200 and green < 60 and blue < 60, fmt


def test_no_thumbnail_of_what_is_no_image(tmp_path):
    html = write(tmp_path, "x.png", b"<html><script>alert(1)</script></html>")
    assert thumbnail(html, media_type(html, "x.png")) is None
    assert thumbnail(html, "image/png") is None  # even when told it is one
    svg = write(tmp_path, "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert thumbnail(svg, "image/svg+xml") is None
    assert thumbnail(write(tmp_path, "d.pdf", pdf(["x"])), "application/pdf") is None
    # a JPEG said to be a PNG is not read as a JPEG
    jpeg = write(tmp_path, "j", image_bytes("JPEG", (50, 50)))
    assert thumbnail(jpeg, "image/png") is None


def test_no_thumbnail_of_a_truncated_image(tmp_path):
    whole = image_bytes("PNG", (500, 500), "RGB")
    noise = Image.frombytes("RGB", (300, 300), bytes(range(256)) * 1055)
    out = io.BytesIO()
    noise.save(out, "JPEG")
    for data, kind in ((whole, "image/png"), (out.getvalue(), "image/jpeg")):
        for cut in (20, len(data) // 2, len(data) - 30):
            assert thumbnail(write(tmp_path, "t", data[:cut]), kind) is None, (kind, cut)


def test_no_thumbnail_of_a_decompression_bomb(tmp_path):
    """A PNG that says 20,000 x 20,000 pixels (1.2 GB decoded) in a few kilobytes: Pillow's
    own limit refuses it; one of 8,000 x 8,000 (64 megapixels, under Pillow's limit) is
    refused by ours, before anything is decoded; Pillow's limit is left as it was."""
    before = Image.MAX_IMAGE_PIXELS
    bomb = write(tmp_path, "bomb.png", png_header(20_000, 20_000))
    assert media_type(bomb, "bomb.png") == "image/png"
    assert thumbnail(bomb, "image/png") is None
    large = write(tmp_path, "large.png", png_header(8_000, 8_000))
    assert thumbnail(large, "image/png") is None
    assert before == Image.MAX_IMAGE_PIXELS
    assert thumbnails.MAX_PIXELS < 8_000 * 8_000


def test_a_bomb_past_pillows_warning_limit_is_refused_under_warnings_as_errors(tmp_path):
    """Between Pillow's warning and its error (90 to 180 megapixels) Pillow warns; where
    warnings are errors (as under ``python -W error``) that is an exception, caught too."""
    path = write(tmp_path, "warn.png", png_header(10_000, 10_000))
    with pytest.warns(Image.DecompressionBombWarning):
        assert thumbnail(path, "image/png") is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert thumbnail(path, "image/png") is None


# -- text -----------------------------------------------------------------------------------


def test_the_text_of_a_pdf(tmp_path):
    path = write(tmp_path, "x.bin", pdf(["Verslag van de   vergadering", "Besluit: café (ja)"]))
    assert media_type(path, "x.bin") == "application/pdf"
    assert text_of(path, "application/pdf") == "Verslag van de vergadering Besluit: café (ja)"


def test_the_text_of_a_docx_and_an_odt(tmp_path):
    word = write(tmp_path, "a.docx", docx(["Notulen  van\tde raad", "", "Agenda <punt> 1 & 2"]))
    assert text_of(word, DOCX) == "Notulen van de raad Agenda <punt> 1 & 2"
    odt = write(tmp_path, "b.odt", odf(["Beleids\u00adnota", "Ziekenhuis   Zwolle"]))
    # (the styles' text is not the document's)
    assert text_of(odt, ODT) == "Beleids\u00adnota Ziekenhuis Zwolle"


def test_deleted_text_and_field_codes_are_not_the_text(tmp_path):
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = (
        f"<w:document {w}><w:body><w:p><w:r><w:t>Blijft</w:t></w:r>"
        "<w:del><w:r><w:delText>Weg</w:delText></w:r></w:del>"
        "<w:r><w:instrText>PAGE \\* MERGEFORMAT</w:instrText></w:r>"
        "<w:r><w:t>ook</w:t><w:tab/><w:t>dit</w:t></w:r></w:p></w:body></w:document>"
    )
    path = write(tmp_path, "a.docx", docx([], document=document))
    assert text_of(path, DOCX) == "Blijftook dit"


def test_text_is_cut_at_its_limit(tmp_path):
    words = ["woord"] * 40_000  # 240,000 characters
    path = write(
        tmp_path, "a.docx", docx([" ".join(words[i : i + 100]) for i in range(0, 40_000, 100)])
    )
    text = text_of(path, DOCX)
    assert len(text) == MAX_CHARS - 1 or len(text) == MAX_CHARS
    assert text.startswith("woord woord") and "  " not in text
    long_pdf = write(tmp_path, "b.pdf", pdf([f"Pagina {n} " + "tekst " * 100 for n in range(300)]))
    text = text_of(long_pdf, "application/pdf")
    assert MAX_CHARS - 10 <= len(text) <= MAX_CHARS and text.startswith("Pagina 0 tekst")


def test_no_text_of_an_encrypted_pdf(tmp_path):
    locked = write(tmp_path, "a.pdf", encrypted_pdf(["Staatsgeheim"], user_password="geheim"))
    assert media_type(locked, "a.pdf") == "application/pdf"
    assert text_of(locked, "application/pdf") == ""
    # only protected against copying (no password to open it): its text is what anyone reads
    open_one = write(tmp_path, "b.pdf", encrypted_pdf(["Openbaar verslag"], user_password=""))
    assert text_of(open_one, "application/pdf") == "Openbaar verslag"


def test_no_text_of_a_broken_pdf(tmp_path):
    whole = pdf(["Hallo wereld"])
    for data in (whole[:200], b"%PDF-1.4\n" + bytes(500), whole.replace(b"/Pages 2", b"/Pages 9")):
        assert text_of(write(tmp_path, "x.pdf", data), "application/pdf") in ("", "Hallo wereld")
    assert text_of(write(tmp_path, "y.pdf", whole[:200]), "application/pdf") == ""


def test_a_zip_bomb_docx_is_read_only_so_far(tmp_path, monkeypatch):
    """A DOCX of 300 KB whose document.xml unpacks to 64 MB of empty paragraphs (it could
    be gigabytes) is unpacked up to ``MAX_XML_BYTES`` only, and the text before is kept."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    head = f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>Begin</w:t></w:r></w:p>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head.encode())
            block = b"<w:p/>" * (1 << 17)  # 768 KiB
            for _ in range((64 << 20) // len(block)):
                member.write(block)
    assert len(out.getvalue()) < 1 << 20
    path = write(tmp_path, "bomb.docx", out.getvalue())
    assert media_type(path, "bomb.docx") == DOCX
    read = []
    real = containers.member_pieces

    def counting(archive, name, limit):
        for piece in real(archive, name, limit):
            read.append(len(piece))
            yield piece

    monkeypatch.setattr(extract, "member_pieces", counting)
    assert text_of(path, DOCX) == "Begin"
    assert sum(read) == extract.MAX_XML_BYTES


def test_a_document_with_entities_gives_no_text(tmp_path):
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]>'
        f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body>'
        "</w:document>"
    )
    assert text_of(write(tmp_path, "a.docx", docx([], document=laughs)), DOCX) == ""
    external = (
        '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd">'
        f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body>'
        "</w:document>"
    )
    assert text_of(write(tmp_path, "b.docx", docx([], document=external)), DOCX) == ""


def test_no_text_of_other_types_or_broken_containers(tmp_path):
    path = write(tmp_path, "a.txt", b"gewoon tekst")
    assert text_of(path, "text/plain") == ""
    assert text_of(write(tmp_path, "b.docx", b"PK\x03\x04broken"), DOCX) == ""
    assert text_of(write(tmp_path, "c.docx", zip_of({"a.txt": "x"})), DOCX) == ""
    assert text_of(write(tmp_path, "d.odt", zip_of({"content.xml": "<not xml"})), ODT) == ""
    assert text_of(str(tmp_path / "missing.pdf"), "application/pdf") == ""


# -- any bytes at all -----------------------------------------------------------------------

ANY_TYPE = st.sampled_from(
    [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/bmp",
        "image/tiff",
        "image/vnd.microsoft.icon",
        "application/pdf",
        DOCX,
        ODT,
        "text/plain",
    ]
)
# Arbitrary bytes, and arbitrary bytes after (or instead of the rest of) a real file's start.
SEEDS = [
    image_bytes("PNG", (20, 20)),
    image_bytes("GIF", (20, 20)),
    image_bytes("JPEG", (20, 20)),
    image_bytes("WEBP", (20, 20)),
    pdf(["Hallo"]),
    docx(["Hallo"]),
    odf(["Hallo"]),
]
ANY_BYTES = st.one_of(
    st.binary(max_size=4096),
    st.builds(
        lambda seed, cut, tail: seed[:cut] + tail,
        st.sampled_from(SEEDS),
        st.integers(0, 4096),
        st.binary(max_size=512),
    ),
    st.builds(
        lambda seed, at, junk: seed[:at] + junk + seed[at + len(junk) :],
        st.sampled_from(SEEDS),
        st.integers(0, 2048),
        st.binary(min_size=1, max_size=16),
    ),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=ANY_BYTES, name=st.text(max_size=40), kind=ANY_TYPE)
def test_any_bytes_give_an_answer_never_an_error(tmp_path, data, name, kind):
    path = write(tmp_path, "upload", data)
    found = media_type(path, name)
    assert isinstance(found, str) and "/" in found
    small = thumbnail(path, kind)
    assert small is None or read_png(small).width <= 256
    text = text_of(path, kind)
    assert isinstance(text, str) and len(text) <= MAX_CHARS
    # and as what it was sniffed to be
    assert thumbnail(path, found) is None or found in thumbnails.FORMATS
    assert isinstance(text_of(path, found), str)


def test_every_fact_reads_a_real_path_only(tmp_path):
    """The functions take a path on disk (the upload's temporary file), as the lead's
    ``store_upload`` has it; a folder or a missing file is no error either."""
    folder = str(tmp_path)
    assert media_type(folder, "x") == "application/octet-stream"
    assert thumbnail(folder, "image/png") is None
    assert text_of(folder, "application/pdf") == ""
    assert text_of(folder, DOCX) == ""
