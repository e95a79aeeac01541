"""Wiki links in Markdown: ``[[Page title]]`` and ``[[Page title|label]]``.

A link is an inline token of markdown-it (so ``[[x]]`` inside code stays text). Its render
rule writes the link's final HTML while markdown-it renders the rest: the target is
resolved then, and every value in it is escaped. Nothing in a text stands for a link (no
placeholder a text could hold too), so no text can steer where a link's HTML goes. The
whole page, wiki links included, then goes through the core's allow-list, widened only
by the classes of the wiki's own links. Headings get ids, from which the table of
contents is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import escape, unescape
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from pleio_core.plugin_api import clean_html, plain_text, slugify

WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")
HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)
#: The classes the wiki's links carry; Markdown itself can give no element a class.
LINK_CLASSES = {"a": {"wiki-link", "wiki-link--missing"}, "span": {"visually-hidden"}}


class WikiLink(NamedTuple):
    title: str
    label: str


class Target(NamedTuple):
    """Where a wiki link leads: ``exists`` False means the page is still to be written."""

    href: str
    exists: bool


class Heading(NamedTuple):
    level: int
    id: str
    text: str


def normal_title(title: str) -> str:
    """The form under which titles are compared: case and spacing do not matter."""
    return " ".join(title.split()).casefold()


def _wiki_link_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKI_LINK.match(state.src, state.pos)
    if match is None or not match.group(1).strip():
        return False
    if not silent:
        title = " ".join(match.group(1).split())
        label = " ".join((match.group(2) or "").split()) or title
        token = state.push("wiki_link", "", 0)
        token.meta = {"link": WikiLink(title, label)}
    state.pos = match.end()
    return True


def link_html(link: WikiLink, target: Target, missing_hint: str) -> str:
    """A wiki link's element; ``missing_hint`` is said of a page still to be written."""
    label, href = escape(link.label), escape(target.href)
    if target.exists:
        return f'<a href="{href}" class="wiki-link">{label}</a>'
    # said, not only shown (dashed, another colour): screen readers read it too
    hint = f'<span class="visually-hidden"> ({escape(missing_hint)})</span>'
    return f'<a href="{href}" class="wiki-link wiki-link--missing">{label}{hint}</a>'


def _render_wiki_link(self: Any, tokens: list, idx: int, options: Any, env: dict) -> str:
    link: WikiLink = tokens[idx].meta["link"]
    resolve: Callable[[str], Target] | None = env.get("resolve")
    if resolve is None:  # for indexes and old revisions: the link's words only
        return escape(link.label)
    return link_html(link, resolve(link.title), env["missing_hint"])


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_markdown.enable("strikethrough")
_markdown.inline.ruler.before("link", "wiki_link", _wiki_link_rule)
_markdown.add_render_rule("wiki_link", _render_wiki_link)


def wiki_links(markdown: str) -> Iterator[WikiLink]:
    """The wiki links in this Markdown, in order (read from its tokens: none in code)."""
    for token in _markdown.parse(markdown):
        for child in token.children or ():
            if child.type == "wiki_link":
                yield child.meta["link"]


def link_titles(markdown: str) -> set[str]:
    """The normal titles of the pages this Markdown links to."""
    return {normal_title(link.title) for link in wiki_links(markdown)}


def plain_html(markdown: str) -> str:
    """The HTML without wiki pages resolved (a link shows as its label), for indexes."""
    return clean_html(_markdown.render(markdown))


def render_page(
    markdown: str, resolve: Callable[[str], Target], missing_hint: str
) -> tuple[str, list[Heading]]:
    """The page's HTML with wiki links resolved, and its headings (h2, h3) for the contents.

    ``missing_hint`` is the title of a link to a page that does not exist yet.
    """
    env = {"resolve": resolve, "missing_hint": missing_hint}
    html = clean_html(_markdown.render(markdown, env), classes=LINK_CLASSES)
    headings: list[Heading] = []
    taken: set[str] = set()

    def heading(match: re.Match) -> str:
        # (in sanitised HTML: a "<h2>" in the text is "&lt;h2&gt;" by now)
        level, inner = int(match.group(1)), match.group(2)
        text = unescape(plain_text(inner))
        base = anchor = "h-" + slugify(text)
        n = 1
        while anchor in taken:
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        headings.append(Heading(level, anchor, text))
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return HEADING.sub(heading, html), headings
