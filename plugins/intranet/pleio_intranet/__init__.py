"""The intranet module of Pleio: news, blogs and the organisation's own pages for its staff.

It uses only the public plugin API of ``pleio_core``.
"""

from pyramid.i18n import TranslationStringFactory

from pleio_core.plugin_api import ModulePlugin

_ = TranslationStringFactory("pleio_intranet")

plugin = ModulePlugin(
    name="intranet",
    package=__name__,
    title=_("Intranet"),
    description=_("News, blogs and the organisation's own pages for its staff."),
    requires_core=">=0.1,<0.2",
    menu_order=10,
    sample={
        "nl": ("Welkom op het intranet", "Hier vind je het nieuws van de organisatie."),
        "en": ("Welcome to the intranet", "Here you find the organisation's news."),
    },
)
