"""The wiki's content: pages, each of which may hold sub-pages."""

from __future__ import annotations

from pyramid.authorization import Allow

from pleio_core.plugin_api import Content

from .links import plain_html


class Page(Content):
    """A wiki page. Its history is kept (revisions); its children are its sub-pages.

    ``body_html`` shows a wiki link as its label (what search and snippets read); the page
    view resolves the links each time the wiki's titles change (``render``).
    """

    #: A wiki link shows as its label (the page view resolves links; ``rendering``).
    markup = staticmethod(plain_html)
    #: Names of sub-pages in the order people put them; the others follow, by title.
    child_order: tuple[str, ...] = ()

    @property
    def __acl__(self) -> list:
        """A wiki is written together: the site's members edit a published page they may see;
        in a group, the group's members do. Deleting stays with its owner, editors and
        admins; a private page stays its owner's."""
        acl = super().__acl__
        if not self.is_live() or self.effective_access == "private":
            return acl
        writer = self.group or "role:member"
        acl.insert(-1, (Allow, writer, ("view", "edit")))  # before the final Deny
        return acl
