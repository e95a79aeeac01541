"""The wiki module of Pleio: linked pages in a hierarchy, with their history.

It uses only the public plugin API of ``pleio_core``: the content-type directive, the
content events, ``move_content``, the ``pleio_add_defaults`` hook, a home widget and the
core's pages.
A wiki is the pages under the module's folder, or under a group of the community module
(pages may be added to the type ``group``; the core asks the community module which group
a page is in, so the wiki works the same without it).
"""

from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.plugin_api import ContentType, ModulePlugin, group_of, hookimpl

from . import exchange
from .content import Page
from .home import recent_pages
from .i18n import _

MAX_TITLE_FROM_LINK = 200


class WikiPlugin(ModulePlugin):
    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        super().pleio_configure(config)
        config.add_content_type(
            "page", Page, title=_("Wiki page"), addable_to=("module", "page", "group"),
            revisions=True, merges_edits=True,
        )  # fmt: skip
        config.add_stylesheet("wiki.css")
        config.add_home_widget(
            "recent", recent_pages, _("Recently changed wiki pages"),
            more_title=_("Go to the wiki"), order=40,
        )  # fmt: skip
        config.include(".subscribers")
        config.include(".views")
        config.include(".export")

    @hookimpl
    def pleio_add_defaults(
        self, request: Request, container: object, content_type: ContentType
    ) -> dict[str, Any] | None:
        """A sub-page starts with its parent's access, a top page in a group as the group's
        only; a missing page's link gives its title."""
        if content_type.name != "page":
            return None
        defaults: dict[str, Any] = {}
        if isinstance(container, Page):
            defaults["access"] = container.access
        elif group_of(request, container):
            defaults["access"] = "group"
        title = " ".join(request.params.get("title", "").split())
        if title:
            defaults["title"] = title[:MAX_TITLE_FROM_LINK]
        return defaults

    @hookimpl
    def pleio_export_extra(self, content: object, registry: Registry) -> dict[str, Any] | None:
        return exchange.export_extra(content)

    @hookimpl
    def pleio_import_extra(self, content: object, data: object, registry: Registry) -> None:
        exchange.import_extra(content, data, registry)


plugin = WikiPlugin(
    name="wiki",
    package=__name__,
    title=_("Wiki"),
    description=_("Linked pages in a hierarchy, with their history."),
    requires_core=">=0.1,<0.2",
    menu_order=40,
    sample={
        "nl": ("Beginnen met de wiki", "Schrijf samen pagina's en houd hun geschiedenis bij."),
        "en": ("Getting started with the wiki", "Write pages together and keep their history."),
    },
    sample_type=Page,
)
