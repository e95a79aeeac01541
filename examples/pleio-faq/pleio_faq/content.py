"""The FAQ's content: questions, each with its answer and an optional topic."""

import colander
from pleio_core.plugin_api import Content, ContentSchema

from .i18n import _


class Question(Content):
    """A question (its title) with its answer (its text, Markdown); ``topic`` groups
    questions on the FAQ's page."""

    topic: str = ""


class QuestionSchema(ContentSchema):
    topic = colander.SchemaNode(
        colander.String(),
        title=_("Topic"),
        description=_("Questions with the same topic are listed together."),
        missing="",
        validator=colander.Length(max=100),
    )
