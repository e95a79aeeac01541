"""The intranet module of Pleio: news, blogs, status updates and the organisation's own pages.

It uses only the public plugin API of ``pleio_core``: the content-type directive (comments,
likes, bookmarks, revisions, access levels and search come with it), the core's ``search``
for its listings, a home widget, Atom feeds and the export hooks.

- **news** (``news``): editors and admins write it; featured and pinned, a lead image,
  scheduled publication with a start and an end;
- **blog posts** (``blog``): every member writes; a person's posts are their blog
  (``/intranet/@@blog/<account id>``);
- **pages** (``intranet_page``): the organisation's own pages, in a hierarchy (editors);
- **status updates** (``status``): short posts of every member.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry

from pleio_core.plugin_api import ModulePlugin, SiteRoot, hookimpl

from . import exchange, sample
from .content import BlogPost, News, OrgPage, StatusUpdate
from .home import latest_news
from .i18n import _
from .schemas import NewsSchema, StatusSchema


class IntranetPlugin(ModulePlugin):
    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        super().pleio_configure(config)
        common: dict[str, Any] = {"revisions": True}
        config.add_content_type(
            "news", News, title=_("News item"), schema=NewsSchema, add_permission="moderate",
            searchable_text=lambda news: news.lead_image_alt, **common,
        )  # fmt: skip
        config.add_content_type("blog", BlogPost, title=_("Blog post"), **common)
        config.add_content_type(
            "intranet_page", OrgPage, title=_("Page"), addable_to=("module", "intranet_page"),
            add_permission="moderate", **common,
        )  # fmt: skip
        config.add_content_type(
            "status", StatusUpdate, title=_("Status update"), schema=StatusSchema, **common
        )
        config.add_stylesheet("intranet.css")
        config.add_home_widget(
            "news", latest_news, _("Latest news"), more_title=_("All news"),
            more="/intranet/@@news", order=10,
        )  # fmt: skip
        config.include(".highlights")
        config.include(".views")
        config.include(".feeds")

    @hookimpl
    def pleio_sample_content(
        self, site: SiteRoot, registry: Registry, language: str, owner: str | None, owner_name: str
    ) -> None:
        sample.add_sample_content(site, registry, language, owner, owner_name)

    @hookimpl
    def pleio_export_extra(self, content: object) -> dict[str, Any] | None:
        return exchange.export_extra(content)

    @hookimpl
    def pleio_import_extra(self, content: object, data: object) -> None:
        exchange.import_extra(content, data)


plugin = IntranetPlugin(
    name="intranet",
    package=__name__,
    title=_("Intranet"),
    description=_("News, blogs and the organisation's own pages for its staff."),
    requires_core=">=0.1,<0.2",
    menu_order=10,
)
