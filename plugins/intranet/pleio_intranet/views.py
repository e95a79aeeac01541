"""The intranet's pages: its front page, the listings of each kind, a person's blog, a news
item with its lead image.

Adding, editing, deleting, history, comments and likes are the core's pages for every type;
blog posts, pages and status updates use the core's page of a content item too.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.renderers import get_renderer
from pyramid.request import Request
from pyramid.response import FileIter, Response

from pleio_core.plugin_api import (
    CONTENT_TYPES,
    ModuleFolder,
    add_links,
    content_view,
    display_name,
    folder_title,
    format_time,
    publication_note,
    update_content,
)

from .content import BlogPost, News
from .highlights import highlighted
from .i18n import _
from .listings import KINDS, latest, page_number, top_pages

CONTENT_PAGE = "pleio_core:templates/content.pt"
#: How many of each kind the front page shows; of the featured and pinned news.
FRONT_COUNT = 5
MAX_HIGHLIGHTED = 10


def _links_by_type(request: Request, folder: ModuleFolder) -> dict[str, tuple[str, str]]:
    """The visitor's "Add …" links, by type name."""
    return {url.rsplit("type=", 1)[1]: (title, url) for title, url in add_links(request, folder)}


def blog_url(request: Request, folder: Any, account_id: str) -> str:
    return request.resource_url(folder, "@@blog", account_id)


def _common(request: Request, folder: Any) -> dict[str, Any]:
    return {
        "folder_url": request.resource_url(folder),
        "blog_url": lambda owner: blog_url(request, folder, owner),
        "publication_note": publication_note,
        "when": format_time,
        "image_url": lead_image_url,
        "add": _links_by_type(request, folder),
    }


def front_page(context: ModuleFolder, request: Request) -> dict[str, Any]:
    """Featured and pinned news first, then the latest news, blog posts, status updates and
    the organisation's pages; "Add …" for what the visitor may add."""
    top = highlighted(request, context)[:MAX_HIGHLIGHTED]
    shown = {id(n) for n in top}  # (one connection: one object per item)
    news = latest(request, "news", size=FRONT_COUNT + len(top)).items
    identity = request.identity
    return {
        **_common(request, context),
        "title": folder_title(request, context),
        "highlighted": top,
        "news": [n for n in news if id(n) not in shown][:FRONT_COUNT],
        "blogs": latest(request, "blog", size=FRONT_COUNT).items,
        "statuses": latest(request, "status", size=FRONT_COUNT).items,
        "pages": top_pages(request, context),
        "my_blog": blog_url(request, context, identity.id) if identity else None,
    }


def listing(context: ModuleFolder, request: Request) -> dict[str, Any]:
    """All of one kind, a page at a time (``?page=2``)."""
    view_name = request.view_name
    type_name, heading = KINDS[view_name]
    url = request.resource_url(context, f"@@{view_name}")
    return {
        **_common(request, context),
        "title": heading,
        "type_name": type_name,
        "batch": latest(request, type_name, page=page_number(request), url=url),
    }


def blog(context: ModuleFolder, request: Request) -> dict[str, Any]:
    """One person's blog: their posts, the newest first, at ``@@blog/<account id>``."""
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    owner = request.subpath[0]
    url = blog_url(request, context, owner)
    batch = latest(request, "blog", page=page_number(request), owners=(owner,), url=url)
    identity = request.identity
    own = identity is not None and identity.id == owner
    if batch.items:
        name = display_name(request, owner, batch.items[0].owner_name)
    elif own:
        name = identity.name
    else:  # nobody's blog, or nothing in it the visitor may read
        raise HTTPNotFound()
    return {
        **_common(request, context),
        "title": _("Blog of ${name}", mapping={"name": name}),
        "batch": batch,
        "own": own,
        "feed_url": request.resource_url(context, "@@blog-feed", owner),
    }


def lead_image_url(request: Request, news: News) -> str | None:
    image = news.lead_image
    if image is None:
        return None
    return request.resource_url(news, "@@lead-image", query={"v": image.sha256[:16]})


def _item_values(context: News | BlogPost, request: Request) -> dict[str, Any]:
    values = content_view(context, request)
    values.update(
        image_url=None,
        blog_url=None,
        folder_url=request.resource_url(context.__parent__),
        # likes, saved for later and comments: the core's own parts of its content page
        content_macros=get_renderer(CONTENT_PAGE).implementation().macros,
    )
    return values


def news_view(context: News, request: Request) -> dict[str, Any]:
    """A news item: the core's page, with its lead image and whether it is featured."""
    values = _item_values(context, request)
    values["image_url"] = lead_image_url(request, context)
    return values


def post_view(context: BlogPost, request: Request) -> dict[str, Any]:
    """A blog post: the core's page, with the way to the rest of its author's blog."""
    values = _item_values(context, request)
    if context.owner:
        values["blog_url"] = blog_url(request, context.__parent__, context.owner)
    return values


def lead_image(context: News, request: Request) -> Response:
    """The lead image's bytes, from its blob."""
    image = context.lead_image
    if image is None:
        raise HTTPNotFound()
    # an open file, read after the transaction ends (chunks() would read through it)
    response = Response(
        content_type=image.media_type,
        app_iter=FileIter(image.blob.open("r")),
        conditional_response=True,
    )
    response.content_length = image.size
    response.etag = image.sha256
    # the address changes with the image (``?v=``); private: it may be for members only
    response.cache_control = "private, max-age=86400"
    response.headers["Content-Disposition"] = "inline"
    return response


def remove_lead_image(context: News, request: Request) -> HTTPSeeOther:
    """Take the lead image off (a new revision keeps the old one)."""
    content_type = CONTENT_TYPES(request.registry).of(context)
    if context.lead_image is not None and content_type is not None:
        note = request.localizer.translate(_("Lead image removed"))
        update_content(
            request, context, content_type, {"lead_image": None, "lead_image_alt": ""},
            started_from=context.serial, comment=note,
        )  # fmt: skip
    return HTTPSeeOther(location=request.resource_url(context))


def includeme(config: Configurator) -> None:
    front = {"context": ModuleFolder, "module_folder": "intranet", "permission": "view"}
    read = ("GET", "HEAD")
    config.add_view(
        front_page, renderer="pleio_intranet:templates/front.pt", request_method=read, **front
    )
    for name in KINDS:
        config.add_view(
            listing, name=name, renderer="pleio_intranet:templates/listing.pt",
            request_method=read, **front,
        )  # fmt: skip
    config.add_view(
        blog, name="blog", renderer="pleio_intranet:templates/blog.pt", request_method=read,
        **front,
    )  # fmt: skip
    config.add_view(
        news_view, context=News, renderer="pleio_intranet:templates/item.pt",
        request_method=read, permission="view",
    )  # fmt: skip
    config.add_view(
        post_view, context=BlogPost, renderer="pleio_intranet:templates/item.pt",
        request_method=read, permission="view",
    )  # fmt: skip
    config.add_view(
        lead_image, context=News, name="lead-image", request_method=read, permission="view"
    )
    config.add_view(
        remove_lead_image, context=News, name="remove-lead-image", request_method="POST",
        permission="edit",
    )  # fmt: skip
