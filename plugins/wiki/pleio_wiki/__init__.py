"""The wiki module of Pleio: linked pages in a hierarchy, with their history.

It uses only the public plugin API of ``pleio_core``.
"""

from pyramid.config import Configurator
from pyramid.i18n import TranslationStringFactory

from pleio_core.plugins import hookimpl
from pleio_core.plugins.module import ModulePlugin

from .content import Page

_ = TranslationStringFactory("pleio_wiki")


class WikiPlugin(ModulePlugin):
    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        super().pleio_configure(config)
        config.add_content_type(
            "page", Page, title=_("Wiki page"), addable_to=("module", "page"), revisions=True
        )


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
