"""The wiki's content: pages, each of which may hold sub-pages."""

from pleio_core.content import Content


class Page(Content):
    """A wiki page. Its history is kept (revisions); its children are its sub-pages."""
