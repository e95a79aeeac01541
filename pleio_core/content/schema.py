"""The form and API schema every content type starts from (colander), and its field types.

A type with fields of its own subclasses ``ContentSchema`` and adds nodes; the add and edit
forms, the JSON API and the OpenAPI document are all made from the same schema. Bind it
with ``request`` and ``access_levels`` (the levels offered where the content is).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import colander
import deform.widget

from pleio_core.clock import LOCAL_ZONE
from pleio_core.i18n import _

MAX_TITLE = 200
MAX_BODY = 500_000  # characters; a long wiki page is ~50,000
MAX_TAGS = 20
MAX_TAG = 50
#: Dates in forms are the wall-clock time of the Netherlands.


class Tags(colander.SchemaType):
    """Tags written as "a, b, c" (forms) or ["a", "b"] (JSON) → a tuple without repeats."""

    def serialize(self, node: colander.SchemaNode, appstruct: Any) -> Any:
        if appstruct is colander.null:
            return colander.null
        return ", ".join(appstruct)

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct is colander.null or cstruct == "":
            return ()
        if isinstance(cstruct, str):
            cstruct = cstruct.split(",")
        if not isinstance(cstruct, (list, tuple)) or not all(isinstance(t, str) for t in cstruct):
            raise colander.Invalid(node, _("Write the tags as words separated by commas."))
        tags: list[str] = []
        for raw in cstruct:
            tag = " ".join(raw.split())
            if len(tag) > MAX_TAG:
                raise colander.Invalid(
                    node, _("A tag has at most ${n} characters.", mapping={"n": MAX_TAG})
                )
            if tag and tag.lower() not in (t.lower() for t in tags):
                tags.append(tag)
        if len(tags) > MAX_TAGS:
            raise colander.Invalid(node, _("At most ${n} tags.", mapping={"n": MAX_TAGS}))
        return tuple(tags)


class LocalDateTime(colander.SchemaType):
    """A moment written as the Netherlands' local time ("2026-12-01T09:00") or ISO 8601;
    kept in UTC."""

    def serialize(self, node: colander.SchemaNode, appstruct: Any) -> Any:
        if appstruct in (colander.null, None):
            return colander.null
        local = appstruct.astimezone(LOCAL_ZONE)
        # seconds only when there are any (a form gives minutes), and their fraction too: a
        # round trip keeps the value, to the microsecond (two moments apart by less than a
        # second would otherwise come back equal, and a change of something else would be
        # refused as ending its publication before it starts); isoformat, not strftime: a
        # year before 1000 keeps its four digits
        timespec = "microseconds" if local.microsecond else "seconds" if local.second else "minutes"
        return local.replace(tzinfo=None).isoformat(timespec=timespec)

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct in (colander.null, "", None):
            return colander.null
        try:
            when = datetime.fromisoformat(str(cstruct))
            if when.tzinfo is None:
                when = when.replace(tzinfo=LOCAL_ZONE)
            # stored in UTC: a ZoneInfo does not pickle into ZODB
            return when.astimezone(UTC)
        except (ValueError, OverflowError):  # not a moment, or one UTC cannot hold (year 1)
            raise colander.Invalid(
                node, _("Give a date and time, for example 2026-12-01T09:00.")
            ) from None


def _title(node: colander.SchemaNode, value: str) -> None:
    if not value.strip():
        raise colander.Invalid(node, _("Give a title."))


def _strip(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


@colander.deferred
def _access_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    return deform.widget.RadioChoiceWidget(values=access_choices(kw["access_levels"]))


@colander.deferred
def _access_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    levels = kw["access_levels"]
    return colander.OneOf(levels)


ACCESS_TITLES = {
    "public": _("Public: everyone who can see this site"),
    "members": _("Members of this site"),
    "group": _("Members of this group"),
    "private": _("Only me"),
}
STATE_TITLES = {"published": _("Published"), "draft": _("Draft: only you and the editors")}


def access_choices(levels: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(level, ACCESS_TITLES[level]) for level in levels]


class ContentSchema(colander.MappingSchema):
    """Title, Markdown body, tags, access level, publication (its start and end) — what all
    content has."""

    title = colander.SchemaNode(
        colander.String(),
        title=_("Title"),
        missing_msg=_("Give a title."),
        preparer=_strip,
        validator=colander.All(colander.Length(max=MAX_TITLE), _title),
        widget=deform.widget.TextInputWidget(attributes={"maxlength": MAX_TITLE}),
    )
    body = colander.SchemaNode(
        colander.String(),
        title=_("Text"),
        description=_("Markdown: **bold**, *italic*, # heading, - list, [link](https://…)."),
        missing="",
        validator=colander.Length(
            max=MAX_BODY,
            max_err=_("The text is too long: at most ${max} characters."),
        ),
        widget=deform.widget.TextAreaWidget(rows=12),
    )
    tags = colander.SchemaNode(
        Tags(),
        title=_("Tags"),
        description=_("Words separated by commas."),
        missing=(),
    )
    access = colander.SchemaNode(
        colander.String(),
        title=_("Who may see this"),
        missing="members",
        widget=_access_widget,
        validator=_access_validator,
    )
    state = colander.SchemaNode(
        colander.String(),
        title=_("State"),
        missing="published",
        validator=colander.OneOf(tuple(STATE_TITLES)),
        widget=deform.widget.RadioChoiceWidget(values=list(STATE_TITLES.items())),
    )
    publish_at = colander.SchemaNode(
        LocalDateTime(),
        title=_("Publish at"),
        description=_("Leave empty to publish at once."),
        missing=None,
        widget=deform.widget.TextInputWidget(attributes={"type": "datetime-local"}),
    )
    publish_until = colander.SchemaNode(
        LocalDateTime(),
        title=_("Publish until"),
        description=_("Hidden again from this moment on. Leave empty to keep it published."),
        missing=None,
        widget=deform.widget.TextInputWidget(attributes={"type": "datetime-local"}),
    )

    def validator(self, node: colander.SchemaNode, values: dict[str, Any]) -> None:
        """The end of publication comes after its start. (A schema of a type's own that has
        a validator of its own calls this one too.)"""
        start, end = values.get("publish_at"), values.get("publish_until")
        if start is not None and end is not None and end <= start:
            error = colander.Invalid(node)
            error["publish_until"] = _("The end of publication must come after its start.")
            raise error


#: The fields the core stores on every Content object (a type's own fields are set as
#: attributes with their node's name).
CORE_FIELDS = ("title", "body", "tags", "access", "state", "publish_at", "publish_until")

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def is_field_name(name: str) -> bool:
    return bool(_NAME.match(name))
