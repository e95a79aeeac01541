"""The workspace module of Pleio: share files and folders with colleagues.

It uses only the public plugin API of ``pleio_core``.
"""

from pyramid.i18n import TranslationStringFactory

from pleio_core.plugin_api import ModulePlugin

_ = TranslationStringFactory("pleio_workspace")

plugin = ModulePlugin(
    name="workspace",
    package=__name__,
    title=_("Workspace"),
    description=_("Share files and folders with colleagues."),
    requires_core=">=0.1,<0.2",
    menu_order=30,
    sample={
        "nl": ("Projectplan", "Het projectplan komt in deze map."),
        "en": ("Project plan", "The project plan goes in this folder."),
    },
)
