"""FAQ: frequently asked questions with their answers, a Pleio module.

An example of a plugin from outside the core, made with ``pleio plugin new faq`` and then
given its own content type: it uses only ``pleio_core.plugin_api``. A question is a content
type with one field of its own (``topic``); the core gives it its forms, page, search, API
and export. The FAQ's page lists the questions by topic, each answer under its question.
"""

from pleio_core.plugin_api import ModulePlugin, hookimpl
from pyramid.config import Configurator

from .content import Question, QuestionSchema
from .i18n import _


class FaqPlugin(ModulePlugin):
    @hookimpl
    def pleio_configure(self, config: Configurator) -> None:
        super().pleio_configure(config)  # the translations and the module folder
        config.add_content_type(
            "faq_question",
            Question,
            title=_("Question"),
            schema=QuestionSchema,
            addable_to=("module",),
            add_permission="moderate",  # the site's editors write the answers
            searchable_text=lambda question: question.topic,  # found by its topic too
        )
        config.include(".views")


plugin = FaqPlugin(
    name="faq",
    package=__name__,  # where locale/ lives
    title=_("FAQ"),
    description=_("Frequently asked questions, with their answers."),
    requires_core=">=0.1,<0.2",  # keep in step with dependencies in pyproject.toml
    menu_order=60,
)
