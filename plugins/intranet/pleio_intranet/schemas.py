"""The forms (and API) of the intranet's types: the core's fields and their own."""

from __future__ import annotations

from typing import Any

import colander
import deform.widget

from pleio_core.plugin_api import ContentSchema

from .i18n import _
from .images import MAX_ALT, LeadImageType

#: The most a status update may say (characters of Markdown).
STATUS_LIMIT = 500
#: The words of a status update its title keeps.
STATUS_TITLE = 80


class NewsSchema(ContentSchema):
    featured = colander.SchemaNode(
        colander.Boolean(),
        title=_("Featured: shown large at the top of the intranet"),
        missing=False,
    )
    pinned = colander.SchemaNode(
        colander.Boolean(),
        title=_("Pinned: stays at the top until it is unpinned"),
        missing=False,
    )
    lead_image = colander.SchemaNode(
        LeadImageType(),
        title=_("Lead image"),
        description=_(
            "A PNG, JPEG or WebP image of at most 10 MB. "
            "When you edit, choose none to keep the image there is."
        ),
        missing=colander.drop,
        widget=deform.widget.FileUploadWidget(None, accept="image/png,image/jpeg,image/webp"),
    )
    lead_image_alt = colander.SchemaNode(
        colander.String(),
        title=_("Description of the image"),
        description=_("What the image shows, for those who cannot see it."),
        missing="",
        validator=colander.Length(max=MAX_ALT),
    )

    def validator(self, node: colander.SchemaNode, values: dict[str, Any]) -> None:
        super().validator(node, values)
        if values.get("lead_image") is not None and not values.get("lead_image_alt", "").strip():
            error = colander.Invalid(node)
            error["lead_image_alt"] = _("Describe what the image shows.")
            raise error


def status_title(body: str) -> str:
    """The first words of a status update (its title in listings, search and the stream)."""
    words = " ".join(body.split())
    if len(words) <= STATUS_TITLE:
        return words
    return words[: STATUS_TITLE - 1].rsplit(" ", 1)[0] + "…"


def _title_from_body(values: Any) -> Any:
    if isinstance(values, dict) and not values.get("title") and values.get("body"):
        values["title"] = status_title(values["body"])
    return values


def _not_blank(node: colander.SchemaNode, value: str) -> None:
    if not value.strip():
        raise colander.Invalid(node, _("Write something."))


class StatusSchema(ContentSchema):
    """A status update is its text; its title is made from it."""

    title = colander.SchemaNode(
        colander.String(),
        missing="",
        widget=deform.widget.HiddenWidget(),
    )
    body = colander.SchemaNode(
        colander.String(),
        title=_("What are you working on?"),
        description=_("At most ${n} characters.", mapping={"n": STATUS_LIMIT}),
        missing_msg=_("Write something."),
        validator=colander.All(
            colander.Length(
                max=STATUS_LIMIT,
                max_err=_("A status update has at most ${max} characters."),
            ),
            _not_blank,
        ),
        widget=deform.widget.TextAreaWidget(rows=3, attributes={"maxlength": STATUS_LIMIT}),
    )
    preparer = staticmethod(_title_from_body)
