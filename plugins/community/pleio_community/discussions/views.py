"""The pages of discussions and questions, and settling a question.

Adding, editing and deleting are the core's forms; replies and answers are posted to the
core's comment form (``@@comment``). Settling a question (``@@best-answer``,
``@@close``, ``@@reopen``) is for ``may_settle``; a refusal shows the question again with
why (4xx), and nothing is written.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import get_renderer
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import ContentTouched, ModuleFolder, content_view, folder_title

from ..i18n import _
from ..refusals import refuse
from .content import (
    Discussion,
    Question,
    SettleError,
    listing_note,
    mark_best,
    may_settle,
    question_note,
)

TEMPLATES = "pleio_community:discussions/templates/"
CONTENT_PAGE = "pleio_core:templates/content.pt"


def _page_values(
    context: Discussion | Question, request: Request, note: str | None = None
) -> dict[str, Any]:
    values = content_view(context, request)
    parent = context.__parent__
    values.update(
        # the core's own parts of its content page (a comment, the reactions, the replies),
        # and the head of ours (title, byline, text, actions), which a question shares
        content_macros=get_renderer(CONTENT_PAGE).implementation().macros,
        page_macros=get_renderer(TEMPLATES + "discussion.pt").implementation().macros,
        parent_url=request.resource_url(parent),
        parent_title=folder_title(request, parent)
        if isinstance(parent, ModuleFolder)
        else getattr(parent, "title", ""),
        note=listing_note(request, context) if note is None else note,
    )
    return values


def discussion_view(context: Discussion, request: Request) -> dict[str, Any]:
    return _page_values(context, request)


def question_view(context: Question, request: Request, error: Any = None) -> dict[str, Any]:
    answers, best = context.answers(), context.best()  # (each once: the note takes them too)
    values = _page_values(context, request, question_note(request, context, len(answers), best))
    done = request.GET.get("done")
    values.update(
        answers=answers,
        best=best,
        may_settle=may_settle(request, context),
        error=error,
        done=request.localizer.translate(DONE[done]) if done in DONE else None,
    )
    return values


DONE = {
    "best": _("The answer is marked as the best. It is shown first."),
    "unmarked": _("No answer is marked as the best any more."),
    "closed": _("The question is closed: nobody can answer it any more."),
    "reopened": _("The question is open again: members can answer it."),
}


def _refuse(context: Question, request: Request, error: Any, status: int) -> Response:
    """The question again, with why the change was not made; nothing was written."""
    return refuse(
        TEMPLATES + "question.pt", question_view(context, request, error), request, status
    )


def _done(context: Question, request: Request, what: str) -> HTTPSeeOther:
    request.registry.notify(ContentTouched(context, request))
    return HTTPSeeOther(location=request.resource_url(context, query={"done": what}))


def best_answer(context: Question, request: Request) -> Response:
    """Mark an answer as the best (``answer=<id>``), or none (``answer=none``)."""
    if not may_settle(request, context):
        message = _("Only the one who asked and the group's managers mark the best answer.")
        return _refuse(context, request, message, 403)
    answer = request.POST.get("answer")
    if answer == "none":
        context.best_answer = None
        return _done(context, request, "unmarked")
    try:
        mark_best(context, answer)
    except SettleError as error:
        return _refuse(context, request, error.message, 400)
    return _done(context, request, "best")


#: view name → (closed after it, what is done, why someone else may not)
CLOSING = {
    "close": (
        True,
        "closed",
        _("Only the one who asked and the group's managers close the question."),
    ),
    "reopen": (
        False,
        "reopened",
        _("Only the one who asked and the group's managers open the question again."),
    ),
}


def set_closed(context: Question, request: Request) -> Response:
    """Close the question (``@@close``) or open it again (``@@reopen``)."""
    closed, done, refusal = CLOSING[request.view_name]
    if not may_settle(request, context):
        return _refuse(context, request, refusal, 403)
    context.closed = closed
    return _done(context, request, done)


def answer_closed(context: Question, request: Request) -> Response:
    """An answer or reply posted to a closed question: refused, with why. (Posted to an
    open one, the core's comment form takes it: see ``QuestionClosed``.)"""
    message = _("This question is closed: it takes no more answers or replies.")
    return _refuse(context, request, message, 409)


class QuestionClosed:
    """A view predicate, ``question_closed=True``: the context is a closed question. A view
    with it for ``Question`` comes before the core's comment view for all content, and
    Pyramid goes on to that one when the predicate does not hold."""

    def __init__(self, value: bool, config: Configurator) -> None:
        self.value = value

    def text(self) -> str:
        return f"question_closed = {self.value}"

    phash = text

    def __call__(self, context: object, request: Request) -> bool:
        return isinstance(context, Question) and context.closed == self.value


def includeme(config: Configurator) -> None:
    read = ("GET", "HEAD")
    config.add_view_predicate("question_closed", QuestionClosed)
    config.add_view(
        discussion_view, context=Discussion, renderer=TEMPLATES + "discussion.pt",
        request_method=read, permission="view",
    )  # fmt: skip
    config.add_view(
        question_view, context=Question, renderer=TEMPLATES + "question.pt",
        request_method=read, permission="view",
    )  # fmt: skip
    for name, view in (("best-answer", best_answer), *((n, set_closed) for n in CLOSING)):
        config.add_view(view, context=Question, name=name, request_method="POST", permission="view")
    config.add_view(
        answer_closed, context=Question, name="comment", request_method="POST",
        permission="view", question_closed=True,
    )  # fmt: skip
