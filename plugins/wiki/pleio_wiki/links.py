"""Wiki links in Markdown: ``[[Page title]]`` and ``[[Page title|label]]``.

A link is an inline token of markdown-it (so ``[[x]]`` inside code stays text). The HTML is
made in two steps: Markdown → sanitised HTML by the core's allow-list, with a placeholder
for each wiki link; then the placeholders become links the wiki made itself, to the page
the title resolves to, or to the form that creates it ("missing"). Headings get ids, from
which the table of contents is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from pleio_core.content.markup import clean_html, plain_text, slugify

WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")
# Private-use characters mark where a wiki link goes; removed from what people write.
OPEN, CLOSE = "\ue000", "\ue001"
PLACEHOLDER = re.compile(f"{OPEN}(\\d+){CLOSE}")
HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)


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


def _render_wiki_link(self: Any, tokens: list, idx: int, options: Any, env: dict) -> str:
    links: list[WikiLink] = env.setdefault("wiki_links", [])
    links.append(tokens[idx].meta["link"])
    return f"{OPEN}{len(links) - 1}{CLOSE}"


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_markdown.enable("strikethrough")
_markdown.inline.ruler.before("link", "wiki_link", _wiki_link_rule)
_markdown.add_render_rule("wiki_link", _render_wiki_link)


def _html_with_placeholders(markdown: str) -> tuple[str, list[WikiLink]]:
    env: dict[str, Any] = {}
    source = markdown.replace(OPEN, "").replace(CLOSE, "")
    return clean_html(_markdown.render(source, env)), env.get("wiki_links", [])


def link_titles(markdown: str) -> set[str]:
    """The normal titles of the pages this Markdown links to."""
    env: dict[str, Any] = {}
    _markdown.render(markdown, env)
    return {normal_title(link.title) for link in env.get("wiki_links", [])}


def plain_html(markdown: str) -> str:
    """The HTML without wiki pages resolved (a link shows as its label), for indexes."""
    html, links = _html_with_placeholders(markdown)
    return PLACEHOLDER.sub(lambda m: escape(links[int(m.group(1))].label), html)


def render_page(
    markdown: str, resolve: Callable[[str], Target], missing_hint: str
) -> tuple[str, list[Heading]]:
    """The page's HTML with wiki links resolved, and its headings (h2, h3) for the contents.

    ``missing_hint`` is the title of a link to a page that does not exist yet.
    """
    html, links = _html_with_placeholders(markdown)

    def link(match: re.Match) -> str:
        wiki_link = links[int(match.group(1))]
        target = resolve(wiki_link.title)
        label, href = escape(wiki_link.label), escape(target.href)
        if target.exists:
            return f'<a href="{href}" class="wiki-link">{label}</a>'
        # said, not only shown (dashed, another colour): screen readers read it too
        hint = f'<span class="visually-hidden"> ({escape(missing_hint)})</span>'
        return f'<a href="{href}" class="wiki-link wiki-link--missing">{label}{hint}</a>'

    html = PLACEHOLDER.sub(link, html)
    headings: list[Heading] = []
    taken: set[str] = set()

    def heading(match: re.Match) -> str:
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
