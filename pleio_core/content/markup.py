"""Text in, safe HTML out: Markdown rendered with markdown-it-py, then cleaned by nh3.

Raw HTML in the Markdown is not rendered (it shows as text), and the result goes through
nh3's allow-list anyway, so a ``<script>`` or a ``javascript:`` link is stored harmless.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Mapping
from html import unescape

import nh3
from markdown_it import MarkdownIt

from pleio_core.text import clean

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_markdown.enable("strikethrough")

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_SLUG = 60


def clean_html(html: str, classes: Mapping[str, set[str]] | None = None) -> str:
    """The allow-listed part of ``html``: no scripts, no event handlers, no odd URLs.

    ``classes``: elements allowed besides, each with the only classes it may carry (a
    plugin's own markup, such as the wiki's links).
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | set(classes or ()),
        allowed_classes=classes,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def render_markdown(text: str) -> str:
    """The sanitised HTML of a Markdown text (any text: what no text may hold is U+FFFD)."""
    return clean_html(_markdown.render(clean(text)))


def plain_text(html: str) -> str:
    """The words of an HTML fragment, for indexes and snippets (unescaped: ``<`` not ``&lt;``)."""
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


#: An item's name, the last part of its address: characters an address needs no escaping
#: for and that mean nothing in HTML. Every name the platform gives (a slug of a title, a
#: module's name) is one; an import refuses any other.
ITEM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,199}", re.ASCII)
ITEM_NAME_RULE = (
    "a name holds letters a-z and A-Z, digits and - . _ ~ "
    "(at most 200, the first a letter or a digit)"
)


def is_item_name(name: str) -> bool:
    return bool(ITEM_NAME.fullmatch(name))


FILE_NAME_RULE = (
    "a file name is NFC-normalised text without spaces around it, without / or \\, not . "
    "or .. or starting with @@, without control characters or invisible marks, at most "
    "255 bytes in UTF-8"
)
#: What no file name holds: controls, format marks, surrogates, private use, unassigned,
#: line and paragraph separators.
_NOT_IN_FILE_NAMES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def is_file_name(name: str) -> bool:
    """Whether ``name`` can be the name of a folder or file as people and desktop clients
    use them (``FILE_NAME_RULE``: Unicode, spaces inside); the workspace's names, and what
    an import accepts besides ``is_item_name``'s."""
    return (
        isinstance(name, str)
        and bool(name)
        and name == unicodedata.normalize("NFC", name).strip()
        and "/" not in name
        and "\\" not in name
        and name not in (".", "..")
        and not name.startswith("@@")
        and not any(unicodedata.category(c) in _NOT_IN_FILE_NAMES for c in name)
        and len(name.encode("utf-8", "surrogatepass")) <= 255
    )


def slugify(title: str) -> str:
    """A URL name made from a title: ascii, lower case, words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-") or "item"


def unique_name(taken: Container[str], title: str) -> str:
    """A slug of ``title`` that is not in ``taken`` (``slug``, ``slug-2``, ``slug-3``…)."""
    base = slugify(title)
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name
