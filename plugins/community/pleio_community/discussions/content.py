"""Discussions and questions: two content types whose talk is the core's comments.

A discussion's replies are its comments. A question's answers are its top-level comments
(a reply to an answer stays a reply); its asker, the group's managers and the site's admins
settle it: they mark one answer as the best (shown first) and close the question, after
which nobody answers, replies or likes there until it is opened again. Closing takes the
permission ``add`` away on the question itself, so every way in (the page, the core's
comment form, the JSON API) is shut at once.
"""

from __future__ import annotations

from typing import Any

from pyramid.authorization import Deny, Everyone
from pyramid.request import Request

from pleio_core.plugin_api import Content, comments_of

from ..groups import MANAGE
from ..i18n import DOMAIN, _


class Discussion(Content):
    """A conversation started with a text; the others reply (the core's comments)."""


class Question(Content):
    """A question; its answers are its top-level comments."""

    #: The id of the comment marked as the best answer (None: none is).
    best_answer: int | None = None
    closed = False

    @property
    def __acl__(self) -> list:
        acl = super().__acl__
        if self.closed:  # before the admins' "everything": closed is closed for everyone
            acl.insert(0, (Deny, Everyone, "add"))
        return acl

    def answers(self) -> list[tuple[Any, list[Any]]]:
        """The answers, each with its replies: the best first, then the oldest first."""
        comments = comments_of(self)
        threads = comments.threads() if comments is not None else []
        return sorted(threads, key=lambda thread: thread[0].id != self.best_answer)

    def answer_count(self) -> int:
        return len(self.answers())

    def best(self) -> Any:
        """The best answer, if one is marked and still there."""
        comments = comments_of(self)
        if self.best_answer is None or comments is None:
            return None
        found = comments.get(self.best_answer)
        return found if found is not None and found.reply_to is None else None


class SettleError(ValueError):
    """A change to a question that cannot be made; ``message`` says why."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def may_settle(request: Request, question: Question) -> bool:
    """Its asker, a manager of the group it is in, or an admin of the site."""
    identity = request.identity
    if identity is None:
        return False
    return identity.id == question.owner or bool(request.has_permission(MANAGE, question))


def mark_best(question: Question, answer: Any) -> None:
    """Mark the answer (a comment's id, as a form sends it) as the best one."""
    try:
        answer_id = int(answer)
    except (TypeError, ValueError):
        raise SettleError(_("Choose the answer to mark as the best.")) from None
    comments = comments_of(question)
    found = comments.get(answer_id) if comments is not None else None
    if found is None:
        raise SettleError(_("That answer is not there (any more)."))
    if found.reply_to is not None:
        raise SettleError(_("That is a reply to an answer, not an answer to the question."))
    question.best_answer = answer_id


def question_note(request: Request, question: Question, count: int, best: Any) -> str:
    """ "3 answers · answered · closed", from the answers counted and the best one found."""
    localizer = request.localizer
    parts = [
        localizer.pluralize(
            "${count} answer", "${count} answers", count, domain=DOMAIN, mapping={"count": count}
        )
    ]
    if best is not None:
        parts.append(localizer.translate(_("answered")))
    if question.closed:
        parts.append(localizer.translate(_("closed")))
    return " · ".join(parts)


def listing_note(request: Request, item: object) -> str:
    """What a listing says of a question or a discussion beside its title, in the visitor's
    language: "3 answers · answered", "closed", "5 replies" ("" for other content)."""
    localizer = request.localizer
    if isinstance(item, Question):
        return question_note(request, item, item.answer_count(), item.best())
    if isinstance(item, Discussion):
        comments = comments_of(item)
        count = len(comments) if comments is not None else 0
        return localizer.pluralize(
            "${count} reply", "${count} replies", count,
            domain=DOMAIN, mapping={"count": count},
        )  # fmt: skip
    return ""
