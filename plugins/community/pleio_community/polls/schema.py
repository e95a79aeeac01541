"""The form (and API) of a poll: its question, 2 to 20 choices one per line, one or more
choices per voter, when the results are shown, and an optional closing moment."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import colander
import deform.widget
from pyramid.request import Request

from pleio_core.plugin_api import ContentSchema, Folder, now

from ..i18n import _
from .model import AFTER_VOTING, MAX_CHOICE, MAX_CHOICES, MIN_CHOICES, RESULTS_TITLES, Poll

#: Lines end in LF, CRLF or CR (a form sends CRLF); other separators stay inside a choice.
LINES = re.compile(r"\r\n|\r|\n")
CHOICES_MISSING = _("Give at least two choices, one per line.")


class Choices(colander.SchemaType):
    """Choices written one per line (forms) or as a list of texts (JSON) → a tuple of texts,
    each with its spaces tidied; empty lines are left out."""

    def serialize(self, node: colander.SchemaNode, appstruct: Any) -> Any:
        if appstruct in (colander.null, None):
            return colander.null
        return "\n".join(appstruct)

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct is colander.null:
            return colander.null
        if isinstance(cstruct, str):
            cstruct = LINES.split(cstruct)
        if not isinstance(cstruct, (list, tuple)) or not all(isinstance(c, str) for c in cstruct):
            raise colander.Invalid(node, _("Write the choices one per line."))
        found = tuple(choice for raw in cstruct if (choice := " ".join(raw.split())))
        return found or colander.null


def _choices_rule(node: colander.SchemaNode, choices: tuple[str, ...]) -> None:
    if len(choices) < MIN_CHOICES:
        raise colander.Invalid(node, CHOICES_MISSING)
    if len(choices) > MAX_CHOICES:
        raise colander.Invalid(node, _("At most ${n} choices.", mapping={"n": MAX_CHOICES}))
    seen: set[str] = set()
    for choice in choices:
        if len(choice) > MAX_CHOICE:
            raise colander.Invalid(
                node, _("A choice has at most ${n} characters.", mapping={"n": MAX_CHOICE})
            )
        if choice.casefold() in seen:
            raise colander.Invalid(
                node, _("Each choice only once: “${choice}” is there twice.",
                        mapping={"choice": choice})
            )  # fmt: skip
        seen.add(choice.casefold())


def _in_utc(value: Any) -> Any:
    """Moments are kept in UTC (as the core keeps its own)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def poll_changed(request: Request | None) -> Poll | None:
    """The poll a form or API request changes; None while one is being added.

    The edit form's context is the poll; the API changes content at ``/api/v1/content/…``,
    whose path names it.
    """
    if request is None:
        return None
    if isinstance(request.context, Poll):
        return request.context
    route = request.matched_route
    if request.method != "PATCH" or route is None or route.name != "api.content":
        return None
    node: Any = request.site_root
    for name in request.matchdict.get("path", ()):
        node = node.get(name) if isinstance(node, Folder) and name else node
    return node if isinstance(node, Poll) else None


def _question() -> colander.SchemaNode:
    """The core's title, with its rules, asked as the poll's question."""
    node = ContentSchema()["title"].clone()
    node.title = _("Poll question")
    return node


class PollSchema(ContentSchema):
    """A poll's fields beside the core's; the question is its title."""

    title = _question()
    choices = colander.SchemaNode(
        Choices(),
        title=_("Choices"),
        description=_(
            "One per line: ${min} to ${max} choices of at most ${n} characters each.",
            mapping={"min": MIN_CHOICES, "max": MAX_CHOICES, "n": MAX_CHOICE},
        ),
        missing_msg=CHOICES_MISSING,
        validator=_choices_rule,
        widget=deform.widget.TextAreaWidget(rows=5),
    )
    multiple = colander.SchemaNode(
        colander.Boolean(),
        title=_("Voters may choose more than one answer"),
        missing=False,
    )
    results = colander.SchemaNode(
        colander.String(),
        title=_("When are the results shown?"),
        missing=AFTER_VOTING,
        validator=colander.OneOf(tuple(RESULTS_TITLES)),
        widget=deform.widget.RadioChoiceWidget(values=list(RESULTS_TITLES.items())),
    )
    closes_at = colander.SchemaNode(
        colander.DateTime(),
        title=_("Closes at"),
        description=_("Optional. From this moment on nobody can vote. Dutch time."),
        missing=None,
        preparer=_in_utc,
    )

    #: The poll's own fields first, after its question and text.
    ORDER = ("title", "body", "choices", "multiple", "results", "closes_at")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.children.sort(
            key=lambda n: self.ORDER.index(n.name) if n.name in self.ORDER else len(self.ORDER)
        )

    def validator(self, node: colander.SchemaNode, values: dict[str, Any]) -> None:
        """A new poll closes in the future; once someone voted, its choices and whether
        more than one may be chosen stay as they are (the ballots count by them)."""
        errors = colander.Invalid(node)
        try:
            super().validator(node, values)
        except colander.Invalid as error:
            errors = error
        poll = poll_changed(self.bindings.get("request") if self.bindings else None)
        closes = values.get("closes_at")
        if closes is not None and closes <= now():
            unchanged = poll is not None and poll.closes_at == closes
            if not unchanged and (poll is None or not poll.is_closed()):
                errors["closes_at"] = _("The closing moment has passed: choose one to come.")
        if poll is not None and poll.voter_count():
            for name in ("choices", "multiple"):
                if name in values and values[name] != getattr(poll, name):
                    errors[name] = _(
                        "Someone has voted already, so the choices cannot change any more."
                    )
        if errors.children or errors.msg is not None:
            raise errors
