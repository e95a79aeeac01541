"""The text in an uploaded document, for search: PDF, Word (DOCX) and OpenDocument.

PDF through pypdf; DOCX and ODF through ``zipfile`` and expat, streamed: the document's XML
is parsed as it is unpacked, never built into a tree, and only so much of it is unpacked
(a small ZIP can hold gigabytes of XML). A document that declares a DTD is not read (no
entity is ever expanded). At most ``MAX_CHARS`` characters are kept, with every run of
whitespace made one space. Whatever is broken, encrypted or hostile gives "", never an
error: search then finds the file by its name.
"""

from __future__ import annotations

import logging
import re
import xml.parsers.expat
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pypdf import PdfReader

from .containers import member_pieces, open_zip

#: What is kept of a document's text (search needs its words, not all of a book).
MAX_CHARS = 100_000
#: What is unpacked of a document's XML at most: 100,000 characters of text take 1 to 4
#: MB of a Word file's XML; 8 MB of nothing but empty elements take expat about a second.
MAX_XML_BYTES = 8 << 20
#: What is read of a PDF at most.
MAX_PDF_PAGES = 2_000

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODF_TEXTS = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)
_WORD = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)  # fmt: skip  (transitional, strict)
_WORD_TEXT = frozenset(f"{ns} t" for ns in _WORD)
_WORD_SPACES = frozenset(f"{ns} {local}" for ns in _WORD for local in ("tab", "br", "cr"))
_WORD_PARAGRAPHS = frozenset(f"{ns} p" for ns in _WORD)
_ODF_BODY = frozenset({"urn:oasis:names:tc:opendocument:xmlns:office:1.0 body"})
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_SPACES = frozenset(f"{_ODF_TEXT} {local}" for local in ("s", "tab", "line-break"))
_ODF_PARAGRAPHS = frozenset(f"{_ODF_TEXT} {local}" for local in ("p", "h"))
_SPACE = re.compile(r"\s+")

log = logging.getLogger(__name__)


class _Enough(Exception):
    """Raised inside the parser when ``MAX_CHARS`` have been collected."""


class _Refused(Exception):
    """Raised inside the parser at a DTD or an entity declaration."""


def text_of(path: str, media_type: str) -> str:
    """The text of the PDF, DOCX or ODF document at ``path`` (its type from
    ``sniff.media_type``), whitespace collapsed, at most ``MAX_CHARS`` characters; "" for
    other types and for anything that cannot be read."""
    if media_type == "application/pdf":
        read: Callable[[str, Text], None] = _pdf_text
    elif media_type == DOCX:
        read = partial(_zip_xml_text, member="word/document.xml", reader=_word_reader)
    elif media_type in ODF_TEXTS:
        read = partial(_zip_xml_text, member="content.xml", reader=_odf_reader)
    else:
        return ""
    text = Text()
    try:
        read(path, text)
    except _Enough:
        pass
    except Exception as exc:  # a hostile file may break a parser in any way
        log.debug("no text of %s (%s): %r", path, media_type, exc)
        return ""
    return text.value()


class Text:
    """Text collected a piece at a time, its whitespace collapsed as it grows; ``_Enough``
    once it holds ``MAX_CHARS`` characters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, piece: str) -> None:
        if piece == " " and self.parts and self.parts[-1] == " ":
            return  # (empty paragraphs by the million, as a bomb has them)
        self.parts.append(piece)
        self.length += len(piece)
        if self.length > 2 * MAX_CHARS:
            # (the end is not stripped: the next piece may need the space before it)
            kept = _SPACE.sub(" ", "".join(self.parts)).lstrip()[: MAX_CHARS + 1]
            self.parts, self.length = [kept], len(kept)
            if len(kept) > MAX_CHARS:
                raise _Enough

    def value(self) -> str:
        return _SPACE.sub(" ", "".join(self.parts)).strip()[:MAX_CHARS].rstrip()


def _pdf_text(path: str, text: Text) -> None:
    # An open file, not the path: given a path, pypdf reads the whole file into memory.
    with Path(path).open("rb") as f:
        reader = PdfReader(f)
        # Locked with a password: no text. Encrypted only against changes or copying (an
        # empty user password): its text is what anyone who opens it reads.
        if reader.is_encrypted and not reader.decrypt(""):
            return
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES:
                return
            try:
                page_text = page.extract_text()
            except Exception as exc:  # one broken page; the others may do
                log.debug("no text of page %d of %s: %r", number + 1, path, exc)
                continue
            text.add(page_text or "")
            text.add(" ")


Reader = Callable[[Callable[[str], None]], xml.parsers.expat.XMLParserType]


def _zip_xml_text(path: str, text: Text, member: str, reader: Reader) -> None:
    """Add the text ``reader``'s parser gives of the XML ``member`` of the ZIP at ``path``,
    unpacked and parsed a piece at a time. A document cut off at ``MAX_XML_BYTES`` (or
    broken at its end) keeps what was read; one with a DTD gives nothing."""
    archive = open_zip(path)
    if archive is None:
        return
    parser = reader(text.add)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    with archive:
        try:
            for piece in member_pieces(archive, member, MAX_XML_BYTES):
                parser.Parse(piece, False)
        except _Refused:
            text.parts.clear()
        except xml.parsers.expat.ExpatError:
            return


def _refuse(*args: object) -> None:
    raise _Refused


def _word_reader(add: Callable[[str], None]) -> xml.parsers.expat.XMLParserType:
    """A parser that gives the text of a ``word/document.xml``: each ``w:t`` run (not the
    deleted text, not field codes), tabs, breaks and paragraph ends as spaces."""
    return _text_parser(add, _WORD_TEXT, _WORD_SPACES, _WORD_PARAGRAPHS, spaces_anywhere=True)


def _odf_reader(add: Callable[[str], None]) -> xml.parsers.expat.XMLParserType:
    """A parser that gives the text of an OpenDocument's ``content.xml``: what stands in
    its ``office:body``, with spaces, tabs, line breaks and paragraph ends as spaces."""
    return _text_parser(add, _ODF_BODY, _ODF_SPACES, _ODF_PARAGRAPHS, spaces_anywhere=False)


def _text_parser(
    add: Callable[[str], None],
    text: frozenset[str],
    spaces: frozenset[str],
    paragraphs: frozenset[str],
    spaces_anywhere: bool,
) -> xml.parsers.expat.XMLParserType:
    """An expat parser (names as "namespace local") that gives ``add`` the character data
    inside the ``text`` elements, and a space at each of ``spaces`` and at the end of each of
    ``paragraphs`` (only inside ``text`` unless ``spaces_anywhere``). Its handlers do a set
    look-up or two per element: millions of empty elements are read at about expat's pace."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    inside = 0  # how deep in ``text`` elements

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal inside
        if tag in text:
            inside += 1
        elif tag in spaces and (inside or spaces_anywhere):
            add(" ")

    def end(tag: str) -> None:
        nonlocal inside
        if tag in text:
            inside -= 1
        elif tag in paragraphs and (inside or spaces_anywhere):
            add(" ")

    def data(chars: str) -> None:
        if inside:
            add(chars)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = data
    return parser
