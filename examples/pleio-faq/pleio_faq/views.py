"""The FAQ's page: the questions by topic (those without one first), alphabetically, each
answer under its question in a disclosure widget (``<details>``: keyboard and screen
readers handle it natively)."""

from itertools import groupby
from typing import Any, NamedTuple

from pleio_core.plugin_api import ModuleFolder, add_links, folder_title, visible_children
from pyramid.config import Configurator
from pyramid.request import Request

from .content import Question


class Topic(NamedTuple):
    title: str  # "" for the questions without a topic
    questions: list[Question]


def topics(questions: list[Question]) -> list[Topic]:
    def key(question: Question) -> tuple[str, str]:
        return question.topic.casefold(), question.title.casefold()

    ordered = sorted(questions, key=key)
    return [
        Topic(group[0].topic, group)
        for group in (list(g) for _, g in groupby(ordered, key=lambda q: q.topic.casefold()))
    ]


def faq_page(context: ModuleFolder, request: Request) -> dict[str, Any]:
    questions = [q for q in visible_children(request, context) if isinstance(q, Question)]
    return {
        "title": folder_title(request, context),
        "topics": topics(questions),
        "add_links": add_links(request, context),
    }


def includeme(config: Configurator) -> None:
    config.add_view(
        faq_page,
        context=ModuleFolder,
        module_folder="faq",
        renderer="pleio_faq:templates/faq.pt",
        request_method=("GET", "HEAD"),
        permission="view",
    )
