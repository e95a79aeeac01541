"""The community's discussions (with replies) and questions (with answers, a best answer,
and closing): their types, pages, demo content and their part of an export.

Replies and answers are the core's comments, so they are in search, activity, the export
and "Download my data" already, and whoever asked is notified of a new answer by the core
(``reply-content``, a comment on your content). What a question adds — which answer is the
best, whether it is closed — is kept on the question; it names no account, so a person's
own data holds nothing more of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry

from pleio_core.plugin_api import comments_of

from ..i18n import _
from ..samples import add_sample
from .content import Discussion, Question, listing_note
from .schemas import DiscussionSchema, QuestionSchema

__all__ = ["Discussion", "Question", "listing_note"]


def includeme(config: Configurator) -> None:
    """Declare the content types and their views."""
    where = ("module", "group")
    config.add_content_type(
        "discussion", Discussion, title=_("Discussion"), schema=DiscussionSchema,
        addable_to=where,
    )  # fmt: skip
    config.add_content_type(
        "question", Question, title=_("Question"), schema=QuestionSchema, addable_to=where
    )
    config.include(".views")


SAMPLE: dict[str, dict[str, tuple[str, str]]] = {
    "nl": {
        "discussion": (
            "Hoe toegankelijk is ons intranet?",
            "Ik heb het intranet met alleen het toetsenbord geprobeerd. Wie doet mee en "
            "deelt wat hem of haar opviel?",
        ),
        "question": (
            "Welke kleuren hebben genoeg contrast?",
            "Voor tekst op een gekleurde achtergrond: hoe weet ik of het contrast genoeg is?",
        ),
    },
    "en": {
        "discussion": (
            "How accessible is our intranet?",
            "I tried the intranet with the keyboard alone. Who joins in and shares what "
            "they noticed?",
        ),
        "question": (
            "Which colours have enough contrast?",
            "For text on a coloured background: how do I know whether the contrast is enough?",
        ),
    },
}
#: The answer to the demo question, marked as the best.
SAMPLE_ANSWER = {
    "nl": "Tekst heeft een contrast van minstens 4,5 : 1 nodig, grote tekst 3 : 1 "
    "(WCAG 1.4.3). Meet het met een contrastchecker.",
    "en": "Text needs a contrast of at least 4.5 : 1, large text 3 : 1 "
    "(WCAG 1.4.3). Measure it with a contrast checker.",
}


def sample_content(
    group: Any, registry: Registry, language: str, owner: str | None, owner_name: str
) -> None:
    """A discussion, and a question with an answer marked as the best, in the demo group."""
    texts = SAMPLE.get(language)
    if texts is None:
        return
    items = {"discussion": Discussion, "question": Question}
    for name, factory in items.items():
        if name in group:
            return
        title, body = texts[name]
        add_sample(group, registry, factory(title, owner=owner), name, owner_name, body)
    if owner is not None:  # (a demo site without accounts has nobody to answer)
        question = group["question"]
        text = SAMPLE_ANSWER[language]
        answer = comments_of(question, create=True).add(owner, owner_name, text)
        question.best_answer = answer.id


def export_extra(content: object, email_of: Callable[[str | None], str | None]) -> dict | None:
    """A question's best answer (its comment's id: comments keep their ids in an export)
    and whether it is closed; None for a question with neither, and for the rest."""
    best = content.best() if isinstance(content, Question) else None
    if not isinstance(content, Question) or (best is None and not content.closed):
        return None
    return {"question": {"best_answer": best.id if best is not None else None,
                         "closed": content.closed}}  # fmt: skip


def import_extra(
    content: object, data: Any, account_id: Callable[[str | None], str | None]
) -> bool:
    """Restore what export_extra gave; False if the content is not of our types."""
    if not isinstance(content, Question) or not isinstance(data, dict) or "question" not in data:
        return False
    found = data["question"]
    if not isinstance(found, dict) or set(found) != {"best_answer", "closed"}:
        raise ValueError("a question's data is {'best_answer': id or null, 'closed': bool}")
    best, closed = found["best_answer"], found["closed"]
    if not (best is None or (isinstance(best, int) and not isinstance(best, bool))):
        raise ValueError("a question's best answer is a comment's id (a number) or null")
    if not isinstance(closed, bool):
        raise ValueError("whether a question is closed is true or false")
    content.best_answer, content.closed = best, closed
    return True


def personal_data(site: Any, account_id: str) -> dict | None:
    """Nothing: what someone wrote here are the core's content and comments (in their
    download already), and marking a best answer or closing a question is not recorded
    per account."""
    return None
