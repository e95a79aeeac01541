"""The forms (and API) of discussions and questions: the core's fields; a discussion needs
its opening text."""

from __future__ import annotations

from typing import Any

import colander

from pleio_core.plugin_api import ContentSchema

from ..i18n import _


class DiscussionSchema(ContentSchema):
    def validator(self, node: colander.SchemaNode, values: dict[str, Any]) -> None:
        super().validator(node, values)
        if not values.get("body", "").strip():
            error = colander.Invalid(node)
            error["body"] = _("Write what you want to discuss.")
            raise error


class QuestionSchema(ContentSchema):
    """A question is its title; its text may explain it."""
