"""The form (and API) of a poll: its question, 2 to 20 choices one per line, one or more
choices per voter, when the results are shown, and an optional closing moment."""

from __future__ import annotations

import re
from typing import Any

import colander
import deform.widget

from pleio_core.plugin_api import ContentSchema, now

from ..i18n import _
from .model import AFTER_VOTING, MAX_CHOICE, MAX_CHOICES, MIN_CHOICES, RESULTS_TITLES

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


def _question() -> colander.SchemaNode:
    """The core's title, with its rules, asked as the poll's question."""
    node = ContentSchema()["title"].clone()
    node.title = _("Poll question")
    return node


def _closing() -> colander.SchemaNode:
    """The core's moment field (Dutch time unless an offset is given, kept in UTC, an
    impossible date refused), as the poll's closing moment."""
    node = ContentSchema()["publish_until"].clone()
    node.name, node.title = "closes_at", _("Closes at")
    node.description = _("Optional. From this moment on nobody can vote. Dutch time.")
    node.insert_before = "tags"  # (a clone of a core node: it comes first; the rest go before it)
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
        insert_before="closes_at",  # the poll's own fields after its question and text
    )
    multiple = colander.SchemaNode(
        colander.Boolean(),
        title=_("Voters may choose more than one answer"),
        missing=False,
        insert_before="closes_at",
    )
    results = colander.SchemaNode(
        colander.String(),
        title=_("When are the results shown?"),
        missing=AFTER_VOTING,
        validator=colander.OneOf(tuple(RESULTS_TITLES)),
        widget=deform.widget.RadioChoiceWidget(values=list(RESULTS_TITLES.items())),
        insert_before="closes_at",
    )
    closes_at = _closing()

    def validator(self, node: colander.SchemaNode, values: dict[str, Any]) -> None:
        """A new poll closes in the future; once someone voted, its choices and whether
        more than one may be chosen stay as they are (the ballots count by them)."""
        errors = colander.Invalid(node)
        try:
            super().validator(node, values)
        except colander.Invalid as error:
            errors = error
        poll = self.bindings.get("content") if self.bindings else None
        closes = values.get("closes_at")
        if closes is not None and closes <= now():
            unchanged = poll is not None and poll.closes_at == closes
            if not unchanged and (poll is None or not poll.is_closed()):
                errors["closes_at"] = _("The closing moment has passed: choose one to come.")
        if poll is not None and poll.votes:
            for name in ("choices", "multiple"):
                if name in values and values[name] != getattr(poll, name):
                    errors[name] = _(
                        "Someone has voted already, so the choices cannot change any more."
                    )
        if errors.children or errors.msg is not None:
            raise errors
