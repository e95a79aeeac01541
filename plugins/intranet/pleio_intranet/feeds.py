"""Atom feeds (RFC 4287) of the intranet's news and of each person's blog.

A feed reader asks without a session, and a feed's address is passed around, so a feed holds
only what anybody may read: public content that is live now, whoever asks (a member signed
in gets no more in a feed than a visitor). The entries are the newest ``FEED_SIZE``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from xml.etree import ElementTree

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import Content, ModuleFolder, clean, display_name, folder_title, now

from .i18n import _
from .listings import latest

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SIZE = 20
#: How many of the newest are read to find ``FEED_SIZE`` public ones.
SCAN = 100
ElementTree.register_namespace("", ATOM)


def public_items(request: Request, type_name: str, owners: tuple[str, ...] = ()) -> list[Content]:
    """The newest public and live content of ``type_name``, at most ``FEED_SIZE``."""
    found = latest(request, type_name, size=SCAN, owners=owners).items
    return [c for c in found if c.access == "public" and c.is_live()][:FEED_SIZE]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _text(parent: ElementTree.Element, tag: str, text: str, **attributes: str) -> None:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = clean(text)


def _link(parent: ElementTree.Element, href: str, rel: str, media_type: str) -> None:
    ElementTree.SubElement(
        parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": media_type}
    )


def entry_id(content: Content) -> str:
    """A lasting id: the content's key, which stays through moves and renames."""
    return uuid.UUID(hex=content.uid).urn


def atom_feed(
    request: Request, title: str, self_url: str, page_url: str, items: Iterable[Content]
) -> bytes:
    """The Atom document of ``items`` (the newest first)."""
    items = list(items)
    site_title = request.site.title if request.site is not None else ""
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {XML_LANG: request.locale_name})
    _text(feed, "id", self_url)
    _text(feed, "title", title)
    updated = max((c.modified for c in items), default=None) or now()
    _text(feed, "updated", _iso(updated))
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", site_title or title)
    _link(feed, self_url, "self", "application/atom+xml")
    _link(feed, page_url, "alternate", "text/html")
    _text(feed, "generator", "Pleio")
    for content in items:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", entry_id(content))
        _text(entry, "title", content.title)
        _text(entry, "published", _iso(content.publish_at or content.created))
        _text(entry, "updated", _iso(content.modified))
        writer = ElementTree.SubElement(entry, f"{{{ATOM}}}author")
        _text(
            writer,
            "name",
            display_name(request, content.owner, content.owner_name) or site_title or title,
        )
        _link(entry, request.resource_url(content), "alternate", "text/html")
        summary = content.text[:300]
        if summary:
            _text(entry, "summary", summary)
        _text(entry, "content", content.body_html, type="html")
    body: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def _answer(body: bytes) -> Response:
    response = Response(body=body, content_type="application/atom+xml", charset="utf-8")
    response.cache_control = "public, max-age=300"
    return response


def news_feed(context: ModuleFolder, request: Request) -> Response:
    site = request.site.title if request.site is not None else folder_title(request, context)
    title = request.localizer.translate(_("News: ${site}", mapping={"site": site}))
    items = public_items(request, "news")
    self_url = request.resource_url(context, "@@news-feed")
    page_url = request.resource_url(context, "@@news")
    return _answer(atom_feed(request, title, self_url, page_url, items))


def blog_feed(context: ModuleFolder, request: Request) -> Response:
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    owner = request.subpath[0]
    items = public_items(request, "blog", owners=(owner,))
    if not items:
        raise HTTPNotFound()  # nobody's blog, or nothing in it for the public
    translate = request.localizer.translate
    title = translate(
        _("Blog of ${name}", mapping={"name": display_name(request, owner, items[0].owner_name)})
    )
    self_url = request.resource_url(context, "@@blog-feed", owner)
    page_url = request.resource_url(context, "@@blog", owner)
    return _answer(atom_feed(request, title, self_url, page_url, items))


def includeme(config: Configurator) -> None:
    where = {"context": ModuleFolder, "module_folder": "intranet", "permission": "view"}
    read = ("GET", "HEAD")
    config.add_view(news_feed, name="news-feed", request_method=read, **where)
    config.add_view(blog_feed, name="blog-feed", request_method=read, **where)
