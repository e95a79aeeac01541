"""The community module of Pleio: groups with discussions, events and members.

It uses only the public plugin API of ``pleio_core``.
"""

from pyramid.i18n import TranslationStringFactory

from pleio_core.plugins.module import ModulePlugin

_ = TranslationStringFactory("pleio_community")

plugin = ModulePlugin(
    name="community",
    package=__name__,
    title=_("Community"),
    description=_("Groups with discussions, events and members."),
    requires_core=">=0.1,<0.2",
    menu_order=20,
    sample={
        "nl": ("Spelregels van de community", "Wees hoffelijk en deel wat je weet."),
        "en": ("Community guidelines", "Be courteous and share what you know."),
    },
)
