"""The intranet's content: news, blog posts, the organisation's pages and status updates.

Each is a core ``Content`` (comments, likes, bookmarks, revisions, access levels, search);
what they add is declared in their schemas (``schemas``) and shown by the module's pages.
"""

from __future__ import annotations

from typing import Any

from pleio_core.plugin_api import Content


class News(Content):
    """A news item, written by the site's editors: featured and pinned items lead the
    intranet's front page; a lead image (``images``) with its alternative text."""

    featured = False
    pinned = False
    lead_image: Any = None  # a StoredFile, or None
    lead_image_alt = ""


class BlogPost(Content):
    """A post in someone's blog: every member writes; a person's posts are their blog."""


class OrgPage(Content):
    """A page of the organisation, which may hold sub-pages (a hierarchy)."""


class StatusUpdate(Content):
    """A short post: what someone is doing, in a few sentences. Its title is its first words."""
